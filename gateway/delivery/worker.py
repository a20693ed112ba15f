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

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters import DepartmentError, Permanent, StatusQuery, SubmissionRequest
from adapters.base import SubmitResult
from catalogue import Catalogue
from gateway.applications.statuses import FINAL
from gateway.applications.timeline import APPLICATIONS, change_status
from gateway.audit.trail import Actor, AuditTrail
from gateway.delivery.backoff import Backoff
from gateway.delivery.breaker import CircuitBreakers
from gateway.delivery.queue import Claimed, DeliveryQueue
from gateway.delivery.resolver import AdapterResolver
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
        self.actor = Actor.system("delivery", "deliver applications to departments")

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
        claimed = await self.queue.claim(self.options.batch, self.breakers.blocked())
        if claimed:
            await asyncio.gather(*(self.deliver(item) for item in claimed))
        polls = await self.queue.claim_polls(self.options.batch, self.options.poll_seconds)
        if polls:
            await asyncio.gather(*(self.poll(reference, adapter) for reference, adapter in polls))
        return len(claimed) + len(polls)

    async def _request(self, item: Claimed) -> SubmissionRequest:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        APPLICATIONS.c.service_code,
                        APPLICATIONS.c.applicant,
                        APPLICATIONS.c.form,
                        APPLICATIONS.c.documents,
                    ).where(APPLICATIONS.c.reference == item.reference)
                )
            ).one()
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

    async def deliver(self, item: Claimed) -> None:
        if not self.breakers.allow(item.adapter):
            async with self.engine.begin() as conn:
                await self.queue.release(conn, item, at=time.time() + 1.0)
            return
        try:
            adapter = await self.resolver.get(item.adapter)
            result = await adapter.submit(await self._request(item))
        except DepartmentError as exc:
            await self._failed(item, exc)
            return
        except Exception as exc:  # a bug or a broken configuration must delay, never lose, the application
            log.exception("delivery of %s raised", item.reference)
            await self._retry(item, f"{type(exc).__name__}: {exc}", None)
            return
        self.breakers.success(item.adapter)
        await self._delivered(item, result)

    async def _delivered(self, item: Claimed, result: SubmitResult) -> None:
        final = result.status in FINAL
        poll_at = None if final else time.time() + self.options.poll_seconds
        async with self.engine.begin() as conn:
            if not await self.queue.done(conn, item, poll_at=poll_at):
                return  # our lease ran out and another worker has the row: it records the outcome
            await change_status(
                conn, self.audit, self.actor, item.reference, kind="delivered", status=result.status,
                message=result.message or f"Received by the department as {result.department_reference}.",
                extra=self._extra(result.department_reference, result.certificate),
            )  # fmt: skip
        log.info("delivered %s to %s as %s", item.reference, item.adapter, result.department_reference)

    @staticmethod
    def _extra(department_reference: str, certificate: object) -> dict[str, object]:
        extra: dict[str, object] = {"department_reference": department_reference}
        if certificate is not None:
            extra["certificate"] = msgspec.json.encode(certificate).decode()
        return extra

    async def _failed(self, item: Claimed, exc: DepartmentError) -> None:
        if isinstance(exc, Permanent):
            async with self.engine.begin() as conn:
                if not await self.queue.fail(conn, item, error=str(exc)):
                    return
                reason = exc.department_message or exc.reason
                await change_status(
                    conn, self.audit, self.actor, item.reference, kind="failed", status="failed",
                    message=f"The department could not accept the application: {reason}",
                )  # fmt: skip
            log.warning("delivery of %s failed for good: %s", item.reference, exc)
            return
        self.breakers.failure(item.adapter)
        await self._retry(item, str(exc), exc.retry_after)

    async def _retry(self, item: Claimed, error: str, retry_after: float | None) -> None:
        delay = self.options.backoff.delay(item.attempts, retry_after)
        async with self.engine.begin() as conn:
            if not await self.queue.retry(conn, item, at=time.time() + delay, error=error):
                return
            status = (
                await conn.execute(
                    select(APPLICATIONS.c.status).where(APPLICATIONS.c.reference == item.reference)
                )
            ).scalar_one()
            if status != "delayed_at_department":  # one timeline entry per delay, not one per attempt
                await change_status(
                    conn,
                    self.audit,
                    self.actor,
                    item.reference,
                    kind="delayed",
                    status="delayed_at_department",
                )
        log.info("delivery of %s delayed %.1fs (attempt %d): %s", item.reference, delay, item.attempts, error)

    async def poll(self, reference: str, adapter_code: str) -> None:
        """Ask the department where a delivered application stands; record a change of status."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(APPLICATIONS.c.status, APPLICATIONS.c.department_reference).where(
                        APPLICATIONS.c.reference == reference
                    )
                )
            ).one()
        try:
            adapter = await self.resolver.get(adapter_code)
            answer = await adapter.status(
                StatusQuery(reference_number=reference, department_reference=row.department_reference)
            )
        except DepartmentError as exc:
            log.info("status of %s not known yet: %s", reference, exc)
            return
        if answer.status == row.status:
            return
        async with self.engine.begin() as conn:
            await change_status(
                conn, self.audit, self.actor, reference, kind="status", status=answer.status,
                message=answer.message, extra=self._extra(answer.department_reference, answer.certificate),
            )  # fmt: skip
            if answer.status in FINAL:
                await self.queue.stop_polling(conn, reference)
