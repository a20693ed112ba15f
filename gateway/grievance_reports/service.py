"""The auditors' grievance reports: the figures (``figures.py``) for a period, dated by the one clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.grievance_reports.figures import Grouping, grading, pending_by_level_and_age, summary
from gateway.platform.clock import Clock
from gateway.web.i18n import Catalogues
from schemas.grievance_reports_api import GradingPage, SummaryPage

__all__ = ["GrievanceReports"]


@dataclass(slots=True)
class GrievanceReports:
    engine: AsyncEngine
    clock: Clock
    catalogues: Catalogues

    async def summary(self, by: Grouping, since: dt.date | None, until: dt.date | None) -> SummaryPage:
        rows = await summary(self.engine, by, since, until)
        pending = await pending_by_level_and_age(self.engine, by, self.clock.time())
        return SummaryPage(by=by, as_of=self.clock.today().isoformat(), rows=rows, pending=pending)

    async def grading(self, by: Literal["department", "district"], month: str) -> GradingPage:
        return GradingPage(by=by, month=month, rows=await grading(self.engine, by, month))
