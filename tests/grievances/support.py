"""A seeded seva for the grievance tests: two families, officers at each level of the revenue chain in
Bhopal (and one in Indore), a 181 agent; the application in-process on a moved clock, with helpers to call
its API as each of them and to run the watcher and the text sender inside it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.audit import Actor
from gateway.database import create_engine
from gateway.identity.keys import KeyRing
from gateway.identity.tokens import TokenService
from gateway.platform.clock import INDIA, MovableClock
from gateway.platform.principal import Principal
from schemas.identity_api import StaffCreate
from tests.applications.support import People, seed_people
from tests.building import build_seva
from tests.conftest import DATABASES, InProcessServer, migrated_database_sync

# Monday 7 December 2026, 10:00 in India.
START = dt.datetime(2026, 12, 7, 10, 0, tzinfo=INDIA)

OFFICERS = {
    "l1": dict(department="revenue", designation="Tehsildar", district="bhopal", level=1),
    "l2": dict(department="revenue", designation="SDO (Revenue)", district="bhopal", level=2),
    "l3": dict(department="revenue", designation="Collector", district="bhopal", level=3),
    "l4": dict(department="revenue", designation="Principal Secretary", district="bhopal", level=4),
    "indore": dict(department="revenue", designation="Tehsildar", district="indore", level=1),
    "other_dept": dict(
        department="general_administration", designation="Tehsildar", district="bhopal", level=1
    ),
}


@dataclass
class Desk:
    server: InProcessServer
    clock: MovableClock
    people: People
    staff: dict[str, Principal]
    url: str

    def token(self, principal: Principal) -> dict[str, str]:
        tokens = TokenService(
            KeyRing.open(self.server.seva.platform.settings.keys_path),
            issuer="seva",
            audience="seva-api",
            lifetime=3600 * 24 * 400,
            clock=self.clock,
        )
        return {"authorization": f"Bearer {tokens.issue(principal).token}"}

    @property
    def meena_application(self) -> str:
        return self.staff["meena_application"].subject

    def citizen(self, who: str = "asha") -> dict[str, str]:
        return self.token(getattr(self.people, who).principal)

    def officer(self, name: str) -> dict[str, str]:
        return self.token(self.staff[name])

    def call(self, work: Callable[[], Any]) -> Any:
        """Run a coroutine function inside the application's event loop."""
        assert self.server.running is not None
        return self.server.running.blocking_portal.call(work)

    def sweep(self) -> int:
        return int(self.call(self.server.seva.grievances.watcher.sweep))

    def flush(self) -> int:
        return int(self.call(self.server.seva.grievances.notices.flush))

    def at(self, day: dt.date, hour: int = 10) -> None:
        self.clock.set(dt.datetime.combine(day, dt.time(hour), INDIA))

    def client(self) -> httpx.Client:
        return self.server.client()


async def _seed(url: str, data: Path) -> tuple[People, dict[str, Principal]]:
    engine = create_engine(url)
    seva = build_seva(data, url, engine=engine, clock=MovableClock(START))
    people = await seed_people(engine)
    staff: dict[str, Principal] = {}
    for i, (name, values) in enumerate(OFFICERS.items()):
        made = await seva.identity.service.staff.create(
            StaffCreate(name=name, mobile=f"90000000{i + 10}", role="officer", **values),  # type: ignore[arg-type]
            Actor.system("test", "staff"),
        )
        principal = await seva.identity.service.staff.principal(made.staff_id)
        assert principal is not None
        staff[name] = principal
    agent = await seva.identity.service.staff.create(
        StaffCreate(name="Agent", mobile="9000000099", role="agent"), Actor.system("test", "staff")
    )
    found = await seva.identity.service.staff.principal(agent.staff_id)
    assert found is not None
    staff["agent"] = found
    # An application of Meena's family, which Asha's family may not complain about.
    from gateway.documents import NewDocument
    from schemas.applications_api import ApplicationCreate
    from tests.applications.support import PDF
    from tests.deadlines.support import INCOME, income_form

    meena = people.meena
    for doc_type in ("self_declaration", "aadhaar", "samagra_id"):
        new = NewDocument(member_id=meena.member_id, doc_type=doc_type, filename=f"{doc_type}.pdf")
        await seva.documents.store.upload(meena.family_id, new, PDF, meena.actor)
    body = ApplicationCreate(
        service_code=INCOME, member_id=meena.member_id, form=income_form(mobile="9876500002")
    )
    application, _ = await seva.applications.service.submit(meena.caller, body, "meena-1")
    staff["meena_application"] = Principal(role="citizen", subject=application.reference)
    await seva.delivery.resolver.aclose()
    await engine.dispose()
    return people, staff


