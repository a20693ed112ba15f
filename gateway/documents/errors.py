"""Why a document is refused or not found.

```
DocumentError
├── DocumentTooLarge        more bytes than SEVA_MAX_UPLOAD_BYTES
├── UnsupportedDocument     the bytes are not a PDF, JPEG or PNG (whatever the file name says)
├── UnknownDocumentType     the catalogue declares no such document type
├── InvalidDocumentField    issuer or validity date that cannot be used
└── DocumentNotFound        no document with that ID that the caller may see
```
"""

from __future__ import annotations

__all__ = [
    "DocumentError",
    "DocumentNotFound",
    "DocumentTooLarge",
    "InvalidDocumentField",
    "UnknownDocumentType",
    "UnsupportedDocument",
]


class DocumentError(Exception):
    """Root of the document store's errors."""


class DocumentTooLarge(DocumentError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the file has {size} bytes; at most {limit} are accepted")
        self.size = size
        self.limit = limit


class UnsupportedDocument(DocumentError):
    """The bytes are none of the accepted formats."""


class UnknownDocumentType(DocumentError):
    def __init__(self, doc_type: str) -> None:
        super().__init__(f"no document type {doc_type!r} in the catalogue")
        self.doc_type = doc_type


class InvalidDocumentField(DocumentError):
    def __init__(self, field: str, message: str, message_hi: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.message_hi = message_hi


class DocumentNotFound(DocumentError):
    def __init__(self, document_id: str) -> None:
        super().__init__(f"no document {document_id}")
        self.document_id = document_id
