"""The delivery worker against a real REST department on loopback and a real database."""

from __future__ import annotations

import asyncio
import time

import msgspec
from sqlalchemy import select, update

from adapters import StatusResult
from adapters.base import SubmitResult
from adapters.local import LocalDepartment, RevenueOffice
from gateway.applications.statuses import received_as
from gateway.applications.timeline import APPLICATIONS, EVENTS
from gateway.audit.tables import AuditEntry
from gateway.delivery.queue import DELIVERIES, DeliveryQueue
from gateway.delivery.worker import _WITH_CLAIM, _Application, _Delivered, _Outcome
from schemas.applications_api import ApplicationCreate
from schemas.endpoints_api import EndpointRegistration
from tests.adapters.conftest import FakeClock
from tests.adapters.mounts import Department
from tests.applications.support import ADMIN_CALLER, LEARNER_DOCS, World
from tests.delivery.support import WorkerFactory, drain, keys_seen, submitted


async def _delivery(world: World, reference: str) -> dict[str, object]:
    async with world.engine.connect() as conn:
        row = (
            (await conn.execute(select(DELIVERIES).where(DELIVERIES.c.reference == reference)))
            .mappings()
            .one()
        )
    return dict(row)


async def _two_citizens(world: World, department: Department) -> tuple[str, str]:
    """Asha's application (test on 2026-12-15) and Meena's (2026-12-20), to the REST department."""
    await world.register_rest(department.url)
    asha, meena = world.people.asha, world.people.meena
    for person in (asha, meena):
        for doc_type in LEARNER_DOCS:
            await world.upload(person, doc_type)
    first = await world.apply(asha, key="key-1", preferred_test_date="2026-12-15")
    return first, await world.apply(meena, key="key-2", preferred_test_date="2026-12-20")


