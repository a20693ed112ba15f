"""The delivery worker: hand applications to departments, retry what can be retried, poll for decisions.

One ``run`` loop per process, with no rounds: it claims due deliveries and status polls for the free places
of each department's lane (``gateway.delivery.lanes``), starts each call as its own task, and claims more
as calls finish. A slow or failing department fills only its own lane; the others go on at their pace.
Outcomes are recorded by group commit: each finished call joins a list, and one task writes everything
waiting in one transaction (each change still fenced by its own lease), with the application's status,
timeline and audit entry:

- success: delivery ``done``, the department's reference and status recorded;
- ``Retryable``: delivery ``pending`` again at a back-off time; the citizen sees ``delayed_at_department``;
- ``Permanent``: delivery ``failed`` with the department's reason; the application ``failed``;
- a status poll: the new status if the application still has the one read before the call, then the next
  poll (or none, once final).

A worker killed at any point leaves its rows ``in_flight`` (or a poll's ``poll_at`` in the future) under a
lease that outlasts the adapter's longest call; the next worker sends them again with the same idempotency
key, so the department files each application once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters import DepartmentError, Permanent, StatusQuery, SubmissionRequest
from adapters.base import StatusResult, SubmitResult
from catalogue import Catalogue
from gateway.applications.statuses import FINAL
from gateway.applications.timeline import APPLICATIONS, record_changes
from gateway.applications.timeline import Change as _Change
from gateway.audit.trail import Actor, AuditTrail
from gateway.delivery.backoff import Backoff
from gateway.delivery.breaker import CircuitBreakers
from gateway.delivery.lanes import LEASE_MARGIN, Lane, Lanes
from gateway.delivery.queue import Claimed, DeliveryQueue, PollClaim
from gateway.delivery.resolver import AdapterResolver
from schemas.applications_api import AttachedDocument
from schemas.department_api import Applicant, DocumentRef

__all__ = ["DeliveryWorker", "WorkerOptions"]

log = logging.getLogger("seva.delivery")


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """``batch``: most rows one claim takes; ``concurrency``: most calls in flight to one department;
    ``lease_seconds``: the shortest lease (each adapter's is derived from its timeouts, see ``lanes``)."""

    batch: int = 32
    concurrency: int = 16
    lease_seconds: float = 60.0
    idle_seconds: float = 0.5
    poll_seconds: float = 2.0
    backoff: Backoff = field(default_factory=Backoff)
    breaker_threshold: int = 5
    breaker_cooldown: float = 30.0
    document_url: Callable[[str], str] | None = None


def _owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What one call to a department came to: ``done``, ``retry``, ``failed`` or ``release`` (not tried)."""

    kind: str
    summary: str
    result: SubmitResult | None = None
    reason: str = ""
    retry_after: float | None = None


def _extra(department_reference: str, certificate: object) -> dict[str, object]:
    extra: dict[str, object] = {"department_reference": department_reference}
    if certificate is not None:
        extra["certificate"] = msgspec.json.encode(certificate).decode()
    return extra


@dataclass(frozen=True, slots=True)
class _Delivered:
    item: Claimed
    outcome: _Outcome
    status: str  # the application's status when it was claimed


@dataclass(frozen=True, slots=True)
class _Polled:
    claim: PollClaim
    status: str  # the application's status read before the call
    answer: StatusResult | None


_MAX_RECORD = 256  # outcomes written in one transaction

_COLUMNS = (
    APPLICATIONS.c.reference,
    APPLICATIONS.c.service_code,
    APPLICATIONS.c.applicant,
    APPLICATIONS.c.form,
    APPLICATIONS.c.documents,
    APPLICATIONS.c.status,
)


class DeliveryWorker:
    def __init__(
        self,
        engine: AsyncEngine,
        catalogue: Callable[[], Catalogue],
        audit: AuditTrail,
        resolver: AdapterResolver,
        options: WorkerOptions = WorkerOptions(),
    ) -> None:
        self.engine = engine
        self.catalogue = catalogue
        self.audit = audit
        self.resolver = resolver
        self.options = options
        self.queue = DeliveryQueue(engine, _owner(), options.lease_seconds)
        self.breakers = CircuitBreakers(
            threshold=options.breaker_threshold, cooldown=options.breaker_cooldown
        )
        self.lanes = Lanes(options.concurrency, options.lease_seconds)
        self.actor = Actor.system("delivery", "deliver applications to departments")
        self._calls: set[asyncio.Task[None]] = set()
        self._finished = asyncio.Event()  # a call ended: its lane has room again
        self._waiting: list[_Delivered | _Polled] = []
        self._writer: asyncio.Task[None] | None = None
        self._full: set[str] = set()  # lanes without room after the last claim

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set, then let the calls in flight finish and record them."""
        log.info("delivery worker %s started", self.queue.owner)
        while not stop.is_set():
            try:
                _, more = await self.dispatch()
            except Exception:
                log.exception("claiming deliveries failed; trying again")
                more = False
            if more:
                continue
            # Nothing more is due, or every lane with work is full: wait for a call to end, or for new
            # work to come due (submissions, retries and polls are found by claiming again).
            self._finished.clear()
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._finished.wait())]
            await asyncio.wait(waits, timeout=self.options.idle_seconds, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waits:
                waiter.cancel()
        await self.settle()
        await self.resolver.aclose()
        log.info("delivery worker %s stopped", self.queue.owner)

    async def run_once(self) -> int:
        """Claim what is due for the lanes' free places, make those calls and record them; returns how many
        deliveries and polls it handled."""
        started, _ = await self.dispatch()
        await self.settle()
        return started

    async def settle(self) -> None:
        """Wait for the calls in flight and for their outcomes to be recorded."""
        while self._calls:
            await asyncio.gather(*list(self._calls), return_exceptions=True)
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def dispatch(self) -> tuple[int, bool]:
        """Claim due polls, then due deliveries, for the room in each department's lane, and start their
        calls. Returns how many started and whether more may be due at once (a claim came back full, or
        filled a lane so that a claim without it may find other departments' work)."""
        self.lanes.configure(await self.resolver.configs())
        blocked = self.breakers.blocked()
        polls = await self._claim_polls(blocked)
        deliveries = await self._claim_deliveries(blocked)
        more = (polls or deliveries) and (
            polls == self.options.batch or deliveries == self.options.batch or self._newly_full()
        )
        return polls + deliveries, bool(more)

    def _newly_full(self) -> bool:
        full = self.lanes.full()
        grew = bool(full - self._full)
        self._full = full
        return grew

    async def _claim_deliveries(self, blocked: list[str]) -> int:
        plan = self.lanes.plan(Lane.room, blocked)
        # Claim and read the applications in one transaction: one connection, one commit.
        async with self.engine.begin() as conn:
            claimed = await self.queue.claim_in(conn, self.options.batch, plan)
            rows = await self.read_in(conn, [item.reference for item in claimed]) if claimed else {}
        for item in claimed:
            self.lanes.take(item.adapter)
            self._start(self._deliver(item, rows[item.reference]))
        return len(claimed)

    async def _claim_polls(self, blocked: list[str]) -> int:
        plan = self.lanes.plan(Lane.poll_room, blocked)
        async with self.engine.begin() as conn:
            claims = await self.queue.claim_polls_in(conn, self.options.batch, plan)
            rows = {}
            if claims:
                query = select(
                    APPLICATIONS.c.reference, APPLICATIONS.c.status, APPLICATIONS.c.department_reference
                ).where(APPLICATIONS.c.reference.in_([claim.reference for claim in claims]))
                rows = {row.reference: row for row in (await conn.execute(query)).all()}
        for claim in claims:
            self.lanes.take(claim.adapter, poll=True)
            self._start(self._poll(claim, rows[claim.reference]))
        return len(claims)

    def _start(self, call: Any) -> None:
        task = asyncio.create_task(call)
        self._calls.add(task)
        task.add_done_callback(self._calls.discard)

    async def deliver_all(self, claimed: list[Claimed], rows: dict[str, Any] | None = None) -> None:
        """Deliver claimed rows now and record the outcomes (``rows``: their applications, if read)."""
        if rows is None:
            rows = await self.applications([item.reference for item in claimed])
        for item in claimed:
            self.lanes.take(item.adapter)
            self._start(self._deliver(item, rows[item.reference]))
        await self.settle()

    async def applications(self, references: list[str]) -> dict[str, Any]:
        """The applications behind claimed deliveries, by reference."""
        async with self.engine.connect() as conn:
            return await self.read_in(conn, references)

    @staticmethod
    async def read_in(conn: AsyncConnection, references: list[str]) -> dict[str, Any]:
        rows = (await conn.execute(select(*_COLUMNS).where(APPLICATIONS.c.reference.in_(references)))).all()
        return {row.reference: row for row in rows}

    def submission_for(self, item: Claimed, row: Any) -> SubmissionRequest:
        service = self.catalogue().by_code.get(row.service_code)
        operation = service.delivery.operation if service else row.service_code.replace("-", "_")
        attached = msgspec.json.decode(row.documents, type=list[AttachedDocument])
        url = self.options.document_url
        return SubmissionRequest(
            reference_number=item.reference,
            service_code=row.service_code,
            operation=operation,
            applicant=msgspec.json.decode(row.applicant, type=Applicant),
            idempotency_key=item.idempotency_key,
            form=msgspec.json.decode(row.form),
            documents=tuple(
                DocumentRef(
                    type=d.type, sha256=d.sha256, id=d.document_id, url=url(d.document_id) if url else None
                )
                for d in attached
                if d.status == "fetched" and d.sha256 and d.document_id
            ),
        )

    async def _deliver(self, item: Claimed, row: Any) -> None:
        try:
            outcome = await self._attempt(item, row)
        finally:
            self.lanes.give_back(item.adapter)
            self._finished.set()
        self._record_later(_Delivered(item, outcome, row.status))

    async def _attempt(self, item: Claimed, row: Any) -> _Outcome:
        """Call the department once, giving up before the lease runs out; never raises."""
        if not self.breakers.allow(item.adapter):
            return _Outcome("release", "circuit open")
        try:
            async with asyncio.timeout(item.lease_until - LEASE_MARGIN - time.time()):
                adapter = await self.resolver.get(item.adapter)
                result = await adapter.submit(self.submission_for(item, row))
        except Permanent as exc:
            return _Outcome("failed", str(exc), reason=exc.department_message or exc.reason)
        except DepartmentError as exc:
            self.breakers.failure(item.adapter)
            return _Outcome("retry", str(exc), retry_after=exc.retry_after)
        except TimeoutError:
            self.breakers.failure(item.adapter)
            return _Outcome("retry", f"{item.adapter}: no answer before the lease ran out")
        except Exception as exc:  # a bug or a broken configuration must delay, never lose, the application
            log.exception("delivery of %s raised", item.reference)
            return _Outcome("retry", f"{type(exc).__name__}: {exc}")
        self.breakers.success(item.adapter)
        return _Outcome("done", f"delivered as {result.department_reference}", result=result)

    async def _poll(self, claim: PollClaim, row: Any) -> None:
        """Ask the department where a delivered application stands (unless it is final already)."""
        answer: StatusResult | None = None
        try:
            if row.status not in FINAL:
                async with asyncio.timeout(claim.lease_until - LEASE_MARGIN - time.time()):
                    adapter = await self.resolver.get(claim.adapter)
                    answer = await adapter.status(
                        StatusQuery(
                            reference_number=claim.reference, department_reference=row.department_reference
                        )
                    )
        except (DepartmentError, TimeoutError) as exc:
            log.info("status of %s not known yet: %s", claim.reference, exc or "no answer in time")
        except Exception:
            log.exception("status poll of %s raised", claim.reference)
        finally:
            self.lanes.give_back(claim.adapter, poll=True)
            self._finished.set()
        self._record_later(_Polled(claim, row.status, answer))

    def _record_later(self, entry: _Delivered | _Polled) -> None:
        self._waiting.append(entry)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())

    async def _write_waiting(self) -> None:
        """Record every waiting outcome, up to ``_MAX_RECORD`` per transaction, until none is left."""
        while self._waiting:
            batch, self._waiting = self._waiting[:_MAX_RECORD], self._waiting[_MAX_RECORD:]
            try:
                await self._record(batch)
            except Exception:
                log.exception("recording %d outcomes together failed; recording them one by one", len(batch))
                for entry in batch:
                    try:
                        await self._record([entry])
                    except Exception:  # its lease runs out and another attempt is made: delayed, not lost
                        log.exception("recording an outcome failed")

    async def _record(self, batch: list[_Delivered | _Polled]) -> None:
        async with self.engine.begin() as conn:
            changes: list[_Change] = []
            for entry in batch:
                if isinstance(entry, _Delivered):
                    change = await self._apply(conn, entry.item, entry.outcome, entry.status)
                else:
                    change = await self._apply_poll(conn, entry)
                if change is not None:
                    changes.append(change)
            if changes:
                await record_changes(conn, self.audit, self.actor, changes)
        for entry in batch:
            if isinstance(entry, _Delivered):
                item, outcome = entry.item, entry.outcome
                log.info("delivery of %s (attempt %d): %s", item.reference, item.attempts, outcome.summary)

    async def _apply(
        self, conn: AsyncConnection, item: Claimed, outcome: _Outcome, status: str
    ) -> _Change | None:
        """Move the delivery row on (fenced); return the application's change of status, if any."""
        now = time.time()
        if outcome.kind == "release":
            await self.queue.release(conn, item, at=now + 1.0)
            return None
        if outcome.kind == "done":
            result = outcome.result
            assert result is not None
            final = result.status in FINAL
            if not await self.queue.done(
                conn, item, poll_at=None if final else now + self.options.poll_seconds
            ):
                return None  # our lease ran out and another worker has the row: it records the outcome
            message = result.message or f"Received by the department as {result.department_reference}."
            extra = _extra(result.department_reference, result.certificate)
            return _Change(item.reference, "delivered", result.status, message, extra)
        if outcome.kind == "failed":
            if not await self.queue.fail(conn, item, error=outcome.summary):
                return None
            message = f"The department could not accept the application: {outcome.reason}"
            return _Change(item.reference, "failed", "failed", message)
        delay = self.options.backoff.delay(item.attempts, outcome.retry_after)
        if not await self.queue.retry(conn, item, at=now + delay, error=outcome.summary):
            return None
        if status == "delayed_at_department":  # one timeline entry per delay, not one per attempt
            return None
        return _Change(item.reference, "delayed", "delayed_at_department")

    async def _apply_poll(self, conn: AsyncConnection, entry: _Polled) -> _Change | None:
        """Record a polled status over the one read before the call, then end this poll's lease: no more
        polls once final, else the next in ``poll_seconds`` (unless another worker took the row)."""
        claim, answer = entry.claim, entry.answer
        final = entry.status in FINAL
        change = None
        if (
            answer is not None
            and answer.status != entry.status
            and await self._move_status(conn, claim.reference, entry.status, answer.status)
        ):
            change = _polled_change(claim.reference, answer)
            final = answer.status in FINAL
        if final:
            await self.queue.stop_polling(conn, claim.reference)
        else:
            await self.queue.rearm_poll(conn, claim, at=time.time() + self.options.poll_seconds)
        return change

    async def record_polled_status(
        self, conn: AsyncConnection, reference: str, expected: str, answer: StatusResult
    ) -> bool:
        """Record ``answer`` if the application is still at ``expected``, the status read before the call,
        and not final; add its timeline event and audit entry only then. False when the row had moved on
        (another worker recorded a status meanwhile): a slow, stale answer never overwrites a newer one."""
        if not await self._move_status(conn, reference, expected, answer.status):
            return False
        await record_changes(conn, self.audit, self.actor, [_polled_change(reference, answer)])
        return True

    @staticmethod
    async def _move_status(conn: AsyncConnection, reference: str, expected: str, status: str) -> bool:
        moved = await conn.execute(
            update(APPLICATIONS)
            .where(
                APPLICATIONS.c.reference == reference,
                APPLICATIONS.c.status == expected,
                APPLICATIONS.c.status.not_in(sorted(FINAL)),
            )
            .values(status=status)
        )
        if not moved.rowcount:
            log.info("status %s of %s not recorded: it is no longer %s", status, reference, expected)
            return False
        return True  # the row is ours now (locked on PostgreSQL until commit)


def _polled_change(reference: str, answer: StatusResult) -> _Change:
    extra = _extra(answer.department_reference, answer.certificate)
    return _Change(reference, "status", answer.status, answer.message, extra)
