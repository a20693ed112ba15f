"""Reading back what the database notifier wrote (for the demo inbox), and forgetting it after a day."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.notifications.tables import OutboxMessage
from gateway.platform.hashing import keyed_hash

__all__ = ["OutboxEntry", "recent_messages", "sweep_outbox"]

_KEEP_SECONDS = 24 * 3600  # a day of history helps to answer a citizen's "I never got the code"

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


async def sweep_outbox(engine: AsyncEngine, now: float) -> int:
    """Delete messages older than a day; several processes may sweep at once harmlessly."""
    async with engine.begin() as conn:
        result = await conn.execute(delete(_TABLE).where(_TABLE.c.created_at < now - _KEEP_SECONDS))
    return int(result.rowcount or 0)
