"""What the auditors' grievance reports cost: every figure is one GROUP BY in the database, so the time
grows with the grievances scanned, not with rows handed to Python.

N grievances are made in the database with one INSERT ... SELECT, spread over 180 days, 4 departments,
10 districts and every state (open, attended, resolved, closed satisfied, special, force, withdrawn).
Measured, best of three: the summary by department, by district and by month; pending by level and age;
the monthly grading by district. Run on SQLite (a file) and on PostgreSQL when
``SEVA_BENCH_POSTGRES_URL`` or ``SEVA_TEST_POSTGRES_URL`` is set (a schema of its own, dropped after).

    .venv/bin/python bench/grievance_reports.py [--sizes 100000,1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.database import create_engine, upgrade  # noqa: E402
from gateway.grievance_reports.figures import grading, pending_by_level_and_age, summary  # noqa: E402
from gateway.platform.clock import INDIA  # noqa: E402

START = dt.datetime(2026, 1, 1, 10, 0, tzinfo=INDIA).timestamp()
NOW = START + 180 * 86400


def _case(expr: str, values: dict[int, str], otherwise: str = "NULL") -> str:
    arms = " ".join(f"WHEN {k} THEN {v}" for k, v in values.items())
    return f"CASE {expr} {arms} ELSE {otherwise} END"


_DEPARTMENTS = {0: "'revenue'", 1: "'social_justice'", 2: "'general_administration'"}
_STATES = {0: "'open'", 1: "'attended'", 2: "'resolved'", 6: "'withdrawn'"}
_CLOSURES = {3: "'satisfied'", 4: "'special'", 5: "'force'", 6: "'withdrawn'"}
_COLUMNS = (
    "number, kind, subject_kind, department, category, district, place, text, language, level, position, "
    "status, closure, force_closed, due_on, transfers, reopened, low_quality, reminders, filed_by, channel, "
    "attended_at, resolved_at, closed_at, created_at, updated_at"
)


def _seed(postgres: bool, n: int) -> str:
    """One INSERT ... SELECT over 0..n-1 (generate_series, or a recursive CTE on SQLite)."""
    if postgres:
        head, series, number = "", f"generate_series(0, {n - 1}) AS s(i)", "'G' || lpad(i::text, 14, '0')"
    else:
        head = f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {n - 1}) "  # noqa: S608
        series, number = "s", "printf('G%014d', i)"
    created = f"({START} + (i % 180) * 86400.0 + (i % 86400))"
    values = [
        number, "'complaint'", "'category'", _case("i % 4", _DEPARTMENTS, "'panchayat_rural_development'"),
        "'other'", "'d' || (i % 10)", "'p'", "'bench'", "'en'", "1 + i % 4", "'Tehsildar'",
        _case("i % 7", _STATES, "'closed'"), _case("i % 7", _CLOSURES), "(i % 13 = 0)", "'2026-03-01'", "0",
        "0", _case("i % 7", {5: "1"}, "0"), "0", "'bench'", "'web'",
        f"CASE WHEN i % 7 = 0 THEN NULL ELSE {created} + 86400 END", "NULL",
        f"CASE WHEN i % 7 >= 3 THEN {created} + (i % 40) * 86400.0 END", created, created,
    ]  # fmt: skip
    # Only numbers and literals of this file go into the text: nothing from outside.
    return f"{head}INSERT INTO grievance ({_COLUMNS}) SELECT {', '.join(values)} FROM {series}"  # noqa: S608


async def _best(work: Callable[[], Awaitable[Any]]) -> float:
    times = []
    for _ in range(3):
        began = time.perf_counter()
        await work()
        times.append(time.perf_counter() - began)
    return min(times)


async def run(url: str, n: int, postgres: bool) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        began = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(text(_seed(postgres, n)))
            if postgres:
                await conn.execute(text("ANALYZE grievance"))
        print(f"  {n:>9,} grievances made in {time.perf_counter() - began:.1f} s")
        for label, work in (
            ("summary by department", lambda: summary(engine, "department")),
            ("summary by district", lambda: summary(engine, "district")),
            ("summary by month", lambda: summary(engine, "month")),
            ("pending by level and age", lambda: pending_by_level_and_age(engine, "department", NOW)),
            ("monthly grading by district (2026-03)", lambda: grading(engine, "district", "2026-03")),
        ):
            print(f"   {label:<44} {await _best(work):8.3f} s")
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000")
    sizes = [int(x) for x in parser.parse_args().sizes.split(",")]
    postgres = os.environ.get("SEVA_BENCH_POSTGRES_URL") or os.environ.get("SEVA_TEST_POSTGRES_URL")
    for n in sizes:
        with tempfile.TemporaryDirectory() as folder:
            print(f"SQLite, {n:,}")
            await run(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", n, False)
        if postgres:
            schema = f"bench_{secrets.token_hex(4)}"
            admin = create_engine(postgres)
            async with admin.begin() as conn:
                await conn.execute(text(f"CREATE SCHEMA {schema}"))
            try:
                print(f"PostgreSQL, {n:,}")
                await run(f"{postgres}?search_path={schema}", n, True)
            finally:
                async with admin.begin() as conn:
                    await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
