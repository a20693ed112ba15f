"""Group commit of new applications: concurrent submissions share one transaction.

SQLite has one writer at a time and every transaction costs a commit; PostgreSQL pays a round trip per
statement. So each new application (its row, first timeline event, judgement, delivery record and audit entry)
waits in a list, and one task writes everything waiting in one transaction with one statement per
table. Under load a transaction carries dozens of applications; alone, one.

On SQLite the transaction is one job on the writing thread (``gateway.transactions``), not a hop to the
driver's thread per statement. Whoever delivers the queue in this process may ask to hear of each commit
(``after_commit``), so that a new application goes out at once instead of at the next look for due work.

While the batch's transaction runs, what its applications were made from (the applicant's district and
tehsil, the form) is at hand to whoever writes in it (``writing``): the deadlines start their clocks from
it instead of reading the new rows back.

If a batch fails on a unique constraint (a random reference drawn twice, or two requests with the
same idempotency key racing), the batch is written again one application per transaction, so only the
application that clashed gets the error and the others are not held back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.applications.tables import ApplicationJudgement
from gateway.applications.timeline import APPLICATIONS, EVENTS
from gateway.audit import AuditTrail, Pending
from gateway.transactions import Transactions, insert_many

__all__ = ["Enqueue", "Grant", "NewApplication", "SubmissionWriter", "writing"]

log = logging.getLogger("seva.applications")

Enqueue = Callable[[AsyncConnection, list[dict[str, Any]]], Awaitable[None]]
"""Puts delivery records on the delivery queue in the caller's transaction (the delivery capability's)."""
Grant = Callable[[AsyncConnection, list[dict[str, Any]]], Awaitable[None]]
JUDGEMENTS = ApplicationJudgement.__table__  # type: ignore[attr-defined]
"""Lets departments fetch documents, in the caller's transaction (the documents capability's)."""


@dataclass(frozen=True, slots=True)
class NewApplication:
    """The rows of one new application, ready to insert."""

    application: dict[str, Any]
    event: dict[str, Any]
    delivery: dict[str, Any]
    audit: Pending
    grants: list[dict[str, Any]] = field(default_factory=list)
    judgement: dict[str, Any] | None = None
    # Where it goes, as the registry had it when the application was made: the family's district and
    # tehsil, and the form (whose tehsil stands in where the family has none). None: unknown, read back.
    district: str | None = None
    family_tehsil: str | None = None
    form: Mapping[str, Any] | None = None


_writing: ContextVar[Mapping[str, NewApplication]] = ContextVar(
    "seva_new_applications", default=MappingProxyType({})
)


def writing() -> Mapping[str, NewApplication]:
    """The new applications the transaction running now writes, by reference (empty outside one): what a
    step of that transaction (the clocks' start) would otherwise read back from the rows just written."""
    return _writing.get()


class SubmissionWriter:
    def __init__(
        self, engine: AsyncEngine, audit: AuditTrail, enqueue: Enqueue, grant: Grant, max_batch: int = 256
    ) -> None:
        self.engine = engine
        self.audit = audit
        self.enqueue = enqueue
        self.grant = grant
        self.max_batch = max_batch
        self.transactions = Transactions(engine)
        self._committed: list[Callable[[], None]] = []
        self._waiting: list[tuple[NewApplication, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    def after_commit(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (on the event loop) after each commit of new applications."""
        self._committed.append(listener)

    async def write(self, new: NewApplication) -> None:
        """Return once ``new`` is committed; ``IntegrityError`` if one of its unique values was taken."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((new, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())
        await done

    async def _insert(self, conn: AsyncConnection, batch: list[NewApplication]) -> None:
        # Set and reset within the body: on SQLite it runs on the writing thread, in that thread's context.
        held = _writing.set({n.application["reference"]: n for n in batch})
        try:
            await self._insert_rows(conn, batch)
        finally:
            _writing.reset(held)

    async def _insert_rows(self, conn: AsyncConnection, batch: list[NewApplication]) -> None:
        await insert_many(conn, APPLICATIONS, [n.application for n in batch])
        await insert_many(conn, EVENTS, [n.event for n in batch])
        await insert_many(conn, JUDGEMENTS, [n.judgement for n in batch if n.judgement is not None])
        await self.enqueue(conn, [n.delivery for n in batch])
        await self.grant(conn, [grant for n in batch for grant in n.grants])
        await self.audit.append_many(conn, [n.audit for n in batch])

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            try:
                news = [new for new, _ in batch]
                await self.transactions.run(lambda conn, news=news: self._insert(conn, news))  # type: ignore[misc]
            except IntegrityError:
                await self._one_by_one(batch)
                continue
            except Exception as exc:
                _settle(batch, exc)
                continue
            self._notify()
            _settle(batch, None)

    def _notify(self) -> None:
        for listener in self._committed:
            try:
                listener()
            except Exception:  # a listener's fault must not fail a submission that is committed
                log.exception("a listener of new applications failed")

    async def _one_by_one(self, batch: list[tuple[NewApplication, asyncio.Future[None]]]) -> None:
        for new, done in batch:
            try:
                await self.transactions.run(lambda conn, new=new: self._insert(conn, [new]))  # type: ignore[misc]
            except Exception as exc:
                _settle([(new, done)], exc)
            else:
                self._notify()
                _settle([(new, done)], None)


def _settle(batch: list[tuple[NewApplication, asyncio.Future[None]]], error: BaseException | None) -> None:
    for _, done in batch:
        if done.done():  # the caller went away (a cancelled request); what was written stays
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)
