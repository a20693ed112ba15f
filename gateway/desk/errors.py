"""Why a step at the desk, or a department's callback, is refused.

```
CaseNotFound          404  not on a desk the caller may work (another department's, district's)
VerificationNotFound  404  no field verification assigned to the caller with that number
AlreadyDecided        409  the application was already decided (approving twice, a late callback)
CaseStateConflict     409  the step does not fit where the case stands (answering what was not returned)
DocumentsStillMissing 422  the citizen answered a return without the documents asked for
DeskRefused           422  a wrong input (an unknown document type, a field officer of another office)
CallbackRefused       401  a callback without a valid signature, or from an adapter with no callback secret
CallbackStale         401  a callback whose timestamp is outside the replay window
CallbackReplayed      409  a callback already received (the same signature)
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = [
    "AlreadyDecided",
    "CallbackRefused",
    "CallbackReplayed",
    "CallbackStale",
    "CaseNotFound",
    "CaseStateConflict",
    "DeskRefused",
    "DocumentsStillMissing",
    "VerificationNotFound",
]


class CaseNotFound(SevaError):
    code, status = "unknown_case", 404
    title = Message(en="No such application on your desk", hi="आपके डेस्क पर ऐसा कोई आवेदन नहीं है")

    def __init__(self, reference: str) -> None:
        super().__init__(
            Message(
                en=f"Application {reference[:20]} is not on a desk you may work.",
                hi=f"आवेदन {reference[:20]} आपके कार्यक्षेत्र के डेस्क पर नहीं है।",
            )
        )


class VerificationNotFound(SevaError):
    code, status = "unknown_verification", 404
    title = Message(en="No such field verification", hi="ऐसा कोई स्थल सत्यापन नहीं है")

    def __init__(self, verification_id: int) -> None:
        super().__init__(
            Message(
                en=f"No field verification {verification_id} is assigned to you.",
                hi=f"स्थल सत्यापन {verification_id} आपको सौंपा नहीं गया है।",
            )
        )


class AlreadyDecided(SevaError):
    code, status = "already_decided", 409
    title = Message(en="The application was already decided", hi="आवेदन का निराकरण हो चुका है")

    def __init__(self, reference: str, status: str) -> None:
        super().__init__(
            Message(
                en=f"Application {reference} was already decided ({status}); nothing was changed.",
                hi=f"आवेदन {reference} का निराकरण हो चुका है ({status}); कुछ नहीं बदला गया।",
            ),
            extra={"current_status": status},
        )


class CaseStateConflict(SevaError):
    code, status = "case_state_conflict", 409
    title = Message(
        en="The step does not fit where the application stands", hi="यह चरण आवेदन की स्थिति के अनुरूप नहीं है"
    )

    def __init__(self, en: str, hi: str) -> None:
        super().__init__(Message(en=en, hi=hi))


class DocumentsStillMissing(SevaError):
    code, status = "documents_still_missing", 422
    title = Message(en="The documents asked for are still missing", hi="माँगे गए दस्तावेज़ अभी भी नहीं हैं")

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            Message(
                en=f"Upload these first, then answer again: {', '.join(missing)}.",
                hi=f"पहले ये अपलोड करें, फिर उत्तर दें: {', '.join(missing)}।",
            ),
            errors=[FieldError(field=f"documents.{m}", message="missing") for m in missing],
        )


class DeskRefused(SevaError):
    code, status = "desk_step_refused", 422
    title = Message(en="The step cannot be taken as asked", hi="यह चरण इस प्रकार नहीं लिया जा सकता")

    def __init__(self, field: str, en: str, hi: str) -> None:
        super().__init__(Message(en=en, hi=hi), errors=[FieldError(field=field, message=en)])


class CallbackRefused(SevaError):
    code, status = "callback_refused", 401
    title = Message(en="The callback is not signed as agreed", hi="कॉलबैक सहमत प्रकार से हस्ताक्षरित नहीं है")

    def __init__(self, why: str) -> None:
        super().__init__(
            Message(
                en=f"Refused: {why}. Sign the timestamp and body with the adapter's callback secret "
                "(X-Seva-Timestamp, X-Seva-Signature).",
                hi="अस्वीकृत: हस्ताक्षर मान्य नहीं है। समय और मुख्य भाग को एडॉप्टर के कॉलबैक रहस्य से हस्ताक्षरित करें।",
            )
        )


class CallbackStale(SevaError):
    code, status = "callback_stale", 401
    title = Message(en="The callback is too old or from the future", hi="कॉलबैक बहुत पुराना है या समय गलत है")

    def __init__(self, window: float) -> None:
        super().__init__(
            Message(
                en=f"The timestamp is more than {int(window)} seconds from the gateway's clock.",
                hi=f"समय-मुद्रा गेटवे की घड़ी से {int(window)} सेकंड से अधिक अलग है।",
            )
        )


class CallbackReplayed(SevaError):
    code, status = "callback_replayed", 409
    title = Message(en="This callback was already received", hi="यह कॉलबैक पहले ही प्राप्त हो चुका है")

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="The same signed callback was already received; it is not applied twice.",
                hi="यही हस्ताक्षरित कॉलबैक पहले प्राप्त हो चुका है; इसे दोबारा लागू नहीं किया जाता।",
            )
        )
