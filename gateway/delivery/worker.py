"""The delivery worker: hand applications to departments, retry what can be retried, poll for decisions.

One ``run`` loop per process. Each round claims a batch of due deliveries (skipping adapters whose circuit
is open), delivers them concurrently, and asks departments about delivered applications whose ``poll_at``
has come. Outcomes, each written with the application's status, timeline and audit entry in one
transaction:

- success: delivery ``done``, the department's reference and status recorded;
- ``Retryable``: delivery ``pending`` again at a back-off time; the citizen sees ``delayed_at_department``;
- ``Permanent``: delivery ``failed`` with the department's reason; the application ``failed``.

A worker killed at any point leaves its rows ``in_flight`` under a lease that expires; the next worker
sends them again with the same idempotency key, so the department files each application once.
"""

from __future__ import annotations

import asyncio
import contextlib
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
from gateway.applications import APPLICATIONS, FINAL, record_changes
from gateway.applications import Change as _Change
from gateway.audit import Actor, AuditTrail
from gateway.delivery.backoff import Backoff
from gateway.delivery.breaker import CircuitBreakers
from gateway.delivery.observed import OUTCOMES
from gateway.delivery.queue import Claimed, DeliveryQueue, PollClaim
from gateway.delivery.resolver import AdapterResolver
from gateway.platform.metrics import Metrics
from schemas.applications_api import AttachedDocument
from schemas.department_api import Applicant, DocumentRef

__all__ = ["DeliveryWorker", "WorkerOptions"]

log = logging.getLogger("seva.delivery")


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    batch: int = 32
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
        metrics: Metrics | None = None,
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
        self.actor = Actor.system("delivery", "deliver applications to departments")
        self.metrics = metrics
        if metrics is not None:
            metrics.watch_breakers(self.breakers.states)

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set; a failing round is logged and the next one tried."""
        log.info("delivery worker %s started", self.queue.owner)
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("delivery round failed; trying again")
                busy = 0
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.options.idle_seconds)
        await self.resolver.aclose()
        log.info("delivery worker %s stopped", self.queue.owner)

    async def run_once(self) -> int:
        """One round; returns how many deliveries and polls it handled."""
        # Claim and read the applications in one transaction: one connection, one commit.
        async with self.engine.begin() as conn:
            claimed = await self.queue.claim_in(conn, self.options.batch, self.breakers.blocked())
            rows = await self.read_in(conn, [item.reference for item in claimed]) if claimed else {}
        if claimed:
            await self.deliver_all(claimed, rows)
        # A poll is leased like a delivery, for longer than a status call may take (the adapter's timeouts).
        lease = max(self.options.lease_seconds, self.options.poll_seconds)
        polls = await self.queue.claim_polls(self.options.batch, lease)
        if polls:
            await asyncio.gather(*(self.poll(claim) for claim in polls))
        return len(claimed) + len(polls)

    async def deliver(self, item: Claimed) -> None:
        await self.deliver_all([item])

    async def deliver_all(self, claimed: list[Claimed], rows: dict[str, Any] | None = None) -> None:
        """Call the departments of the claimed applications concurrently, and record every outcome in one
        transaction (each change still fenced by its own lease). ``rows``: the applications, if read."""
        if rows is None:
            rows = await self.applications([item.reference for item in claimed])
        outcomes = await asyncio.gather(*(self._attempt(item, rows[item.reference]) for item in claimed))
        async with self.engine.begin() as conn:
            changes: list[_Change] = []
            for item, outcome in zip(claimed, outcomes, strict=True):
                change = await self._apply(conn, item, outcome, rows[item.reference].status)
                if change is not None:
                    changes.append(change)
            if changes:
                await record_changes(conn, self.audit, self.actor, changes)
        for item, outcome in zip(claimed, outcomes, strict=True):
            log.info("delivery of %s (attempt %d): %s", item.reference, item.attempts, outcome.summary)
            self._count(item, rows[item.reference], outcome)

    def _count(self, item: Claimed, row: Any, outcome: _Outcome) -> None:
        if self.metrics is not None:
            service = self.catalogue().by_code.get(row.service_code)
            department = service.department if service else item.adapter
            self.metrics.delivery(department, OUTCOMES.get(outcome.kind, outcome.kind))

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

    async def _attempt(self, item: Claimed, row: Any) -> _Outcome:
        """Call the department once; never raises."""
        if not self.breakers.allow(item.adapter):
            return _Outcome("release", "circuit open")
        try:
            adapter = await self.resolver.get(item.adapter)
            result = await adapter.submit(self.submission_for(item, row))
        except Permanent as exc:
            return _Outcome("failed", str(exc), reason=exc.department_message or exc.reason)
        except DepartmentError as exc:
            self.breakers.failure(item.adapter)
            return _Outcome("retry", str(exc), retry_after=exc.retry_after)
        except Exception as exc:  # a bug or a broken configuration must delay, never lose, the application
            log.exception("delivery of %s raised", item.reference)
            return _Outcome("retry", f"{type(exc).__name__}: {exc}")
        self.breakers.success(item.adapter)
        return _Outcome("done", f"delivered as {result.department_reference}", result=result)

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

    async def poll(self, claim: PollClaim) -> None:
        """Ask the department where a delivered application stands; record a change of status.

        Whatever the answer, the poll lease taken by ``claim_polls`` ends here: polling stops once the
        application is final, else the next poll is set ``poll_seconds`` on (unless another worker took it).
        """
        reference = claim.reference
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(APPLICATIONS.c.status, APPLICATIONS.c.department_reference).where(
                        APPLICATIONS.c.reference == reference
                    )
                )
            ).one()
        final = row.status in FINAL
        answer: StatusResult | None = None
        if not final:
            try:
                adapter = await self.resolver.get(claim.adapter)
                answer = await adapter.status(
                    StatusQuery(reference_number=reference, department_reference=row.department_reference)
                )
            except DepartmentError as exc:
                log.info("status of %s not known yet: %s", reference, exc)
        async with self.engine.begin() as conn:
            if answer is not None and answer.status != row.status:
                recorded = await self.record_polled_status(conn, reference, row.status, answer)
                final = recorded and answer.status in FINAL
            if final:
                await self.queue.stop_polling(conn, reference)
            else:
                await self.queue.rearm_poll(conn, claim, at=time.time() + self.options.poll_seconds)

    async def record_polled_status(
        self, conn: AsyncConnection, reference: str, expected: str, answer: StatusResult
    ) -> bool:
        """Record ``answer`` if the application is still at ``expected``, the status read before the call,
        and not final; add its timeline event and audit entry only then. False when the row had moved on
        (another worker recorded a status meanwhile): a slow, stale answer never overwrites a newer one."""
        claimed = await conn.execute(
            update(APPLICATIONS)
            .where(
                APPLICATIONS.c.reference == reference,
                APPLICATIONS.c.status == expected,
                APPLICATIONS.c.status.not_in(sorted(FINAL)),
            )
            .values(status=answer.status)
        )
        if not claimed.rowcount:
            log.info("status %s of %s not recorded: it is no longer %s", answer.status, reference, expected)
            return False
        # The row is ours now (locked on PostgreSQL until commit); write the status with its event and audit.
        extra = _extra(answer.department_reference, answer.certificate)
        await record_changes(
            conn, self.audit, self.actor, [_Change(reference, "status", answer.status, answer.message, extra)]
        )
        return True
