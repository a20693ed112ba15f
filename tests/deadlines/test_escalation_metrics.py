"""Escalations on the operators' metrics: appeals the watcher opened at a breach and appeals citizens
filed, counted from the database, so a gateway that never swept reports what a watcher elsewhere did."""

from __future__ import annotations

import datetime as dt
import re

from gateway.deadlines.observed import escalations_reader
from schemas.guarantee_api import AppealFiled, Reason, RejectBody
from tests.deadlines.support import Guarantee


def _samples(text: str, name: str) -> dict[str, float]:
    """``{labels: value}`` of every sample of ``name`` in the exposition text."""
    found = re.findall(rf"^{name}\{{([^}}]*)\}} (\S+)$", text, flags=re.MULTILINE)
    return {labels: float(value) for labels, value in found}


async def test_appeals_are_counted_by_level_and_by_whom(guarantee: Guarantee) -> None:
    g = guarantee
    before = (await g.seva.platform.metrics.export()).decode()
    assert "# TYPE seva_escalations_total counter" in before
    assert _samples(before, "seva_escalations_total") == {}

    # One application breaches its one working day: the watcher appeals for the citizen.
    breached = await g.apply_income(key="inc-breach")
    g.at(dt.date(2026, 3, 6), hour=9)
    while await g.seva.deadlines.watcher.sweep():  # the reminder, then the breach
        pass
    # Another is rejected and the citizen appeals herself.
    rejected = await g.apply_income(key="inc-reject")
    reason = RejectBody(reason=Reason(en="Income not shown", hi="आय प्रमाणित नहीं"))
    await g.seva.desk.service.reject(g.staff.officer, rejected, reason)
    await g.seva.deadlines.service.file_appeal(
        g.people.asha.caller, rejected, AppealFiled(grounds="My income is as declared")
    )
    assert breached != rejected

    after = (await g.seva.platform.metrics.export()).decode()
    assert _samples(after, "seva_escalations_total") == {
        'kind="automatic",level="1"': 1.0,
        'kind="citizen",level="1"': 1.0,
    }
    assert _samples(after, "seva_appeals_open") == {'level="1"': 2.0}

    # A reader of its own (another process's /metrics) sees the same, from the database.
    others = await escalations_reader(g.engine)()
    samples = [s for metric in others for s in metric.samples if s.name == "seva_escalations_total"]
    filed = {(s.labels["level"], s.labels["kind"]): s.value for s in samples}
    assert filed == {("1", "automatic"): 1.0, ("1", "citizen"): 1.0}
