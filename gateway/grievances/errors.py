"""Why a grievance step is refused, each with its stable code, status and titles.

```
GrievanceNotFound        404  no grievance with that number that the caller may see
GrievanceInvalid         422  the filing does not fit (unknown service, a malformed number, a document
                              not in the family's store, a link to an unknown grievance)
UnknownCategory          422  a department or category the routing file does not hold
DistrictNotInState       422  a district that is not one of the state's
NotYourApplication       422  an application of another family (or none): same answer for both
ReminderTooSoon          429  a reminder sooner than the routing file allows
FeedbackNotDue           409  feedback on a grievance that is not resolved
OutsideJurisdiction      403  an officer acting outside their department, level or district
GrievanceStateConflict   409  a step that does not fit where the grievance stands
ClosureNotAllowed        409  a special or force closure at a level not allowed, or before the citizen
                              was told
TransferCapReached       409  the routing file's cap on transfers is reached
RelayRefused             401  a relayed SMS reply without the provider's token
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = [
    "ClosureNotAllowed",
    "DistrictNotInState",
    "FeedbackNotDue",
    "GrievanceInvalid",
    "GrievanceNotFound",
    "GrievanceStateConflict",
    "NotYourApplication",
    "OutsideJurisdiction",
    "RelayRefused",
    "ReminderTooSoon",
    "TransferCapReached",
    "UnknownCategory",
]


class GrievanceNotFound(SevaError):
    code, status = "unknown_grievance", 404
    title = Message(en="No such grievance", hi="ऐसी कोई शिकायत नहीं है")

    def __init__(self, number: str) -> None:
        super().__init__(
            Message(en=f"No grievance {number} that you may see.", hi=f"शिकायत {number} नहीं मिली।")
        )


class GrievanceInvalid(SevaError):
    code, status = "grievance_invalid", 422
    title = Message(en="The grievance cannot be taken as written", hi="शिकायत इस रूप में दर्ज नहीं हो सकती")

    def __init__(self, field: str, en: str, hi: str) -> None:
        super().__init__(Message(en=en, hi=hi), errors=[FieldError(field=field, message=en)])


class UnknownCategory(SevaError):
    code, status = "unknown_grievance_category", 422
    title = Message(en="Unknown department or category", hi="अज्ञात विभाग या श्रेणी")

    def __init__(self, field: str, value: str, known: list[str]) -> None:
        shown = ", ".join(known[:30])
        what = "श्रेणी" if field == "category" else "विभाग"
        super().__init__(
            Message(
                en=f"'{value}' is not a grievance {field} here; one of: {shown}.",
                hi=f"'{value}' यहाँ शिकायत का मान्य {what} नहीं है; इनमें से एक चुनें: {shown}।",
            ),
            errors=[FieldError(field=field, message=f"unknown {field} '{value}'")],
        )


class DistrictNotInState(SevaError):
    code, status = "district_not_in_state", 422
    title = Message(en="The district is not in this state", hi="यह ज़िला इस राज्य में नहीं है")

    def __init__(self, field: str, district: str) -> None:
        super().__init__(
            Message(
                en=f"'{district}' is not a district of this state.",
                hi=f"'{district}' इस राज्य का ज़िला नहीं है।",
            ),
            errors=[FieldError(field=field, message=f"unknown district '{district}'")],
        )


class NotYourApplication(SevaError):
    code, status = "application_not_yours", 422
    title = Message(en="Not an application of your family", hi="यह आपके परिवार का आवेदन नहीं है")

    def __init__(self, reference: str) -> None:
        super().__init__(
            Message(
                en=f"Application {reference} is not one of your family's; a grievance names only your own.",
                hi=f"आवेदन {reference} आपके परिवार का नहीं है; शिकायत केवल अपने आवेदन के बारे में की जा सकती है।",
            ),
            errors=[FieldError(field="application_reference", message="not an application of your family")],
        )


class ReminderTooSoon(SevaError):
    code, status = "reminder_too_soon", 429
    title = Message(en="A reminder was sent recently", hi="हाल ही में स्मरण-पत्र भेजा जा चुका है")

    def __init__(self, hours: int, next_at: str, retry_after: int) -> None:
        super().__init__(
            Message(
                en=f"Reminders are at least {hours} hours apart; the next can be sent after {next_at}.",
                hi=f"स्मरण-पत्रों के बीच कम से कम {hours} घंटे होने चाहिए; अगला {next_at} के बाद भेजा जा सकता है।",
            ),
            headers={"Retry-After": str(max(1, retry_after))},
            extra={"next_reminder_at": next_at},
        )


class FeedbackNotDue(SevaError):
    code, status = "feedback_not_due", 409
    title = Message(en="The grievance is not resolved yet", hi="शिकायत का अभी समाधान नहीं हुआ है")

    def __init__(self, number: str, status: str) -> None:
        super().__init__(
            Message(
                en=f"Feedback is asked for once grievance {number} is marked resolved; it is {status}.",
                hi=f"शिकायत {number} का समाधान दर्ज होने के बाद ही प्रतिक्रिया ली जाती है; अभी स्थिति: {status}।",
            )
        )


class OutsideJurisdiction(SevaError):
    code, status = "grievance_outside_jurisdiction", 403
    title = Message(en="Not a grievance of your level or area", hi="यह शिकायत आपके स्तर या क्षेत्र की नहीं है")

    def __init__(self, number: str, why: str, why_hi: str) -> None:
        super().__init__(
            Message(
                en=f"You may not act on grievance {number}: {why}.",
                hi=f"आप शिकायत {number} पर कार्यवाही नहीं कर सकते: {why_hi}।",
            )
        )


class GrievanceStateConflict(SevaError):
    code, status = "grievance_state_conflict", 409
    title = Message(
        en="That step does not fit where the grievance stands", hi="यह कदम शिकायत की वर्तमान स्थिति में संभव नहीं"
    )

    def __init__(self, number: str, status: str, step: str) -> None:
        super().__init__(
            Message(
                en=f"Grievance {number} is {status}; it cannot be {step} now.",
                hi=f"शिकायत {number} की स्थिति {status} है; अभी यह कदम ({step}) संभव नहीं है।",
            ),
            extra={"grievance_status": status},
        )


class ClosureNotAllowed(SevaError):
    code, status = "closure_not_allowed", 409
    title = Message(en="This closure is not allowed", hi="इस प्रकार बंद करने की अनुमति नहीं है")

    def __init__(self, en: str, hi: str) -> None:
        super().__init__(Message(en=en, hi=hi))


class TransferCapReached(SevaError):
    code, status = "transfer_cap_reached", 409
    title = Message(en="No more transfers", hi="अब और अंतरण नहीं हो सकता")

    def __init__(self, number: str, cap: int) -> None:
        super().__init__(
            Message(
                en=f"Grievance {number} was already transferred {cap} times, the most allowed.",
                hi=f"शिकायत {number} का {cap} बार अंतरण हो चुका है, जो अधिकतम सीमा है।",
            )
        )


class RelayRefused(SevaError):
    code, status = "relay_refused", 401
    title = Message(en="Not a relay of the SMS provider", hi="यह एसएमएस प्रदाता का भेजा संदेश नहीं है")

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="A relayed reply carries the SMS provider's token in X-Seva-Relay-Token.",
                hi="प्रदाता के भेजे उत्तर में X-Seva-Relay-Token में उसका टोकन होना चाहिए।",
            )
        )
