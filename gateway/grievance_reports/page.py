"""The auditors' grievance report as one server-rendered page: SVG bar charts (``gateway.platform.svg``)
and tables, every word through the web page's gettext catalogues, in English or Hindi."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from gateway.grievance_reports.figures import AGE_BANDS
from gateway.platform.svg import stacked_bars
from gateway.web.i18n import N_
from schemas.grievance_reports_api import GradingPage, SummaryPage

__all__ = ["report_page"]

Translate = Callable[[str], str]

_DISPOSAL = (
    ("disposed_within", "#2e7d32", N_("Disposed within the limit")),
    ("disposed_late", "#f9a825", N_("Disposed late")),
    ("pending", "#c62828", N_("Pending")),
)
_CLOSURES = (
    ("closed_satisfied", "#2e7d32", N_("Closed with satisfaction")),
    ("special_closures", "#6a1b9a", N_("Special closures")),
    ("force_closures", "#c62828", N_("Force closures")),
)
_WEIGHTS = N_(
    "Closed with satisfaction 60, disposal of grievances over 50 days old 20, low-quality closures 10, "
    "not attended 10. Grade A from 80, B from 60."
)
# Words of the page itself (outside the f-string, where the extractor can find them).
_WORDS = {
    "title": N_("Grievances: report for auditors"),
    "csv": N_("Figures as CSV"),
    "disposal": N_("Disposal"),
    "closures": N_("Closures"),
    "pending": N_("Pending by level and age"),
    "figures": N_("Figures"),
    "weights": _WEIGHTS,
    "grading_csv": N_("Grading as CSV"),
}
_BY = (N_("department"), N_("district"), N_("month"))  # the groupings, as the headings name them
_AGE_COLOURS = ("#90a4ae", "#78909c", "#f9a825", "#ef6c00", "#c62828")
_GRADE = (
    ("score_satisfied", "#2e7d32", N_("Closed with satisfaction (60)")),
    ("score_old_disposed", "#1565c0", N_("Disposal of grievances over 50 days old (20)")),
    ("score_low_quality", "#6a1b9a", N_("Few low-quality closures (10)")),
    ("score_not_attended", "#ef6c00", N_("Few not attended (10)")),
)
_COLUMNS = {
    "key": N_("Group"),
    "filed": N_("Filed"),
    "pending": N_("Pending"),
    "disposed_within": N_("Disposed within the limit"),
    "disposed_late": N_("Disposed late"),
    "closed_satisfied": N_("Closed with satisfaction"),
    "special_closures": N_("Special closures"),
    "force_closures": N_("Force closures"),
    "low_quality": N_("Low-quality closures"),
    "reopened": N_("Reopened"),
    "withdrawn": N_("Withdrawn"),
}
_GRADE_COLUMNS = {
    "rank": N_("Rank"),
    "key": N_("Group"),
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


def _table(_: Translate, columns: dict[str, str], rows: list[dict[str, object]]) -> str:
    head = "".join(f'<th scope="col">{escape(_(label))}</th>' for label in columns.values())
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(row[name]))}</td>" for name in columns) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pending_by_age(_: Translate, page: SummaryPage) -> tuple[str, str]:
    bands = [name for name, _lo, _hi in AGE_BANDS]
    by_group: dict[str, list[int]] = {}
    for row in page.pending:
        by_group.setdefault(row.key, [0] * len(bands))[bands.index(row.age)] += row.pending
    chart = stacked_bars(
        [(key, values, str(sum(values))) for key, values in by_group.items()],
        [
            (colour, _("%(band)s days") % {"band": band})
            for colour, band in zip(_AGE_COLOURS, bands, strict=True)
        ],
        _("Pending grievances by age"),
    )
    rows = [{"key": r.key, "level": r.level, "age": r.age, "pending": r.pending} for r in page.pending]
    columns = {
        "key": N_("Group"),
        "level": N_("Level"),
        "age": N_("Days since filing"),
        "pending": N_("Pending"),
    }
    return chart, _table(_, columns, rows)


def report_page(
    _: Translate, language: str, summary: SummaryPage, grading: GradingPage, links: dict[str, str]
) -> str:
    def bars(parts: tuple[tuple[str, str, str], ...], description: str, total: str) -> str:
        groups = [
            (row.key, [getattr(row, name) for name, _c, _l in parts], str(getattr(row, total)))
            for row in summary.rows
        ]
        return stacked_bars(groups, [(colour, _(label)) for _n, colour, label in parts], _(description))

    grade_groups = [
        (row.key, [round(getattr(row, name)) for name, _c, _l in _GRADE], f"{row.score:g} {row.grade}")
        for row in grading.rows
    ]
    grade_chart = stacked_bars(
        grade_groups, [(colour, _(label)) for _n, colour, label in _GRADE], _("Monthly grading")
    )
    age_chart, age_table = _pending_by_age(_, summary)
    groupings = " · ".join(
        f'<a href="{escape(links[name])}">{escape(_(label))}</a>'
        for name, label in (
            ("department", N_("by department")),
            ("district", N_("by district")),
            ("month", N_("by month")),
        )
    )
    summary_rows = [{name: getattr(row, name) for name in _COLUMNS} for row in summary.rows]
    grade_rows = [{name: getattr(row, name) for name in _GRADE_COLUMNS} for row in grading.rows]
    words = {name: escape(_(message)) for name, message in _WORDS.items()}
    heading = _("Monthly grading, %(month)s, by %(by)s") % {"month": grading.month, "by": _(grading.by)}
    as_of = _("As of %(day)s.") % {"day": summary.as_of}
    return f"""<!doctype html>
<html lang="{escape(language)}"><head><meta charset="utf-8"><title>{words["title"]}</title>
<style>table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:2px 6px}}</style></head>
<body>
<h1>{words["title"]}</h1>
<p>{escape(as_of)} {groupings}.
<a href="{escape(links["csv"])}">{words["csv"]}</a></p>
<h2>{words["disposal"]}</h2>
{bars(_DISPOSAL, N_("Grievances by disposal"), "filed")}
<h2>{words["closures"]}</h2>
{bars(_CLOSURES, N_("Closures by kind"), "filed")}
<h2>{words["pending"]}</h2>
{age_chart}
{age_table}
<h2>{words["figures"]}</h2>
{_table(_, _COLUMNS, summary_rows)}
<h2>{escape(heading)}</h2>
<p>{words["weights"]}
<a href="{escape(links["grading_csv"])}">{words["grading_csv"]}</a></p>
{grade_chart}
{_table(_, _GRADE_COLUMNS, grade_rows)}
</body></html>"""
