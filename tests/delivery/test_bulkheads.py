"""Bulkheads: one department that holds its answers never holds up another, nor gets more calls than its
limit; leases outlast the longest call. Two real departments on loopback, a real database."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from adapters import AdapterConfig, Timeouts
from gateway.delivery.lanes import LEASE_MARGIN, lease_for
from gateway.delivery.queue import DELIVERIES
from schemas.applications_api import ApplicationCreate
from schemas.endpoints_api import EndpointRegistration
from tests.adapters.departments import DepartmentApp, ServerThread
from tests.adapters.mounts import Department
from tests.applications.support import ADMIN_CALLER, LEARNER_DOCS, World
from tests.delivery.support import WorkerFactory, keys_seen

SLOW_TIMEOUT = 30.0  # the slow department may take this long to answer: longer than the test holds it


@pytest.fixture
def slow_department() -> Iterator[ServerThread]:
    """A second department, on its own server, whose answers the test holds back."""
    server = ServerThread(DepartmentApp()).start()
    yield server
    server.app.release()
    server.stop()


async def _register(world: World, adapter: str, kind: str, endpoint: str, **fields: object) -> None:
    body = EndpointRegistration(kind=kind, endpoint=endpoint, **fields)  # type: ignore[arg-type]
    await world.endpoints.register(ADMIN_CALLER, adapter, body)


async def _learner_licences(world: World, n: int) -> list[str]:
    """Applications for the transport department (REST, ``rest_transport``)."""
    for doc_type in LEARNER_DOCS:
        await world.upload(world.people.asha, doc_type)
    return [await world.apply(world.people.asha, key=f"learner-{i}") for i in range(n)]


async def _lt_connections(world: World, n: int) -> list[str]:
    """Applications for the energy department (SOAP, ``soap_energy``)."""
    asha = world.people.asha
    for doc_type in ("aadhaar", "ownership_proof", "photo"):
        await world.upload(asha, doc_type)
    form = {"connection_category": "domestic", "load_kw": 2, "mobile": "9876500001"}
    form["premises_address"] = "12 Arera Colony, Bhopal"
    body = ApplicationCreate(service_code="en-lt-connection", member_id=asha.member_id, form=form)
    references = []
    for i in range(n):
        created, _ = await world.applications.submit(asha.caller, body, f"lt-{i}")
        references.append(created.reference)
    return references


async def _statuses(world: World, references: list[str]) -> Counter[str]:
    return Counter([(await world.applications.get(r)).status for r in references])


async def _until(condition: Callable[[], object], within: float = 20) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


def _soap_submissions(department: Department) -> list[str]:
    """The references the SOAP department received submissions for (its health check aside)."""
    return [
        r.headers["x-road-issue"] for r in department.app.requests if b"SubmitApplicationRequest" in r.body
    ]


class TestBulkheads:
    async def test_a_slow_department_does_not_hold_up_a_fast_one(
        self,
        world: World,
        department: ServerThread,
        slow_department: ServerThread,
        make_worker: WorkerFactory,
    ) -> None:
        """Transport holds every request; energy's applications are all delivered meanwhile, by the same
        worker loop, while transport's wait in its own lane. Once released, everything is delivered, each
        application filed once."""
        await _register(
            world, "rest_transport", "rest", f"{slow_department.url}/rest", timeout_seconds=SLOW_TIMEOUT
        )
        await _register(
            world,
            "soap_energy",
            "soap",
            f"{department.url}/soap",
            xsd="energy_connection.xsd",
            timeout_seconds=5,
        )
        slow = await _learner_licences(world, 6)
        fast = await _lt_connections(world, 6)
        slow_department.app.hold()
        worker = make_worker(concurrency=4, poll_seconds=3600)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        try:
            await _until(lambda: slow_department.app.in_flight == 4)
            await _until(lambda: _all(world, fast, "approved"))
            assert (await _statuses(world, slow))["submitted"] == 6  # still held, none lost or failed
            assert slow_department.app.in_flight == 4  # its lane is full; two more wait in the queue
            slow_department.app.release()
            await _until(lambda: _all(world, slow, "approved"))
        finally:
            stop.set()
            await running
        assert sorted(keys_seen(slow_department)) == sorted(f"seva-{r}" for r in slow)
        assert Counter(_soap_submissions(department)) == Counter(fast)
        assert slow_department.app.most_in_flight == 4

    async def test_a_departments_concurrency_is_never_exceeded(
        self, world: World, slow_department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """The department registered a limit of 3: with 8 due and the worker allowing 16, three calls go out
        and three more wait ready; claiming again while they are held takes nothing more; the rest follow
        as calls end, never more than three at once."""
        await _register(
            world,
            "rest_transport",
            "rest",
            f"{slow_department.url}/rest",
            timeout_seconds=SLOW_TIMEOUT,
            max_concurrency=3,
        )
        references = await _learner_licences(world, 8)
        slow_department.app.hold()
        worker = make_worker(concurrency=16, poll_seconds=3600)
        claimed, _ = await worker.cycle()
        assert claimed == 6
        await _until(lambda: slow_department.app.in_flight == 3)
        for _ in range(3):
            assert await worker.cycle() == (0, False)  # the lane is full: nothing more is claimed
        slow_department.app.release()
        await worker.settle()
        while await worker.run_once():
            pass
        assert await _statuses(world, references) == Counter({"approved": 8})
        assert slow_department.app.most_in_flight == 3
        assert sorted(keys_seen(slow_department)) == sorted(f"seva-{r}" for r in references)

    async def test_the_lease_outlasts_the_adapters_longest_call(
        self, world: World, slow_department: ServerThread, make_worker: WorkerFactory
    ) -> None:
        """A department allowed 30 s per answer gets leases longer than a wait for one of its calls and its
        own longest call (each the sum of its timeouts, where the adapter cuts a call off) plus the time
        to record, whatever the setting says."""
        await _register(
            world, "rest_transport", "rest", f"{slow_department.url}/rest", timeout_seconds=SLOW_TIMEOUT
        )
        (reference,) = await _learner_licences(world, 1)
        slow_department.app.hold()
        worker = make_worker(lease_seconds=3)
        before = time.time()
        assert (await worker.cycle())[0] == 1
        after = time.time()
        async with world.engine.connect() as conn:
            lease_until = (
                await conn.execute(
                    select(DELIVERIES.c.lease_until).where(DELIVERIES.c.reference == reference)
                )
            ).scalar_one()
        longest = Timeouts(connect=3, pool=5, read=SLOW_TIMEOUT, write=SLOW_TIMEOUT).longest
        lease = 2 * longest + LEASE_MARGIN  # waiting ready for one call of its lane, then its own call
        assert before + lease <= lease_until <= after + lease
        slow_department.app.release()
        await worker.settle()

    def test_leases_are_derived_from_the_timeouts_and_never_below_the_setting(self) -> None:
        quick = AdapterConfig(code="a", kind="rest", timeouts=Timeouts(connect=1, read=1, write=1, pool=1))
        slow = AdapterConfig(code="b", kind="rest", timeouts=Timeouts(connect=3, read=45, write=45, pool=5))
        assert lease_for(quick, 60) == 60
        assert lease_for(slow, 60) == 2 * 98 + LEASE_MARGIN
        assert lease_for(None, 1) == 2 * Timeouts().longest + LEASE_MARGIN


async def _all(world: World, references: list[str], status: str) -> bool:
    return (await _statuses(world, references))[status] == len(references)
