"""Watchers on one database: two at once never act on the same clock twice; a ``seva watcher`` killed
with SIGKILL mid-sweep leaves nothing half done, and the next finishes the work."""

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
from sqlalchemy import func, insert, select

from gateway.applications import APPLICATIONS
from gateway.database import create_engine
from gateway.deadlines.clocks import APPEALS, CLOCKS
from gateway.deadlines.watcher import DeadlineWatcher, WatcherOptions
from gateway.platform.clock import MovableClock
from tests.building import build_seva
from tests.conftest import DATABASES, ROOT, migrated_database

EVENTS_SQL = "SELECT count(*) FROM application_events WHERE kind = 'appeal'"


async def seed_breached(url: str, count: int, due_at: float) -> None:
    """``count`` applications whose clocks are due to breach at ``due_at`` (written directly: the watcher
    is the subject, not submission)."""
    engine = create_engine(url)
    rows, clocks = [], []
    for i in range(count):
        ref = f"{2603000000000 + i}"
        rows.append(
            {
                "reference": ref,
                "service_code": "gad-income-certificate",
                "department": "general_administration",
                "member_id": "200000011",
                "family_id": "20000001",
                "applicant": "{}",
                "form": "{}",
                "documents": "[]",
                "status": "received",
                "status_message": "",
                "department_reference": None,
                "certificate": None,
                "idempotency_scope": "seed",
                "idempotency_key": ref,
                "request_hash": "x",
                "created_by": "seed",
                "created_at": due_at - 86400,
                "updated_at": due_at - 86400,
                "due_on": "2026-03-04",
            }
        )
        clocks.append(
            {
                "reference": ref,
                "service_code": "gad-income-certificate",
                "department": "general_administration",
                "district": "bhopal",
                "tehsil": None,
                "position": "general_administration/bhopal/-",
                "designated_officer": "Tahsildar",
                "unit": "working_days",
                "limit_days": 1,
                "started_on": "2026-03-02",
                "due_on": "2026-03-04",
                "state": "running",
                "stage": "breach",
                "paused_on": None,
                "paused_days": 0,
                "next_check_at": due_at + (i % 7),
                "lease_owner": None,
                "reminded_on": None,
                "breached_on": None,
                "decided_on": None,
                "decision": None,
                "decided_by": None,
                "officer": None,
                "created_at": due_at,
                "updated_at": due_at,
            }
        )
    async with engine.begin() as conn:
        for start in range(0, count, 500):
            await conn.execute(insert(APPLICATIONS), rows[start : start + 500])
            await conn.execute(insert(CLOCKS), clocks[start : start + 500])
    await engine.dispose()


async def _counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        appeals = (await conn.execute(select(func.count()).select_from(APPEALS))).scalar_one()
        events = (await conn.exec_driver_sql(EVENTS_SQL)).scalar_one()
        waiting = (
            await conn.execute(select(func.count()).select_from(CLOCKS).where(CLOCKS.c.stage == "breach"))
        ).scalar_one()
    await engine.dispose()
    return int(appeals), int(events), int(waiting)


async def test_two_watchers_never_act_on_the_same_clock(db_url: str, tmp_path: Path) -> None:
    """Two watchers, each with its own engine (as two processes would have), sweep 600 breached clocks
    at once: 600 appeals and 600 timeline events, never two for one application."""
    due_at = dt.datetime(2026, 3, 5, 0, 0, tzinfo=dt.UTC).timestamp()
    await seed_breached(db_url, 600, due_at)
    clock = MovableClock(due_at + 3600)
    engines = [create_engine(db_url), create_engine(db_url)]
    watchers = []
    for n, engine in enumerate(engines):
        seva = build_seva(tmp_path / f"data{n}", db_url, engine=engine, clock=clock)
        watchers.append(
            DeadlineWatcher(
                engine,
                seva.deadlines.service.clocks,
                seva.platform.audit,
                seva.deadlines.service.notices,
                WatcherOptions(batch=40),
                owner=f"w{n}",
            )
        )
    acted = await asyncio.gather(*(w.sweep() for w in watchers))
    assert sum(acted) == 600
    assert await _counts(db_url) == (600, 600, 0)
    async with engines[0].connect() as conn:
        per = (
            await conn.exec_driver_sql(
                "SELECT reference, count(*) FROM application_events WHERE kind = 'appeal' "
                "GROUP BY reference HAVING count(*) > 1"
            )
        ).all()
    assert per == []
    if "postgres" in db_url:
        assert all(acted), acted  # SKIP LOCKED: both took a share
    for engine in engines:
        await engine.dispose()


@pytest.mark.parametrize("kind", DATABASES)
async def test_a_watcher_killed_mid_sweep_leaves_nothing_half_done(kind: str, tmp_path: Path) -> None:
    total = 3000
    async with migrated_database(kind, tmp_path) as url:
        due_at = time.time() - 3600  # the process runs on the real clock
        await seed_breached(url, total, due_at)
        env = {
            **os.environ,
            "SEVA_DATABASE_URL": url,
            "SEVA_DATA_DIR": str(tmp_path / "data"),
            "SEVA_WATCHER_BATCH": "25",
            "SEVA_LOG_LEVEL": "WARNING",
            "SEVA_CATALOGUE_WATCH_SECONDS": "0",
        }
        process = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "gateway.cli", "watcher"], cwd=ROOT, env=env
        )  # our CLI
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                appeals, _, _ = await _counts(url)
                if appeals >= 100:
                    break
                assert process.poll() is None, "the watcher exited"
                await asyncio.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        appeals, events, waiting = await _counts(url)
        assert 0 < appeals < total, "killed mid-sweep"
        assert appeals == events and appeals + waiting == total  # every clock acted on whole, or not at all
        finish = subprocess.run(  # noqa: ASYNC221
            [sys.executable, "-m", "gateway.cli", "watcher", "--once"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert finish.returncode == 0, finish.stderr
        assert await _counts(url) == (total, total, 0)