@contextlib.contextmanager
def seeded_desk(
    kind: str, tmp_path: Path, app_factory: Callable[..., InProcessServer], **env: str
) -> Iterator[Desk]:
    """A seeded application on ``kind`` of database with ``env`` added to its settings."""
    with migrated_database_sync(kind, tmp_path) as url:
        people, staff = asyncio.run(_seed(url, tmp_path / "data"))
        clock = MovableClock(START)
        env = {
            "SEVA_DATABASE_URL": url,
            "SEVA_API_PER_MINUTE": "100000",
            "SEVA_INPROCESS_WATCHER": "0",
            "SEVA_SECRET_KEY": "grievance-test-secret-" + "x" * 32,
            **env,
        }
        server = app_factory(env, clock=clock).start()
        try:
            yield Desk(server, clock, people, staff, url)
        finally:
            server.stop()


@pytest.fixture(params=DATABASES)
def desk(
    request: pytest.FixtureRequest, tmp_path: Path, app_factory: Callable[..., InProcessServer]
) -> Iterator[Desk]:
    with seeded_desk(request.param, tmp_path, app_factory) as built:
        yield built


def complaint(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "complaint",
        "department": "revenue",
        "category": "land_records",
        "district": "bhopal",
        "place": "Huzur tehsil, village Bairagarh",
        "text": "The copy of my khasra was not given though I paid the fee a month ago.",
        **changes,
    }


async def seed_due(url: str, count: int, due_at: float, *, first: int = 1, days: int = 1) -> None:
    """``count`` open level-1 revenue grievances in Bhopal, due at ``due_at`` (or, with ``days``, spread
    evenly over that many days from it), written by the database itself (one statement: a million take
    seconds, not minutes). Numbers are ``G`` and the row's index."""
    from sqlalchemy import text

    engine = create_engine(url)
    postgres = engine.dialect.name == "postgresql"
    rows = (
        "SELECT i FROM generate_series(CAST(:first AS INTEGER), CAST(:last AS INTEGER)) AS i"
        if postgres
        else "WITH RECURSIVE s(i) AS (SELECT :first UNION ALL SELECT i + 1 FROM s WHERE i < :last) "
        "SELECT i FROM s"
    )
    number = "'G' || lpad(i::text, 14, '0')" if postgres else "'G' || substr('00000000000000' || i, -14)"
    statement = f"""
        INSERT INTO grievance (number, kind, subject_kind, department, category, district, place, text,
            member_id, family_id, language, level, position, status, force_closed, due_on, next_check_at,
            transfers, reopened, low_quality, reminders, filed_by, channel, created_at, updated_at)
        SELECT {number}, 'complaint', 'category', 'revenue', 'land_records', 'bhopal', 'Huzur',
            'seeded complaint', '200000011', '20000001', 'en', 1, 'Tehsildar', 'open', false, '2026-12-16',
            CAST(:due_at AS DOUBLE PRECISION) + (i % CAST(:days AS INTEGER)) * 86400 + (i % 7),
            0, 0, 0, 0, 'seed', 'api',
            CAST(:due_at AS DOUBLE PRECISION) - 86400, CAST(:due_at AS DOUBLE PRECISION) - 86400
        FROM ({rows}) AS seq
    """  # noqa: S608 - fixed text, bound values
    try:
        async with engine.begin() as conn:
            values = {"first": first, "last": first + count - 1, "due_at": due_at, "days": days}
            await conn.execute(text(statement), values)
    finally:
        await engine.dispose()


async def moved_counts(url: str) -> tuple[int, int, int, int]:
    """(grievances at level 2, 'escalated' events, 'escalated' texts, grievances still due at level 1)."""
    from sqlalchemy import text

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            found = []
            for sql in (
                "SELECT count(*) FROM grievance WHERE level = 2",
                "SELECT count(*) FROM grievance_event WHERE kind = 'escalated'",
                "SELECT count(*) FROM grievance_notice WHERE template = 'escalated'",
                "SELECT count(*) FROM grievance WHERE level = 1 AND next_check_at IS NOT NULL",
            ):
                found.append(int((await conn.execute(text(sql))).scalar_one()))
        return found[0], found[1], found[2], found[3]
    finally:
        await engine.dispose()


def query(desk: Desk, sql: str, **params: object) -> list[tuple[object, ...]]:
    """Rows straight from the database, outside the application."""
    from sqlalchemy import text

    async def run() -> list[tuple[object, ...]]:
        engine = create_engine(desk.url)
        try:
            async with engine.connect() as conn:
                return [tuple(r) for r in await conn.execute(text(sql), params)]
        finally:
            await engine.dispose()

    return asyncio.run(run())
