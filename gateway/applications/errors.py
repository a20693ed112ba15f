"""Why an application is refused or not found, each with its stable code, status and titles.

```
UnknownServiceCode       404 unknown_service           no service has the code in the body
NotAnApplication         400 invalid_request           the service takes no application (information only)
NotEligible              422 not_eligible              rules of the service fail for the member
EligibilityUndetermined  422 eligibility_undetermined  the registry lacks a fact a rule needs
MissingDocuments         422 missing_documents         a required document is not in the member's store
FormRefused              422 invalid_form              fields of the form are refused (each named)
IdempotencyKeyRequired   400 idempotency_key_required  no usable Idempotency-Key
IdempotencyConflict      409 idempotency_conflict      the key was used before with a different request
ApplicationNotFound      404 unknown_application       no application with that reference the caller may see
ReferenceRefused         400 invalid_reference         text that is not a reference number
NoJudgement              404 no_judgement              an application submitted before judgements were kept
```
``UnknownMember`` is the families capability's. ``form.FormInvalid`` and ``reference.InvalidReference``
know nothing of HTTP; ``MAPPERS`` turns them into ``FormRefused`` and ``ReferenceRefused``.
"""

from __future__ import annotations

from collections.abc import Mapping

from catalogue.facts import FACTS
from catalogue.models import Text
from gateway.applications.form import FormInvalid
from gateway.applications.reference import InvalidReference
from gateway.platform.problems import ErrorMapper, InvalidRequest, SevaError
from schemas.problem import FieldError, Message

__all__ = [
    "MAPPERS",
    "ApplicationNotFound",
    "EligibilityUndetermined",
    "FormRefused",
    "IdempotencyConflict",
    "IdempotencyKeyRequired",
    "MissingDocuments",
    "NoJudgement",
    "NotAnApplication",
    "NotEligible",
    "ReferenceRefused",
    "UnknownServiceCode",
]


class UnknownServiceCode(SevaError):
    code, status = "unknown_service", 404
    title = Message(en="No service has this code", hi="इस कोड की कोई सेवा नहीं है")

    def __init__(self, service_code: str) -> None:
        super().__init__(
            Message(
                en=f"No service has the code '{service_code}'.", hi=f"'{service_code}' कोड की कोई सेवा नहीं है।"
            ),
            errors=[FieldError(field="service_code", message="no service has this code")],
        )
        self.service_code = service_code


class NotAnApplication(InvalidRequest):
    """The service takes no application (an information service): the answer says what to do instead."""

    def __init__(self, service_code: str, steps: tuple[Text, ...]) -> None:
        super().__init__(
            Message(
                en=f"'{service_code}' takes no application. What you can do: "
                + " ".join(s.en for s in steps),
                hi=f"'{service_code}' में आवेदन नहीं होता। आप यह कर सकते हैं: " + " ".join(s.hi for s in steps),
            ),
            errors=[FieldError(field="service_code", message="this service takes no application")],
        )
        self.service_code = service_code
        self.steps = steps


class NotEligible(SevaError):
    code, status = "not_eligible", 422
    title = Message(en="The member is not eligible for this service", hi="सदस्य इस सेवा के लिए पात्र नहीं है")

    def __init__(self, service: str, reasons: list[Text]) -> None:
        super().__init__(
            Message(en=" ".join(r.en for r in reasons), hi=" ".join(r.hi for r in reasons)),
            errors=[FieldError(field="member_id", message=r.en) for r in reasons],
        )
        self.service = service
        self.reasons = reasons


class EligibilityUndetermined(SevaError):
    code, status = "eligibility_undetermined", 422
    title = Message(en="Eligibility cannot be decided from the registry", hi="रजिस्टर से पात्रता तय नहीं हो सकती")

    def __init__(self, service: str, missing: list[str]) -> None:
        # Facts by what they mean ("age in years", "आयु (वर्ष)"), not by their internal names.
        facts = [FACTS.get(name) for name in missing]
        names_en = ", ".join(fact.en if fact else name for fact, name in zip(facts, missing, strict=True))
        names_hi = ", ".join(fact.hi if fact else name for fact, name in zip(facts, missing, strict=True))
        super().__init__(
            Message(
                en=f"The registry does not record: {names_en}. Ask for the family record to be updated.",
                hi=f"रजिस्टर में दर्ज नहीं है: {names_hi}। परिवार का रिकॉर्ड अद्यतन कराएँ।",
            ),
            errors=[
                FieldError(field=f"facts.{name}", message="not recorded in the registry") for name in missing
            ],
        )
        self.service = service
        self.missing = missing


