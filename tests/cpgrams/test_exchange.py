"""Grievances exchanged with CPGRAMS through files, on SQLite and PostgreSQL: a malformed file refused
with every problem and its line and nothing written; an import filed under CPGRAMS's limits (21 days from
CPGRAMS's receipt, no climbing by itself), imported twice without doubling; the disposal exported; an
appeal after a "poor" rating reopened before the appellate officer with 30 days; the same over HTTP for
an administrator."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import Actor
from gateway.bootstrap import Seva
from gateway.cpgrams import ImportRefused
from gateway.grievances.tables import GrievanceRow
from gateway.platform.clock import INDIA, MovableClock
from tests.building import build_seva

NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=INDIA)
ACTOR = Actor.system("test", "CPGRAMS forwarding")
HEADER = (
    "registration_no,received_on,organisation,department,category,district,place,text,mobile,appeal_of,rating"
)
GOOD = f"""{HEADER}
DARPG/E/2026/00001,2026-03-02,DARPG,social_justice,pension,bhopal,Ward 4,Pension unpaid 4 months,9876500111,,
DARPG/E/2026/00002,2026-03-05,DARPG,revenue,land_records,indore,Village Rau,Khasra copy not given,,,
"""
_G = GrievanceRow.__table__  # type: ignore[attr-defined]


@pytest.fixture
async def seva(db_url: str, tmp_path: Path) -> AsyncIterator[Seva]:
    built = build_seva(tmp_path / "data", db_url, clock=MovableClock(NOW))
    yield built
    await built.platform.engine.dispose()


async def grievances(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list(await conn.execute(select(_G).order_by(_G.c.external_ref)))


async def counts(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as conn:
        filed = (await conn.execute(select(func.count()).select_from(_G))).scalar_one()
        marked = (await conn.execute(text("SELECT count(*) FROM cpgrams_grievance"))).scalar_one()
    return int(filed), int(marked)


async def test_a_malformed_file_is_refused_whole_with_every_line(seva: Seva) -> None:
    bad = f"""{HEADER}
