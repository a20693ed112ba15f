"""The table of the database notifier: what was sent to whom, with the number masked and hashed."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

__all__ = ["OutboxMessage"]


class OutboxMessage(SQLModel, table=True):
    """A message given to the database notifier. The number is kept masked and as a keyed hash; the text
    is kept only in demo mode, for the demo inbox, and otherwise withheld because it holds a code."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    created_at: float = Field(index=True)
    mobile_masked: str = Field(max_length=16)
    mobile_hash: str = Field(max_length=64)
    purpose: str = Field(max_length=32)
    text: str | None = Field(default=None, max_length=500)
