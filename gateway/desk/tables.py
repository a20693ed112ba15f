"""The officer's desk: the applications decided in seva, where each stands, field verifications, and the
signatures of department callbacks already seen (so a replayed body is refused)."""

from __future__ import annotations

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

__all__ = ["CallbackReceipt", "DeskCase", "FieldVerification"]


class DeskCase(SQLModel, table=True):
    """An application on a designated officer's desk. ``state``: ``open``, ``returned`` (waiting on the
    citizen: the clock is paused), ``verification`` (a field officer is checking), ``decided``."""

    __tablename__ = "desk_case"
    __table_args__ = (Index("ix_desk_case_position", "department", "district", "state"),)

    reference: str = Field(primary_key=True, max_length=13)
    service_code: str = Field(max_length=80)
    department: str = Field(max_length=64)
    district: str = Field(max_length=64)
    tehsil: str | None = Field(default=None, max_length=80)
    member_id: str = Field(max_length=9)
    family_id: str = Field(max_length=8)
    state: str = Field(max_length=16)
    returned_en: str = Field(default="", max_length=1000)
    returned_hi: str = Field(default="", max_length=1000)
    missing: str = Field(default="[]", sa_type=Text)  # JSON list of document types asked for
    decided_by: str | None = Field(default=None, max_length=80)
    created_at: float
    updated_at: float


class FieldVerification(SQLModel, table=True):
    """A field officer's check of an application, with its own limit (``due_on``)."""

    __tablename__ = "field_verification"
    __table_args__ = (Index("ix_field_verification_officer", "field_officer", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=13)
    field_officer: str = Field(max_length=80)
    requested_by: str = Field(max_length=80)
    instructions: str = Field(default="", max_length=1000)
    requested_on: str = Field(max_length=10)
    due_on: str = Field(max_length=10)
    state: str = Field(max_length=16)  # open | reported
    finding: str | None = Field(default=None, max_length=16)  # confirmed | not_confirmed
    report: str = Field(default="", max_length=2000)
    reported_at: float | None = None


class CallbackReceipt(SQLModel, table=True):
    """A signed callback already accepted; kept for the replay window."""

    __tablename__ = "callback_receipt"

    signature: str = Field(primary_key=True, max_length=64)
    adapter: str = Field(max_length=64)
    received_at: float = Field(index=True)
