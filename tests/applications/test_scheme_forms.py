"""Applications judged by the catalogue's truth: the form's declared answers are facts the rules check, an
information service takes no application, and a service the guarantee Act does not cover gets no due date."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.applications.errors import NotAnApplication, NotEligible
from schemas.applications_api import ApplicationCreate
from tests.applications.support import Person, World, count

CHARACTER = "home-character-certificate"


async def submit(world: World, person: Person, service: str, form: dict[str, object], key: str) -> object:
    body = ApplicationCreate(service_code=service, member_id=person.member_id, form=form)
    application, _ = await world.applications.submit(person.caller, body, key)
    return application


def character_form(years: int) -> dict[str, object]:
    return {"purpose": "employment", "police_station": "TT Nagar", "years_in_district": years,
            "mobile": "9876500001"}  # fmt: skip


class TestFormAnswersAreChecked:
    """``home-character-certificate`` reads the years in the district from the form."""

    async def test_two_years_in_the_district_is_refused(self, world: World) -> None:
        """The declared answer fails the rule: refused with the rule's reason, nothing written."""
        with pytest.raises(NotEligible) as caught:
            await submit(world, world.people.asha, CHARACTER, character_form(2), "c-1")
        assert "more than five years" in caught.value.reasons[0].en
        assert await count(world.engine, "applications") == 0

    async def test_eight_years_is_accepted_with_its_due_date(self, world: World) -> None:
        """The answer passes; the application is due 45 working days later on the state's calendar (no
        Sundays, second or fourth Saturdays or gazetted holidays among them)."""
        for doc_type in ("aadhaar", "address_proof", "photo"):
            await world.upload(world.people.asha, doc_type)
        application = await submit(world, world.people.asha, CHARACTER, character_form(8), "c-2")
        calendar = world.seva.deadlines.service.clocks.calendar
        today = world.seva.platform.clock.today()
        due = dt.date.fromisoformat(application.due_on)  # type: ignore[attr-defined]
        assert due == calendar.add(today, 45, "working_days")
        assert calendar.is_working_day(due)


async def test_an_information_service_takes_no_application(world: World) -> None:
    """PMAY-G has no application: the refusal carries what a family can do instead."""
    with pytest.raises(NotAnApplication) as caught:
        await submit(world, world.people.asha, "prd-pmay-gramin", {}, "p-1")
    assert any("pmayg.nic.in" in step.en for step in caught.value.steps)
    assert await count(world.engine, "applications") == 0


async def test_a_scheme_the_act_does_not_cover_has_no_due_date(world: World) -> None:
    """Ladli Behna is not covered by the Act: the application is taken, with no guaranteed date."""
    for doc_type in ("samagra_id", "aadhaar", "bank_passbook", "photo"):
        await world.upload(world.people.asha, doc_type)
    form = {"dbt_enabled_account": True, "mobile": "9876500001"}
    application = await submit(world, world.people.asha, "wcd-ladli-behna", form, "l-1")
    assert application.due_on is None  # type: ignore[attr-defined]
    again = await world.applications.get(application.reference)  # type: ignore[attr-defined]
    assert again.due_on is None
