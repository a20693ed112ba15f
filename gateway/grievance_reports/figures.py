"""The auditors' figures of grievances, computed by the database: each report is one ``GROUP BY`` over
the grievance table with conditional sums, so only the groups come back to Python.

Times are epoch seconds; a day and a month are India's (UTC+05:30), so the month of a grievance filed at
23:00 on 31 March in India is March on both databases. The two dialects differ only in how an epoch
becomes a month and a date becomes an epoch (``_month`` and ``_day_end``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, Literal

import msgspec
from sqlalchemy import Float as SaFloat
from sqlalchemy import and_, case, cast, column, extract, func, literal, or_, select, table
from sqlalchemy.ext.asyncio import AsyncEngine

from schemas.grievance_reports_api import GradeRow, PendingRow, SummaryRow

__all__ = [
    "AGE_BANDS",
    "GRADE_WEIGHTS",
    "Grouping",
    "grading",
    "pending_by_level_and_age",
    "summary",
]

Grouping = Literal["department", "district", "month"]
IST = 19800  # seconds east of UTC
DAY = 86400
# Age bands of a pending grievance, in days since it was filed: the last is CM Helpline's red flag.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7),
    ("8-15", 8, 15),
    ("16-30", 16, 30),
    ("31-50", 31, 50),
    ("over 50", 51, None),
)
GRADE_WEIGHTS = {"satisfied": 60, "old_disposed": 20, "low_quality": 10, "not_attended": 10}
OPEN_STATES = ("open", "attended", "info_requested", "resolved")

# The grievance table as far as the reports read it (the grievances capability owns and writes it).
G = table(
    "grievance",
    *(
        column(name)
        for name in (
            "number",
            "department",
            "district",
            "level",
            "status",
            "closure",
            "force_closed",
            "low_quality",
            "attended_at",
            "resolved_at",
            "closed_at",
            "rating",
            "due_on",
            "created_at",
            "reopened",
            "channel",
        )
    ),
)
_G = G.c


def _month(engine: AsyncEngine, epoch: Any) -> Any:
    if engine.dialect.name == "postgresql":
        return func.to_char(func.to_timestamp(epoch + IST).op("AT TIME ZONE")(literal("UTC")), "YYYY-MM")
    return func.strftime("%Y-%m", epoch + IST, "unixepoch")


def _day_end(engine: AsyncEngine, day: Any) -> Any:
    """The epoch at which India's day ``day`` (ISO text) ends."""
    if engine.dialect.name == "postgresql":
        start = cast(extract("epoch", func.to_date(day, "YYYY-MM-DD")), SaFloat)
    else:
        start = cast(func.strftime("%s", day), SaFloat)
    return start + DAY - IST


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _key(engine: AsyncEngine, by: Grouping) -> Any:
    if by == "department":
        return _G.department
    if by == "district":
        return _G.district
    return _month(engine, _G.created_at)


def _epoch(day: dt.date) -> float:
    return calendar.timegm(day.timetuple()) - IST


async def summary(
    engine: AsyncEngine, by: Grouping, since: dt.date | None = None, until: dt.date | None = None
) -> list[SummaryRow]:
    """Filed, pending, disposed within and past the limit, satisfaction, special and force closures,
    low-quality closures, reopenings, by department, district or month of filing."""
    key = _key(engine, by).label("key")
    closed = _G.status == "closed"
    disposed_at = func.coalesce(_G.resolved_at, _G.closed_at)
    in_time = disposed_at <= _day_end(engine, _G.due_on)
    query = (
        select(
            key,
            func.count().label("filed"),
            _count(_G.status.in_(OPEN_STATES)).label("pending"),
            _count(and_(closed, _G.closure != "withdrawn", in_time)).label("disposed_within"),
            _count(and_(closed, _G.closure != "withdrawn", ~in_time)).label("disposed_late"),
            _count(_G.closure == "satisfied").label("closed_satisfied"),
            _count(_G.closure == "special").label("special_closures"),
            _count(or_(_G.closure == "force", _G.force_closed == True)).label("force_closures"),  # noqa: E712
            _count(_G.low_quality > 0).label("low_quality"),
            _count(_G.reopened > 0).label("reopened"),
            _count(_G.closure == "withdrawn").label("withdrawn"),
        )
        .group_by(key)
        .order_by(key)
    )
    if since is not None:
        query = query.where(_G.created_at >= _epoch(since))
    if until is not None:
        query = query.where(_G.created_at < _epoch(until) + DAY)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [
        msgspec.convert({k: (str(v) if k == "key" else int(v or 0)) for k, v in row.items()}, SummaryRow)
        for row in rows
    ]


