"""Routes of the auditors' grievance reports: the figures as JSON and CSV, CM Helpline's monthly grading
as JSON and CSV (the page with charts is the web layer's, ``gateway/web/routes_reports.py``)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from gateway.grievance_reports.errors import GrievanceReportRefused
from gateway.grievance_reports.policy import POLICY
from gateway.grievance_reports.service import GrievanceReports
from gateway.platform.guard import Caller
from schemas.grievance_reports_api import GradeRow, GradingPage, SummaryPage, SummaryRow

__all__ = ["GrievanceReportController", "csv_response"]

By = Annotated[Literal["department", "district", "month"], Parameter(description="how to group the figures")]
GradeBy = Annotated[Literal["department", "district"], Parameter(description="whom to grade")]
Day = Annotated[str | None, Parameter(schema_extra={"pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})]
Month = Annotated[
    str | None,
    Parameter(
        description="YYYY-MM; the month before this one when left out",
        schema_extra={"pattern": r"^[0-9]{4}-[0-9]{2}$"},
    ),
]


def csv_response(fields: tuple[str, ...], rows: list[msgspec.Struct], name: str) -> Response[str]:
    """``rows`` as CSV (a heading line of ``fields``), to be saved as ``name``.csv."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([getattr(row, field) for field in fields])
    headers = {"content-disposition": f'attachment; filename="{name}.csv"'}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)


class GrievanceReportController(Controller):
    path = "/api/v1/reports/grievances"
    tags = ("reports",)

    @get(
        "/",
        summary="Grievances: pending by level and age, disposal, satisfaction, closures",
        **POLICY.route("report", GrievanceReportRefused),
    )
    async def summary(
        self,
        grievance_reports: NamedDependency[GrievanceReports],
        caller: NamedDependency[Caller],
        by: By = "department",
        since: Day = None,
        until: Day = None,
    ) -> SummaryPage:
        return await grievance_reports.report(caller, by, since, until)

    @get(
        "/csv",
        summary="The same figures as CSV",
        media_type="text/csv",
        **POLICY.route("report", GrievanceReportRefused),
    )
    async def summary_csv(
        self,
        grievance_reports: NamedDependency[GrievanceReports],
        caller: NamedDependency[Caller],
        by: By = "department",
        since: Day = None,
        until: Day = None,
    ) -> Response[str]:
        page = await grievance_reports.report(caller, by, since, until)
        return csv_response(SummaryRow.__struct_fields__, list(page.rows), f"grievances-by-{by}-{page.as_of}")

    @get(
        "/grading",
        summary="CM Helpline's monthly grading (60/20/10/10)",
        **POLICY.route("report", GrievanceReportRefused),
    )
    async def grading(
        self,
        grievance_reports: NamedDependency[GrievanceReports],
        caller: NamedDependency[Caller],
        by: GradeBy = "district",
        month: Month = None,
    ) -> GradingPage:
        return await grievance_reports.monthly_grading(caller, by, month)

    @get(
        "/grading/csv",
        summary="The monthly grading as CSV",
        media_type="text/csv",
        **POLICY.route("report", GrievanceReportRefused),
    )
    async def grading_csv(
        self,
        grievance_reports: NamedDependency[GrievanceReports],
        caller: NamedDependency[Caller],
        by: GradeBy = "district",
        month: Month = None,
    ) -> Response[str]:
        page = await grievance_reports.monthly_grading(caller, by, month)
        return csv_response(GradeRow.__struct_fields__, list(page.rows), f"grading-by-{by}-{page.month}")
