"""The delivery capability: the worker that hands applications to departments, and its adapter resolver.

``build_delivery`` is used by ``create_app`` (which runs the worker inside the server when configured to,
demo mode by default) and by ``seva workers`` (which runs it on its own), so both are put together alike.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar import Litestar

from adapters import AdapterRegistry
from gateway.delivery.backoff import Backoff
from gateway.delivery.observed import queue_reader
from gateway.delivery.resolver import AdapterResolver
from gateway.delivery.worker import DeliveryWorker, WorkerOptions
from gateway.platform.capability import Capability
from gateway.platform.root import Platform

__all__ = ["DeliveryBuilt", "build_delivery"]


@dataclass(slots=True)
class DeliveryBuilt:
    worker: DeliveryWorker
    resolver: AdapterResolver
    capability: Capability


def build_delivery(platform: Platform, adapters: AdapterRegistry, *, inprocess: bool) -> DeliveryBuilt:
    settings = platform.settings
    resolver = AdapterResolver(
        platform.engine, lambda: platform.catalogue.current, adapters, egress=settings.egress_policy
    )
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
    worker = DeliveryWorker(
        platform.engine,
        lambda: platform.catalogue.current,
        platform.audit,
        resolver,
        options,
        platform.metrics,
        platform.clock,
    )
    platform.metrics.read_before_export(queue_reader(platform.engine, platform.clock.time))

    @contextlib.asynccontextmanager
    async def running(app: Litestar) -> AsyncIterator[None]:
        """Run the worker inside the server when configured to; always close the adapters' clients."""
        if not inprocess:
            try:
                yield
            finally:
                await resolver.aclose()
            return
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)

    return DeliveryBuilt(worker, resolver, Capability("delivery", lifespans=[running]))
