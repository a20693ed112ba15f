"""The auditors' two report pages: the guarantee's time limits (``/reports/guarantee``) and grievances
(``/reports/grievances``), with SVG bar charts (``gateway.platform.svg``) and the same figures in tables,
links between them and to the same figures as CSV.

They read through the services the JSON reports use (``Deadlines.report``, ``GrievanceReports.report`` and
``monthly_grading``), which check the rule again; the pages hold counts only, no personal data. An auditor
or an administrator reaches them with a staff session (signed in on ``/staff/sign-in``) or, as before, with
an API client's bearer token. The period asked for is checked here: a date that is not one, or a period
that runs backwards, is said on the page beside its field, in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

import msgspec
from babel.dates import format_date
from babel.numbers import format_decimal
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Response

from gateway.deadlines.errors import ReportRefused
from gateway.deadlines.reports import report_csv
from gateway.grievance_reports.figures import AGE_BANDS
from gateway.grievance_reports.routes import csv_response
from gateway.platform.guard import current_caller
from gateway.platform.svg import stacked_bars
from gateway.web.forms import Problem
from gateway.web.i18n import N_, language_of
from gateway.web.pages import Pages
from gateway.web.policy import staff_route, without_form
from schemas.grievance_reports_api import GradeRow, GradingPage, SummaryPage, SummaryRow
from schemas.guarantee_api import ReportPage

__all__ = ["REPORT_HANDLERS"]

GuaranteeBy = Annotated[
    Literal["service", "department", "district", "month"], Parameter(description="how to group the figures")
]
GrievanceBy = Annotated[Literal["department", "district", "month"], Parameter(description="how to group")]
GradeBy = Annotated[Literal["department", "district"], Parameter(description="whom to grade")]
Typed = Annotated[str | None, Parameter(max_length=20)]  # checked here, and said on the page when wrong
_ROUTE = without_form(staff_route("reports"))  # a form that asks (GET), changing nothing: no CSRF token
# Counts of the whole state: for the signed-in reader only, never in a shared cache.
_PRIVATE = {"cache-control": "private, no-store"}
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_Row = TypeVar("_Row", bound=msgspec.Struct)

_NOT_A_DAY = N_("Enter a date as year, month and day, for example 2026-03-31.")
_BACKWARDS = N_("The start of the period must be on or before its end.")
_NOT_A_MONTH = N_("Enter a month as year and month, for example 2026-02.")
_GRADED = {"department": N_("department"), "district": N_("district")}  # "by ..." in the grading's heading
_GROUPINGS = {
    "service": N_("by service"),
    "department": N_("by department"),
    "district": N_("by district"),
    "month": N_("by month"),
}

# The guarantee: the four states of an application (Hindi as the Act's forms word them).
_STATES = (
    ("decided_within", "#2e7d32", N_("Decided within the limit")),
    ("decided_late", "#a15c00", N_("Decided late")),
    ("pending_within", "#546e7a", N_("Pending, within the limit")),
    ("pending_past", "#c62828", N_("Pending past the limit")),
)
_GUARANTEE_COLUMNS = {
    "key": N_("Group"),
    "applications": N_("Applications"),
    **{name: label for name, _colour, label in _STATES},
    "appeals": N_("Appeals"),
    "appeals_allowed": N_("Appeals allowed"),
    "appeals_dismissed": N_("Appeals dismissed"),
    "appeals_open": N_("Appeals not yet decided"),
    "penalties": N_("Penalties"),
    "penalties_inr": N_("Penalties (₹)"),
}

# Grievances.
_DISPOSAL = (
    ("disposed_within", "#2e7d32", N_("Disposed within the limit")),
    ("disposed_late", "#a15c00", N_("Disposed late")),
    ("pending", "#c62828", N_("Pending")),
)
_CLOSURES = (
    ("closed_satisfied", "#2e7d32", N_("Closed with satisfaction")),
    ("special_closures", "#6a1b9a", N_("Special closures")),
    ("force_closures", "#c62828", N_("Force closures")),
)
_AGE_COLOURS = ("#546e7a", "#37474f", "#a15c00", "#bf360c", "#c62828")
_GRADE = (
    ("score_satisfied", "#2e7d32", N_("Closed with satisfaction (60)")),
    ("score_old_disposed", "#1565c0", N_("Disposal of grievances over 50 days old (20)")),
    ("score_low_quality", "#6a1b9a", N_("Few low-quality closures (10)")),
    ("score_not_attended", "#bf360c", N_("Few not attended (10)")),
)
_SUMMARY_COLUMNS = {
    "key": N_("Group"),
    "filed": N_("Filed"),
    "pending": N_("Pending"),
    "disposed_within": N_("Disposed within the limit"),
    "disposed_late": N_("Disposed late"),
    **{name: label for name, _colour, label in _CLOSURES},
    "low_quality": N_("Low-quality closures"),
    "reopened": N_("Reopened"),
    "withdrawn": N_("Withdrawn"),
}
_PENDING_COLUMNS = {
    "key": N_("Group"),
    "level": N_("Level"),
    "age": N_("Days since filing"),
    "pending": N_("Pending"),
}
_GRADE_COLUMNS = {
    "key": N_("Group"),
    "rank": N_("Rank"),
    "received": N_("Received"),
    "closed": N_("Closed"),
    "closed_satisfied": N_("Closed with satisfaction"),
    "old": N_("Over 50 days old"),
    "old_disposed": N_("Of those, disposed"),
    "low_quality": N_("Low-quality closures"),
    "not_attended": N_("Not attended"),
    "score": N_("Score"),
    "grade": N_("Grade"),
}


def _address(path: str, **query: str | None) -> str:
    kept = {name: value for name, value in query.items() if value}
    return f"{path}?{urlencode(kept)}" if kept else path


def _locale(language: str) -> str:
    return "hi_IN" if language == "hi" else "en_IN"


def _number(value: float | int, language: str) -> str:
    return format_decimal(value, locale=_locale(language))


def _namer(web: Pages, language: str, by: str) -> Callable[[str], str]:
    """How a group is called on the page: a service, department or district by its name in the reader's
    language, a month (``YYYY-MM``) by its name and year; a code the catalogue no longer holds as it is.
    The CSV keeps the codes, for machines."""
    if by == "month":

        def month(key: str) -> str:
            try:
                return format_date(dt.date.fromisoformat(f"{key}-01"), "MMMM y", locale=_locale(language))
            except ValueError:
                return key

        return month
    catalogue = web.services.current
    named: Mapping[str, Any] = {
        "service": catalogue.by_code,
        "department": catalogue.departments,
        "district": catalogue.districts,
    }[by]
    return lambda key: named[key].name.pick(language) if key in named else key


def _named(web: Pages, language: str, by: str, rows: Sequence[_Row]) -> list[_Row]:
    """``rows`` with each group's code replaced by what the page calls it (``_namer``)."""
    name = _namer(web, language, by)
    return [msgspec.structs.replace(row, key=name(row.key)) for row in rows]  # type: ignore[attr-defined]


