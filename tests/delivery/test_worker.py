"""The delivery worker against a real REST department on loopback and a real database."""

from __future__ import annotations

import asyncio

import msgspec
from sqlalchemy import select

from adapters.local import LocalDepartment, RevenueOffice
from gateway.audit.trail import Actor
from gateway.delivery.queue import DELIVERIES, DeliveryQueue
from schemas.applications_api import ApplicationCreate
from schemas.endpoints_api import EndpointRegistration
from tests.adapters.departments import ServerThread
from tests.applications.support import ADMIN, World
from tests.delivery.support import WorkerFactory, drain, keys_seen, submitted


async def _delivery(world: World, reference: str) -> dict[str, object]:
    async with world.engine.connect() as conn:
        row = (
            (await conn.execute(select(DELIVERIES).where(DELIVERIES.c.reference == reference)))
            .mappings()
            .one()
        )
    return dict(row)


class TestDelivery:
    async def test_success_records_the_department_reference(
        self, world: World, department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """A delivered application has the department's reference and status; it went once, with its key."""
        (reference,) = await submitted(world, department)
        worker = make_worker()
        status = await drain(worker, world, reference, {"approved"})
        application = await world.applications.get(reference)
        assert status == "approved"
        assert application.department_reference == "MP-DEP-000001"
        assert [e.kind for e in application.timeline] == ["submitted", "delivered"]
        assert keys_seen(department) == [f"seva-{reference}"]
        body = msgspec.json.decode(department.app.requests[-1].body)
        assert body["applicant"]["mobile_masked"] == "******0001"
        assert {d["type"] for d in body["documents"]} == {"aadhaar", "age_proof", "address_proof", "photo"}
        assert (await _delivery(world, reference))["state"] == "done"

    async def test_department_down_for_a_while_delays_then_delivers(
        self, world: World, department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """Three 503s show the citizen 'delayed at the department', then the fourth attempt delivers."""
        (reference,) = await submitted(world, department)
        department.app.fail(3, status=503, body=b'{"title":"maintenance"}')
        worker = make_worker()
        await drain(worker, world, reference, {"delayed_at_department"})
        assert (await world.applications.get(reference)).status_message.startswith(
            "Delayed at the department"
        )
        await drain(worker, world, reference, {"approved"})
        timeline = [e.status for e in (await world.applications.get(reference)).timeline]
        assert timeline == ["submitted", "delayed_at_department", "approved"]
        delivery = await _delivery(world, reference)
        assert delivery["attempts"] == 4 and delivery["state"] == "done"
        assert set(keys_seen(department)) == {f"seva-{reference}"}

    async def test_permanent_refusal_fails_with_the_departments_reason(
        self, world: World, department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """A 422 from the department fails the application at once, with the department's own words."""
        (reference,) = await submitted(world, department)
        problem = b'{"title":"invalid","detail":"vehicle class lmv needs a medical certificate","status":422}'
        department.app.fail(1, status=422, body=problem)
        worker = make_worker()
        await drain(worker, world, reference, {"failed"})
        application = await world.applications.get(reference)
        assert "vehicle class lmv needs a medical certificate" in application.status_message
        delivery = await _delivery(world, reference)
        assert delivery["state"] == "failed" and delivery["attempts"] == 1
        assert "422" in str(delivery["last_error"])

    async def test_polling_brings_the_decision_and_certificate_back(
        self, world: World, department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """A department that decides later is polled until it issues; the certificate is kept."""
        department.app.reset(LocalDepartment(RevenueOffice(), review_after=0.1, decide_after=0.3))
        (reference,) = await submitted(world, department)
        worker = make_worker()
        await drain(worker, world, reference, {"issued"})
        application = await world.applications.get(reference)
        assert application.certificate is not None
        assert application.certificate["number"].startswith("MP-REV-")
        assert (await _delivery(world, reference))["poll_at"] is None

    async def test_unregistered_rest_adapter_waits_instead_of_failing(
        self, world: World, make_worker: WorkerFactory
    ) -> None:
        """With no endpoint registered for a REST adapter, the application is delayed, not failed."""
        from tests.applications.support import LEARNER_DOCS

        for doc_type in LEARNER_DOCS:
            await world.upload(world.people.asha, doc_type)
        reference = await world.apply(world.people.asha)
        await drain(make_worker(), world, reference, {"delayed_at_department"})
        assert "no endpoint" in str((await _delivery(world, reference))["last_error"])


class TestCircuitBreaker:
    async def test_open_circuit_stops_calls_and_a_recovered_department_is_used_again(
        self, world: World, department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """After two failures no call reaches the department until the cooldown; then delivery resumes."""
        references = await submitted(world, department, n=3)
        department.app.fail(100, status=503)
        now = [0.0]
        worker = make_worker(breaker_threshold=2, breaker_cooldown=30, batch=1)
        worker.breakers.clock = lambda: now[0]  # the breaker's time moves only when this test says so
        for _ in range(10):
            await worker.run_once()
            await asyncio.sleep(0.03)
        assert worker.breakers.state("rest_transport") == "open"
        assert len(keys_seen(department)) == 2
        department.app.script.clear()
        now[0] += 31
        for reference in references:
            await drain(worker, world, reference, {"approved"})
        assert worker.breakers.state("rest_transport") == "closed"


class TestLeases:
    async def test_expired_lease_is_taken_over_and_the_old_holder_is_fenced(
        self, world: World, department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """A worker that lost its lease cannot record an outcome over the worker that took the row."""
        (reference,) = await submitted(world, department)
        crashed = DeliveryQueue(world.engine, "crashed:1", lease_seconds=0.05)
        (item,) = await crashed.claim(10)
        await asyncio.sleep(0.1)
        worker = make_worker(owner="survivor:2")
        await drain(worker, world, reference, {"approved"})
        async with world.engine.begin() as conn:
            assert await crashed.fail(conn, item, error="late") is False
        delivery = await _delivery(world, reference)
        assert delivery["state"] == "done" and delivery["attempts"] == 2


class TestSoap:
    async def test_a_registered_soap_department_gets_the_application_checked_against_its_xsd(
        self, world: World, department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """The energy department registers its SOAP endpoint and XSD; an LT connection is delivered there."""
        body = EndpointRegistration(
            kind="soap", endpoint=f"{department.url}/soap", xsd="energy_connection.xsd", timeout_seconds=2
        )
        await world.endpoints.register(ADMIN, Actor.system("test", "register"), "soap_energy", body)
        asha = world.people.asha
        for doc_type in ("aadhaar", "ownership_proof", "photo"):
            await world.upload(asha, doc_type)
        form = {"connection_category": "domestic", "load_kw": 2, "mobile": "9876500001"}
        form["premises_address"] = "12 Arera Colony, Bhopal"
        body_in = ApplicationCreate(service_code="en-lt-connection", member_id=asha.member_id, form=form)
        created, _ = await world.applications.submit(asha.principal, asha.actor, body_in, "lt-1")
        await drain(make_worker(), world, created.reference, {"approved"})
        soap_calls = [r for r in department.app.requests if r.path == "/soap"]
        assert any(b"SubmitApplicationRequest" in r.body for r in soap_calls)
        assert (await world.applications.get(created.reference)).department_reference == "MP-DEP-000001"
