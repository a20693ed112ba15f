"""Helpers of the delivery tests: workers with short back-off, and waiting for an application's status."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest

from adapters import default_registry
from gateway.delivery.backoff import Backoff
from gateway.delivery.resolver import AdapterResolver
from gateway.delivery.worker import DeliveryWorker, WorkerOptions
from tests.adapters.conftest import LOOPBACK
from tests.adapters.mounts import Department
from tests.applications.support import LEARNER_DOCS, World

FAST = Backoff(initial=0.02, maximum=0.1, jitter=0.01)
WorkerFactory = Callable[..., DeliveryWorker]


@pytest.fixture
async def make_worker(world: World) -> AsyncIterator[WorkerFactory]:
    """Workers over the test database whose retries come within a tenth of a second; closed at the end."""
    made: list[DeliveryWorker] = []

    def factory(owner: str | None = None, **options: object) -> DeliveryWorker:
        resolver = AdapterResolver(
            world.engine, lambda: world.catalogue, default_registry(), egress=LOOPBACK, refresh_seconds=0
        )
        clock = options.pop("clock", None)
        settings: dict[str, object] = {"backoff": FAST, "poll_seconds": 0.05, "idle_seconds": 0.02, **options}
        worker = DeliveryWorker(
            world.engine,
            lambda: world.catalogue,
            world.audit,
            resolver,
            WorkerOptions(**settings),  # type: ignore[arg-type]
            clock=clock,  # type: ignore[arg-type]
        )
        if owner:
            worker.queue.owner = owner
        made.append(worker)
        return worker

    yield factory
    for worker in made:
        await worker.resolver.aclose()


async def drain(
    worker: DeliveryWorker, world: World, reference: str, until: set[str], within: float = 60
) -> str:
    """Run rounds until the application's status is one of ``until``; return it."""
    deadline = time.monotonic() + within
    status = ""
    while time.monotonic() < deadline:
        await worker.run_once()
        status = (await world.applications.get(reference)).status
        if status in until:
            return status
        await asyncio.sleep(0.02)
    raise AssertionError(f"{reference} still {status!r} after {within}s")


async def submitted(
    world: World, department: Department, n: int = 1, timeout_seconds: float = 10
) -> list[str]:
    """``n`` applications by Asha for a learner's licence, with the REST department registered (its calls
    given up after ``timeout_seconds`` each for reading and sending, which sets the leases' length)."""
    await world.register_rest(department.url, timeout_seconds=timeout_seconds)
    for doc_type in LEARNER_DOCS:
        await world.upload(world.people.asha, doc_type)
    return [await world.apply(world.people.asha, key=f"key-{i}") for i in range(n)]


def keys_seen(department: Department) -> list[str]:
    """The idempotency keys of the submissions the department received, in order."""
    return [
        r.headers.get("idempotency-key", "")
        for r in department.app.requests
        if r.method == "POST" and r.path == "/rest/applications"
    ]