def _table(
    web: Pages, language: str, columns: Mapping[str, str], rows: Sequence[Any]
) -> tuple[list[str], list[list[str]]]:
    """The headings in the reader's language, and each row's cells in the columns' order."""
    heads = [web.translate(language, label) for label in columns.values()]
    cells = [
        [
            _number(value, language) if isinstance(value, int | float) else str(value)
            for value in (getattr(row, name) for name in columns)
        ]
        for row in rows
    ]
    return heads, cells


def _day(web: Pages, language: str, name: str, typed: str | None) -> tuple[str | None, list[Problem]]:
    if not typed:
        return None, []
    try:
        return dt.date.fromisoformat(typed).isoformat(), []
    except ValueError:
        return None, [Problem(name, web.translate(language, _NOT_A_DAY))]


def _period(
    web: Pages, language: str, since: str | None, until: str | None
) -> tuple[str | None, str | None, list[Problem]]:
    """The period typed, as ISO days; what to fix, beside its field, when it is not one."""
    first, wrong_first = _day(web, language, "since", since)
    last, wrong_last = _day(web, language, "until", until)
    problems = wrong_first + wrong_last
    if first and last and first > last:
        problems.append(Problem("since", web.translate(language, _BACKWARDS)))
    return first, last, problems


def _bars(
    web: Pages, language: str, rows: Sequence[Any], parts: Sequence[tuple[str, str, str]], name: str
) -> str:
    """One bar a row, made of ``parts``, its total (the sum of the parts) written after it."""
    groups = []
    for row in rows:
        values = [getattr(row, field) for field, _c, _l in parts]
        groups.append((str(row.key), values, _number(sum(values), language)))
    legend = [(colour, web.translate(language, label)) for _f, colour, label in parts]
    return stacked_bars(groups, legend, web.translate(language, name))


