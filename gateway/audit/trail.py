"""Appending to the trail and reading it back.

An append (of one entry or of several) takes four statements in the caller's transaction:

1. ``UPDATE audit_head SET seq = seq + n ... RETURNING seq, hash`` — the first statement writes, so it
   waits for the row lock (PostgreSQL) or the write lock (SQLite) instead of failing on a stale read, and
   appenders from any number of processes queue up here, each reserving the next ``n`` numbers;
2. the entries are numbered and chained to the hash the head returned, in Python;
3. ``INSERT`` them;
4. ``UPDATE audit_head SET hash = ...`` to the last entry's hash.

The head row is held until commit. Entries that need no transaction of their own (reads of personal
data) go through ``record``, which writes the entries waiting in this process together: under load one
transaction carries many entries, and each caller still returns only once its entry is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.audit.chain import ChainVerdict, canonical_details, entry_hash, verify_chain
from gateway.audit.tables import AuditEntry, AuditHead
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.problems import Unavailable
from schemas.problem import Message

__all__ = ["Actor", "AuditTrail", "HeadMissing", "Pending"]

_ENTRY = AuditEntry.__table__  # type: ignore[attr-defined]
_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
_LIMITS = {"actor": 80, "target": 120, "client_ip": 64, "request_id": 64, "reason": 300, "action": 64}


class HeadMissing(Unavailable):
    """The ``audit_head`` row is absent: the database was not migrated (``seva db upgrade``)."""

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="The audit trail is not set up; run `seva db upgrade`.",
                hi="ऑडिट ट्रेल तैयार नहीं है; `seva db upgrade` चलाएं।",
            )
        )


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


Pending = tuple[Actor, str, str, "dict[str, Any] | None"]  # actor, action, target, details


class AuditTrail:
    """The trail in one database."""

    def __init__(self, engine: AsyncEngine, max_batch: int = 200, *, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.max_batch = max_batch
        self._waiting: list[tuple[Pending, asyncio.Future[int]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def append(
        self,
        conn: AsyncConnection,
        actor: Actor,
        action: str,
        target: str,
        details: dict[str, Any] | None = None,
    ) -> int:
        """Add an entry in ``conn``'s transaction and return its number; it commits with the caller."""
        (number,) = await self.append_many(conn, [(actor, action, target, details)])
        return number

    async def append_many(self, conn: AsyncConnection, entries: list[Pending]) -> list[int]:
        """Add ``entries`` in order in ``conn``'s transaction; return their numbers."""
        moved = await conn.execute(
            update(_HEAD)
            .where(_HEAD.c.id == 1)
            .values(seq=_HEAD.c.seq + len(entries))
            .returning(_HEAD.c.seq, _HEAD.c.hash)
        )
        head = moved.first()
        if head is None:
            raise HeadMissing()
        last, prev_hash = int(head[0]), str(head[1])
        at = self.clock.now().isoformat(timespec="microseconds")
        rows = []
        for seq, (actor, action, target, details) in enumerate(entries, start=last - len(entries) + 1):
            fields: dict[str, Any] = {
                "seq": seq,
                "at": at,
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
            rows.append({**fields, "prev_hash": prev_hash, "hash": digest})
            prev_hash = digest
        await conn.execute(insert(_ENTRY), rows)
        await conn.execute(update(_HEAD).where(_HEAD.c.id == 1).values(hash=prev_hash))
        return [row["seq"] for row in rows]

    async def record(
        self, actor: Actor, action: str, target: str, details: dict[str, Any] | None = None
    ) -> int:
        """Append an entry outside any change (a read); return its number once it is committed."""
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append(((actor, action, target, details), done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())
        return await done

    async def _write_waiting(self) -> None:
        """Write waiting entries, up to ``max_batch`` per transaction, until none is left."""
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            try:
                async with self.engine.begin() as conn:
                    numbers = await self.append_many(conn, [entry for entry, _ in batch])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), number in zip(batch, numbers, strict=True):
                if not done.done():  # the caller may have gone (a cancelled request); its entry stays
                    done.set_result(number)

    async def head(self) -> tuple[int, str]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1))).first()
        if row is None:
            raise HeadMissing()
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
