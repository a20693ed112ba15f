"""Escalation watchers on one database: two at once never move a grievance twice; a ``seva
grievance-watcher`` killed with SIGKILL mid-sweep leaves nothing half done, and the next one finishes."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.database import create_engine
from gateway.grievances.watcher import EscalationWatcher, WatcherOptions
from gateway.platform.clock import MovableClock
from tests.building import build_seva
from tests.conftest import DATABASES, ROOT, migrated_database
from tests.grievances.support import moved_counts, seed_due


async def test_two_watchers_never_move_a_grievance_twice(db_url: str, tmp_path: Path) -> None:
    """Two watchers, each with its own engine (as two processes would have), sweep 3,000 lapsed
    grievances at once in batches of 100: each moves up once, with one event and one text."""
    due_at = dt.datetime(2026, 12, 17, 0, 0, tzinfo=dt.UTC).timestamp()
    await seed_due(db_url, 3000, due_at)
    clock = MovableClock(dt.datetime.fromtimestamp(due_at + 3600, dt.UTC))
    engines = [create_engine(db_url), create_engine(db_url)]
    watchers = []
    for n, engine in enumerate(engines):
        seva = build_seva(tmp_path / f"data{n}", db_url, engine=engine, clock=clock)
        built = seva.grievances.watcher
        watchers.append(
            EscalationWatcher(
                engine,
                built.routing,
                built.calendar,
                clock,
                seva.platform.audit,
                WatcherOptions(batch=100),
                f"w{n}",
            )
        )
    acted = await asyncio.gather(*(w.sweep() for w in watchers))
    assert sum(acted) == 3000
    assert await moved_counts(db_url) == (3000, 3000, 3000, 0)
    async with engines[0].connect() as conn:
        twice = (
            await conn.execute(
                text(
                    "SELECT number FROM grievance_event WHERE kind = 'escalated' "
                    "GROUP BY number HAVING count(*) > 1"
                )
            )
        ).all()
    assert twice == []
    if "postgres" in db_url:
        assert all(acted), acted  # SKIP LOCKED: both took a share
    assert [await w.sweep() for w in watchers] == [0, 0]
    for engine in engines:
        await engine.dispose()


@pytest.mark.parametrize("kind", DATABASES)
async def test_a_watcher_killed_mid_sweep_loses_nothing(kind: str, tmp_path: Path) -> None:
    total = 6_000
    async with migrated_database(kind, tmp_path) as url:
        await seed_due(url, total, time.time() - 7 * 86400)  # the process runs on the real clock
        env = {
            **os.environ,
            "SEVA_DATABASE_URL": url,
            "SEVA_DATA_DIR": str(tmp_path / "data"),
            "SEVA_GRIEVANCE_WATCHER_BATCH": "100",
            "SEVA_LOG_LEVEL": "WARNING",
            "SEVA_CATALOGUE_WATCH_SECONDS": "0",
        }
        process = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "gateway.cli", "grievance-watcher"], cwd=ROOT, env=env
        )  # our CLI
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                moved, _, _, _ = await moved_counts(url)
                if moved >= 500:
                    break
                assert process.poll() is None, "the watcher exited"
                await asyncio.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        moved, events, texts, waiting = await moved_counts(url)
        assert 0 < moved < total, "killed mid-sweep"
        # Every grievance moved whole (with its event and its text) or not at all.
        assert moved == events == texts and moved + waiting == total
        finish = subprocess.run(  # noqa: ASYNC221
            [sys.executable, "-m", "gateway.cli", "grievance-watcher", "--once"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert finish.returncode == 0, finish.stderr
        assert await moved_counts(url) == (total, total, total, 0)


async def test_a_round_reaches_its_batch_and_no_other_grievance(db_url: str, tmp_path: Path) -> None:
    """The plans of a round's statements: each grievance moved is reached from the batch (PostgreSQL by
    the locked row's ctid, SQLite by number from the batch table), never by a scan of the grievance
    table, which made a sweep of N grievances in rounds cost N squared."""
    due_at = dt.datetime(2026, 12, 17, 0, 0, tzinfo=dt.UTC).timestamp()
    await seed_due(db_url, 5000, due_at)
    clock = MovableClock(dt.datetime.fromtimestamp(due_at + 3600, dt.UTC))
    engine = create_engine(db_url)
    watcher = build_seva(tmp_path / "data", db_url, engine=engine, clock=clock).grievances.watcher
    values, params = watcher._values(watcher.steps())
    params = {**params, "now": clock.time(), "batch": 1000, "actor": "test"}
    async with engine.begin() as conn:
        if "postgres" in db_url:
            await conn.execute(text("ANALYZE grievance"))
            found = await conn.execute(text("EXPLAIN " + watcher.pg_sql(values)), params)
            plans = ["\n".join(str(row[0]) for row in found)]
            assert "Tid Scan on grievance g" in plans[0], plans[0]
        else:
            table, _, pick, events, texts, move = watcher.lite_sql(values)
            await conn.execute(text(table))
            plans = []
            for statement in (pick, events, texts, move):
                found = await conn.execute(text("EXPLAIN QUERY PLAN " + statement), params)
                plans.append("\n".join(str(row[-1]) for row in found))
            assert "SCAN d" in plans[3] and "SEARCH grievance USING" in plans[3], plans[3]
            assert "SEARCH grievance USING INDEX ix_grievance_next_check" in plans[0], plans[0]
    for plan in plans:
        assert "SCAN grievance\n" not in plan + "\n" and "Seq Scan on grievance" not in plan, plan
    await engine.dispose()
