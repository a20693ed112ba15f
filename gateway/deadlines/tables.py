"""The tables of the guarantee: one clock per application, its appeals, the penalties imposed, and the
text messages waiting to be sent.

``deadline_clock`` is what the watcher sweeps: ``next_check_at`` says when it must next look at a clock
(the reminder, the breach, an appeal's limit; NULL when nothing is due, as while the clock is paused or
after a decision). A watcher claims a clock by moving ``next_check_at`` past its lease, so the one index
on that column finds both what is due and what a dead watcher left.
"""

from __future__ import annotations

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["AppealRow", "DeadlineClock", "NoticeRow", "PenaltyRow"]


class DeadlineClock(SQLModel, table=True):
    """The guaranteed time limit of one application, where it stands, and who answers for it.

    ``position`` names the designated officer's post (``department/district/tehsil``), so a penalty is
    recorded against the post whoever holds it. ``state``: ``running``, ``paused`` (waiting on the
    citizen), ``breached`` (the limit passed undecided), ``decided``. ``stage``: what the watcher does at
    ``next_check_at``: ``remind``, ``breach``, ``appeal1`` or ``appeal2`` (an appeal's own limit).
    """

    __tablename__ = "deadline_clock"
    __table_args__ = (
        Index("ix_deadline_clock_next_check", "next_check_at"),
        Index("ix_deadline_clock_desk", "department", "district", "due_on"),
    )

    reference: str = Field(primary_key=True, max_length=13)
    service_code: str = Field(max_length=80)
    department: str = Field(max_length=64)
    district: str = Field(max_length=64)
    tehsil: str | None = Field(default=None, max_length=80)
    position: str = Field(max_length=240)
    designated_officer: str = Field(max_length=200)
    unit: str = Field(max_length=16)
    limit_days: int
    started_on: str = Field(max_length=10)
    due_on: str = Field(max_length=10)
    state: str = Field(max_length=16)
    stage: str = Field(max_length=16)
    paused_on: str | None = Field(default=None, max_length=10)
    paused_days: int = 0
    next_check_at: float | None = None
    lease_owner: str | None = Field(default=None, max_length=64)
    reminded_on: str | None = Field(default=None, max_length=10)
    breached_on: str | None = Field(default=None, max_length=10)
    decided_on: str | None = Field(default=None, max_length=10)
    decision: str | None = Field(default=None, max_length=32)
    decided_by: str | None = Field(default=None, max_length=80)
    officer: str | None = Field(default=None, max_length=80)  # the officer who last acted on it
    created_at: float
    updated_at: float


class AppealRow(SQLModel, table=True):
    """A first (``level`` 1) or second (2) appeal: opened automatically at a breach or filed by the
    applicant; decided by the appellate authority within its own limit (``due_on``)."""

    __tablename__ = "guarantee_appeal"
    __table_args__ = (
        UniqueConstraint("reference", "level", name="uq_guarantee_appeal_level"),
        Index("ix_guarantee_appeal_open", "state", "level", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=13)
    level: int
    kind: str = Field(max_length=16)  # automatic | citizen
    grounds: str = Field(default="", max_length=2000)
    authority: str = Field(max_length=200)
    filed_by: str = Field(max_length=80)
    filed_on: str = Field(max_length=10)
    due_on: str = Field(max_length=10)
    state: str = Field(max_length=16)  # open | allowed | dismissed
    order_en: str = Field(default="", max_length=2000)
    order_hi: str = Field(default="", max_length=2000)
    decided_by: str | None = Field(default=None, max_length=80)
    decided_on: str | None = Field(default=None, max_length=10)
    created_at: float


class PenaltyRow(SQLModel, table=True):
    """A penalty on the designated officer's post, paid to the applicant as compensation."""

    __tablename__ = "guarantee_penalty"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=13, unique=True)
    appeal_id: int
    position: str = Field(max_length=240)
    officer: str | None = Field(default=None, max_length=80)
    department: str = Field(max_length=64)
    district: str = Field(max_length=64)
    service_code: str = Field(max_length=80)
    days_late: int
    amount_inr: int
    imposed_by: str = Field(max_length=80)
    imposed_on: str = Field(max_length=10)
    created_at: float


class NoticeRow(SQLModel, table=True):
    """A text message decided in the same transaction as the step it tells of, sent after it commits.

    ``recipient`` is ``member:<id>`` or ``staff:<id>``; the number is looked up when sending, never kept
    here. A sender claims a notice by moving ``send_at`` past its lease; ``sent_at`` marks it done.
    """

    __tablename__ = "guarantee_notice"
    __table_args__ = (Index("ix_guarantee_notice_due", "sent_at", "send_at"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=13)
    recipient: str = Field(max_length=80)
    kind: str = Field(max_length=32)
    text: str = Field(sa_type=Text)
    send_at: float
    attempts: int = 0
    sent_at: float | None = None