def _guarantee_charts(web: Pages, language: str, page: ReportPage) -> dict[str, str]:
    charged = [row for row in page.rows if row.penalties_inr]
    penalties = stacked_bars(
        [(row.key, [row.penalties_inr], f"₹{_number(row.penalties_inr, language)}") for row in charged],
        [("#6a1b9a", web.translate(language, N_("Penalties (₹)")))],
        web.translate(language, N_("Penalties imposed, in rupees")),
    )
    return {
        "states": _bars(web, language, page.rows, _STATES, N_("Applications by state")),
        "penalties": penalties if charged else "",
    }


@get("/reports/guarantee", name="report-guarantee", **_ROUTE)
async def guarantee_report(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    by: GuaranteeBy = "department",
    since: Typed = None,
    until: Typed = None,
) -> Response[Any]:
    language = language_of(request)
    first, last, problems = _period(web, language, since, until)
    page = None if problems else await web.deadlines.report(current_caller(request), by, first, last)
    if page is not None:
        page = msgspec.structs.replace(page, rows=_named(web, language, by, page.rows))
    heads, cells = _table(web, language, _GUARANTEE_COLUMNS, page.rows if page else [])
    return web.site.page(
        request, "report_guarantee.html", status=400 if problems else 200, headers=_PRIVATE,
        report=page, by=by, since=since or "", until=until or "", problems=problems,
        charts=_guarantee_charts(web, language, page) if page else {}, heads=heads, cells=cells,
        groupings=[
            (name, web.translate(language, label), _address(request.url.path, by=name, since=first,
                                                            until=last))
            for name, label in _GROUPINGS.items()
        ],
        csv=_address("/reports/guarantee/csv", by=by, since=first, until=last),
        api=_address("/api/v1/reports/guarantee/csv", by=by, since=first, until=last),
    )  # fmt: skip


@get("/reports/guarantee/csv", name="report-guarantee-csv", media_type="text/csv", **_ROUTE)
async def guarantee_report_csv(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    by: GuaranteeBy = "department",
    since: Typed = None,
    until: Typed = None,
) -> Response[str]:
    """The same figures as the API's CSV, for the person signed in (the API takes tokens, not sessions)."""
    first, last, english = _period(web, "en", since, until)
    if english:  # the page's links carry checked days: this address was typed, refused as the API would
        hindi = _period(web, "hi", since, until)[2]
        raise ReportRefused(english[0].anchor, english[0].message, hindi[0].message)
    page = await web.deadlines.report(current_caller(request), by, first, last)
    disposition = f'attachment; filename="guarantee-by-{by}-{page.as_of}.csv"'
    headers = {**_PRIVATE, "content-disposition": disposition}
    return Response(report_csv(page.rows), media_type="text/csv", headers=headers)


def _pending_by_age(web: Pages, language: str, summary: SummaryPage) -> str:
    bands = [name for name, _lo, _hi in AGE_BANDS]
    by_group: dict[str, list[int]] = {}
    for row in summary.pending:
        by_group.setdefault(row.key, [0] * len(bands))[bands.index(row.age)] += row.pending
    days = web.translate(language, N_("%(band)s days"))
    return stacked_bars(
        [(key, values, _number(sum(values), language)) for key, values in by_group.items()],
        [(colour, days % {"band": band}) for colour, band in zip(_AGE_COLOURS, bands, strict=True)],
        web.translate(language, N_("Pending grievances by age")),
    )


def _grading_chart(web: Pages, language: str, grading: GradingPage) -> str:
    groups = [
        (
            row.key,
            [getattr(row, name) for name, _c, _l in _GRADE],
            f"{_number(row.score, language)} {row.grade}",
        )
        for row in grading.rows
    ]
    legend = [(colour, web.translate(language, label)) for _n, colour, label in _GRADE]
    return stacked_bars(groups, legend, web.translate(language, N_("Monthly grading")))


