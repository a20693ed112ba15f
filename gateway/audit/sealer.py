"""The sealer: numbers and chains the entries written unchained, in the order they were written, in
batches, and publishes each new head outside the database.

One round is one transaction: take the sealer's lock (PostgreSQL: a transaction-scoped advisory lock, so
two sealers on one database never chain at the same time; SQLite: ``BEGIN IMMEDIATE``, its one writer),
read up to ``batch`` unsealed entries by ``id``, reserve their numbers on the head, give each its number
and hashes, move the head's hash to the last one, commit. A sealer killed mid-round leaves nothing: its
transaction rolls back, its lock goes with its connection, and the next round seals the same entries.
Entries are never made to wait for the sealer: they are committed with their actions, unchained.

On PostgreSQL an entry with a lower ``id`` may commit after one with a higher ``id``; a round seals what
is committed, so such an entry is sealed in a later round and its number reflects when it was sealed
(its ``at`` still tells when it happened).

On a SQLite file a round is one job on the process's writing thread
(``family_registry.reads.write_executor``), over its plain ``sqlite3`` connection, in as few statements as
SQLite allows: the batch read as one JSON array, every entry's number and hashes written by one ``UPDATE
... FROM json_each``. The round then never holds SQLite's write lock while it waits for the event loop,
and the trail's batches and the process's write transactions queue behind it on that thread instead of
sleeping in SQLite's busy handler. Through the async engine, a round of a few hundred entries was a few
hundred hops between the loop and aiosqlite's thread, each statement of each entry waiting for the GIL
while the loop served reads, and every audited read waited for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from family_registry.reads import write_connection, write_executor
from gateway.audit.chain import entry_hash
from gateway.audit.tables import AuditEntry, AuditHead
from gateway.audit.trail import HeadMissing
from gateway.database import is_postgres

__all__ = ["SEALER_LOCK", "AuditSealer", "HeadFile", "read_published"]

log = logging.getLogger("seva.audit")
_ENTRY = AuditEntry.__table__  # type: ignore[attr-defined]
_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
# Any constant will do, as long as every seva process uses the same one (the migrations use 0x5E7A_0001).
SEALER_LOCK = 0x5E7A_0A0D
_CONTENT = ("id", "at", "actor", "role", "action", "target", "client_ip", "request_id", "reason", "details")
_HEAD_EVENT = "audit.head"
_SQLITE_PENDING = "SELECT 1 FROM audit_entry WHERE seq IS NULL LIMIT 1"
# The batch as one row: one step of the statement, however many entries (a step per row would wait for
# the GIL once per entry while the event loop holds it).
_SQLITE_BATCH = (
    f"SELECT json_group_array(json_array({', '.join(_CONTENT)})) FROM ("  # noqa: S608 - constants only
    f"SELECT {', '.join(_CONTENT)} FROM audit_entry WHERE seq IS NULL ORDER BY id LIMIT ?)"
)
_SQLITE_RESERVE = "UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq, hash"
# Every entry of the batch in one statement. SQLite walks ``json_each`` in the array's order (the entries'
# numbers' order) and finds each entry by its rowid, so entries are sealed in order, as the
# ``audit_entry_sealed_once`` trigger requires (tests/audit/test_sealer.py checks the plan).
_SQLITE_SEAL = (
    "UPDATE audit_entry SET seq = json_extract(s.value, '$[1]'), prev_hash = json_extract(s.value, '$[2]'), "
    "hash = json_extract(s.value, '$[3]') FROM json_each(?) AS s "
    "WHERE audit_entry.id = json_extract(s.value, '$[0]')"
)
_SQLITE_HEAD = "UPDATE audit_head SET hash = ? WHERE id = 1"


class HeadFile:
    """Where the sealer publishes heads: one JSON line per sealed round appended to a file, for the
    operator to ship somewhere the database's owner cannot write (``docs/operations.md``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def publish(self, seq: int, digest: str, at: dt.datetime) -> None:
        line = msgspec.json.encode(
            {"event": _HEAD_EVENT, "seq": seq, "head_hash": digest, "at": at.isoformat(timespec="seconds")}
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as out:
            out.write(line + b"\n")
            out.flush()
            os.fsync(out.fileno())


class _PublishedLine(msgspec.Struct):
    event: str = ""
    seq: int = 0
    head_hash: str = ""


def read_published(path: Path) -> dict[int, str]:
    """The heads in a file of published heads (or any JSON-lines log holding them): ``seq`` → ``hash``.
    Lines that are not heads are passed over, so a shipped log with other lines in it will do."""
    heads: dict[int, str] = {}
    decoder = msgspec.json.Decoder(_PublishedLine)
    with path.open("rb") as lines:
        for line in lines:
            try:
                head = decoder.decode(line)
            except msgspec.DecodeError:
                continue
            if head.event == _HEAD_EVENT and head.seq > 0 and len(head.head_hash) == 64:
                heads[head.seq] = head.head_hash
    return heads


class AuditSealer:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        batch: int = 2000,
        idle_seconds: float = 1.0,
        heads: HeadFile | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.heads = heads
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.postgres = is_postgres(engine)
        database = engine.url.database or ""
        # A SQLite file is sealed on the writing thread; an in-memory database only through the engine.
        self._sqlite_path = (
            database
            if engine.dialect.name == "sqlite" and database not in ("", ":memory:")
            and not database.startswith("file:")
            else None
        )  # fmt: skip
        # Tests stop a sealer here, its entries chained and not yet committed, to kill it.
        self.before_commit: Callable[[], Coroutine[Any, Any, None]] | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Seal until ``stop`` is set, then seal what is left; a failing round is logged and tried again."""
        while not stop.is_set():
            try:
                sealed = await self.seal_once()
            except Exception:
                log.exception("audit sealing round failed; trying again")
                sealed = 0
            if sealed < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_seconds)
        with contextlib.suppress(Exception):
            await self.seal_all(wait=False)

    async def seal_all(self, wait: bool = True) -> int:
        """Rounds until nothing is left to seal; how many entries were sealed. With ``wait``, a round waits
        for another sealer's round to end instead of leaving the work to it."""
        total = 0
        while True:
            sealed = await self.seal_once(wait=wait)
            total += sealed
            if sealed < self.batch:
                return total

    async def seal_once(self, wait: bool = False) -> int:
        """One round; how many entries it sealed (0 also when another sealer holds the lock)."""
        if self._sqlite_path is not None:
            loop = asyncio.get_running_loop()
            head = await loop.run_in_executor(write_executor(), self._seal_sqlite, self._sqlite_path, loop)
        else:
            head = await self._seal_engine(wait)
        if head is None:
            return 0
        count, seq, digest = head
        if self.heads is not None:
            try:
                # Its fsync on a thread of its own: not on the event loop, nor on the writing thread.
                await asyncio.to_thread(self.heads.publish, seq, digest, self.now())
            except OSError as exc:  # the next round publishes a later head
                log.warning("could not publish the audit head to %s: %s", self.heads.path, exc)
        # The same line in the process's JSON log, for operators who ship logs rather than the file.
        log.info(_HEAD_EVENT, extra={"seq": seq, "head_hash": digest})
        return count

    def _seal_sqlite(self, path: str, loop: asyncio.AbstractEventLoop) -> tuple[int, int, str] | None:
        """One round on a SQLite file, run on the writing thread: its own transaction, committed or rolled
        back before it returns."""
        conn = write_connection(path)
        if conn.execute(_SQLITE_PENDING).fetchone() is None:
            return None
        conn.execute("BEGIN IMMEDIATE")  # the write lock first: a round never fails to upgrade a read
        try:
            head = self._chain_sqlite(conn)
            if head is not None and self.before_commit is not None:
                asyncio.run_coroutine_threadsafe(self.before_commit(), loop).result()
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT" if head is not None else "ROLLBACK")
        return head

    def _chain_sqlite(self, conn: sqlite3.Connection) -> tuple[int, int, str] | None:
        (batch,) = conn.execute(_SQLITE_BATCH, (self.batch,)).fetchone()
        rows: list[list[Any]] = sorted(msgspec.json.decode(batch), key=lambda row: row[0])
        if not rows:
            return None
        moved = conn.execute(_SQLITE_RESERVE, (len(rows),)).fetchall()
        if not moved:
            raise HeadMissing()
        last, prev = int(moved[0][0]), str(moved[0][1])
        sealed: list[tuple[int, int, str, str]] = []
        for seq, row in enumerate(rows, start=last - len(rows) + 1):
            digest = entry_hash(prev, {**dict(zip(_CONTENT, row, strict=True)), "seq": seq})
            sealed.append((row[0], seq, prev, digest))
            prev = digest
        done = conn.execute(_SQLITE_SEAL, (msgspec.json.encode(sealed).decode(),)).rowcount
        if done != len(rows):
            raise RuntimeError(f"sealed {done} of {len(rows)} audit entries; the round is rolled back")
        conn.execute(_SQLITE_HEAD, (prev,))
        return len(rows), last, prev

    async def _seal_engine(self, wait: bool) -> tuple[int, int, str] | None:
        """One round through the engine (PostgreSQL, an in-memory SQLite database)."""
        async with self.engine.connect() as conn:
            if (
                await conn.execute(select(_ENTRY.c.id).where(_ENTRY.c.seq.is_(None)).limit(1))
            ).first() is None:
                return None
        async with self.engine.connect() as conn:
            if self.postgres:
                await conn.begin()
                lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
                taken = (await conn.execute(text(f"SELECT {lock}(:key)"), {"key": SEALER_LOCK})).scalar()
                if taken is False:
                    await conn.rollback()
                    return None
            else:
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                head = await self._seal(conn)
            except BaseException:
                await conn.rollback()
                raise
            if head is None:
                await conn.rollback()
                return None
            if self.before_commit is not None:
                await self.before_commit()
            await conn.commit()
        return head

    async def _seal(self, conn: AsyncConnection) -> tuple[int, int, str] | None:
        rows = (
            await conn.execute(
                select(*(_ENTRY.c[name] for name in _CONTENT))
                .where(_ENTRY.c.seq.is_(None))
                .order_by(_ENTRY.c.id)
                .limit(self.batch)
            )
        ).all()
        if not rows:
            return None
        moved = (
            await conn.execute(
                update(_HEAD)
                .where(_HEAD.c.id == 1)
                .values(seq=_HEAD.c.seq + len(rows))
                .returning(_HEAD.c.seq, _HEAD.c.hash)
            )
        ).first()
        if moved is None:
            raise HeadMissing()
        last, prev = int(moved[0]), str(moved[1])
        sealed: list[dict[str, Any]] = []
        for seq, row in enumerate(rows, start=last - len(rows) + 1):
            fields: Mapping[str, Any] = {**row._mapping, "seq": seq}
            digest = entry_hash(prev, fields)
            sealed.append({"b_id": row.id, "b_seq": seq, "b_prev": prev, "b_hash": digest})
            prev = digest
        await conn.execute(
            update(_ENTRY)
            .where(_ENTRY.c.id == bindparam("b_id"), _ENTRY.c.seq.is_(None))
            .values(seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), hash=bindparam("b_hash")),
            sealed,
        )
        # Each entry sealed exactly once, here: if any was not (sealed meanwhile by someone else), give up.
        done = (
            await conn.execute(
                select(func.count()).where(_ENTRY.c.seq > last - len(rows), _ENTRY.c.seq <= last)
            )
        ).scalar_one()
        if done != len(rows):
            raise RuntimeError(f"sealed {done} of {len(rows)} audit entries; the round is rolled back")
        await conn.execute(update(_HEAD).where(_HEAD.c.id == 1).values(hash=prev))
        return len(rows), last, prev
