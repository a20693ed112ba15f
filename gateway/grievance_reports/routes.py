"""Routes of the auditors' grievance reports: the figures as JSON and CSV, CM Helpline's monthly grading
as JSON and CSV, and one page with charts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from gateway.grievance_reports.errors import GrievanceReportRefused
from gateway.grievance_reports.page import report_page
from gateway.grievance_reports.policy import POLICY
from gateway.grievance_reports.service import GrievanceReports
from gateway.platform.guard import Caller
from gateway.web.i18n import language_of
from schemas.grievance_reports_api import GradeRow, GradingPage, SummaryPage, SummaryRow

__all__ = ["GrievanceReportController", "grievance_report_html"]

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


def _month(reports: GrievanceReports, month: str | None) -> str:
    if month is None:
        first = reports.clock.today().replace(day=1)
        return (first - dt.timedelta(days=1)).strftime("%Y-%m")
    if not _MONTH.match(month):
        raise GrievanceReportRefused(
            "month", f"'{month}' is not a month (YYYY-MM).", f"'{month}' कोई माह (YYYY-MM) नहीं है।"
        )
    return month


async def _summary(
    reports: GrievanceReports, caller: Caller, by: str, since: str | None, until: str | None
) -> SummaryPage:
    POLICY.report.scope(caller.signed_in)
    first, last = _day("since", since), _day("until", until)
    if first and last and first > last:
        raise GrievanceReportRefused("since", "'since' is after 'until'.", "'since' तिथि 'until' के बाद है।")
    return await reports.summary(by, first, last)  # type: ignore[arg-type]


async def _grading(reports: GrievanceReports, caller: Caller, by: str, month: str | None) -> GradingPage:
    POLICY.report.scope(caller.signed_in)
    return await reports.grading(by, _month(reports, month))  # type: ignore[arg-type]


def _csv(fields: tuple[str, ...], rows: list[msgspec.Struct], name: str) -> Response[str]:
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
        return await _summary(grievance_reports, caller, by, since, until)

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
        page = await _summary(grievance_reports, caller, by, since, until)
        return _csv(SummaryRow.__struct_fields__, list(page.rows), f"grievances-by-{by}-{page.as_of}")

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
        return await _grading(grievance_reports, caller, by, month)

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
        page = await _grading(grievance_reports, caller, by, month)
        return _csv(GradeRow.__struct_fields__, list(page.rows), f"grading-by-{by}-{page.month}")


@get(
    "/reports/grievances",
    summary="The grievance report as a page with charts, in English or Hindi",
    media_type=MediaType.HTML,
    **POLICY.route("report", GrievanceReportRefused),
)
async def grievance_report_html(
    request: Request[Any, Any, Any],
    grievance_reports: NamedDependency[GrievanceReports],
    caller: NamedDependency[Caller],
    by: By = "department",
    grade_by: GradeBy = "district",
    month: Month = None,
) -> Response[str]:
    summary = await _summary(grievance_reports, caller, by, None, None)
    grading = await _grading(grievance_reports, caller, grade_by, month)
    language = language_of(request)
    links = {
        name: f"/reports/grievances?by={name}&grade_by={grade_by}&month={grading.month}"
        for name in ("department", "district", "month")
    }
    links["csv"] = f"/api/v1/reports/grievances/csv?by={by}"
    links["grading_csv"] = f"/api/v1/reports/grievances/grading/csv?by={grade_by}&month={grading.month}"

    def translate(message: str) -> str:
        return grievance_reports.catalogues.gettext(language, message)

    html = report_page(translate, language, summary, grading, links)
    return Response(html, media_type=MediaType.HTML, headers={"content-language": language})