DARPG/E/2026/00001,2026-03-02,DARPG,social_justice,pension,bhopal,Ward 4,Pension unpaid 4 months,,,
DARPG-2026-7,2026-03-02,DARPG,social_justice,pension,bhopal,Ward 4,Pension unpaid 4 months,,,
DARPG/E/2026/00003,2026-02-30,DARPG,social_justice,pension,lahore,Ward 4,short,12345,,
DARPG/E/2026/00001,2026-03-02,DARPG,revenue,potholes,bhopal,Ward 4,Pension unpaid 4 months,,,
DARPG/E/A/2026/00009,2026-03-02,DARPG,,,,,,,DARPG/E/2026/00077,poor
DARPG/E/A/2026/00010,2026-03-02,DARPG,,,,,,,DARPG/E/2026/00001,good
"""
    with pytest.raises(ImportRefused) as refused:
        await seva.cpgrams.service.import_file(bad.encode(), ACTOR)
    said = {(p.line, p.field) for p in refused.value.problems}
    assert {(3, "registration_no"), (4, "received_on"), (4, "district"), (4, "text"), (4, "mobile")} <= said
    assert {(5, "registration_no"), (5, "category"), (6, "appeal_of"), (7, "rating")} <= said
    assert (2, "registration_no") not in said  # the good row is not blamed for the duplicate
    assert await counts(seva.platform.engine) == (0, 0)


async def test_import_applies_cpgrams_limits_and_is_not_doubled(seva: Seva) -> None:
    done = await seva.cpgrams.service.import_file(GOOD.encode(), ACTOR)
    assert [r for r, _ in done.filed] == ["DARPG/E/2026/00001", "DARPG/E/2026/00002"]
    first, second = await grievances(seva.platform.engine)
    assert first.channel == "cpgrams" and first.external_ref == "DARPG/E/2026/00001"
    assert first.due_on == "2026-03-23" and second.due_on == "2026-03-26"  # 21 days from CPGRAMS's receipt
    assert first.next_check_at is None and first.position == "Grievance Redressal Officer"
    again = await seva.cpgrams.service.import_file(GOOD.encode(), ACTOR)
    assert again.skipped == ["DARPG/E/2026/00001", "DARPG/E/2026/00002"] and not again.filed
    assert await counts(seva.platform.engine) == (2, 2)


async def test_a_run_stopped_before_marking_is_finished_by_importing_again(seva: Seva) -> None:
    """The grievance was filed but the process died before its CPGRAMS row was written."""
    await seva.cpgrams.service.import_file(GOOD.encode(), ACTOR)
    async with seva.platform.engine.begin() as conn:
        await conn.execute(text("DELETE FROM cpgrams_grievance WHERE registration_no = 'DARPG/E/2026/00002'"))
    done = await seva.cpgrams.service.import_file(GOOD.encode(), ACTOR)
    assert [r for r, _ in done.filed] == ["DARPG/E/2026/00002"] and done.skipped == ["DARPG/E/2026/00001"]
    assert await counts(seva.platform.engine) == (2, 2)


async def test_two_imports_of_one_file_at_once_file_each_row_once(seva: Seva) -> None:
    """Two runs of the same file started together (an administrator's upload and a scheduled import): one
    grievance and one mark per registration number, each row counted filed by one run, skipped by the
    other; the same for an appeal, which reopens its grievance once."""
    service, engine = seva.cpgrams.service, seva.platform.engine
    one, two = await asyncio.gather(
        service.import_file(GOOD.encode(), ACTOR), service.import_file(GOOD.encode(), ACTOR)
    )
    assert await counts(engine) == (2, 2)
    numbers = sorted(r for r, _ in one.filed + two.filed)
    assert numbers == ["DARPG/E/2026/00001", "DARPG/E/2026/00002"]
    assert sorted(one.skipped + two.skipped) == numbers
    first, _ = await grievances(engine)
    filed_as = dict(one.filed + two.filed)
    assert filed_as["DARPG/E/2026/00001"] == first.number

    resolved_at = dt.datetime(2026, 3, 12, 15, 0, tzinfo=INDIA).timestamp()
    async with engine.begin() as conn:
        await conn.execute(
            update(_G).where(_G.c.number == first.number).values(status="resolved", resolved_at=resolved_at)
        )
    seva.platform.clock.set(dt.datetime(2026, 3, 15, 10, 0, tzinfo=INDIA))  # type: ignore[attr-defined]
    appeal = f"""{HEADER}
DARPG/E/A/2026/00005,2026-03-14,DARPG,,,,,,,DARPG/E/2026/00001,poor
"""
    one, two = await asyncio.gather(
        service.import_file(appeal.encode(), ACTOR), service.import_file(appeal.encode(), ACTOR)
    )
    assert one.appeals + two.appeals == [("DARPG/E/A/2026/00005", first.number)]
    assert one.skipped + two.skipped == ["DARPG/E/A/2026/00005"]
    reopened, _ = await grievances(engine)
    assert (reopened.status, reopened.level, reopened.reopened, reopened.low_quality) == ("open", 2, 1, 1)
    assert rows_of(await service.export())["DARPG/E/2026/00001"]["disposed_on"] == "2026-03-12"
    assert await counts(engine) == (2, 3)


def rows_of(exported: str) -> dict[str, dict[str, str]]:
    return {r["registration_no"]: r for r in csv.DictReader(io.StringIO(exported))}


async def test_disposal_exported_and_an_appeal_after_a_poor_rating(seva: Seva) -> None:
    service, engine = seva.cpgrams.service, seva.platform.engine
    await service.import_file(GOOD.encode(), ACTOR)
    exported = rows_of(await service.export())
    assert exported["DARPG/E/2026/00001"]["status"] == "Under process"
    first, _ = await grievances(engine)
    # The officer resolves the first (state written as the service's resolve step leaves it).
    resolved_at = dt.datetime(2026, 3, 12, 15, 0, tzinfo=INDIA).timestamp()
    async with engine.begin() as conn:
        await conn.execute(
            update(_G).where(_G.c.number == first.number).values(status="resolved", resolved_at=resolved_at)
        )
        await conn.execute(
            text("INSERT INTO grievance_event (number, at, kind, level, status, actor, note) "
                 "VALUES (:n, :at, 'resolved', 1, 'resolved', 'staff:x', '=Pension released on 12 March')"),
            {"n": first.number, "at": resolved_at},
        )  # fmt: skip
    disposed = rows_of(await service.export())["DARPG/E/2026/00001"]
    assert (disposed["status"], disposed["disposed_on"], disposed["within_limit"]) == (
        "Disposed",
        "2026-03-12",
        "yes",
    )
    assert disposed["days_taken"] == "10" and disposed["action_taken"] == "'=Pension released on 12 March"

    seva.platform.clock.set(dt.datetime(2026, 3, 15, 10, 0, tzinfo=INDIA))  # type: ignore[attr-defined]
    appeal = f"""{HEADER}
DARPG/E/A/2026/00005,2026-03-14,DARPG,,,,,,,DARPG/E/2026/00001,poor
"""
    done = await service.import_file(appeal.encode(), ACTOR)
    assert done.appeals == [("DARPG/E/A/2026/00005", first.number)]
    reopened, _ = await grievances(engine)
    assert (reopened.status, reopened.level, reopened.position) == ("open", 2, "Appellate Officer")
    assert reopened.due_on == "2026-04-13" and reopened.rating == "poor" and reopened.low_quality == 1
    exported = rows_of(await service.export())
    assert exported["DARPG/E/2026/00001"]["status"] == "Disposed"
    assert exported["DARPG/E/2026/00001"]["disposed_on"] == "2026-03-12"
    assert exported["DARPG/E/A/2026/00005"]["status"] == "Appeal under process"
    assert exported["DARPG/E/A/2026/00005"]["due_on"] == "2026-04-13"

    # The second was never disposed: its appeal is refused, and nothing of that file is written.
    early = f"""{HEADER}
DARPG/E/A/2026/00006,2026-03-14,DARPG,,,,,,,DARPG/E/2026/00002,poor
"""
    with pytest.raises(ImportRefused) as refused:
        await service.import_file(early.encode(), ACTOR)
    assert [(p.line, p.field) for p in refused.value.problems] == [(2, "appeal_of")]
    assert await counts(engine) == (2, 3)


def test_over_http_for_an_administrator(db_url: str, tmp_path: Path, app_factory: Any) -> None:
    from tests.identity.support import bearer, client_token, make_client

    server = app_factory({"SEVA_DATABASE_URL": db_url}, clock=MovableClock(NOW))
    with server.client() as client:
        admin = bearer(client_token(client, *make_client(db_url, "administrator")))
        csv_type = {**admin, "content-type": "text/csv"}
        bad = GOOD.replace("bhopal", "lahore")
        refused = client.post("/api/v1/admin/cpgrams/imports", content=bad.encode(), headers=csv_type)
        assert refused.status_code == 422 and refused.json()["code"] == "cpgrams_file_refused"
        assert [e["field"] for e in refused.json()["errors"]] == ["line 2: district"]
        made = client.post("/api/v1/admin/cpgrams/imports", content=GOOD.encode(), headers=csv_type)
        assert made.status_code == 201 and len(made.json()["filed"]) == 2
        exported = client.get("/api/v1/admin/cpgrams/export", headers=admin)
        assert exported.headers["content-type"].startswith("text/csv")
        assert set(rows_of(exported.text)) == {"DARPG/E/2026/00001", "DARPG/E/2026/00002"}
        auditor = bearer(client_token(client, *make_client(db_url, "auditor")))
        assert client.get("/api/v1/admin/cpgrams/export", headers=auditor).status_code == 403


def test_the_command_line(db_url: str, tmp_path: Path) -> None:
    """``seva cpgrams check|import|export`` as an operator runs them."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "SEVA_DATABASE_URL": db_url, "SEVA_DATA_DIR": str(tmp_path / "data")}

    def seva(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # our own CLI
            [sys.executable, "-m", "gateway.cli", "cpgrams", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    bad, good, out = tmp_path / "bad.csv", tmp_path / "good.csv", tmp_path / "disposal.csv"
    bad.write_text(GOOD.replace("indore", "lahore").replace("2026-03-02", "2026-3-2"), encoding="utf-8")
    good.write_text(GOOD.replace("2026-03-05", "2026-01-05"), encoding="utf-8")
    checked = seva("check", str(bad))
    assert checked.returncode == 1
    assert "line 2: received_on" in checked.stderr and "line 3: district" in checked.stderr
    refused = seva("import", str(bad))
    assert refused.returncode == 1 and "nothing was imported" in refused.stderr
    imported = seva("import", str(good))
    assert imported.returncode == 0 and "2 filed" in imported.stdout, imported.stderr
    exported = seva("export", str(out))
    assert exported.returncode == 0, exported.stderr
    assert set(rows_of(out.read_text(encoding="utf-8"))) == {"DARPG/E/2026/00001", "DARPG/E/2026/00002"}
