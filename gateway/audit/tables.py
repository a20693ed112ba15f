"""The append-only ``audit_entry`` table and the one-row ``audit_head`` that orders appends."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

__all__ = ["GENESIS_HASH", "AuditEntry", "AuditHead"]

GENESIS_HASH = "0" * 64  # the "previous hash" of entry 1


class AuditEntry(SQLModel, table=True):
    """One thing that happened: who (actor, role), what (action, target, details), when (at), from where
    (client_ip, request_id), why (reason); ``hash`` covers all of it and ``prev_hash``."""

    __tablename__ = "audit_entry"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: str = Field(max_length=32, index=True)
    actor: str = Field(max_length=80, index=True)
    role: str = Field(max_length=16)
    action: str = Field(max_length=64, index=True)
    target: str = Field(max_length=120)
    client_ip: str = Field(max_length=64)
    request_id: str = Field(max_length=64)
    reason: str = Field(max_length=300)
    details: str = Field(sa_type=Text)  # canonical JSON (sorted keys), hashed as stored
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The last entry's number and hash. Appenders lock this row first, so entries from many processes
    are numbered one after another; the head also reveals an entry removed from the end."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="audit_head_single_row"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    hash: str = Field(default=GENESIS_HASH, max_length=64)
