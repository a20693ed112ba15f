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
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.audit.chain import entry_hash
from gateway.audit.tables import AuditEntry, AuditHead
from gateway.audit.trail import HeadMissing
from gateway.database import is_postgres
from gateway.transactions import Transactions

__all__ = ["SEALER_LOCK", "AuditSealer", "HeadFile", "read_published"]

log = logging.getLogger("seva.audit")
_ENTRY = AuditEntry.__table__  # type: ignore[attr-defined]
_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
# Any constant will do, as long as every seva process uses the same one (the migrations use 0x5E7A_0001).
SEALER_LOCK = 0x5E7A_0A0D
_CONTENT = ("id", "at", "actor", "role", "action", "target", "client_ip", "request_id", "reason", "details")
_HEAD_EVENT = "audit.head"


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
        self._transactions = Transactions(engine)
        # Tests stop a sealer here, its entries chained and not yet committed, to kill it.
        self.before_commit: Callable[[], Awaitable[None]] | None = None

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
        async with self.engine.connect() as conn:
            if (
                await conn.execute(select(_ENTRY.c.id).where(_ENTRY.c.seq.is_(None)).limit(1))
            ).first() is None:
                return 0
        if not self.postgres and self.before_commit is None:
            # SQLite: the round is one job on the process's writing thread (``gateway.transactions``), in
            # turn with the submissions' group commit and the trail's batches. Run through the engine, it
            # held the write lock across a dozen hops of a busy event loop, while those writes waited in
            # SQLite's busy handler (sleeps of 1 ms and more).
            head = await self._transactions.run(self._seal_immediate)
        else:
            head = await self._seal_round(wait)
        if head is None:
            return 0
        count, seq, digest = head
        if self.heads is not None:
            try:
                self.heads.publish(seq, digest, self.now())
            except OSError as exc:  # the next round publishes a later head
                log.warning("could not publish the audit head to %s: %s", self.heads.path, exc)
        # The same line in the process's JSON log, for operators who ship logs rather than the file.
        log.info(_HEAD_EVENT, extra={"seq": seq, "head_hash": digest})
        return count

    async def _seal_immediate(self, conn: AsyncConnection) -> tuple[int, int, str] | None:
        await conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock first, as below
        return await self._seal(conn)

    async def _seal_round(self, wait: bool) -> tuple[int, int, str] | None:
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