class MissingDocuments(SevaError):
    code, status = "missing_documents", 422
    title = Message(en="Required documents are missing", hi="आवश्यक दस्तावेज़ उपलब्ध नहीं हैं")

    def __init__(
        self, missing: list[str], fetched: list[str], names: Mapping[str, Text] | None = None
    ) -> None:
        """``missing`` and ``fetched`` are document type codes; ``names`` their names in both languages."""
        named = dict(names or {})

        def name(code: str) -> Text:
            return named.get(code) or Text(en=code, hi=code)

        lost, found = [name(c) for c in missing], [name(c) for c in fetched]
        super().__init__(
            Message(
                en=f"Upload these documents first: {', '.join(n.en for n in lost)}. "
                f"Found in your documents: {', '.join(n.en for n in found) or 'none'}.",
                hi=f"पहले ये दस्तावेज़ अपलोड करें: {', '.join(n.hi for n in lost)}। "
                f"आपके दस्तावेज़ों में मिले: {', '.join(n.hi for n in found) or 'कोई नहीं'}।",
            ),
            errors=[FieldError(field=f"documents.{name}", message="missing") for name in missing],
            extra={"missing": missing, "fetched": fetched},
        )
        self.missing = missing
        self.fetched = fetched


class FormRefused(SevaError):
    code, status = "invalid_form", 422
    title = Message(en="Some fields of the form are not valid", hi="फ़ॉर्म के कुछ क्षेत्र मान्य नहीं हैं")

    def __init__(self, invalid: FormInvalid) -> None:
        problems = invalid.problems
        # Each message is led by the field's label; ``field`` keeps the request path for programs.
        super().__init__(
            Message(en="; ".join(p.en for p in problems), hi="; ".join(p.hi for p in problems)),
            errors=[FieldError(field=p.field, message=p.en, message_hi=p.hi) for p in problems],
        )
        self.problems = problems


class IdempotencyKeyRequired(SevaError):
    code, status = "idempotency_key_required", 400
    title = Message(en="Send an Idempotency-Key header", hi="Idempotency-Key हेडर भेजें")

    def __init__(self, longest: int) -> None:
        super().__init__(
            Message(
                en=f"Send an Idempotency-Key header (1 to {longest} printable characters), "
                "new for each application.",
                hi=f"Idempotency-Key हेडर भेजें (1 से {longest} अक्षर, हर आवेदन के लिए नई)।",
            ),
            errors=[FieldError(field="header.Idempotency-Key", message="missing or not usable")],
        )


class IdempotencyConflict(SevaError):
    code, status = "idempotency_conflict", 409
    title = Message(
        en="This Idempotency-Key was used for another request",
        hi="यह Idempotency-Key किसी अन्य अनुरोध के लिए उपयोग हुई थी",
    )

    def __init__(self, reference: str) -> None:
        super().__init__(
            Message(
                en="This Idempotency-Key was already used for a different application; use a new key.",
                hi="यह Idempotency-Key किसी दूसरे आवेदन के लिए उपयोग हो चुकी है; नई कुंजी का उपयोग करें।",
            ),
            errors=[FieldError(field="header.Idempotency-Key", message="used before with a different body")],
        )
        self.reference = reference


class ApplicationNotFound(SevaError):
    """No application with that reference that the caller may see."""

    code, status = "unknown_application", 404
    title = Message(en="No such application", hi="ऐसा कोई आवेदन नहीं है")

    def __init__(self, reference: str) -> None:
        super().__init__(
            Message(en=f"No application {reference} that you may see.", hi=f"आवेदन {reference} नहीं मिला।")
        )
        self.reference = reference


class NoJudgement(SevaError):
    """The application was submitted before seva kept the judgement each application was accepted under."""

    code, status = "no_judgement", 404
    title = Message(en="No judgement kept for this application", hi="इस आवेदन का निर्णय-अभिलेख नहीं रखा गया")

    def __init__(self, reference: str) -> None:
        super().__init__(
            Message(
                en=f"Application {reference} was submitted before seva kept the rules and facts it was "
                "judged on.",
                hi=f"आवेदन {reference} उस समय जमा हुआ था जब सेवा उसके परखे गए नियम और तथ्य नहीं रखती थी।",
            )
        )


class ReferenceRefused(SevaError):
    code, status = "invalid_reference", 400
    title = Message(en="Not a valid reference number", hi="मान्य संदर्भ संख्या नहीं है")

    def __init__(self, invalid: InvalidReference) -> None:
        super().__init__(
            Message(en=invalid.message, hi=invalid.message_hi),
            errors=[FieldError(field="path.reference", message=invalid.message)],
        )


MAPPERS: dict[type[Exception], ErrorMapper] = {FormInvalid: FormRefused, InvalidReference: ReferenceRefused}
