"""Why a step of the guarantee is refused, each with its stable code, status and titles.

```
NoGuarantee         404  no guarantee clock the caller may see
AppealNotFound      404  no appeal with that number that the caller may see
NotTheApplicant     403  only the applicant (or who applied for them) may appeal
AppealNotAllowed    409  nothing to appeal yet, or the appeal at that level was already filed
AppealOutOfTime     409  the window to file has closed
AppealDecided       409  the appeal was already decided
AppealRefused       422  a decision that does not fit (a penalty at the first level, a sum past the cap)
ReportRefused       400  a report asked for by something it cannot group by
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = [
    "AppealDecided",
    "AppealNotAllowed",
    "AppealNotFound",
    "AppealOutOfTime",
    "AppealRefused",
    "NoGuarantee",
    "NotTheApplicant",
    "ReportRefused",
]


class NoGuarantee(SevaError):
    code, status = "no_guarantee", 404
    title = Message(
        en="No guaranteed time limit for this application", hi="इस आवेदन की कोई गारंटीकृत समय-सीमा नहीं है"
    )

    def __init__(self, reference: str) -> None:
        super().__init__(
            Message(
                en=f"Application {reference} has no time limit under the guarantee Act that you may see.",
                hi=f"आवेदन {reference} की गारंटी अधिनियम के अंतर्गत कोई समय-सीमा नहीं है जो आप देख सकें।",
            )
        )


class AppealNotFound(SevaError):
    code, status = "unknown_appeal", 404
    title = Message(en="No such appeal", hi="ऐसी कोई अपील नहीं है")

    def __init__(self, appeal_id: int) -> None:
        super().__init__(
            Message(en=f"No appeal {appeal_id} that you may see.", hi=f"अपील {appeal_id} नहीं मिली।")
        )


class NotTheApplicant(SevaError):
    code, status = "not_the_applicant", 403
    title = Message(en="Only the applicant may appeal", hi="केवल आवेदक अपील कर सकते हैं")

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="An appeal is filed by the member the application is for, or by whoever applied for them.",
                hi="अपील वही सदस्य कर सकते हैं जिनके लिए आवेदन है, या जिन्होंने उनके लिए आवेदन किया।",
            )
        )


class AppealNotAllowed(SevaError):
    code, status = "appeal_not_allowed", 409
    title = Message(en="There is nothing to appeal", hi="अपील करने योग्य कुछ नहीं है")

    def __init__(self, en: str, hi: str) -> None:
        super().__init__(Message(en=en, hi=hi))


class AppealOutOfTime(SevaError):
    code, status = "appeal_out_of_time", 409
    title = Message(en="The time to appeal has passed", hi="अपील की समय-सीमा बीत चुकी है")

    def __init__(self, last_day: str, days: int) -> None:
        super().__init__(
            Message(
                en=f"An appeal had to be filed within {days} days, by {last_day}.",
                hi=f"अपील {days} दिनों के भीतर, {last_day} तक की जानी थी।",
            ),
            extra={"last_day": last_day},
        )


class AppealDecided(SevaError):
    code, status = "appeal_decided", 409
    title = Message(en="The appeal was already decided", hi="अपील का निर्णय हो चुका है")

    def __init__(self, appeal_id: int, state: str) -> None:
        super().__init__(
            Message(
                en=f"Appeal {appeal_id} was already decided ({state}).",
                hi=f"अपील {appeal_id} का निर्णय हो चुका है ({state})।",
            )
        )


class AppealRefused(SevaError):
    code, status = "appeal_decision_refused", 422
    title = Message(en="The decision does not fit the appeal", hi="निर्णय इस अपील के अनुरूप नहीं है")

    def __init__(self, field: str, en: str, hi: str) -> None:
        super().__init__(Message(en=en, hi=hi), errors=[FieldError(field=field, message=en)])


class ReportRefused(SevaError):
    code, status = "report_refused", 400
    title = Message(en="The report cannot be made as asked", hi="रिपोर्ट इस प्रकार नहीं बन सकती")

    def __init__(self, field: str, en: str, hi: str) -> None:
        super().__init__(Message(en=en, hi=hi), errors=[FieldError(field=field, message=en)])
