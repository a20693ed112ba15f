"""The delivery worker: hand applications to departments, retry what can be retried, poll for decisions.

One ``run`` loop per process, with no rounds. Each department has a lane (``gateway.delivery.lanes``):
its own limit of calls in flight, and claimed deliveries ready to take a place as soon as a call ends.
Every call runs as a task of its own; a slow or failing department fills only its own lane. Each cycle
of the loop is one transaction: it records the outcomes of the calls that ended since the last (each
change fenced by its lease), with the applications' statuses, timeline events and one audit append, and
claims due polls and deliveries for the room in each lane; on SQLite that transaction is one job on the
writing thread (``gateway.transactions``), so it plans on a copy of the lanes and returns what it found.
When the cycle has only successes to record and no polls to claim (the common case), its statements,
compiled once, run on the driver itself (``gateway.delivery.direct``), a lone claim as one statement.
A submission in this process wakes the loop (``wake``); leases, back-off and due times are read from the
gateway's clock. Outcomes:

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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import ColumnElement, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters import DepartmentError, Permanent, StatusQuery, SubmissionRequest
from adapters.base import StatusResult, SubmitResult
from catalogue import Catalogue
from gateway.applications import APPLICATIONS, FINAL, received_as, record_changes, refused_by_department
from gateway.applications import Change as _Change
from gateway.audit import Actor, AuditTrail
from gateway.database import is_postgres
from gateway.delivery.backoff import Backoff
from gateway.delivery.breaker import CircuitBreakers
from gateway.delivery.direct import Success, SuccessStatements
from gateway.delivery.lanes import LEASE_MARGIN, Lane, Lanes
from gateway.delivery.observed import OUTCOMES
from gateway.delivery.queue import DELIVERIES, Claimed, ClaimPlan, DeliveryQueue, PollClaim
from gateway.delivery.resolver import AdapterResolver
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.metrics import Metrics
from gateway.transactions import Step, Transactions
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


class _Cycle(NamedTuple):
    """What one cycle's transaction did: polls claimed (with the rows read before their calls),
    deliveries claimed, the earliest poll the outcomes it recorded set, and when the next poll falls due
    once the due ones are claimed (None: none, or not looked at)."""

    polls: list[PollClaim]
    poll_rows: dict[str, Any]
    claimed: list[Claimed]
    poll_at: float | None
    next_poll: float | None


class _Application(NamedTuple):
    """What a delivery needs of its application, read with the claim."""

    service_code: str
    applicant: str
    form: str
    documents: str
    status: str


_COLUMNS = (
    APPLICATIONS.c.service_code,
    APPLICATIONS.c.applicant,
    APPLICATIONS.c.form,
    APPLICATIONS.c.documents,
    APPLICATIONS.c.status,
)
# The same columns as correlated subqueries, returned by the claim statement itself: one statement less.
# The claimed row is named in full, as text: SQLAlchemy's SQLite compiler writes every column of a
# RETURNING clause without its table, subqueries' too, and an unqualified ``reference`` inside the
# subquery is the application's own, so each claim read whichever application came first.
_CLAIMED_REFERENCE: ColumnElement[str] = literal_column(f"{DELIVERIES.name}.reference")
_WITH_CLAIM = tuple(
    select(column).where(APPLICATIONS.c.reference == _CLAIMED_REFERENCE).scalar_subquery()
    for column in _COLUMNS
)


class DeliveryWorker:
    def __init__(
        self,
        engine: AsyncEngine,
        catalogue: Callable[[], Catalogue],
        audit: AuditTrail,
        resolver: AdapterResolver,
        options: WorkerOptions = WorkerOptions(),
        metrics: Metrics | None = None,
        clock: Clock | None = None,
    ) -> None:
        """``clock``: every decision in time (leases, back-off, due retries and polls, the breakers'
        cooldown) reads it; the machine's by default."""
        self.engine = engine
        self.catalogue = catalogue
        self.audit = audit
        self.resolver = resolver
        self.options = options
        self.clock = clock or SystemClock()
        self.transactions = Transactions(engine)
        self._successes = SuccessStatements(engine.dialect)
        self._postgres = is_postgres(engine)
        self.queue = DeliveryQueue(engine, _owner(), options.lease_seconds, clock=self.clock)
        self.breakers = CircuitBreakers(
            threshold=options.breaker_threshold, cooldown=options.breaker_cooldown, clock=self.clock.time
        )
        self.lanes = Lanes(options.concurrency, options.lease_seconds)
        self.actor = Actor.system("delivery", "deliver applications to departments")
        self._calls: set[asyncio.Task[None]] = set()
        # Set when a call ends (its lane has room, its outcome waits) or new work is queued (``wake``).
        self._wake = asyncio.Event()
        self._waiting: list[_Delivered | _Polled] = []
        self._full: set[str] = set()  # lanes without room after the last claim
        self._next_poll_claim = 0.0  # when polls may be due again (by ``clock``)
        self.metrics = metrics
        if metrics is not None:
            metrics.watch_breakers(self.breakers.states)

    def wake(self) -> None:
        """New work was committed (a submission in this process): claim it now, not after ``idle_seconds``.
        Call it on the worker's event loop."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set, then let the calls in flight finish and record them.

        Cancelled instead, it cancels its calls and leaves their rows to their leases, as a crash would.
        """
        log.info("delivery worker %s started", self.queue.owner)
        try:
            while not stop.is_set():
                self._wake.clear()  # before the cycle: a call that ends meanwhile wakes the next wait
                try:
                    _, more = await self.cycle()
                except Exception:
                    log.exception("a delivery cycle failed; trying again")
                    more = False
                if more or self._wake.is_set():
                    continue
                # Nothing more is due, or every lane with work is full: wait for a call to end or a
                # submission in this process (``wake``); retries, polls and other processes' submissions
                # coming due are found by claiming again after ``idle_seconds``.
                waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
                try:
                    await asyncio.wait(
                        waits, timeout=self.options.idle_seconds, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    for waiter in waits:
                        waiter.cancel()
            await self._release_ready()
            await self.settle()
        except asyncio.CancelledError:
            self.lanes.all_ready()  # dropped: their leases run out and another worker takes them
            for task in self._calls:
                task.cancel()
            raise
        finally:
            await self.resolver.aclose()
        log.info("delivery worker %s stopped", self.queue.owner)

    async def run_once(self) -> int:
        """Claim what is due for the lanes' free places, make those calls and record them; returns how many
        deliveries and polls it handled."""
        claimed, _ = await self.cycle()
        await self.settle()
        return claimed

    async def settle(self) -> None:
        """Make the calls claimed (ready ones included), wait for them, and record their outcomes."""
        while True:
            for code in self.lanes.with_ready():
                self._start_ready(code, reserve=0)
            if not self._calls:
                break
            await asyncio.gather(*list(self._calls), return_exceptions=True)
        while self._waiting:
            await self._record_apart(self._take_waiting())

    async def cycle(self) -> tuple[int, bool]:
        """One transaction: record the outcomes of the calls that ended, then claim due polls and due
        deliveries for the room in each department's lane; then start those calls. Recording and claiming
        share the transaction because both write, and on SQLite two writers only wait for each other.

        Returns how many polls and deliveries it claimed, and whether more may be due at once (a claim came
        back full, or filled a lane, so that a claim without it may find other departments' work)."""
        self.lanes.configure(await self.resolver.configs())
        blocked = self.breakers.blocked()
        outcomes = self._take_waiting()
        now = self.clock.time()
        polls_due = now >= self._next_poll_claim
        batch = self.options.batch
        # The transaction runs on the database's thread (``gateway.transactions``): it plans its claims on
        # a copy of the lanes, which the calls ending meanwhile change on this one.
        lanes = self.lanes.copy()

        async def transaction(conn: AsyncConnection) -> _Cycle:
            poll_at = await self._record_in(conn, outcomes) if outcomes else None
            polls: list[PollClaim] = []
            poll_rows: dict[str, Any] = {}
            next_poll = None
            if polls_due:
                polls, poll_rows = await self._claim_polls_in(conn, lanes.plan(Lane.poll_room, blocked))
                for claim in polls:
                    lanes.take(claim.adapter, poll=True)
                if len(polls) < batch:
                    next_poll = await self.queue.next_poll_in(conn)
            plan = lanes.plan(Lane.claim_room, blocked)
            claimed = await self.queue.claim_in(conn, batch, plan, also=_WITH_CLAIM)
            return _Cycle(polls, poll_rows, claimed, poll_at, next_poll)

        try:
            if not polls_due and self._direct(outcomes):
                # The common cycle (successes to record, deliveries to claim) on the driver itself.
                steps = self.queue.claim_step(batch, lanes.plan(Lane.claim_room, blocked), also=_WITH_CLAIM)
                found, poll_at = await self._record_direct(outcomes, [steps])
                done = _Cycle([], {}, self.queue.claimed(found[-1]), poll_at, None)
            else:
                done = await self.transactions.run(transaction)
        except asyncio.CancelledError:
            raise  # what was claimed is left to its leases, as a crash would leave it
        except BaseException:
            if outcomes:
                await self._record_apart(outcomes)
            raise
        polls, claimed = done.polls, done.claimed
        if polls_due and len(polls) < batch:
            # None left due (or no room for them): look again when the next falls due, at the latest in
            # ``poll_seconds`` (another worker's rows, should it die), and not before a short pause.
            poll_seconds = self.options.poll_seconds
            latest = now + poll_seconds
            due = min(done.next_poll, latest) if done.next_poll is not None else latest
            self._next_poll_claim = max(now + min(self.options.idle_seconds, poll_seconds), due)
        self._polls_set(done.poll_at)
        self._log(outcomes)
        for claim in polls:
            self.lanes.take(claim.adapter, poll=True)
            self._start(self._poll(claim, done.poll_rows[claim.reference]))
        for item in claimed:
            self.lanes.lane(item.adapter).ready.append((item, _Application(*item.also)))
        for code in self.lanes.with_ready():
            self._start_ready(code, reserve=0)
        more = (polls or claimed) and (len(polls) == batch or len(claimed) == batch or self._newly_full())
        return len(polls) + len(claimed), bool(more)

    def _polls_set(self, poll_at: float | None) -> None:
        """Recorded deliveries will be due for a poll at ``poll_at``: claim polls by then."""
        if poll_at is not None:
            self._next_poll_claim = min(self._next_poll_claim, poll_at)

    def _start_ready(self, code: str, *, reserve: int) -> None:
        """Start ready deliveries of ``code`` while its lane has room beyond ``reserve`` places."""
        lane = self.lanes.lane(code)
        while lane.ready and lane.room() > reserve:
            item, row = lane.ready.popleft()
            self.lanes.take(code)
            self._start(self._deliver(item, row))

    async def _release_ready(self) -> None:
        """Give the deliveries still waiting for a place back to the queue, due at once (on stopping)."""
        ready = self.lanes.all_ready()
        if ready:
            now = self.clock.time()

            async def transaction(conn: AsyncConnection) -> None:
                for item in ready:
                    await self.queue.release(conn, item, at=now)

            await self.transactions.run(transaction)

    def _newly_full(self) -> bool:
        full = self.lanes.full()
        grew = bool(full - self._full)
        self._full = full
        return grew

    async def _claim_polls_in(
        self, conn: AsyncConnection, plan: ClaimPlan
    ) -> tuple[list[PollClaim], dict[str, Any]]:
        """Due polls for the poll share of each lane, and the status and reference read before the call."""
        claims = await self.queue.claim_polls_in(conn, self.options.batch, plan)
        if not claims:
            return [], {}
        query = select(
            APPLICATIONS.c.reference, APPLICATIONS.c.status, APPLICATIONS.c.department_reference
        ).where(APPLICATIONS.c.reference.in_([claim.reference for claim in claims]))
        return claims, {row.reference: row for row in (await conn.execute(query)).all()}

    def _start(self, call: Any) -> None:
        task = asyncio.create_task(call)
        self._calls.add(task)
        task.add_done_callback(self._calls.discard)

    async def applications(self, references: list[str]) -> dict[str, Any]:
        """The applications behind claimed deliveries, by reference."""
        async with self.engine.connect() as conn:
            return await self.read_in(conn, references)

    @staticmethod
    async def read_in(conn: AsyncConnection, references: list[str]) -> dict[str, Any]:
        query = select(APPLICATIONS.c.reference, *_COLUMNS).where(APPLICATIONS.c.reference.in_(references))
        return {row.reference: _Application(*row[1:]) for row in (await conn.execute(query)).all()}

    def submission_for(self, item: Claimed, row: Any) -> SubmissionRequest:
        service = self.catalogue().by_code.get(row.service_code)
        delivery = service.delivery if service else None
        operation = delivery.operation if delivery else row.service_code.replace("-", "_")
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
            self._wake.set()
            # The next ready delivery takes the place at once; while polls may be due, their quarter of
            # the lane is left for the next claim.
            polls_due = self.clock.time() >= self._next_poll_claim
            reserve = self.lanes.lane(item.adapter).poll_share() if polls_due else 0
            self._start_ready(item.adapter, reserve=reserve)
        self._waiting.append(_Delivered(item, outcome, row.status))

    async def _attempt(self, item: Claimed, row: Any) -> _Outcome:
        """Call the department once, giving up before the lease runs out; never raises."""
        if not self.breakers.allow(item.adapter):
            return _Outcome("release", "circuit open")
        try:
            async with asyncio.timeout(item.lease_until - LEASE_MARGIN - self.clock.time()):
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
                async with asyncio.timeout(claim.lease_until - LEASE_MARGIN - self.clock.time()):
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
            self._wake.set()
            self._start_ready(claim.adapter, reserve=0)
        self._waiting.append(_Polled(claim, row.status, answer))

    def _take_waiting(self) -> list[_Delivered | _Polled]:
        taken, self._waiting = self._waiting[:_MAX_RECORD], self._waiting[_MAX_RECORD:]
        return taken

    async def _record_apart(self, outcomes: list[_Delivered | _Polled]) -> None:
        """Record outcomes in a transaction of their own; if that fails, one by one, so one bad outcome
        cannot hold the others back (one that still fails is retried when its lease runs out)."""
        try:
            if self._direct(outcomes):
                _, poll_at = await self._record_direct(outcomes)
            else:
                poll_at = await self.transactions.run(lambda conn: self._record_in(conn, outcomes))
        except Exception:
            if len(outcomes) == 1:
                log.exception("recording an outcome failed")
                return
            log.exception("recording %d outcomes together failed; recording them one by one", len(outcomes))
            for entry in outcomes:
                await self._record_apart([entry])
            return
        self._polls_set(poll_at)
        self._log(outcomes)

    def _direct(self, outcomes: list[_Delivered | _Polled]) -> bool:
        """Whether ``outcomes`` are recorded on the driver (``_record_direct``): all successes, and on
        PostgreSQL at most one (each is a round trip there, where ``_record_in`` writes many successes in
        a few batched statements)."""
        if not self.transactions.direct or (self._postgres and len(outcomes) > 1):
            return False
        return all(
            isinstance(entry, _Delivered)
            and entry.outcome.kind == "done"
            and entry.outcome.result is not None
            for entry in outcomes
        )

    async def _record_direct(
        self, outcomes: list[_Delivered | _Polled], then: list[Step] | None = None
    ) -> tuple[list[list[Any]], float | None]:
        """Record successes as ``_record_in`` would, in one transaction on the driver with statements
        compiled once (``gateway.delivery.direct``), followed by the statement ``then`` (a claim) if
        given; returns the rows of each group's first statement (the claim's last), and when the
        successes recorded are due for their first poll (None: none is)."""
        now = self.clock.time()
        groups: list[list[Step]] = []
        polls: list[float | None] = []
        actor = self.actor.subject[:80]
        for entry in outcomes:
            assert isinstance(entry, _Delivered) and entry.outcome.result is not None
            result, reference = entry.outcome.result, entry.item.reference
            poll_at = None if result.status in FINAL else now + self.options.poll_seconds
            certificate = None
            if result.certificate is not None:
                certificate = msgspec.json.encode(result.certificate).decode()
            text = _Change(
                reference,
                "delivered",
                result.status,
                result.message or received_as(result.department_reference),
            ).text()
            details = {"status": result.status}
            (audit,) = self.audit.rows(
                [(self.actor, "application.delivered", f"application:{reference}", details)]
            )
            success = Success(
                reference, self.queue.owner, poll_at, result.status, text.en[:1000], text.hi[:1000],
                result.department_reference, certificate, actor, audit,
            )  # fmt: skip
            groups.append(self._successes.steps(success, now))
            polls.append(poll_at)
        if then is not None:
            groups.append(then)
        found = await self.transactions.fenced(groups)
        # Rows whose lease ran out belong to another worker now, which records their outcome.
        due = [poll_at for poll_at, rows in zip(polls, found, strict=False) if rows and poll_at is not None]
        return found, min(due) if due else None

    async def _record_in(self, conn: AsyncConnection, outcomes: list[_Delivered | _Polled]) -> float | None:
        """Move the rows on (each fenced by its lease) and record the changes of status, in ``conn``;
        returns when the deliveries recorded are due for their first poll (None: none is). Runs on the
        database's thread: it changes nothing of the worker's."""
        delivered = [entry for entry in outcomes if isinstance(entry, _Delivered)]
        changes, poll_at = await self._apply_deliveries(conn, delivered)
        for entry in outcomes:
            if isinstance(entry, _Polled):
                change, again = await self._apply_poll(conn, entry)
                if change is not None:
                    changes.append(change)
                if again is not None:
                    poll_at = again if poll_at is None else min(poll_at, again)
        if changes:
            await record_changes(conn, self.audit, self.actor, changes, at=self.clock.time())
        return poll_at

    async def _apply_deliveries(
        self, conn: AsyncConnection, delivered: list[_Delivered]
    ) -> tuple[list[_Change], float | None]:
        """Successes move on in one statement per kind (the common case); the rest one by one. Returns
        the changes of status, and when the successes recorded are due for a poll (None: not at all)."""
        changes: list[_Change] = []
        first_poll: float | None = None
        now = self.clock.time()
        successes: dict[bool, list[_Delivered]] = {True: [], False: []}
        for entry in delivered:
            result = entry.outcome.result
            if entry.outcome.kind == "done" and result is not None:
                successes[result.status in FINAL].append(entry)
            else:
                change = await self._apply(conn, entry.item, entry.outcome, entry.status)
                if change is not None:
                    changes.append(change)
        for final, entries in successes.items():
            if not entries:
                continue
            poll_at = None if final else now + self.options.poll_seconds
            # Rows whose lease ran out belong to another worker now, which records their outcome.
            ours = await self.queue.done_many(conn, [entry.item for entry in entries], poll_at=poll_at)
            if poll_at is not None and ours:
                first_poll = poll_at
            for entry in entries:
                result = entry.outcome.result
                if entry.item.reference in ours and result is not None:
                    message = result.message or received_as(result.department_reference)
                    extra = _extra(result.department_reference, result.certificate)
                    changes.append(_Change(entry.item.reference, "delivered", result.status, message, extra))
        return changes, first_poll

    def _log(self, outcomes: list[_Delivered | _Polled]) -> None:
        """Log and count each delivery's outcome once it is committed."""
        departments: dict[str, str] | None = None
        for entry in outcomes:
            if isinstance(entry, _Delivered):
                item, outcome = entry.item, entry.outcome
                log.info("delivery of %s (attempt %d): %s", item.reference, item.attempts, outcome.summary)
                if self.metrics is not None:
                    if departments is None:
                        departments = {
                            s.delivery.adapter: s.department for s in self.catalogue().services if s.delivery
                        }
                    department = departments.get(item.adapter, item.adapter)
                    self.metrics.delivery(department, OUTCOMES.get(outcome.kind, outcome.kind))

    async def _apply(
        self, conn: AsyncConnection, item: Claimed, outcome: _Outcome, status: str
    ) -> _Change | None:
        """Move the delivery row on (fenced); return the application's change of status, if any."""
        now = self.clock.time()
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
            message = result.message or received_as(result.department_reference)
            extra = _extra(result.department_reference, result.certificate)
            return _Change(item.reference, "delivered", result.status, message, extra)
        if outcome.kind == "failed":
            if not await self.queue.fail(conn, item, error=outcome.summary):
                return None
            message = refused_by_department(outcome.reason)
            return _Change(item.reference, "failed", "failed", message)
        delay = self.options.backoff.delay(item.attempts, outcome.retry_after)
        if not await self.queue.retry(conn, item, at=now + delay, error=outcome.summary):
            return None
        if status == "delayed_at_department":  # one timeline entry per delay, not one per attempt
            return None
        return _Change(item.reference, "delayed", "delayed_at_department")

    async def _apply_poll(self, conn: AsyncConnection, entry: _Polled) -> tuple[_Change | None, float | None]:
        """Record a polled status over the one read before the call, then end this poll's lease: no more
        polls once final, else the next in ``poll_seconds`` (unless another worker took the row). Returns
        the change, and when the next poll is due (None: none)."""
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
            return change, None
        again = self.clock.time() + self.options.poll_seconds
        await self.queue.rearm_poll(conn, claim, at=again)
        return change, again

    async def record_polled_status(
        self, conn: AsyncConnection, reference: str, expected: str, answer: StatusResult
    ) -> bool:
        """Record ``answer`` if the application is still at ``expected``, the status read before the call,
        and not final; add its timeline event and audit entry only then. False when the row had moved on
        (another worker recorded a status meanwhile): a slow, stale answer never overwrites a newer one."""
        if not await self._move_status(conn, reference, expected, answer.status):
            return False
        await record_changes(
            conn, self.audit, self.actor, [_polled_change(reference, answer)], at=self.clock.time()
        )
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
