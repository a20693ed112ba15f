"""Submitting applications against a real database: checks, refusals that leave nothing, idempotency."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from family_registry.aadhaar import AadhaarHasher
from family_registry.facts import member_facts
from family_registry.store import Registry
from gateway.applications.applicant import load_applicant
from gateway.applications.errors import (
    IdempotencyConflict,
    MissingDocuments,
    NotEligible,
    UnknownServiceCode,
)
from gateway.applications.form import FormInvalid
from gateway.applications.reference import parse_reference
from gateway.families import UnknownMember
from schemas.applications_api import ApplicationCreate
from tests.applications.support import LEARNER, LEARNER_DOCS, World, count, learner_form


async def _ready(world: World) -> None:
    for doc_type in LEARNER_DOCS:
        await world.upload(world.people.asha, doc_type)


async def _nothing_written(world: World) -> None:
    for table in ("applications", "application_events", "deliveries"):
        assert await count(world.engine, table) == 0, table


class TestAccepted:
    async def test_application_timeline_and_delivery_are_written_together(self, world: World) -> None:
        """An accepted application has a checkable reference, a first event and a pending delivery."""
        await _ready(world)
        reference = await world.apply(world.people.asha)
        application = await world.applications.get(reference)
        assert parse_reference(application.reference_display) == reference
        assert application.status == "submitted"
        assert [e.kind for e in application.timeline] == ["submitted"]
        assert application.form["mobile"] == "9876500001"
        assert application.department == "transport"
        assert await count(world.engine, "deliveries") == 1

    async def test_same_key_and_body_return_the_same_application(self, world: World) -> None:
        """A retried request with the same key and body gets the first application back, not a second one."""
        await _ready(world)
        asha = world.people.asha
        body = ApplicationCreate(service_code=LEARNER, member_id=asha.member_id, form=learner_form())
        first, created_first = await world.applications.submit(asha.caller, body, "key-7")
        again, created_again = await world.applications.submit(asha.caller, body, "key-7")
        assert (created_first, created_again) == (True, False)
        assert again.reference == first.reference
        assert await count(world.engine, "applications") == 1

    async def test_same_key_with_another_body_is_a_conflict(self, world: World) -> None:
        """The same key with a different form is refused, naming the first application."""
        await _ready(world)
        asha = world.people.asha
        reference = await world.apply(asha, key="key-8")
        with pytest.raises(IdempotencyConflict) as caught:
            await world.apply(asha, key="key-8", vehicle_class="mcwg")
        assert caught.value.reference == reference
        assert await count(world.engine, "applications") == 1


class TestFilledFromTheRegistry:
    """What the registry holds is never asked: the API fills it as the web page does."""

    async def test_the_mobile_number_is_the_registrys_whatever_the_body_says(self, world: World) -> None:
        await _ready(world)
        asha = world.people.asha
        body = ApplicationCreate(
            service_code=LEARNER, member_id=asha.member_id, form=learner_form(mobile="9123456780")
        )
        application, _ = await world.applications.submit(asha.caller, body, "k-given")
        assert application.form["mobile"] == "9876500001"

    async def test_a_form_without_it_is_complete(self, world: World) -> None:
        await _ready(world)
        asha = world.people.asha
        form = {k: v for k, v in learner_form().items() if k != "mobile"}
        body = ApplicationCreate(service_code=LEARNER, member_id=asha.member_id, form=form)
        application, created = await world.applications.submit(asha.caller, body, "k-left-out")
        assert created and application.form["mobile"] == "9876500001"
        assert {d.type: d.status for d in application.documents}["age_proof"] == "registry"

    async def test_a_member_without_a_mobile_is_asked_for_one(self, world: World) -> None:
        """Kiran (no mobile in the registry) must give one: the field is asked like any other."""
        kiran = world.people.kiran
        prepared = await world.applications.prepare(kiran.caller, "rev-khasra-copy", kiran.member_id)
        assert "mobile" in {spec.name for spec in prepared.asked}
        asha = world.people.asha
        prepared = await world.applications.prepare(asha.caller, "rev-khasra-copy", asha.member_id)
        assert "mobile" not in {spec.name for spec in prepared.asked}
        assert [(f.spec.name, f.shown) for f in prepared.filled] == [("mobile", "******0001")]


class TestRefused:
    async def test_unknown_service(self, world: World) -> None:
        """A service code the catalogue does not have is refused and nothing is written."""
        asha = world.people.asha
        body = ApplicationCreate(service_code="no-such-service", member_id=asha.member_id, form={})
        with pytest.raises(UnknownServiceCode):
            await world.applications.submit(asha.caller, body, "k")
        await _nothing_written(world)

    async def test_member_of_another_family(self, world: World) -> None:
        """A citizen cannot apply for a member of another family."""
        await _ready(world)
        asha, meena = world.people.asha, world.people.meena
        body = ApplicationCreate(service_code=LEARNER, member_id=meena.member_id, form=learner_form())
        with pytest.raises(UnknownMember):
            await world.applications.submit(asha.caller, body, "k")
        await _nothing_written(world)

    async def test_ineligible_member_gets_the_reason(self, world: World) -> None:
        """A ten-year-old is refused a learner's licence with the rule's reason in both languages."""
        kiran = world.people.kiran
        with pytest.raises(NotEligible) as caught:
            await world.apply(kiran)
        assert "16" in caught.value.reasons[0].en and caught.value.reasons[0].hi
        await _nothing_written(world)

    async def test_missing_field_bad_pattern_and_bad_choice_are_each_named(self, world: World) -> None:
        """Every refused field is named by its label, with what to write in words: a missing one, one failing
        its pattern, a day that does not exist, one not among the choices."""
        await _ready(world)
        asha = world.people.asha
        form = {"vehicle_class": "rocket", "preferred_test_date": "31/02/2027", "learner_licence_number": "x"}
        body = ApplicationCreate(service_code="tr-driving-licence", member_id=asha.member_id, form=form)
        with pytest.raises(FormInvalid) as caught:
            await world.applications.submit(asha.caller, body, "k")
        fields = {p.field: p.en for p in caught.value.problems}
        # The mobile number is not asked: the registry holds Asha's.
        assert set(fields) == {
            "form.vehicle_class", "form.preferred_test_date", "form.learner_licence_number",
        }  # fmt: skip
        assert fields["form.learner_licence_number"].startswith(
            "Learner's licence number: write the number printed on the learner's licence"
        )
        assert (
            fields["form.preferred_test_date"]
            == "Preferred driving test date: there is no such date; check the day and the month"
        )
        assert fields["form.vehicle_class"].startswith("Vehicle class: choose one of: ")
        assert not any("^" in p.en or "$" in p.en or "form." in p.en + p.hi for p in caught.value.problems)
        await _nothing_written(world)

    async def test_unknown_field_and_out_of_range_number(self, world: World) -> None:
        """A field the service does not ask for, and a number below its minimum, are refused."""
        asha = world.people.asha
        form = {"purpose": "scheme", "declared_annual_income": -5, "income_source": "wages",
                "mobile": "9876500001", "favourite_colour": "blue"}  # fmt: skip
        body = ApplicationCreate(service_code="gad-income-certificate", member_id=asha.member_id, form=form)
        with pytest.raises(FormInvalid) as caught:
            await world.applications.submit(asha.caller, body, "k")
        assert {p.field for p in caught.value.problems} == {
            "form.favourite_colour",
            "form.declared_annual_income",
        }

    async def test_a_number_too_large_for_any_form_is_refused_not_crashed(self, world: World) -> None:
        """A 400-digit integer in a number field is 'write a number', not an overflow."""
        asha = world.people.asha
        form = {"purpose": "scheme", "declared_annual_income": 10**400, "income_source": "wages",
                "mobile": "9876500001"}  # fmt: skip
        body = ApplicationCreate(service_code="gad-income-certificate", member_id=asha.member_id, form=form)
        with pytest.raises(FormInvalid) as caught:
            await world.applications.submit(asha.caller, body, "k")
        assert [(p.field, p.en) for p in caught.value.problems] == [
            ("form.declared_annual_income", "Declared annual family income (Rs): write a number, such as 42")
        ]

    async def test_missing_documents_are_named_and_fetched_ones_listed(self, world: World) -> None:
        """Without a photo and address proof the application is refused, naming both; nothing is written."""
        asha = world.people.asha
        await world.upload(asha, "aadhaar")
        with pytest.raises(MissingDocuments) as caught:
            await world.apply(asha)
        assert caught.value.missing == ["address_proof", "photo"]
        assert caught.value.fetched == ["aadhaar"]  # the age proof is the registry's (e-KYC)
        await _nothing_written(world)


class TestConcurrency:
    async def test_many_at_once_with_one_key_twice_give_one_application_per_key(self, world: World) -> None:
        """Twenty submissions written together, two sharing a key: nineteen applications, the pair one."""
        await _ready(world)
        asha = world.people.asha
        keys = [f"key-{n}" for n in range(19)] + ["key-0"]
        references = await asyncio.gather(*(world.apply(asha, key=key) for key in keys))
        assert references[0] == references[-1]
        assert len(set(references)) == 19
        assert await count(world.engine, "applications") == 19
        assert await count(world.engine, "deliveries") == 19


class TestApplicantFacts:
    async def test_registry_facts_include_the_familys_size_and_children(self, world: World) -> None:
        """Facts read from the registry: age on the day, family size, and members under 18."""
        async with world.engine.connect() as conn:
            asha = await load_applicant(conn, world.people.asha.member_id, dt.date(2026, 11, 23))
            nobody = await load_applicant(conn, "999999999", dt.date(2026, 11, 23))
        assert asha is not None and nobody is None
        assert asha.facts["member.age"] == 46
        assert (asha.facts["family.size"], asha.facts["family.members_under_18"]) == (2, 1)
        assert asha.for_department().mobile_masked == "******0001"

    async def test_applicant_facts_are_the_registry_facts(self, world: World) -> None:
        """An application is judged on exactly the facts the registry's family eligibility uses."""
        day = dt.date(2026, 11, 23)
        person = world.people.asha
        async with world.engine.connect() as conn:
            applicant = await load_applicant(conn, person.member_id, day)
        family = await Registry(world.engine, AadhaarHasher(b"k" * 32)).family(person.family_id)
        member = next(m for m in family.members if m.member_id == person.member_id)
        assert applicant is not None
        assert applicant.facts == member_facts(family, member, day)
        assert applicant.facts["family.annual_income"] == sum(m.annual_income for m in family.members)
