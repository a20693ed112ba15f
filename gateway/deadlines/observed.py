"""What the operators see of the guarantee: escalations to the appellate authorities, read from the
database each time metrics are exported. The watcher may run in any process (``seva watcher``, or inside
a gateway), so counting in the process that escalates would show on one scrape target only; every gateway
reports the one shared count instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.deadlines.clocks import APPEALS

__all__ = ["escalations_reader"]

_A = APPEALS.c
_FILED = select(_A.level, _A.kind, func.count()).group_by(_A.level, _A.kind)
# Open appeals are read on the (state, level, due_on) index.
_OPEN = select(_A.level, func.count()).where(_A.state == "open").group_by(_A.level)


def escalations_reader(engine: AsyncEngine) -> Callable[[], Awaitable[list[Metric]]]:
    """A reader of ``seva_escalations_total`` (appeals filed, by appellate level and ``automatic`` or
    ``citizen``) and ``seva_appeals_open`` (appeals awaiting their authority's order, by level)."""

    async def read() -> list[Metric]:
        filed = CounterMetricFamily(
            "seva_escalations",
            "Applications escalated to an appellate authority, by level and by whom (the watcher at a "
            "breach, or the citizen)",
            labels=["level", "kind"],
        )
        waiting = GaugeMetricFamily(
            "seva_appeals_open", "Appeals awaiting their authority's order, by level", labels=["level"]
        )
        async with engine.connect() as conn:
            for level, kind, count in (await conn.execute(_FILED)).all():
                filed.add_metric([str(level), str(kind)], float(count))
            for level, count in (await conn.execute(_OPEN)).all():
                waiting.add_metric([str(level)], float(count))
        return [filed, waiting]

    return read
