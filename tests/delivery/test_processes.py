"""``seva workers`` as real processes: killed mid-delivery and restarted, and two sharing one database."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.mounts import Department
from tests.applications.support import World
from tests.conftest import CATALOGUE, ROOT
from tests.delivery.support import keys_seen, submitted


class Workers:
    """Starts ``seva workers`` processes on the test database; kills what is left at the end."""

    def __init__(self, db_url: str, tmp_path: Path) -> None:
        self.env = {
            **os.environ,
            "SEVA_DATABASE_URL": db_url,
            "SEVA_CATALOGUE": str(CATALOGUE),
            "SEVA_DATA_DIR": str(tmp_path / "data"),
            "SEVA_LOG_LEVEL": "WARNING",
            "SEVA_DELIVERY_LEASE_SECONDS": "3",
            "SEVA_DELIVERY_IDLE_SECONDS": "0.05",
            "SEVA_DELIVERY_BACKOFF_INITIAL": "0.05",
            "SEVA_DELIVERY_BATCH": "4",
            "SEVA_EGRESS_ALLOW": "127.0.0.1",  # the test department listens on loopback
        }
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "workers"], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(db_url: str, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(db_url, tmp_path)
    yield started
    started.stop_all()


async def _all_delivered(world: World, references: list[str], within: float) -> dict[str, str]:
    deadline = time.monotonic() + within
    statuses: dict[str, str] = {}
    while time.monotonic() < deadline:
        statuses = {r: (await world.applications.get(r)).status for r in references}
        if all(s == "approved" for s in statuses.values()):
            return statuses
        await asyncio.sleep(0.1)
    raise AssertionError(f"not all delivered after {within}s: {Counter(statuses.values())}")


async def _until(condition: object, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


class TestCrash:
    async def test_killed_mid_delivery_then_restarted_loses_nothing_and_files_nothing_twice(
        self, world: World, department: Department, workers: Workers
    ) -> None:
        """SIGKILL while the department holds requests; after a restart every application is filed once."""
        # The restarted worker waits for the dead one's leases, which outlast the department's longest
        # call: a short timeout keeps that wait short (25 s; 61 s with the usual 10 s).
        references = await submitted(world, department, n=6, timeout_seconds=3)
        department.app.hold()  # every request stays in the department until the worker is dead
        first = workers.start()
        await _until(lambda: department.app.in_flight > 0, within=120)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        department.app.release()  # the department files what it held; nobody hears its answers
        await _until(lambda: department.app.in_flight == 0, within=120)
        workers.start()
        await _all_delivered(world, references, within=120)
        seen = Counter(keys_seen(department))
        assert set(seen) == {f"seva-{r}" for r in references}
        assert max(seen.values()) >= 2  # the requests cut off by the kill really were sent again
        filed = department.app.department._files  # what the department holds: one file per application
        assert len(filed) == len(references)


class TestTwoWorkers:
    async def test_two_workers_on_one_database_never_deliver_an_application_twice(
        self, world: World, department: Department, workers: Workers
    ) -> None:
        """Two worker processes drain one queue; the department sees every key exactly once."""
        references = await submitted(world, department, n=40)
        department.app.latency = 0.01  # calls overlap, so both workers are at work at once
        workers.start()
        workers.start()
        await _all_delivered(world, references, within=180)
        seen = Counter(keys_seen(department))
        assert set(seen) == {f"seva-{r}" for r in references}
        assert max(seen.values()) == 1
