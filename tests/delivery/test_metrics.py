"""Delivery as the operators see it in /metrics: the queue's depth and age per department, calls counted by
department and outcome, and each adapter's circuit breaker state."""

from __future__ import annotations

from adapters import default_registry
from gateway.delivery.resolver import AdapterResolver
from gateway.delivery.worker import DeliveryWorker, WorkerOptions
from gateway.platform.metrics import Metrics
from tests.adapters.conftest import LOOPBACK
from tests.adapters.departments import ServerThread
from tests.applications.support import World
from tests.delivery.support import FAST, drain, submitted


def _value(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] != name:
            continue
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            return float(value)
    return None


async def test_the_queue_outcomes_and_breakers_are_counted(world: World, department: ServerThread) -> None:
    """Two applications wait (depth 2, transport); the department fails twice (two retries, breaker open
    at a threshold of two), then takes both (two delivered, the queue empty, the breaker closed)."""
    metrics = world.seva.platform.metrics  # the platform's, with the queue reader the capability added
    references = await submitted(world, department, n=2)
    before = (await metrics.export()).decode()
    assert _value(before, "seva_delivery_queue_depth", department="transport", state="pending") == 2
    assert (
        _value(before, "seva_delivery_queue_oldest_seconds", department="transport", state="pending") or -1
    ) >= 0

    resolver = AdapterResolver(
        world.engine, lambda: world.catalogue, default_registry(), egress=LOOPBACK, refresh_seconds=0
    )
    worker = DeliveryWorker(
        world.engine, lambda: world.catalogue, world.audit, resolver,
        WorkerOptions(backoff=FAST, poll_seconds=0.05, batch=1, breaker_threshold=2, breaker_cooldown=0.2),
        metrics,
    )  # fmt: skip
    try:
        department.app.fail(2, status=500, body=b'{"title":"down"}')
        await worker.run_once()
        await worker.run_once()
        failing = (await metrics.export()).decode()
        assert _value(failing, "seva_deliveries_total", department="transport", outcome="retry") == 2
        assert _value(failing, "seva_circuit_breaker_state", adapter="rest_transport", state="open") == 1
        for reference in references:
            await drain(worker, world, reference, {"approved", "received", "in_progress", "issued"})
    finally:
        await resolver.aclose()
    after = (await metrics.export()).decode()
    assert _value(after, "seva_deliveries_total", department="transport", outcome="delivered") == 2
    assert _value(after, "seva_delivery_queue_depth", department="transport", state="pending") is None
    assert _value(after, "seva_circuit_breaker_state", adapter="rest_transport", state="open") in (None, 0)
    for private in (*references, world.people.asha.member_id, world.people.asha.family_id):
        assert private not in after  # labels name departments and adapters, never people or applications


def test_a_registry_of_its_own_per_process() -> None:
    """Two applications built in one process count apart."""
    first, second = Metrics(), Metrics()
    first.delivery("revenue", "delivered")
    assert first.registry is not second.registry
    assert second.deliveries.labels(department="revenue", outcome="delivered")._value.get() == 0
