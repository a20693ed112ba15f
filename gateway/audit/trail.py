"""Appending to the trail and reading it back.

An append writes its entries unchained (no number, no hashes) with one ``INSERT`` in the caller's
transaction: the entry commits or rolls back with the action it records, and appenders never wait for
one another (nothing shared is updated). The sealer (``gateway.audit.sealer``) numbers and chains
committed entries later, in batches, one sealer at a time.

Entries that need no transaction of their own (reads of personal data) go through ``record``, which
writes the entries waiting in this process together: under load one transaction carries many entries,
and each caller still returns only once its entry is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.audit.chain import ChainVerdict, canonical_details, verify_chain
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

    def __init__(
        self,
        engine: AsyncEngine,
        max_batch: int = 200,
        *,
        clock: Clock | None = None,
        writers: int | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.max_batch = max_batch
        self._waiting: list[tuple[Pending, asyncio.Future[None]]] = []
        # Transactions of waiting entries in flight at once. Appends share no row any more, so on PostgreSQL
        # an entry need not wait for the commit before it; SQLite has one writer whatever we do.
        self.writers = writers or (1 if engine.dialect.name == "sqlite" else 4)
        self._writing: set[asyncio.Task[None]] = set()

    async def append(
        self,
        conn: AsyncConnection,
        actor: Actor,
        action: str,
        target: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Add an entry in ``conn``'s transaction; it commits with the caller."""
        await self.append_many(conn, [(actor, action, target, details)])

    async def append_many(self, conn: AsyncConnection, entries: list[Pending]) -> None:
        """Add ``entries`` in order in ``conn``'s transaction, unchained; they commit with the caller."""
        await conn.execute(insert(_ENTRY), self._rows(entries))

    def _rows(self, entries: list[Pending]) -> list[dict[str, Any]]:
        at = self.clock.now().isoformat(timespec="microseconds")
        return [
            {
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
            for actor, action, target, details in entries
        ]

    async def record(
        self, actor: Actor, action: str, target: str, details: dict[str, Any] | None = None
    ) -> None:
        """Append an entry outside any change (a read); return once it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(((actor, action, target, details), done))
        # A writer that has just finished is done before its done-callbacks run: count the live ones.
        self._writing = {writer for writer in self._writing if not writer.done()}
        if len(self._writing) < self.writers:
            self._writing.add(asyncio.create_task(self._write_waiting()))
        return await done

    async def _write(self, entries: list[Pending]) -> None:
        if self.engine.dialect.name == "sqlite":
            async with self.engine.begin() as conn:
                await self.append_many(conn, entries)
            return
        # One statement needs no BEGIN and COMMIT of its own: in autocommit the driver sends the rows as
        # one implicit transaction (atomic, and committed before it returns), in one round trip.
        async with self.engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(
                insert(_ENTRY), self._rows(entries)
            )

    async def _write_waiting(self) -> None:
        """Write waiting entries, up to ``max_batch`` per transaction, until none is left."""
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            try:
                await self._write([entry for entry, _ in batch])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, done in batch:
                if not done.done():  # the caller may have gone (a cancelled request); its entry stays
                    done.set_result(None)

    async def head(self) -> tuple[int, str]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1))).first()
        if row is None:
            raise HeadMissing()
        return int(row[0]), str(row[1])

    async def count(self) -> tuple[int, int]:
        """How many entries there are, sealed and waiting to be sealed (read in one statement)."""
        sealed = select(func.count()).where(_ENTRY.c.seq.is_not(None)).scalar_subquery()
        unsealed = select(func.count()).where(_ENTRY.c.seq.is_(None)).scalar_subquery()
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(sealed, unsealed))).one()
        return int(row[0]), int(row[1])

    async def entries(self, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Sealed entries numbered above ``after``, oldest first."""
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

    async def verify(self, page: int = 5000, published: Mapping[int, str] | None = None) -> ChainVerdict:
        """Check the whole chain, the head and the heads ``published`` outside the database.

        The head is read first: entries sealed while the check runs lie beyond it and are left for the
        next check, so a busy gateway does not make a sound trail look broken. Read ``published`` before
        calling, so that every head in it was sealed before the head read here.
        """
        head_seq, head_hash = await self.head()

        async def upto_head() -> AsyncIterator[dict[str, Any]]:
            async for row in self._stream(page):
                if row["seq"] > head_seq:
                    return
                yield row

        return await verify_chain(upto_head(), head_seq, head_hash, published)