@get("/reports/grievances", name="report-grievances", **_ROUTE)
async def grievance_report(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    by: GrievanceBy = "department",
    grade_by: GradeBy = "district",
    month: Typed = None,
) -> Response[Any]:
    language = language_of(request)
    problems = []
    if month and not _MONTH.match(month):
        problems.append(Problem("month", web.translate(language, _NOT_A_MONTH)))
    caller = current_caller(request)
    reports = web.grievance_reports
    summary = grading = None
    charts: dict[str, str] = {}
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    if not problems:
        summary = await reports.report(caller, by)
        summary = msgspec.structs.replace(
            summary,
            rows=_named(web, language, by, summary.rows),
            pending=_named(web, language, by, summary.pending),
        )
        grading = await reports.monthly_grading(caller, grade_by, month or None)
        grading = msgspec.structs.replace(grading, rows=_named(web, language, grade_by, grading.rows))
        charts = {
            "disposal": _bars(web, language, summary.rows, _DISPOSAL, N_("Grievances by disposal")),
            "closures": _bars(web, language, summary.rows, _CLOSURES, N_("Closures by kind")),
            "age": _pending_by_age(web, language, summary),
            "grading": _grading_chart(web, language, grading),
        }
        tables = {
            "summary": _table(web, language, _SUMMARY_COLUMNS, summary.rows),
            "pending": _table(web, language, _PENDING_COLUMNS, summary.pending),
            "grading": _table(web, language, _GRADE_COLUMNS, grading.rows),
        }
    shown_month = grading.month if grading else (month or "")
    return web.site.page(
        request, "report_grievances.html", status=400 if problems else 200, headers=_PRIVATE,
        summary=summary, grading=grading, by=by, grade_by=grade_by, month=shown_month, problems=problems,
        charts=charts, tables=tables, grade_by_label=web.translate(language, _GRADED[grade_by]),
        groupings=[
            (name, web.translate(language, label),
             _address(request.url.path, by=name, grade_by=grade_by, month=grading.month if grading else None))
            for name, label in _GROUPINGS.items() if name != "service"
        ],
        grade_groupings=[
            (name, web.translate(language, _GROUPINGS[name]),
             _address(request.url.path, by=by, grade_by=name, month=grading.month if grading else None))
            for name in ("department", "district")
        ],
        csv=_address("/reports/grievances/csv", by=by),
        grading_csv=_address("/reports/grievances/grading/csv", by=grade_by, month=shown_month),
        api=_address("/api/v1/reports/grievances/csv", by=by),
        grading_api=_address("/api/v1/reports/grievances/grading/csv", by=grade_by, month=shown_month),
    )  # fmt: skip


@get("/reports/grievances/csv", name="report-grievances-csv", media_type="text/csv", **_ROUTE)
async def grievance_report_csv(
    request: Request[Any, Any, Any], web: NamedDependency[Pages], by: GrievanceBy = "department"
) -> Response[str]:
    summary = await web.grievance_reports.report(current_caller(request), by)
    answer = csv_response(
        SummaryRow.__struct_fields__, list(summary.rows), f"grievances-by-{by}-{summary.as_of}"
    )
    answer.headers.update(_PRIVATE)
    return answer


@get("/reports/grievances/grading/csv", name="report-grading-csv", media_type="text/csv", **_ROUTE)
async def grading_report_csv(
    request: Request[Any, Any, Any],
    web: NamedDependency[Pages],
    by: GradeBy = "district",
    month: Typed = None,
) -> Response[str]:
    grading: GradingPage = await web.grievance_reports.monthly_grading(
        current_caller(request), by, month or None
    )
    answer = csv_response(GradeRow.__struct_fields__, list(grading.rows), f"grading-by-{by}-{grading.month}")
    answer.headers.update(_PRIVATE)
    return answer


REPORT_HANDLERS = [
    guarantee_report,
    guarantee_report_csv,
    grievance_report,
    grievance_report_csv,
    grading_report_csv,
]
