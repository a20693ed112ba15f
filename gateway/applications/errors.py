"""Why an application is refused or not found; mapped to problem documents in ``applications.problems``.

```
ApplicationError
├── UnknownServiceCode     the catalogue has no service with the code in the body
├── UnknownMember          no such member, or not one the caller may apply for
├── NotEligible            a rule of the service fails for the member (every reason kept)
├── EligibilityUndetermined the registry lacks a fact a rule needs
├── MissingDocuments       a required document is not in the member's document store
├── IdempotencyConflict    the key was used before with a different request
└── ApplicationNotFound    no application with that reference that the caller may see
```
``gateway.applications.form.FormInvalid`` names refused form fields.
"""

from __future__ import annotations

from collections.abc import Mapping

from catalogue.models import Text

__all__ = [
    "ApplicationError",
    "ApplicationNotFound",
    "EligibilityUndetermined",
    "IdempotencyConflict",
    "MissingDocuments",
    "NotEligible",
    "UnknownMember",
    "UnknownServiceCode",
]


class ApplicationError(Exception):
    """Root of the application errors."""


class UnknownServiceCode(ApplicationError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no service {code!r}")
        self.code = code


class UnknownMember(ApplicationError):
    def __init__(self, member_id: str) -> None:
        super().__init__(f"no member {member_id} you may apply for")
        self.member_id = member_id


class NotEligible(ApplicationError):
    def __init__(self, service: str, reasons: list[Text]) -> None:
        super().__init__(f"not eligible for {service}: " + "; ".join(r.en for r in reasons))
        self.service = service
        self.reasons = reasons


class EligibilityUndetermined(ApplicationError):
    def __init__(self, service: str, missing: list[str]) -> None:
        super().__init__(f"cannot decide eligibility for {service}; unknown: {', '.join(missing)}")
        self.service = service
        self.missing = missing


class MissingDocuments(ApplicationError):
    """``missing`` and ``fetched`` are document type codes; ``names`` their names in both languages."""

    def __init__(
        self, missing: list[str], fetched: list[str], names: Mapping[str, Text] | None = None
    ) -> None:
        super().__init__(f"missing documents: {', '.join(missing)}")
        self.missing = missing
        self.fetched = fetched
        self.names = dict(names or {})

    def name(self, code: str) -> Text:
        return self.names.get(code) or Text(en=code, hi=code)


class IdempotencyConflict(ApplicationError):
    def __init__(self, reference: str) -> None:
        super().__init__("this Idempotency-Key was used for a different request")
        self.reference = reference


class ApplicationNotFound(ApplicationError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no application {reference}")
        self.reference = reference
