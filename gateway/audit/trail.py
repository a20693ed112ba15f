"""Appending to the trail and reading it back.

An append takes three statements in the caller's transaction:

1. ``UPDATE audit_head SET seq = seq + 1 ... RETURNING seq, hash`` — the first statement writes, so it
   waits for the row lock (PostgreSQL) or the write lock (SQLite) instead of failing on a stale read, and
   concurrent appenders from any number of processes queue up here;
2. ``INSERT`` the entry, chained to the hash the head returned;
3. ``UPDATE audit_head SET hash = ...`` to the new entry's hash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.audit.chain import ChainVerdict, canonical_details, entry_hash, verify_chain
from gateway.audit.tables import AuditEntry, AuditHead

__all__ = ["Actor", "AuditTrail", "HeadMissing"]

_ENTRY = AuditEntry.__table__  # type: ignore[attr-defined]
_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
_LIMITS = {"actor": 80, "target": 120, "client_ip": 64, "request_id": 64, "reason": 300, "action": 64}


class HeadMissing(RuntimeError):
    """The ``audit_head`` row is absent: the database was not migrated (``seva db upgrade``)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, from where, and why; the HTTP edge builds one per request, the CLI its own."""

    subject: str
    role: str
    client_ip: str = ""
    reason: str = ""
    request_id: str = ""

    @classmethod
    def system(cls, name: str, reason: str) -> Actor:
        return cls(subject=f"system:{name}", role="system", client_ip="local", reason=reason)


def _clip(name: str, value: str) -> str:
    limit = _LIMITS[name]
    return value if len(value) <= limit else value[: limit - 1] + "…"


class AuditTrail:
    """The trail in one database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def append(
        self,
        conn: AsyncConnection,
        actor: Actor,
        action: str,
        target: str,
        details: dict[str, Any] | None = None,
    ) -> int:
        """Add an entry in ``conn``'s transaction and return its number; it commits with the caller."""
        moved = await conn.execute(
            update(_HEAD)
            .where(_HEAD.c.id == 1)
            .values(seq=_HEAD.c.seq + 1)
            .returning(_HEAD.c.seq, _HEAD.c.hash)
        )
        head = moved.first()
        if head is None:
            raise HeadMissing("audit_head has no row; run the database migrations")
        seq, prev_hash = head
        fields: dict[str, Any] = {
            "seq": seq,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            "actor": _clip("actor", actor.subject),
            "role": actor.role,
            "action": _clip("action", action),
            "target": _clip("target", target),
            "client_ip": _clip("client_ip", actor.client_ip),
            "request_id": _clip("request_id", actor.request_id),
            "reason": _clip("reason", actor.reason),
            "details": canonical_details(details),
        }
        digest = entry_hash(prev_hash, fields)
        await conn.execute(insert(_ENTRY).values(**fields, prev_hash=prev_hash, hash=digest))
        await conn.execute(update(_HEAD).where(_HEAD.c.id == 1).values(hash=digest))
        return int(seq)

    async def record(
        self, actor: Actor, action: str, target: str, details: dict[str, Any] | None = None
    ) -> int:
        """Append an entry in a transaction of its own (for reads, which change nothing else)."""
        async with self.engine.begin() as conn:
            return await self.append(conn, actor, action, target, details)

    async def head(self) -> tuple[int, str]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1))).first()
        if row is None:
            raise HeadMissing("audit_head has no row; run the database migrations")
        return int(row[0]), str(row[1])

    async def entries(self, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Entries numbered above ``after``, oldest first."""
        async with self.engine.connect() as conn:
            result = await conn.execute(
                select(_ENTRY).where(_ENTRY.c.seq > after).order_by(_ENTRY.c.seq).limit(limit)
            )
            return [dict(row) for row in result.mappings()]

    async def _stream(self, page: int) -> AsyncIterator[dict[str, Any]]:
        after = 0
        while True:
            rows = await self.entries(after, page)
            for row in rows:
                yield row
            if len(rows) < page:
                return
            after = rows[-1]["seq"]

    async def verify(self, page: int = 5000) -> ChainVerdict:
        """Check the whole chain and the head.

        The head is read first: entries appended while the check runs lie beyond it and are left for
        the next check, so a busy gateway does not make a sound trail look broken.
        """
        head_seq, head_hash = await self.head()

        async def upto_head() -> AsyncIterator[dict[str, Any]]:
            async for row in self._stream(page):
                if row["seq"] > head_seq:
                    return
                yield row

        return await verify_chain(upto_head(), head_seq, head_hash)