class TestDelivery:
    async def test_success_records_the_department_reference(
        self, world: World, department: Department, make_worker: WorkerFactory
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
        # The age proof is the registry's e-KYC'd date of birth: no file goes with it.
        assert {d["type"] for d in body["documents"]} == {"aadhaar", "address_proof", "photo"}
        assert (await _delivery(world, reference))["state"] == "done"

    async def test_each_delivery_carries_its_own_application(
        self, world: World, department: Department, make_worker: WorkerFactory
    ) -> None:
        """Claimed together, each delivery sends its own applicant and form (the claim reads them)."""
        first, second = await _two_citizens(world, department)
        asha, meena = world.people.asha, world.people.meena
        assert await make_worker(batch=2).run_once() == 2
        bodies = {
            body["reference_number"]: body
            for body in (msgspec.json.decode(r.body) for r in department.app.requests if r.method == "POST")
        }
        assert bodies[first]["applicant"]["member_id"] == asha.member_id
        assert bodies[first]["form"]["preferred_test_date"] == "2026-12-15"
        assert bodies[second]["applicant"]["member_id"] == meena.member_id
        assert bodies[second]["form"]["preferred_test_date"] == "2026-12-20"

    async def test_a_claim_run_on_the_driver_carries_each_application(
        self, world: World, department: Department, make_worker: WorkerFactory
    ) -> None:
        """The claim compiled for the driver (the common cycle's) reads each row's own application too."""
        first, second = await _two_citizens(world, department)
        asha, meena = world.people.asha, world.people.meena
        worker = make_worker(batch=2)
        (rows,) = await worker.transactions.fenced([[worker.queue.claim_step(2, also=_WITH_CLAIM)]])
        read = {item.reference: _Application(*item.also) for item in worker.queue.claimed(rows)}
        assert set(read) == {first, second}
        for reference, person, date in ((first, asha, "2026-12-15"), (second, meena, "2026-12-20")):
            assert msgspec.json.decode(read[reference].applicant)["member_id"] == person.member_id
            assert msgspec.json.decode(read[reference].form)["preferred_test_date"] == date

    async def test_department_down_for_a_while_delays_then_delivers(
        self, world: World, department: Department, make_worker: WorkerFactory
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
        self, world: World, department: Department, make_worker: WorkerFactory
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
        self, world: World, department: Department, make_worker: WorkerFactory
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


async def _delivered_and_due_for_a_poll(
    world: World, department: Department, make_worker: WorkerFactory
) -> str:
    """An application the department has as ``received`` (``in_progress`` when asked), due to be polled;
    from now on the department holds its answers until the test releases it, so the test acts while a
    poll is in flight however loaded the machine is."""
    office_clock = FakeClock(time.time())
    department.app.reset(
        LocalDepartment(RevenueOffice(), review_after=0.1, decide_after=1000, clock=office_clock)
    )
    (reference,) = await submitted(world, department)
    await drain(make_worker(poll_seconds=3600), world, reference, {"received"})
    office_clock.advance(1)  # the office has begun to examine it
    async with world.engine.begin() as conn:
        await conn.execute(update(DELIVERIES).where(DELIVERIES.c.reference == reference).values(poll_at=0))
    department.app.hold()
    return reference


async def _status_calls(department: Department) -> int:
    return sum(1 for r in department.app.requests if r.method == "GET")


class TestPolling:
    async def test_a_slow_stale_answer_never_overwrites_a_status_recorded_meanwhile(
        self, world: World, department: Department, make_worker: WorkerFactory
    ) -> None:
        """A poll that read 'received' and waits for the department must not record its 'in_progress' over
        the 'issued' recorded while it waited; nothing is added to the timeline or the audit trail."""
        reference = await _delivered_and_due_for_a_poll(world, department, make_worker)
        polling = asyncio.create_task(make_worker().run_once())
        await department.app.until_in_flight(1)
        async with world.engine.begin() as conn:  # what another worker recorded while this one waited
            await conn.execute(
                update(APPLICATIONS).where(APPLICATIONS.c.reference == reference).values(status="issued")
            )
            await conn.execute(
                update(DELIVERIES).where(DELIVERIES.c.reference == reference).values(poll_at=None)
            )
        before = await world.applications.get(reference)
        head = sum(await world.audit.count())
        department.app.release()  # the stale answer comes only now
        assert await polling == 1
        after = await world.applications.get(reference)
        assert after.status == "issued"
        assert [e.kind for e in after.timeline] == [e.kind for e in before.timeline]
        assert sum(await world.audit.count()) == head
        assert (await _delivery(world, reference))["poll_at"] is None  # its polling stays stopped

    async def test_a_poll_in_flight_is_not_taken_by_another_worker(
        self, world: World, department: Department, make_worker: WorkerFactory
    ) -> None:
        """A poll claim lasts as long as a delivery lease, not the poll interval, so a second worker does not
        ask about the same application while the first is still waiting for the department."""
        reference = await _delivered_and_due_for_a_poll(world, department, make_worker)
        calls = await _status_calls(department)
        before = time.time()
        first = asyncio.create_task(make_worker(owner="first:1").run_once())
        await department.app.until_in_flight(1)
        # The claim runs to a delivery lease (60 s at least), not to the poll interval of 0.05 s.
        claimed_until = (await _delivery(world, reference))["poll_at"]
        assert isinstance(claimed_until, float) and claimed_until >= before + 60
        assert await make_worker(owner="second:2").run_once() == 0
        department.app.release()
        assert await first == 1
        assert await _status_calls(department) == calls + 1
        assert (await world.applications.get(reference)).status == "in_progress"
        poll_at = (await _delivery(world, reference))["poll_at"]
        assert isinstance(poll_at, float) and poll_at < time.time() + 1  # the next poll is due again soon

    async def test_recording_with_a_stale_expected_status_leaves_an_issued_application_issued(
        self, world: World, department: Department, make_worker: WorkerFactory
    ) -> None:
        """``record_polled_status`` writes only over the status read before the call, and never over a final
        one: the stale answer changes no row and writes no event; the expected one writes exactly one."""
        department.app.reset(LocalDepartment(RevenueOffice(), review_after=0, decide_after=0))
        (reference,) = await submitted(world, department)
        worker = make_worker()
        await drain(worker, world, reference, {"issued"})
        before = await world.applications.get(reference)
        head = sum(await world.audit.count())
        stale = StatusResult(department_reference="MP-REV-X", status="in_progress", message="Examining.")
        async with world.engine.begin() as conn:
            assert await worker.record_polled_status(conn, reference, "received", stale) is False
            assert await worker.record_polled_status(conn, reference, "issued", stale) is False
        after = await world.applications.get(reference)
        assert (after.status, after.certificate) == ("issued", before.certificate)
        assert after.department_reference == before.department_reference
        assert len(after.timeline) == len(before.timeline)
        assert sum(await world.audit.count()) == head

        async with world.engine.begin() as conn:
            await conn.execute(
                update(APPLICATIONS).where(APPLICATIONS.c.reference == reference).values(status="received")
            )
            assert await worker.record_polled_status(conn, reference, "received", stale) is True
        after = await world.applications.get(reference)
        assert after.status == "in_progress" and len(after.timeline) == len(before.timeline) + 1
        assert sum(await world.audit.count()) == head + 1


class TestCircuitBreaker:
    async def test_open_circuit_stops_calls_and_a_recovered_department_is_used_again(
        self, world: World, department: Department, make_worker: WorkerFactory
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
        self, world: World, department: Department, make_worker: WorkerFactory
    ) -> None:
        """A worker that lost its lease cannot record an outcome over the worker that took the row."""
        (reference,) = await submitted(world, department)
        crashed = DeliveryQueue(world.engine, "crashed:1", lease_seconds=60)
        (item,) = await crashed.claim(10)
        async with world.engine.begin() as conn:  # its lease runs out
            await conn.execute(
                update(DELIVERIES).where(DELIVERIES.c.reference == reference).values(lease_until=0)
            )
        worker = make_worker(owner="survivor:2")
        await drain(worker, world, reference, {"approved"})
        async with world.engine.begin() as conn:
            assert await crashed.fail(conn, item, error="late") is False
        delivery = await _delivery(world, reference)
        assert delivery["state"] == "done" and delivery["attempts"] == 2

    async def test_a_success_is_recorded_only_while_the_lease_is_ours(
        self, world: World, department: Department, make_worker: WorkerFactory
    ) -> None:
        """A success whose row another worker took writes nothing (no status, timeline event or audit
        entry), alone or recorded with another; the other commits all of them with its row."""
        lost, kept = await submitted(world, department, n=2)
        worker = make_worker(batch=2)
        items = {item.reference: item for item in await worker.queue.claim(2)}
        async with world.engine.begin() as conn:  # another worker has taken the first row meanwhile
            await conn.execute(
                update(DELIVERIES).where(DELIVERIES.c.reference == lost).values(lease_owner="other:9")
            )
        before = (await world.applications.get(lost)).status
        answer = SubmitResult(department_reference="MP-DEP-000042", status="received")
        outcome = _Outcome("done", "delivered as MP-DEP-000042", result=answer)
        # Alone (one statement on PostgreSQL, one transaction on SQLite), then beside a success still ours.
        await worker._record_apart([_Delivered(items[lost], outcome, before)])
        await worker._record_apart(
            [_Delivered(items[lost], outcome, before), _Delivered(items[kept], outcome, before)]
        )
        entries = AuditEntry.__table__  # type: ignore[attr-defined]
        async with world.engine.connect() as conn:
            events = (
                await conn.execute(select(EVENTS.c.reference, EVENTS.c.kind, EVENTS.c.message_hi))
            ).all()
            audited = (
                await conn.execute(
                    select(entries.c.target).where(entries.c.action == "application.delivered")
                )
            ).all()
        assert (await world.applications.get(lost)).status == before
        assert (await _delivery(world, lost))["state"] == "in_flight"
        application = await world.applications.get(kept)
        assert (application.status, application.department_reference) == ("received", "MP-DEP-000042")
        assert (await _delivery(world, kept))["state"] == "done"
        delivered = [(reference, hi) for reference, kind, hi in events if kind == "delivered"]
        assert delivered == [(kept, received_as("MP-DEP-000042").hi)]
        assert [target for (target,) in audited] == [f"application:{kept}"]


class TestSoap:
    async def test_a_registered_soap_department_gets_the_application_checked_against_its_xsd(
        self, world: World, department: Department, make_worker: WorkerFactory
    ) -> None:
        """The energy department registers its SOAP endpoint and XSD; an LT connection is delivered there."""
        body = EndpointRegistration(
            kind="soap", endpoint=f"{department.url}/soap", xsd="energy_connection.xsd", timeout_seconds=2
        )
        await world.endpoints.register(ADMIN_CALLER, "soap_energy", body)
        asha = world.people.asha
        for doc_type in ("aadhaar", "ownership_proof", "photo"):
            await world.upload(asha, doc_type)
        form = {"connection_category": "domestic", "load_kw": 2, "mobile": "9876500001"}
        form["premises_address"] = "12 Arera Colony, Bhopal"
        body_in = ApplicationCreate(service_code="en-lt-connection", member_id=asha.member_id, form=form)
        created, _ = await world.applications.submit(asha.caller, body_in, "lt-1")
        await drain(make_worker(), world, created.reference, {"approved"})
        soap_calls = [r for r in department.app.requests if r.path == "/soap"]
        assert any(b"SubmitApplicationRequest" in r.body for r in soap_calls)
        assert (await world.applications.get(created.reference)).department_reference == "MP-DEP-000001"
