"""The auditors' grievance reports: the figures (``figures.py``) for a period, dated by the one clock.

``report`` and ``monthly_grading`` are what the JSON and CSV routes and the web page call: they check the
caller's rule and the period (``GrievanceReportRefused``, in both languages) before counting anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.grievance_reports.errors import GrievanceReportRefused
from gateway.grievance_reports.figures import Grouping, grading, pending_by_level_and_age, summary
from gateway.grievance_reports.policy import POLICY
from gateway.platform.clock import Clock
from gateway.platform.guard import Caller
from schemas.grievance_reports_api import GradingPage, SummaryPage

__all__ = ["GradeGrouping", "GrievanceReports"]

GradeGrouping = Literal["department", "district"]
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _day(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise GrievanceReportRefused(
            name, f"'{value}' is not a date.", f"'{value}' कोई तिथि नहीं है।"
        ) from None


@dataclass(slots=True)
class GrievanceReports:
    engine: AsyncEngine
    clock: Clock

    async def summary(self, by: Grouping, since: dt.date | None, until: dt.date | None) -> SummaryPage:
        rows = await summary(self.engine, by, since, until)
        pending = await pending_by_level_and_age(self.engine, by, self.clock.time())
        return SummaryPage(by=by, as_of=self.clock.today().isoformat(), rows=rows, pending=pending)

    async def grading(self, by: GradeGrouping, month: str) -> GradingPage:
        return GradingPage(by=by, month=month, rows=await grading(self.engine, by, month))

    def month(self, month: str | None) -> str:
        """``month`` (YYYY-MM) checked, or the month before this one when it is left out."""
        if month is None:
            first = self.clock.today().replace(day=1)
            return (first - dt.timedelta(days=1)).strftime("%Y-%m")
        if not _MONTH.match(month):
            raise GrievanceReportRefused(
                "month", f"'{month}' is not a month (YYYY-MM).", f"'{month}' कोई माह (YYYY-MM) नहीं है।"
            )
        return month

    async def report(
        self, caller: Caller, by: Grouping, since: str | None = None, until: str | None = None
    ) -> SummaryPage:
        """The figures grouped ``by`` for grievances filed from ``since`` to ``until`` (ISO days)."""
        POLICY.report.scope(caller.signed_in)
        first, last = _day("since", since), _day("until", until)
        if first and last and first > last:
            raise GrievanceReportRefused(
                "since", "'since' is after 'until'.", "'since' तिथि 'until' के बाद है।"
            )
        return await self.summary(by, first, last)

    async def monthly_grading(self, caller: Caller, by: GradeGrouping, month: str | None) -> GradingPage:
        """CM Helpline's grading of ``month`` (the month before this one when left out)."""
        POLICY.report.scope(caller.signed_in)
        return await self.grading(by, self.month(month))
