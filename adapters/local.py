"""Demo departments inside the gateway, so ``make run`` shows the whole path with no external system.

Each ``LocalDepartment`` files what it receives (and the exchange headers it came with), answers the
same idempotency key with the same reference, and moves an application along a timeline read from an
injected clock: ``received``, then ``in_progress`` after ``review_after`` seconds, then its office's
decision after ``decide_after``. The offices:

- ``revenue`` issues the document asked for (a land record copy, an income certificate);
- ``pension`` sanctions a pension only if the member facts in the request pass its check (the minimum
  age of that pension, and a family below the poverty line for the national schemes), and otherwise
  rejects it with every reason;
- ``default`` approves.

Applications are kept in memory: a restarted gateway's demo departments have forgotten them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Protocol

import msgspec

from adapters.base import DepartmentAdapter, StatusQuery, StatusResult, SubmissionRequest, SubmitResult
from adapters.config import AdapterConfig
from adapters.errors import RequestRefused
from adapters.exchange import DEFAULT_CLIENT, ExchangeHeaders, mask_identifier
from schemas.department_api import ApplicationState, ApplicationSubmission, Certificate

__all__ = [
    "OFFICES",
    "Clock",
    "DefaultOffice",
    "LocalAdapter",
    "LocalDepartment",
    "LocalOptions",
    "Office",
    "PensionOffice",
    "RevenueOffice",
    "UnknownApplication",
    "demo_config",
]

IST = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")
RECEIVED_KEPT = 1000  # the exchange headers a demo department remembers, newest last
Clock = Callable[[], float]
"""Seconds since the epoch, like ``time.time``; tests pass one they move by hand."""


class LocalOptions(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The ``options`` of a local adapter's configuration."""

    office: Literal["revenue", "pension", "default"] = "default"
    review_after: float = 1.0
    decide_after: float = 3.0


class Decision(msgspec.Struct, frozen=True):
    status: Literal["approved", "rejected", "issued"]
    message: str
    certificate: Certificate | None = None


class Office(Protocol):
    """How one demo office decides; ``prefix`` starts its references (``MP-REV-000001``)."""

    prefix: str

    def decide(self, submission: ApplicationSubmission, number: int, when: dt.datetime) -> Decision: ...


class DefaultOffice:
    """Approves every application."""

    prefix = "MP-DEP"

    def decide(self, submission: ApplicationSubmission, number: int, when: dt.datetime) -> Decision:
        return Decision("approved", f"Application {submission.reference_number} approved.")


class RevenueOffice:
    """Issues the document asked for (a land record copy, a demarcation report, an income certificate),
    named by the operation, in the applicant's name and with the form's answers, valid for a year."""

    prefix = "MP-REV"

    def decide(self, submission: ApplicationSubmission, number: int, when: dt.datetime) -> Decision:
        applicant = submission.applicant
        details = {"name": applicant.name, "member_id": mask_identifier(applicant.member_id)}
        if applicant.district:
            details["district"] = applicant.district
        details.update({name: str(value) for name, value in submission.form.items() if value is not None})
        issued_on = when.date()
        certificate = Certificate(
            number=f"MP-REV-{issued_on.year}-{number:06d}",
            document_type=submission.operation,
            issued_on=issued_on,
            valid_until=issued_on + dt.timedelta(days=365),
            details=details,
        )
        return Decision("issued", f"Issued: {submission.operation.replace('_', ' ')}.", certificate)


class PensionOffice:
    """Sanctions a pension only if the member's facts pass the department's own check.

    The check is the demo's, simpler than the catalogue's rules: a minimum age (``member.age``) for each
    kind of pension, and for the schemes paid from the national assistance programme, a family below the
    poverty line (``family.bpl`` or ``member.bpl``). Every failing reason is given.
    """

    prefix = "MP-PEN"
    # operation: (minimum age, below the poverty line required)
    RULES: ClassVar[dict[str, tuple[int, bool]]] = {
        "old_age_pension": (60, True),
        "widow_pension": (40, True),
        "disability_pension": (18, True),
        "old_age_home_pension": (60, False),
        "kanya_abhibhavak_pension": (60, False),
        "avivahita_pension": (50, False),
    }
    DEFAULT_RULE = (18, False)

    def decide(self, submission: ApplicationSubmission, number: int, when: dt.datetime) -> Decision:
        facts = submission.applicant.facts
        minimum_age, needs_bpl = self.RULES.get(submission.operation, self.DEFAULT_RULE)
        age = facts.get("member.age")
        reasons = []
        if not isinstance(age, int) or isinstance(age, bool):
            reasons.append("the applicant's age is not known")
        elif age < minimum_age:
            reasons.append(f"the applicant is {age}; this pension starts at {minimum_age}")
        if needs_bpl and True not in (facts.get("family.bpl"), facts.get("member.bpl")):
            reasons.append("the family is not recorded as below the poverty line")
        if reasons:
            return Decision("rejected", "Not eligible: " + "; ".join(reasons) + ".")
        return Decision("approved", "Pension sanctioned from next month.")


