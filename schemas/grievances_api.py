"""Wire formats of grievances (``/api/v1/grievances``, ``/api/v1/grievance-inbox``): filing, tracking,
the citizen's reminders, withdrawals and feedback, and the officer's steps."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from catalogue.models import Text

__all__ = [
    "ClosureBody",
    "FeedbackBody",
    "ForwardBody",
    "GrievanceCreate",
    "GrievanceEventOut",
    "GrievanceOut",
    "GrievancePage",
    "GrievanceStatus",
    "InboxItem",
    "InboxPage",
    "NoteBody",
    "PhoneCodeBody",
    "PhoneFilingBody",
    "SmsReplyAck",
    "SmsReplyBody",
]

GrievanceKind = Literal["complaint", "demand", "suggestion", "information", "corruption", "service_delay"]
Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ServiceCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{0,79}$")]
Note = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class _In(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    pass


class GrievanceCreate(_In):
    """A grievance. Its subject is one of: a catalogue service (``service_code``), an application of the
    caller's own family (``application_reference``), or a ``department`` with a ``category``. The category
    is needed with a department and may refine a service or an application (else the department's first)."""

    kind: GrievanceKind
    district: Code
    place: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    text: Annotated[str, msgspec.Meta(min_length=10, max_length=4000)]
    service_code: ServiceCode | None = None
    application_reference: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    department: Code | None = None
    category: Code | None = None
    attachments: Annotated[list[DocumentId], msgspec.Meta(max_length=5)] = msgspec.field(default_factory=list)
    linked_to: Annotated[str, msgspec.Meta(max_length=24)] | None = None
    language: Literal["en", "hi"] = "en"


class PhoneCodeBody(_In):
    """Ask for a code to file without signing in: it goes to this mobile number."""

    mobile: Annotated[str, msgspec.Meta(min_length=10, max_length=16)]


class PhoneFilingBody(_In):
    """A grievance filed with the code sent to the filer's phone (no account needed)."""

    challenge_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    code: Annotated[str, msgspec.Meta(min_length=4, max_length=8)]
    grievance: GrievanceCreate


class NoteBody(_In):
    """What the officer writes: a reply, a question for the citizen, an action note, or reasons."""

    note: Note


class ForwardBody(_In):
    """Send the grievance to the right officer: another department or category, or another district."""

    note: Note
    department: Code | None = None
    category: Code | None = None
    district: Code | None = None


class ClosureBody(_In):
    """A special or force closure: ``propose`` records a proposal (at the levels that may only propose)."""

    reasons: Note
    propose: bool = False


class FeedbackBody(_In):
    """The citizen's say on a resolution: a rating of the routing file (``satisfied``/``not_satisfied``, or
    CPGRAMS's ``excellent``..``poor``)."""

    rating: Code
    comment: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class SmsReplyBody(_In):
    """A citizen's reply to the feedback text, as the SMS provider relays it: ``1``/``YES`` satisfied,
    ``2``/``NO`` not, optionally followed by the grievance number."""

    sender: Annotated[str, msgspec.Meta(min_length=10, max_length=16)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=160)]


class SmsReplyAck(msgspec.Struct, kw_only=True, frozen=True):
    number: str
    rating: str
    status: str


class GrievanceEventOut(msgspec.Struct, kw_only=True, frozen=True):
    at: str
    kind: str
    level: int
    status: str
    actor: str
    note: str


class GrievanceOut(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A grievance, where it stands, and its timeline (oldest first)."""

    number: str
    number_display: str
    kind: str
    subject_kind: str
    department: str
    category: str
    district: str
    place: str
    text: str
    level: int
    level_title: Text
    position: str
    status: str
    due_on: str
    days_left: int
    force_closed: bool
    transfers: int
    reopened: int
    reminders: int
    low_quality: int
    channel: str
    created_at: str
    updated_at: str
    attachments: list[str]
    timeline: list[GrievanceEventOut]
    service_code: str | None = None
    application_reference: str | None = None
    closure: str | None = None
    rating: str | None = None
    linked_to: str | None = None
    external_ref: str | None = None
    feedback_due: bool = False


class GrievanceStatus(msgspec.Struct, kw_only=True, frozen=True):
    """What anyone holding the number may learn: where it stands, nothing about who filed it."""

    number: str
    number_display: str
    kind: str
    department: str
    level: int
    level_title: Text
    status: str
    due_on: str
    closure: str | None = None


class GrievancePage(msgspec.Struct, kw_only=True, frozen=True):
    items: list[GrievanceOut]


class InboxItem(msgspec.Struct, kw_only=True, frozen=True):
    number: str
    number_display: str
    kind: str
    department: str
    category: str
    district: str
    place: str
    level: int
    status: str
    due_on: str
    days_left: int
    reminders: int
    summary: str


class InboxPage(msgspec.Struct, kw_only=True, frozen=True):
    items: list[InboxItem]
    level: int
    position: str
