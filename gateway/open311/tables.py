"""The table of Open311: the client applications allowed to post (a post's token is kept on the grievance).

An API key carries 256 random bits, so a plain SHA-256 of it cannot be reversed and can be looked up by
its value; the key itself is shown once, when it is made, and never stored.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = ["Open311App"]


class Open311App(SQLModel, table=True):
    __tablename__ = "open311_app"
    __table_args__ = (Index("ux_open311_app_key", "key_hash", unique=True),)

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    key_hash: str = Field(max_length=64)
    created_at: float
    created_by: str = Field(max_length=120)
    revoked_at: float | None = None
