"""Appending to the trail and reading it back.

An append writes its entries unchained (no number, no hashes) with one ``INSERT`` in the caller's
transaction: the entry commits or rolls back with the action it records, and appenders never wait for
one another (nothing shared is updated). The sealer (``gateway.audit.sealer``) numbers and chains
committed entries later, in batches, one sealer at a time.

Entries that need no transaction of their own (reads of personal data) go through ``record``: a group
commit. Each caller queues its entry and awaits the batch that holds it; a writer takes every entry
queued while the previous batch was being committed and commits them together, in one transaction, so
under load one commit carries many entries and a caller alone is written at once (nothing waits on a
timer). Each caller still returns only once its entry is committed; if the batch fails, every caller in
it fails (``TrailUnavailable``), and nothing it read is answered. On a SQLite file and on PostgreSQL the
batch goes to the driver itself (``family_registry.reads.Reads.insert``): SQLite's batch as one
``INSERT ... SELECT FROM json_each`` (the rows as one JSON array, committed by itself) in one job on the
process's thread for writes, PostgreSQL's batch as one prepared ``INSERT ... SELECT FROM unnest``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from family_registry.reads import Reads
from gateway.audit.chain import ChainVerdict, canonical_details, verify_chain
from gateway.audit.tables import AuditEntry, AuditHead
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.problems import Unavailable
from gateway.transactions import insert_many
from schemas.problem import Message

__all__ = ["COLUMNS", "Actor", "AuditTrail", "HeadMissing", "Pending", "TrailUnavailable"]

log = logging.getLogger("seva.audit")
_ENTRY = AuditEntry.__table__  # type: ignore[attr-defined]
_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
_LIMITS = {"actor": 80, "target": 120, "client_ip": 64, "request_id": 64, "reason": 300, "action": 64}
# What an append writes, in this order; the rest (id, seq, hashes) is the database's and the sealer's.
COLUMNS = ("at", "actor", "role", "action", "target", "client_ip", "request_id", "reason", "details")
# A whole batch in one statement, given as one JSON array of rows: one step of SQLite's, whatever its size
# (a row at a time, each row's step waited for the GIL while the event loop held it).
_SQLITE_INSERT = (
    "INSERT INTO audit_entry (at, actor, role, action, target, client_ip, request_id, reason, details) "
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
    "json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), "
    "json_extract(value, '$[6]'), json_extract(value, '$[7]'), json_extract(value, '$[8]') "
    "FROM json_each(?) ORDER BY key"
)
# A whole batch in one statement, one array per column: one plan, one round trip, whatever its size.
_POSTGRES_INSERT = (
    "INSERT INTO audit_entry (at, actor, role, action, target, client_ip, request_id, reason, details) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "$7::text[], $8::text[], $9::text[])"
)


class HeadMissing(Unavailable):
    """The ``audit_head`` row is absent: the database was not migrated (``seva db upgrade``)."""

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="The audit trail is not set up; run `seva db upgrade`.",
                hi="ऑडिट ट्रेल तैयार नहीं है; `seva db upgrade` चलाएं।",
            )
        )


class TrailUnavailable(Unavailable):
    """The batch holding a read's entry could not be committed: the read is refused, not answered."""

    def __init__(self) -> None:
        super().__init__(
            Message(
                en="This read could not be recorded in the audit trail, so it was not answered; try again.",
                hi="यह पठन ऑडिट ट्रेल में दर्ज नहीं हो सका, इसलिए उत्तर नहीं दिया गया; फिर से प्रयास करें।",
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


def _fail(batch: list[tuple[Pending, asyncio.Future[None]]], cause: BaseException) -> None:
    for _, done in batch:
        if not done.done():
            unwritten = TrailUnavailable()  # one each: the callers raise it concurrently
            unwritten.__cause__ = cause
            done.set_exception(unwritten)


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
        # Batches in flight at once. Appends share no row, so on PostgreSQL a batch need not wait for the
        # commit before it; SQLite has one writer whatever we do.
        self.writers = writers or (1 if engine.dialect.name == "sqlite" else 4)
        self._writing: set[asyncio.Task[None]] = set()
        self._direct = Reads(engine)
        self._insert = _POSTGRES_INSERT if engine.dialect.name == "postgresql" else _SQLITE_INSERT

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
        await insert_many(conn, _ENTRY, self.rows(entries), COLUMNS)

    def rows(self, entries: list[Pending]) -> list[tuple[str, ...]]:
        """The values an append writes for ``entries``, each in the order of ``COLUMNS``."""
        at = self.clock.now().isoformat(timespec="microseconds")
        return [
            (
                at,
                _clip("actor", actor.subject),
                actor.role,
                _clip("action", action),
                _clip("target", target),
                _clip("client_ip", actor.client_ip),
                _clip("request_id", actor.request_id),
                _clip("reason", actor.reason),
                canonical_details(details),
            )
            for actor, action, target, details in entries
        ]

    async def record(
        self, actor: Actor, action: str, target: str, details: dict[str, Any] | None = None
    ) -> None:
        """Append an entry outside any change (a read); return once it is committed, or raise
        ``TrailUnavailable`` if the batch holding it was not."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(((actor, action, target, details), done))
        # A writer that has just finished is done before its done-callbacks run: count the live ones.
        self._writing = {writer for writer in self._writing if not writer.done()}
        if len(self._writing) < self.writers:
            self._writing.add(asyncio.create_task(self._write_waiting()))
        return await done

    async def _write(self, entries: list[Pending]) -> None:
        """Commit ``entries`` together, in one transaction of their own."""
        if self._direct.direct:
            await self._direct.insert(self._insert, self.rows(entries))
            return
        async with self.engine.begin() as conn:  # an in-memory SQLite database: only the engine reaches it
            await self.append_many(conn, entries)

    async def _write_waiting(self) -> None:
        """Commit the waiting entries, up to ``max_batch`` per transaction, until none is left: each batch
        is what queued while the one before it was being committed."""
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            try:
                await self._write([entry for entry, _ in batch])
            except Exception as exc:
                log.exception("%d audit entries were not committed; their reads are refused", len(batch))
                _fail(batch, exc)
                continue
            except BaseException as exc:  # cancelled (the process is stopping): nobody may wait forever
                _fail(batch + self._waiting, exc)
                self._waiting = []
                raise
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
