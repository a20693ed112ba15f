"""The auditors' grievance figures on SQLite and PostgreSQL, from grievances written straight into the
table in known states: disposal within and past the limit, satisfaction, special and force closures,
pending by level and age, India's months, and CM Helpline's monthly grading; then over HTTP as JSON, CSV
and a page in both languages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.grievance_reports.figures import grading, pending_by_level_and_age, summary
from gateway.grievances.tables import GrievanceRow
from gateway.platform.clock import INDIA, MovableClock
from tests.conftest import InProcessServer
from tests.identity.support import bearer, client_token, make_client

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=INDIA)


def at(day: str, hour: int = 10) -> float:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), INDIA).timestamp()


def row(number: str, department: str, district: str, filed: float, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "number": number,
        "kind": "complaint",
        "subject_kind": "category",
        "department": department,
        "category": "other",
        "district": district,
        "place": "somewhere",
        "text": "a grievance of a test",
        "language": "en",
        "level": 1,
        "position": "Tehsildar",
        "status": "open",
        "force_closed": False,
        "due_on": "2026-12-31",
        "transfers": 0,
        "reopened": 0,
        "low_quality": 0,
        "reminders": 0,
        "filed_by": "test",
        "channel": "web",
        "created_at": filed,
        "updated_at": filed,
        **dict.fromkeys(("closure", "attended_at", "resolved_at", "closed_at", "rating"), None),
    }
    return {**base, **values}


# Each grievance is described in the test that counts it; the numbers need only be unique.
GRIEVANCES = [
    row("G1", "revenue", "bhopal", at("2026-01-05"), status="closed", closure="satisfied",
        closed_at=at("2026-01-10", 12), due_on="2026-01-12", attended_at=at("2026-01-06")),
    row("G2", "revenue", "bhopal", at("2026-01-06"), status="closed", closure="force", force_closed=True,
        low_quality=1, level=4, closed_at=at("2026-02-20", 12), due_on="2026-01-13",
        attended_at=at("2026-01-07")),
    row("G3", "revenue", "bhopal", at("2026-03-18"), due_on="2026-03-25"),
    row("G4", "revenue", "bhopal", at("2026-01-10"), status="attended", level=3, due_on="2026-02-10",
        attended_at=at("2026-01-11")),
    row("G5", "social_justice", "indore", at("2026-02-02"), status="closed", closure="special", level=3,
        closed_at=at("2026-02-25"), due_on="2026-03-01", attended_at=at("2026-02-03")),
    row("G6", "social_justice", "indore", at("2026-02-03"), status="withdrawn", closure="withdrawn",
        closed_at=at("2026-02-04"), due_on="2026-02-10"),
    # 02:00 on 1 February in India is still 31 January in UTC: it is February's.
    row("G7", "social_justice", "indore", at("2026-02-01", 2), due_on="2026-02-07"),
    row("G8", "social_justice", "indore", at("2026-02-10"), status="closed", closure="satisfied",
        resolved_at=at("2026-02-14"), closed_at=at("2026-02-15"), due_on="2026-02-17",
        attended_at=at("2026-02-11")),
]  # fmt: skip


@pytest.fixture
async def engine(db_engine: AsyncEngine) -> AsyncEngine:
    async with db_engine.begin() as conn:
        await conn.execute(insert(GrievanceRow.__table__), GRIEVANCES)  # type: ignore[attr-defined]
    return db_engine


async def test_summary_by_department(engine: AsyncEngine) -> None:
    rows = {r.key: r for r in await summary(engine, "department")}
    revenue, social = rows["revenue"], rows["social_justice"]
    assert (revenue.filed, revenue.pending, revenue.disposed_within, revenue.disposed_late) == (4, 2, 1, 1)
    assert (revenue.closed_satisfied, revenue.force_closures, revenue.low_quality) == (1, 1, 1)
    assert (social.filed, social.pending, social.disposed_within, social.disposed_late) == (4, 1, 2, 0)
    assert (social.closed_satisfied, social.special_closures, social.withdrawn) == (1, 1, 1)


async def test_months_are_indias(engine: AsyncEngine) -> None:
    rows = {r.key: r.filed for r in await summary(engine, "month")}
    assert rows == {"2026-01": 3, "2026-02": 4, "2026-03": 1}
    february = await summary(engine, "district", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert {r.key: r.filed for r in february} == {"indore": 4}


async def test_pending_by_level_and_age(engine: AsyncEngine) -> None:
    rows = await pending_by_level_and_age(engine, "department", NOW.timestamp())
    found = [(r.key, r.level, r.age, r.pending) for r in rows]
    assert found == [
        ("revenue", 1, "0-7", 1),
        ("revenue", 3, "over 50", 1),
        ("social_justice", 1, "31-50", 1),
    ]


async def test_the_monthly_grading(engine: AsyncEngine) -> None:
    """February: Indore closed two (one satisfied), had nothing over 50 days old, no low-quality closure
    and one of four left unattended: 30 + 20 + 10 + 7.5. Bhopal's one closure was forced and of low
    quality, of a grievance over 50 days old: 0 + 20 + 0 + 10."""
    rows = await grading(engine, "district", "2026-02")
    assert [(r.rank, r.key, r.score, r.grade) for r in rows] == [
        (1, "indore", 67.5, "B"),
        (2, "bhopal", 30.0, "C"),
    ]
    indore = rows[0]
    assert (indore.received, indore.closed, indore.closed_satisfied, indore.not_attended) == (4, 2, 1, 1)
    bhopal = rows[1]
    assert (bhopal.old, bhopal.old_disposed, bhopal.low_quality) == (1, 1, 1)


@pytest.fixture
def http(engine: AsyncEngine, db_url: str, app_factory: Callable[..., InProcessServer]) -> Any:
    server = app_factory({"SEVA_DATABASE_URL": db_url}, clock=MovableClock(NOW))
    with server.client() as client:
        auditor = bearer(client_token(client, *make_client(db_url, "auditor")))
        yield client, auditor


def test_over_http_json_csv_and_the_page(http: Any) -> None:
    client, auditor = http
    page = client.get("/api/v1/reports/grievances", params={"by": "district"}, headers=auditor)
    assert page.status_code == 200 and page.json()["as_of"] == "2026-03-20"
    assert {r["key"] for r in page.json()["rows"]} == {"bhopal", "indore"}
    grading_csv = client.get(
        "/api/v1/reports/grievances/grading/csv", params={"month": "2026-02"}, headers=auditor
    )
    assert grading_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(grading_csv.text)))
    assert [(r["key"], r["score"], r["grade"]) for r in table] == [
        ("indore", "67.5", "B"),
        ("bhopal", "30.0", "C"),
    ]
    # Without a month, the grading is of the month before this one.
    assert client.get("/api/v1/reports/grievances/grading", headers=auditor).json()["month"] == "2026-02"
    english = client.get("/reports/grievances", headers=auditor)
    assert english.status_code == 200 and "<svg" in english.text and "Monthly grading" in english.text
    hindi = client.get("/reports/grievances", headers={**auditor, "accept-language": "hi"})
    assert hindi.status_code == 200 and "<svg" in hindi.text and "Monthly grading" not in hindi.text
    assert hindi.headers["content-language"] == "hi"


def test_refusals(http: Any) -> None:
    client, auditor = http
    assert client.get("/api/v1/reports/grievances").status_code == 401
    backwards = client.get(
        "/api/v1/reports/grievances", params={"since": "2026-03-01", "until": "2026-02-01"}, headers=auditor
    )
    assert backwards.status_code == 400 and backwards.json()["code"] == "grievance_report_refused"
    month = client.get("/api/v1/reports/grievances/grading", params={"month": "2026-13"}, headers=auditor)
    assert month.status_code == 400
