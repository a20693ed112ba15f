"""The append-only ``audit_entry`` table and the one-row ``audit_head`` that ends the chain.

An entry is written unchained (``seq``, ``prev_hash`` and ``hash`` empty) in the transaction of the
action it records; the sealer (``gateway.audit.sealer``) later gives it its number and hashes, once.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Integer, Text
from sqlmodel import Field, SQLModel

__all__ = ["GENESIS_HASH", "AuditEntry", "AuditHead"]

GENESIS_HASH = "0" * 64  # the "previous hash" of entry 1

# A rowid alias on SQLite (INTEGER PRIMARY KEY), a 64-bit identity on PostgreSQL.
_ID = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntry(SQLModel, table=True):
    """One thing that happened: who (actor, role), what (action, target, details), when (at), from where
    (client_ip, request_id), why (reason); ``hash`` covers all of it, ``seq`` and ``prev_hash``.

    ``id`` orders entries as they were written; ``seq`` is the place in the chain the sealer gave it."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    seq: int | None = Field(default=None, unique=True)
    at: str = Field(max_length=32, index=True)
    actor: str = Field(max_length=80, index=True)
    role: str = Field(max_length=16)
    action: str = Field(max_length=64, index=True)
    target: str = Field(max_length=120)
    client_ip: str = Field(max_length=64)
    request_id: str = Field(max_length=64)
    reason: str = Field(max_length=300)
    details: str = Field(sa_type=Text)  # canonical JSON (sorted keys), hashed as stored
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)


class AuditHead(SQLModel, table=True):
    """The last sealed entry's number and hash. Only the sealer moves it (and only one sealer at a time);
    the head also reveals an entry removed from the end."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="audit_head_single_row"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    hash: str = Field(default=GENESIS_HASH, max_length=64)
