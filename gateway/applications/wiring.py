"""Everything ``create_app`` needs from documents, applications and delivery, in one call.

Also builds the delivery worker for ``seva workers`` (``build_worker``), so the CLI and the in-process
worker of ``seva serve`` are put together the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters import default_registry
from catalogue import Catalogue
from gateway.applications.problems import problem_mappers
from gateway.applications.routes import ApplicationController
from gateway.applications.service import ApplicationService
from gateway.audit.trail import AuditTrail
from gateway.delivery.backoff import Backoff
from gateway.delivery.endpoints import EndpointService
from gateway.delivery.resolver import AdapterResolver
from gateway.delivery.routes import EndpointController
from gateway.delivery.worker import DeliveryWorker, WorkerOptions
from gateway.documents.routes import DocumentController
from gateway.documents.service import DocumentStore
from gateway.documents.storage import DiskStorage
from gateway.problems import ProblemMapper
from gateway.settings import Settings

__all__ = ["ApplicationsWiring", "build_worker", "wire_applications"]

_MULTIPART_OVERHEAD = 64 * 1024  # form fields and boundaries around the file


def build_worker(
    settings: Settings, engine: AsyncEngine, catalogue: Callable[[], Catalogue], audit: AuditTrail
) -> tuple[DeliveryWorker, AdapterResolver]:
    resolver = AdapterResolver(engine, catalogue, default_registry(), egress=settings.egress_policy)
    base = settings.gateway_url
    options = WorkerOptions(
        batch=settings.delivery_batch,
        concurrency=settings.delivery_concurrency,
        lease_seconds=settings.delivery_lease_seconds,
        idle_seconds=settings.delivery_idle_seconds,
        poll_seconds=settings.delivery_poll_seconds,
        backoff=Backoff(initial=settings.delivery_backoff_initial, maximum=settings.delivery_backoff_max),
        breaker_threshold=settings.breaker_threshold,
        breaker_cooldown=settings.breaker_cooldown_seconds,
        document_url=lambda document_id: f"{base}/api/v1/documents/{document_id}/content",
    )
    return DeliveryWorker(engine, catalogue, audit, resolver, options), resolver


@dataclass(slots=True)
class ApplicationsWiring:
    applications: ApplicationService
    documents: DocumentStore
    endpoints: EndpointService
    worker: DeliveryWorker
    resolver: AdapterResolver
    route_handlers: list[ControllerRouterHandler]
    mappers: dict[type[Exception], ProblemMapper]
    dependencies: dict[str, Provide]
    inprocess: bool

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        """Run the delivery worker inside the server when configured to (demo mode by default)."""
        if not self.inprocess:
            yield
            await self.resolver.aclose()
            return
        stop = asyncio.Event()
        task = asyncio.create_task(self.worker.run(stop))
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)


def wire_applications(
    settings: Settings, engine: AsyncEngine, catalogue: Callable[[], Catalogue], audit: AuditTrail
) -> ApplicationsWiring:
    applications = ApplicationService(engine, catalogue, audit)
    documents = DocumentStore(
        engine,
        DiskStorage(settings.data_dir / "documents"),
        audit,
        max_bytes=settings.max_upload_bytes,
        document_types=lambda: catalogue().document_types,
    )
    worker, resolver = build_worker(settings, engine, catalogue, audit)
    endpoints = EndpointService(engine, catalogue, default_registry(), audit, egress=settings.egress_policy)

    def constant(value: object) -> Provide:
        return Provide(lambda: value, use_cache=True, sync_to_thread=False)

    dependencies = {
        "applications": constant(applications),
        "documents": constant(documents),
        "endpoints": constant(endpoints),
        "resolver": constant(resolver),
    }
    # Litestar refuses a larger body before reading it; the store checks the file's own size exactly.
    uploads = Router(
        "/",
        route_handlers=[DocumentController],
        request_max_body_size=settings.max_upload_bytes + _MULTIPART_OVERHEAD,
    )
    return ApplicationsWiring(
        applications=applications,
        documents=documents,
        endpoints=endpoints,
        worker=worker,
        resolver=resolver,
        route_handlers=[uploads, ApplicationController, EndpointController],
        mappers=problem_mappers(),
        dependencies=dependencies,
        inprocess=settings.runs_inprocess_workers,
    )
