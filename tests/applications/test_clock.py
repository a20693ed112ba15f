"""One clock, and India's day: at midnight IST the family page and a submission judge the same day.

Between 18:30 and 24:00 UTC the date in India is a day ahead of the date in UTC. A member whose 16th
birthday begins at midnight IST becomes old enough for a learner's licence at 18:30 UTC of the day
before; the family page and the submission, both reading the gateway's one clock, must agree on each
side of that midnight, whatever the server's own time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

from family_registry.tables import Member
from gateway.applications.errors import NotEligible
from gateway.bootstrap import Seva
from gateway.database import create_engine
from gateway.platform.clock import INDIA, MovableClock
from schemas.applications_api import ApplicationCreate
from tests.applications.support import LEARNER, LEARNER_DOCS, NewDocument, People, learner_form, seed_people
from tests.building import build_seva

BIRTHDAY = dt.date(2027, 1, 1)  # the 16th birthday of the member under test: a new month and year in IST
BORN = BIRTHDAY.replace(year=BIRTHDAY.year - 16)
MIDNIGHT_IST = dt.datetime.combine(BIRTHDAY, dt.time(0, 0), INDIA)


@pytest.fixture
async def at_midnight(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[Seva, MovableClock, People]]:
    clock = MovableClock(MIDNIGHT_IST - dt.timedelta(seconds=30))
    engine = create_engine(db_url)
    seva = build_seva(tmp_path / "data", db_url, engine=engine, clock=clock)
    people = await seed_people(engine)
    members = Member.__table__  # type: ignore[attr-defined]
    async with engine.begin() as conn:
        await conn.execute(
            update(members).where(members.c.member_id == people.kiran.member_id).values(date_of_birth=BORN)
        )
    for doc_type in LEARNER_DOCS:
        new = NewDocument(member_id=people.kiran.member_id, doc_type=doc_type, filename=f"{doc_type}.pdf")
        await seva.documents.store.upload(
            people.kiran.family_id, new, b"%PDF-1.4\n" + b" " * 200, people.asha.actor
        )
    yield seva, clock, people
    await seva.delivery.resolver.aclose()
    await engine.dispose()


async def _page_says(seva: Seva, people: People) -> str:
    family = await seva.families.service.eligibility(people.asha.caller, people.kiran.family_id, None)
    (member,) = [m for m in family.members if m.member_id == people.kiran.member_id]
    (verdict,) = [v for v in member.verdicts if v.service == LEARNER]
    return verdict.status


async def _submission_says(seva: Seva, people: People, key: str) -> str:
    body = ApplicationCreate(service_code=LEARNER, member_id=people.kiran.member_id, form=learner_form())
    try:
        await seva.applications.service.submit(people.asha.caller, body, key)
    except NotEligible:
        return "not_eligible"
    return "eligible"


async def test_the_family_page_and_a_submission_agree_on_each_side_of_midnight_ist(
    at_midnight: tuple[Seva, MovableClock, People],
) -> None:
    """Half a minute before midnight IST both say "not yet 16"; a minute later (still the day before in
    UTC) both say "eligible", and the application is dated by India's day."""
    seva, clock, people = at_midnight
    assert clock.now().date() == BIRTHDAY - dt.timedelta(days=1)
    assert await _page_says(seva, people) == await _submission_says(seva, people, "before") == "not_eligible"

    clock.advance(60)
    assert clock.now().date() == BIRTHDAY - dt.timedelta(days=1)  # UTC has not turned over yet
    assert clock.today() == BIRTHDAY
    assert await _page_says(seva, people) == await _submission_says(seva, people, "after") == "eligible"
    (made,) = await seva.applications.service.list(family_id=people.kiran.family_id)
    assert made.reference.startswith(f"{BIRTHDAY:%y%m}")
