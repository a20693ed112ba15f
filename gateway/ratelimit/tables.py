"""The ``rate_counter`` table: one row per limited key and fixed time window."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

__all__ = ["RateCounter"]


class RateCounter(SQLModel, table=True):
    """How many hits ``bucket`` had in the window starting at ``window`` × its length (epoch seconds).

    ``bucket`` holds no personal data: callers pass keyed hashes or IP addresses, never a mobile number.
    """

    __tablename__ = "rate_counter"

    bucket: str = Field(primary_key=True, max_length=120)
    window: int = Field(primary_key=True)
    count: int = 0
    expires_at: float = Field(index=True)
