"""Reports for auditors: decided within the limit, pending past it, appeals and their outcomes, penalties,
grouped by service, department, district or month (of application), computed by the database.

One ``GROUP BY`` over the clocks, with the appeals and penalties counted per application in subqueries:
no row is loaded into Python but the groups themselves. Dates are ISO text, so comparing them is
comparing days on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Literal

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.deadlines.clocks import APPEALS, CLOCKS, PENALTIES
from schemas.guarantee_api import ReportRow

__all__ = ["GROUPS", "Grouping", "report_csv", "report_rows"]

Grouping = Literal["service", "department", "district", "month"]
GROUPS: tuple[Grouping, ...] = ("service", "department", "district", "month")
_C = CLOCKS.c
_P = APPEALS.c
_N = PENALTIES.c
FIELDS = tuple(ReportRow.__struct_fields__)


def _key(by: Grouping) -> Any:
    if by == "service":
        return _C.service_code
    if by == "department":
        return _C.department
    if by == "district":
        return _C.district
    return func.substr(_C.started_on, 1, 7)


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


async def report_rows(
    engine: AsyncEngine, by: Grouping, today: dt.date, since: str | None = None, until: str | None = None
) -> list[ReportRow]:
    key = _key(by).label("key")
    per_app = (
        select(
            _P.reference.label("reference"),
            func.count().label("appeals"),
            func.sum(case((_P.state == "allowed", 1), else_=0)).label("allowed"),
            func.sum(case((_P.state == "dismissed", 1), else_=0)).label("dismissed"),
            func.sum(case((_P.state == "open", 1), else_=0)).label("open"),
        )
        .group_by(_P.reference)
        .subquery()
    )
    decided = _C.decided_on.is_not(None)
    iso = today.isoformat()
    query = (
        select(
            key,
            func.count().label("applications"),
            _count(and_(decided, _C.decided_on <= _C.due_on)).label("decided_within"),
            _count(and_(decided, _C.decided_on > _C.due_on)).label("decided_late"),
            _count(and_(~decided, _C.due_on >= iso)).label("pending_within"),
            _count(and_(~decided, _C.due_on < iso)).label("pending_past"),
            func.coalesce(func.sum(per_app.c.appeals), 0).label("appeals"),
            func.coalesce(func.sum(per_app.c.allowed), 0).label("appeals_allowed"),
            func.coalesce(func.sum(per_app.c.dismissed), 0).label("appeals_dismissed"),
            func.coalesce(func.sum(per_app.c.open), 0).label("appeals_open"),
            _count(_N.id.is_not(None)).label("penalties"),
            func.coalesce(func.sum(_N.amount_inr), literal(0)).label("penalties_inr"),
        )
        .select_from(
            CLOCKS.outerjoin(per_app, per_app.c.reference == _C.reference).outerjoin(
                PENALTIES, _N.reference == _C.reference
            )
        )
        .group_by(key)
        .order_by(key)
    )
    if since:
        query = query.where(_C.started_on >= since)
    if until:
        query = query.where(_C.started_on <= until)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [
        ReportRow(key=str(row["key"]), **{name: int(row[name] or 0) for name in FIELDS if name != "key"})
        for row in rows
    ]


def report_csv(rows: list[ReportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([getattr(row, name) for name in FIELDS])
    return out.getvalue()
