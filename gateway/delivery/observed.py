"""What the operators see of delivery: the queue's depth and age per department, read from the database
each time metrics are exported (so every gateway process reports the one shared queue), and the outcome
labels of the calls the worker counts."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.delivery.tables import Delivery

__all__ = ["OUTCOMES", "queue_reader"]

_TABLE = Delivery.__table__  # type: ignore[attr-defined]
OUTCOMES = {"done": "delivered", "retry": "retry", "failed": "failed", "release": "not_tried"}
"""The worker's outcome of a call, as the ``outcome`` label of ``seva_deliveries``."""

_WAITING = ("pending", "in_flight")
# Grouped on the (state, next_attempt_at) index: only rows still waiting are read, never the done ones.
_DEPTHS = (
    select(_TABLE.c.department, _TABLE.c.state, func.count(), func.min(_TABLE.c.created_at))
    .where(_TABLE.c.state.in_(_WAITING))
    .group_by(_TABLE.c.department, _TABLE.c.state)
)


def queue_reader(
    engine: AsyncEngine, clock: Callable[[], float] = time.time
) -> Callable[[], Awaitable[list[Metric]]]:
    """A reader of ``seva_delivery_queue_depth`` and ``seva_delivery_queue_oldest_seconds`` by department
    and state (``pending``: waiting for a call or a retry; ``in_flight``: leased by a worker)."""

    async def read() -> list[Metric]:
        depth = GaugeMetricFamily(
            "seva_delivery_queue_depth", "Applications not yet handed over", labels=["department", "state"]
        )
        age = GaugeMetricFamily(
            "seva_delivery_queue_oldest_seconds",
            "Age of the oldest application not yet handed over",
            labels=["department", "state"],
        )
        async with engine.connect() as conn:
            rows = (await conn.execute(_DEPTHS)).all()
        now = clock()
        for department, state, count, oldest in rows:
            depth.add_metric([department, state], float(count))
            age.add_metric([department, state], max(0.0, now - float(oldest)))
        return [depth, age]

    return read
