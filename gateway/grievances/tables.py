"""The tables of grievances: the grievance itself, its timeline, its attachments and the texts that tell
the citizen of each step (an outbox: written with the step, sent after it commits).

``grievance.next_check_at`` is when the escalation watcher must next look at a grievance (its level's
limit lapsing); NULL when nothing is due (resolved, closed, withdrawn, or a level that does not climb by
itself once its lapse is marked). The watcher moves due grievances with one set-based statement per
department and level, fenced on ``level`` and ``next_check_at``, so a grievance is never moved twice.

Columns the reports read: ``status``, ``closure``, ``force_closed`` (set once, never cleared),
``low_quality`` (closures the citizen rejected or that were forced), ``attended_at``, ``resolved_at``,
``closed_at``, ``rating``, ``transfers``, ``reopened``, ``channel`` and ``external_ref`` (a number given by
another system, such as a CPGRAMS registration number or an Open311 token).
"""

from __future__ import annotations

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

__all__ = ["AttachmentRow", "EventRow", "GrievanceRow", "NoticeRow"]


class GrievanceRow(SQLModel, table=True):
    """One grievance. ``status``: ``open``, ``attended``, ``info_requested``, ``resolved`` (waiting for
    the citizen's say), ``closed``, ``withdrawn``. ``closure``: ``satisfied``, ``special``, ``force``,
    ``withdrawn`` once closed. ``subject_kind``: ``service``, ``application`` or ``category``."""

    __tablename__ = "grievance"
    __table_args__ = (
        Index("ix_grievance_next_check", "next_check_at"),
        Index("ix_grievance_inbox", "department", "level", "district", "status"),
        Index("ix_grievance_family", "family_id"),
        # One grievance per outside number of a channel (a CPGRAMS registration, an Open311 token).
        Index("ux_grievance_external", "external_ref", "channel", unique=True),
    )

    number: str = Field(primary_key=True, max_length=15)
    kind: str = Field(max_length=16)
    subject_kind: str = Field(max_length=16)
    service_code: str | None = Field(default=None, max_length=80)
    application_ref: str | None = Field(default=None, max_length=13)
    department: str = Field(max_length=64)
    category: str = Field(max_length=64)
    district: str = Field(max_length=64)
    place: str = Field(max_length=200)
    text: str = Field(sa_type=Text)
    member_id: str | None = Field(default=None, max_length=16)
    family_id: str | None = Field(default=None, max_length=16)
    mobile: str | None = Field(default=None, max_length=10)  # only for a filer not in the registry
    language: str = Field(default="en", max_length=2)
    level: int
    position: str = Field(max_length=120)
    status: str = Field(max_length=16)
    closure: str | None = Field(default=None, max_length=16)
    force_closed: bool = False
    due_on: str = Field(max_length=10)
    next_check_at: float | None = None
    transfers: int = 0
    reopened: int = 0
    low_quality: int = 0
    reminders: int = 0
    last_reminder_at: float | None = None
    linked_to: str | None = Field(default=None, max_length=15)
    filed_by: str = Field(max_length=120)
    channel: str = Field(max_length=16)
    external_ref: str | None = Field(default=None, max_length=40)
    force_notice_at: float | None = None
    attended_at: float | None = None
    resolved_at: float | None = None
    closed_at: float | None = None
    rating: str | None = Field(default=None, max_length=32)
    created_at: float
    updated_at: float


class EventRow(SQLModel, table=True):
    """One step on a grievance's timeline, in English and Hindi, with who took it and at which level."""

    __tablename__ = "grievance_event"
    __table_args__ = (Index("ix_grievance_event_number", "number", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=15)
    at: float
    kind: str = Field(max_length=32)
    level: int
    status: str = Field(max_length=16)
    actor: str = Field(max_length=120)
    note: str = Field(default="", sa_type=Text)


class AttachmentRow(SQLModel, table=True):
    """A document of the citizen's store attached to a grievance (the store keeps the file)."""

    __tablename__ = "grievance_attachment"

    number: str = Field(primary_key=True, max_length=15)
    document_id: str = Field(primary_key=True, max_length=64)


class NoticeRow(SQLModel, table=True):
    """A text to the citizen about one step, rendered from ``template`` when sent (so the watcher can
    queue a million in one statement); ``channel`` is ``sms`` or ``whatsapp``. A sender claims a notice
    by moving ``send_at`` past its lease; ``sent_at`` marks it done."""

    __tablename__ = "grievance_notice"
    __table_args__ = (Index("ix_grievance_notice_due", "sent_at", "send_at"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=15)
    template: str = Field(max_length=40)
    channel: str = Field(default="sms", max_length=16)
    level: int
    due_on: str = Field(default="", max_length=10)
    send_at: float
    attempts: int = 0
    sent_at: float | None = None