OFFICES: dict[str, Callable[[], Office]] = {
    "revenue": RevenueOffice,
    "pension": PensionOffice,
    "default": DefaultOffice,
}


class UnknownApplication(LookupError):
    """The department has no application under that reference."""


@dataclass
class _File:
    submission: ApplicationSubmission
    reference: str
    number: int
    submitted_at: float
    decision: Decision | None = None


@dataclass
class LocalDepartment:
    """An in-process department system: its files, its timeline, and the headers of the last messages."""

    office: Office
    review_after: float = 1.0
    decide_after: float = 3.0
    clock: Clock = time.time
    received: deque[ExchangeHeaders] = field(default_factory=lambda: deque(maxlen=RECEIVED_KEPT))
    _files: dict[str, _File] = field(default_factory=dict)
    _by_reference_number: dict[str, str] = field(default_factory=dict)
    _by_key: dict[str, str] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def receive(self, submission: ApplicationSubmission, headers: ExchangeHeaders) -> ApplicationState:
        """File an application, or find the one already filed under the same idempotency key."""
        self.received.append(headers)
        key = headers.idempotency_key
        if key and key in self._by_key:
            return self._state(self._files[self._by_key[key]])
        number = next(self._numbers)
        reference = f"{self.office.prefix}-{number:06d}"
        self._files[reference] = _File(submission, reference, number, self.clock())
        self._by_reference_number[submission.reference_number] = reference
        if key:
            self._by_key[key] = reference
        return self._state(self._files[reference])

    def lookup(
        self, headers: ExchangeHeaders, *, reference_number: str, department_reference: str | None = None
    ) -> ApplicationState:
        """Where an application stands; ``UnknownApplication`` if it was never filed here."""
        self.received.append(headers)
        reference = department_reference or self._by_reference_number.get(reference_number)
        file = self._files.get(reference or "")
        if file is None:
            raise UnknownApplication(f"no application {department_reference or reference_number} here")
        return self._state(file)

    def _state(self, file: _File) -> ApplicationState:
        elapsed = self.clock() - file.submitted_at
        ref = file.reference
        if elapsed < self.review_after:
            return ApplicationState(department_reference=ref, status="received", message="Received.")
        if elapsed < self.decide_after:
            return ApplicationState(department_reference=ref, status="in_progress", message="Examining.")
        if file.decision is None:
            decided_at = dt.datetime.fromtimestamp(file.submitted_at + self.decide_after, IST)
            file.decision = self.office.decide(file.submission, file.number, decided_at)
        decision = file.decision
        return ApplicationState(
            department_reference=file.reference,
            status=decision.status,
            message=decision.message,
            certificate=decision.certificate,
        )


class LocalAdapter(DepartmentAdapter):
    """The adapter in front of a ``LocalDepartment``: the same calls and headers, no network."""

    def __init__(
        self,
        code: str,
        department: LocalDepartment,
        *,
        service: str | None = None,
        client_id: str = DEFAULT_CLIENT,
    ) -> None:
        super().__init__(code, service=service, client_id=client_id)
        self.department = department

    async def submit(self, request: SubmissionRequest) -> SubmitResult:
        headers = self.exchange(
            request.operation,
            request.reference_number,
            member_id=request.applicant.member_id,
            idempotency_key=request.idempotency_key,
        )
        return SubmitResult.from_state(self.department.receive(request.wire(), headers))

    async def status(self, query: StatusQuery) -> StatusResult:
        headers = self.exchange("status", query.reference_number, member_id=query.member_id)
        try:
            state = self.department.lookup(
                headers,
                reference_number=query.reference_number,
                department_reference=query.department_reference,
            )
        except UnknownApplication as exc:
            raise RequestRefused(
                "department does not know the application", adapter=self.code, status_code=404,
                department_message=str(exc),
            ) from exc  # fmt: skip
        return StatusResult.from_state(state)


def demo_config(code: str, **options: object) -> AdapterConfig:
    """The configuration of a catalogue's local adapter: ``local_revenue`` gets the revenue office."""
    office = code.removeprefix("local_")
    return AdapterConfig(
        code=code, kind="local", options={"office": office if office in OFFICES else "default", **options}
    )
