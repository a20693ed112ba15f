"""The Delhi and CPGRAMS sample files run: the same service on their levels and limits. Delhi: 21 calendar
days, a lapse only marked, negative feedback climbs to the appellate (10 days) and the final appellate
(10 days). CPGRAMS: 21 days, a "poor" rating opens the appeal (30 days), "good" closes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from catalogue.grievance_routing import load_routing
from gateway.audit import Actor
from gateway.database import create_engine
from gateway.grievances.capability import build_grievances
from gateway.platform.clock import MovableClock
from gateway.platform.guard import Caller
from schemas.grievances_api import FeedbackBody, GrievanceCreate, NoteBody
from schemas.identity_api import StaffCreate
from tests.applications.support import seed_people
from tests.building import build_seva
from tests.conftest import ROOT
from tests.grievances.support import START


async def _world(db_url: str, tmp_path: Path, sample: str, positions: list[str]) -> Any:
    engine = create_engine(db_url)
    clock = MovableClock(START)
    seva = build_seva(tmp_path / "data", db_url, engine=engine, clock=clock)
    people = await seed_people(engine)
    routing = load_routing(ROOT / "samples" / sample)
    built = build_grievances(
        seva.platform,
        seva.notifications.notifications.notifier,
        seva.deadlines.service.clocks.calendar,
        seva.applications.service,
        seva.documents.store,
        routing=routing,
    )
    officers = []
    for level, position in enumerate(positions, start=1):
        made = await seva.identity.service.staff.create(
            StaffCreate(name=position, mobile=f"90000001{level:02d}", role="officer", department="revenue",
                        designation=position, district="bhopal", level=level),
            Actor.system("test", "staff"),
        )  # fmt: skip
        principal = await seva.identity.service.staff.principal(made.staff_id)
        assert principal is not None
        officers.append(Caller(principal, Actor(subject=principal.subject, role="officer")))
    return seva, engine, clock, people.asha.caller, officers, built.service, built.watcher


def _complaint(category: str) -> GrievanceCreate:
    return GrievanceCreate(
        kind="complaint", department="revenue", category=category, district="bhopal", place="Karol Bagh",
        text="The drain outside my house has been blocked for weeks.",
    )  # fmt: skip


async def test_delhi_three_tiers(db_url: str, tmp_path: Path) -> None:
    positions = ["Jan Shikayat Samadhan Adhikari", "Appellate Authority", "Final Appellate Authority"]
    seva, engine, clock, asha, officers, service, watcher = await _world(
        db_url, tmp_path, "grievances-delhi.yaml", positions
    )
    g = await service.file(asha, _complaint("land"))
    assert (g.level, g.due_on) == (1, (START.date() + dt.timedelta(days=21)).isoformat())  # calendar days
    clock.set(START + dt.timedelta(days=23))
    assert await watcher.sweep() == 1  # the lapse is marked ...
    g = await service.get(asha, g.number)
    assert (g.level, g.timeline[-1].kind) == (1, "lapsed")  # ... and it stays with the officer
    for level in (1, 2):
        await service.resolve(officers[level - 1], g.number, NoteBody(note="Drain cleaned"))
        g = await service.feedback(asha, g.number, FeedbackBody(rating="negative"))
        assert (g.level, g.status) == (level + 1, "open")
        assert g.due_on == (clock.today() + dt.timedelta(days=10)).isoformat()
    await service.resolve(officers[2], g.number, NoteBody(note="Drain rebuilt"))
    g = await service.feedback(asha, g.number, FeedbackBody(rating="positive"))
    assert (g.status, g.closure, g.reopened, g.low_quality) == ("closed", "satisfied", 2, 2)
    await seva.delivery.resolver.aclose()
    await engine.dispose()


async def test_cpgrams_appeal_after_a_poor_rating(db_url: str, tmp_path: Path) -> None:
    seva, engine, clock, asha, officers, service, watcher = await _world(
        db_url, tmp_path, "grievances-cpgrams.yaml", ["Grievance Redressal Officer", "Appellate Officer"]
    )
    g = await service.file(asha, _complaint("other"))
    assert g.due_on == (START.date() + dt.timedelta(days=21)).isoformat()
    clock.set(START + dt.timedelta(days=22))
    assert await watcher.sweep() == 1  # CPGRAMS does not move a grievance up by itself: the lapse is marked
    assert (await service.get(asha, g.number)).level == 1
    await service.resolve(officers[0], g.number, NoteBody(note="Disposed"))
    g = await service.feedback(asha, g.number, FeedbackBody(rating="poor"))
    assert (g.level, g.position, g.due_on) == (
        2,
        "Appellate Officer",
        (clock.today() + dt.timedelta(days=30)).isoformat(),
    )
    await service.resolve(officers[1], g.number, NoteBody(note="Appeal disposed"))
    g = await service.feedback(asha, g.number, FeedbackBody(rating="good"))
    assert (g.status, g.rating) == ("closed", "good")
    await seva.delivery.resolver.aclose()
    await engine.dispose()
