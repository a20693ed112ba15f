"""Why a document is refused or not found, each with its stable code, status and titles.

```
DocumentTooLarge        413  more bytes than SEVA_MAX_UPLOAD_BYTES
DocumentQuotaExceeded   413  the family's documents would take more than SEVA_DOCUMENT_QUOTA_BYTES
UnsupportedDocument     415  the bytes are not a PDF, JPEG or PNG (whatever the file name says)
UnknownDocumentType     422  the catalogue declares no such document type
InvalidDocumentField    422  issuer or validity date that cannot be used
DocumentNotFound        404  no document with that ID that the caller may see
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = [
    "DocumentNotFound",
    "DocumentQuotaExceeded",
    "DocumentTooLarge",
    "InvalidDocumentField",
    "UnknownDocumentType",
    "UnsupportedDocument",
]


class DocumentTooLarge(SevaError):
    code, status = "document_too_large", 413
    title = Message(en="The file is too large", hi="फ़ाइल बहुत बड़ी है")

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            Message(
                en=f"The file has {size} bytes; at most {limit} are accepted.",
                hi=f"फ़ाइल {size} बाइट की है; अधिकतम {limit} बाइट स्वीकार हैं।",
            ),
            errors=[FieldError(field="file", message=f"larger than {limit} bytes")],
        )
        self.size = size
        self.limit = limit


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class DocumentQuotaExceeded(SevaError):
    """The family's stored documents and this one together would pass the family's storage quota."""

    code, status = "document_quota_exceeded", 413
    title = Message(en="Your family's document storage is full", hi="आपके परिवार के दस्तावेज़ों की जगह भर गई है")

    def __init__(self, used: int, size: int, quota: int) -> None:
        left = max(quota - used, 0)
        super().__init__(
            Message(
                en=f"Your family's documents take {_megabytes(used)} of the {_megabytes(quota)} allowed; "
                f"this file needs {_megabytes(size)} and only {_megabytes(left)} is left. "
                "Upload a smaller scan, or ask the help desk (181) to remove documents you no longer need.",
                hi=f"आपके परिवार के दस्तावेज़ {_megabytes(quota)} में से {_megabytes(used)} जगह ले चुके हैं; इस "
                f"फ़ाइल को {_megabytes(size)} चाहिए और केवल {_megabytes(left)} बची है। छोटी स्कैन फ़ाइल अपलोड करें, "
                "या जो दस्तावेज़ अब नहीं चाहिए उन्हें हटाने के लिए हेल्पलाइन (181) से संपर्क करें।",
            ),
            errors=[FieldError(field="file", message=f"the family's storage quota of {quota} bytes is full")],
        )
        self.used = used
        self.quota = quota


class UnsupportedDocument(SevaError):
    """The bytes are none of the accepted formats."""

    code, status = "unsupported_document", 415
    title = Message(en="Only PDF, JPEG and PNG files are accepted", hi="केवल PDF, JPEG और PNG फ़ाइलें स्वीकार हैं")

    def __init__(self, why: str = "") -> None:
        super().__init__(
            Message(
                en="The file is not a PDF, JPEG or PNG (judged by its content, not its name).",
                hi="फ़ाइल PDF, JPEG या PNG नहीं है (नाम से नहीं, सामग्री से जाँचा गया)।",
            ),
            errors=[FieldError(field="file", message="not a PDF, JPEG or PNG")],
        )
        self.why = why


class UnknownDocumentType(SevaError):
    code, status = "unknown_document_type", 422
    title = Message(en="No such document type", hi="ऐसा कोई दस्तावेज़ प्रकार नहीं है")

    def __init__(self, doc_type: str) -> None:
        super().__init__(
            Message(
                en=f"The catalogue has no document type '{doc_type}'.",
                hi=f"सूची में '{doc_type}' दस्तावेज़ प्रकार नहीं है।",
            ),
            errors=[FieldError(field="doc_type", message="unknown document type")],
        )
        self.doc_type = doc_type


class InvalidDocumentField(SevaError):
    code, status = "invalid_document", 422
    title = Message(en="A detail of the document is not valid", hi="दस्तावेज़ का कोई विवरण मान्य नहीं है")

    def __init__(self, field: str, message: str, message_hi: str) -> None:
        super().__init__(
            Message(en=f"{field}: {message}", hi=f"{field}: {message_hi}"),
            errors=[FieldError(field=field, message=message)],
        )
        self.field = field


class DocumentNotFound(SevaError):
    """No document with that ID that the caller may see: another family's document does not exist, as
    far as the caller can tell."""

    code, status = "unknown_document", 404
    title = Message(en="No such document", hi="ऐसा कोई दस्तावेज़ नहीं है")

    def __init__(self, document_id: str) -> None:
        super().__init__(Message(en=f"No document {document_id}.", hi=f"दस्तावेज़ {document_id} नहीं मिला।"))
        self.document_id = document_id
