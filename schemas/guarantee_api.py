"""Wire formats of the guarantee: deadlines and appeals (``/api/v1/applications/{reference}/guarantee``,
``/api/v1/appeals``), the officer's desk (``/api/v1/desk``), department callbacks, certificates and the
auditors' reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from catalogue.models import Text
from schemas.applications_api import AttachedDocument, TimelineEvent

__all__ = [
    "AnswerBody",
    "AppealDecisionBody",
    "AppealFiled",
    "AppealOut",
    "CallbackBody",
    "CertificateOut",
    "CertificateVerdict",
    "DeskCaseOut",
    "DeskItem",
    "DeskPage",
    "FieldReportBody",
    "GuaranteeOut",
    "IssueBody",
    "PenaltyOut",
    "RejectBody",
    "ReportPage",
    "ReportRow",
    "ReturnBody",
    "RevokeBody",
    "VerificationOut",
    "VerifyBody",
    "VerifyFieldBody",
]

ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
StaffId = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{3}-[0-9a-f]{10}$")]
DocType = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class _In(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    pass


class Reason(_In):
    """A reason in both languages: the citizen reads it in theirs, the record keeps both."""

    en: ShortText
    hi: ShortText


class RejectBody(_In):
    reason: Reason


class ReturnBody(_In):
    """What the citizen must give: document types to upload, and a message in both languages."""

    message: Reason
    documents: Annotated[list[DocType], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)


class IssueBody(_In):
    """Approval. ``valid_days``: how long an issued certificate is valid (none: no expiry);
    ``remarks`` go on the certificate."""

    valid_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None
    remarks: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class VerifyFieldBody(_In):
    field_officer: StaffId
    instructions: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    days: Annotated[int, msgspec.Meta(ge=1, le=60)] | None = None


class FieldReportBody(_In):
    finding: Literal["confirmed", "not_confirmed"]
    report: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class AnswerBody(_In):
    """The citizen's answer to a return: a note; the documents asked for are taken from their store."""

    note: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class AppealFiled(_In):
    grounds: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class AppealDecisionBody(_In):
    """``allowed``: the designated officer must provide the service within ``within_days`` working days;
    ``dismissed``: the appeal fails. A second appellate authority may impose a penalty (``penalty``):
    ``amount_inr`` defaults to the Act's rate for each day of delay, up to its cap."""

    outcome: Literal["allowed", "dismissed"]
    order: Reason
    within_days: Annotated[int, msgspec.Meta(ge=1, le=90)] | None = None
    penalty: bool = False
    amount_inr: Annotated[int, msgspec.Meta(ge=1)] | None = None


class CallbackBody(_In):
    """A department's decision about an application it received from seva."""

    reference_number: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{13}$")]
    status: Literal["received", "in_progress", "approved", "rejected", "issued"]
    message: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    department_reference: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    reason: Reason | None = None
    valid_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None


class RevokeBody(_In):
    reason: Reason


class VerifyBody(_In):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class AppealOut(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    id: int
    reference: str
    level: int
    kind: str
    authority: str
    filed_on: str
    due_on: str
    state: str
    grounds: str = ""
    order: Text | None = None
    decided_on: str | None = None
    days_left: int | None = None


class PenaltyOut(msgspec.Struct, kw_only=True, frozen=True):
    """A penalty on the designated officer's post: the compensation due to the applicant."""

    amount_inr: int
    days_late: int
    position: str
    imposed_on: str


class GuaranteeOut(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Where an application stands against the guarantee: its limit, days left, appeals, compensation."""

    reference: str
    covered: bool
    designated_officer: str = ""
    unit: str = ""
    limit_days: int = 0
    started_on: str = ""
    due_on: str = ""
    state: str = ""
    days_left: int | None = None
    paused_since: str | None = None
    breached_on: str | None = None
    decided_on: str | None = None
    decision: str | None = None
    appeals: list[AppealOut] = msgspec.field(default_factory=list)
    compensation_due: PenaltyOut | None = None
    may_appeal: Literal["first", "second"] | None = None
    appeal_by: str | None = None


class DeskItem(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    reference: str
    service_code: str
    state: str
    status: str
    district: str
    tehsil: str | None = None
    due_on: str | None = None
    days_left: int | None = None
    paused: bool = False


class DeskPage(msgspec.Struct, kw_only=True, frozen=True):
    items: list[DeskItem]


class VerificationOut(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    id: int
    reference: str
    field_officer: str
    instructions: str
    requested_on: str
    due_on: str
    state: str
    days_left: int | None = None
    finding: str | None = None
    report: str = ""


class DeskCaseOut(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """An application as the officer opens it: the form, documents, the registry's facts, the clock."""

    reference: str
    service_code: str
    state: str
    status: str
    member_id: str
    family_id: str
    applicant: dict[str, Any]
    form: dict[str, Any]
    documents: list[AttachedDocument]
    timeline: list[TimelineEvent]
    guarantee: GuaranteeOut
    verifications: list[VerificationOut] = msgspec.field(default_factory=list)
    missing: list[str] = msgspec.field(default_factory=list)
    certificate_id: str | None = None


class CertificateOut(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    id: str
    number: str
    reference: str
    doc_type: str
    issued_on: str
    valid_until: str | None = None
    issuer: str
    status: Literal["valid", "revoked", "expired"]
    token: str
    verify_url: str
    document_id: str | None = None
    revoked_reason: Text | None = None


class CertificateVerdict(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """``valid``; ``invalid`` (tampered, not seva's, unreadable); ``revoked``; ``expired``; ``unknown``
    (signed by seva, but not in this gateway's register)."""

    verdict: Literal["valid", "invalid", "revoked", "expired", "unknown"]
    message: Text
    kid: str | None = None
    claims: dict[str, Any] | None = None


class ReportRow(msgspec.Struct, kw_only=True, frozen=True):
    key: str
    applications: int
    decided_within: int
    decided_late: int
    pending_within: int
    pending_past: int
    appeals: int
    appeals_allowed: int
    appeals_dismissed: int
    appeals_open: int
    penalties: int
    penalties_inr: int


class ReportPage(msgspec.Struct, kw_only=True, frozen=True):
    by: str
    as_of: str
    rows: list[ReportRow]
