"""The delivery queue (``deliveries``).

A delivery row is written in the same transaction as its application, so nothing accepted can be lost.
``state``: ``pending`` (waiting for ``next_attempt_at``), ``in_flight`` (leased by ``lease_owner`` until
``lease_until``; an expired lease is taken again after a crash), ``done`` (the department has it; while
``poll_at`` is set the worker asks for its status) or ``failed`` (permanent, with ``last_error``).
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = ["DELIVERY_STATES", "Delivery"]

DELIVERY_STATES = ("pending", "in_flight", "done", "failed")


class Delivery(SQLModel, table=True):
    """The hand-over of one application to its department."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "state", "next_attempt_at"),
        Index("ix_deliveries_poll", "poll_at"),
    )

    reference: str = Field(primary_key=True, max_length=13)
    adapter: str = Field(max_length=64)
    department: str = Field(max_length=64)
    idempotency_key: str = Field(max_length=128)
    state: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: float
    lease_until: float | None = None
    lease_owner: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, max_length=1000)
    poll_at: float | None = None
    created_at: float
    updated_at: float
