"""Reading back what the database notifier wrote, for the demo inbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.identity.hashing import keyed_hash
from gateway.identity.tables import OutboxMessage

__all__ = ["OutboxEntry", "recent_messages"]

_TABLE = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    created_at: float
    to: str
    purpose: str
    text: str | None


async def recent_messages(
    engine: AsyncEngine, secret: bytes, mobile: str | None, limit: int = 20
) -> list[OutboxEntry]:
    """The newest messages, to ``mobile`` only when it is given."""
    query = select(_TABLE).order_by(_TABLE.c.id.desc()).limit(limit)
    if mobile:
        query = query.where(_TABLE.c.mobile_hash == keyed_hash(secret, "mobile", mobile))
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [OutboxEntry(r["created_at"], r["mobile_masked"], r["purpose"], r["text"]) for r in rows]