async def pending_by_level_and_age(engine: AsyncEngine, by: Grouping, now: float) -> list[PendingRow]:
    """Grievances still open, by group, level and how long since they were filed."""
    key = _key(engine, by).label("key")
    age = (literal(now) - _G.created_at) / DAY
    bands = [(age < upper + 1, name) for name, _, upper in AGE_BANDS if upper is not None]
    band = case(*bands, else_=literal(AGE_BANDS[-1][0])).label("age")
    query = (
        select(key, _G.level.label("level"), band, func.count().label("pending"))
        .where(_G.status.in_(OPEN_STATES))
        .group_by(key, _G.level, band)
        .order_by(key, _G.level, band)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    order = {name: i for i, (name, _, _) in enumerate(AGE_BANDS)}
    found = [
        PendingRow(key=str(r["key"]), level=int(r["level"]), age=str(r["age"]), pending=int(r["pending"]))
        for r in rows
    ]
    return sorted(found, key=lambda r: (r.key, r.level, order[r.age]))


def month_bounds(month: str) -> tuple[float, float]:
    """The epochs at which India's ``YYYY-MM`` begins and ends."""
    year, number = (int(part) for part in month.split("-"))
    first = dt.date(year, number, 1)
    last = dt.date(year, number, calendar.monthrange(year, number)[1])
    return _epoch(first), _epoch(last) + DAY


def _share(part: int, whole: int, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def grade_letter(score: float) -> str:
    return "A" if score >= 80 else "B" if score >= 60 else "C"


async def grading(engine: AsyncEngine, by: Literal["department", "district"], month: str) -> list[GradeRow]:
    """CM Helpline's monthly grading of ``month``: closed with the citizen's satisfaction (60), disposal of
    grievances more than 50 days old (20), few low-quality closures (10), few left unattended (10)."""
    start, end = month_bounds(month)
    key = (_G.department if by == "department" else _G.district).label("key")
    closed_in = and_(_G.closed_at >= start, _G.closed_at < end, _G.closure != "withdrawn")
    filed_in = and_(_G.created_at >= start, _G.created_at < end)
    # More than 50 days old at the month's end and not disposed before the month began.
    old = and_(_G.created_at < end - 50 * DAY, or_(_G.closed_at.is_(None), _G.closed_at >= start))
    not_attended = and_(filed_in, _G.attended_at.is_(None), or_(_G.closed_at.is_(None), _G.closed_at >= end))
    query = (
        select(
            key,
            _count(filed_in).label("received"),
            _count(closed_in).label("closed"),
            _count(and_(closed_in, _G.closure == "satisfied")).label("closed_satisfied"),
            _count(old).label("old"),
            _count(and_(old, closed_in)).label("old_disposed"),
            _count(and_(closed_in, _G.low_quality > 0)).label("low_quality"),
            _count(not_attended).label("not_attended"),
        )
        .where(or_(filed_in, closed_in, old))
        .group_by(key)
        .order_by(key)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    graded: list[GradeRow] = []
    for r in rows:
        counts = {k: int(v or 0) for k, v in r.items() if k != "key"}
        parts = {
            "satisfied": GRADE_WEIGHTS["satisfied"]
            * _share(counts["closed_satisfied"], counts["closed"], 0.0),
            "old_disposed": GRADE_WEIGHTS["old_disposed"] * _share(counts["old_disposed"], counts["old"]),
            "low_quality": GRADE_WEIGHTS["low_quality"]
            * (1 - _share(counts["low_quality"], counts["closed"], 0.0)),
            "not_attended": GRADE_WEIGHTS["not_attended"]
            * (1 - _share(counts["not_attended"], counts["received"], 0.0)),
        }
        score = round(sum(parts.values()), 2)
        graded.append(
            GradeRow(
                key=str(r["key"]),
                month=month,
                **counts,
                score_satisfied=round(parts["satisfied"], 2),
                score_old_disposed=round(parts["old_disposed"], 2),
                score_low_quality=round(parts["low_quality"], 2),
                score_not_attended=round(parts["not_attended"], 2),
                score=score,
                grade=grade_letter(score),
            )
        )
    graded.sort(key=lambda g: (-g.score, g.key))
    for rank, row in enumerate(graded, 1):
        row.rank = rank
    return graded
