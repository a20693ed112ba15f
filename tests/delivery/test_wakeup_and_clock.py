"""The worker hears of new applications at once, and decides in time by the clock it is given."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from gateway.delivery.queue import DELIVERIES
from gateway.platform.clock import MovableClock
from tests.adapters.mounts import Department
from tests.applications.support import World
from tests.delivery.support import FAST, WorkerFactory, submitted

HANG_GUARD = 60  # seconds: only a broken worker gets near this


async def _row(world: World, reference: str) -> Any:
    async with world.engine.connect() as conn:
        return (await conn.execute(select(DELIVERIES).where(DELIVERIES.c.reference == reference))).one()


async def test_a_new_application_goes_out_without_waiting_for_the_idle_interval(
    world: World, department: Department, make_worker: WorkerFactory
) -> None:
    """A worker that would look for due work only once an hour delivers an application submitted in its
    process as soon as it is committed: the submission wakes it."""
    await submitted(world, department, n=0)
    worker = make_worker(idle_seconds=3600, poll_seconds=3600)
    world.applications.writer.after_commit(worker.wake)
    cycles = 0
    idle = asyncio.Event()  # the first cycle found nothing: the worker is waiting
    delivered = asyncio.Event()
    cycle, log = worker.cycle, worker._log

    async def counted() -> tuple[int, bool]:
        nonlocal cycles
        result = await cycle()
        cycles += 1
        idle.set()
        return result

    def logged(outcomes: list[Any]) -> None:
        log(outcomes)
        if any(getattr(entry, "outcome", None) and entry.outcome.kind == "done" for entry in outcomes):
            delivered.set()

    worker.cycle = counted  # type: ignore[method-assign]
    worker._log = logged  # type: ignore[method-assign]
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        async with asyncio.timeout(HANG_GUARD):
            await idle.wait()
            reference = await world.apply(world.people.asha, key="wake-1")
            await delivered.wait()
    finally:
        stop.set()
        await running
    assert (await _row(world, reference)).state == "done"
    assert (await world.applications.get(reference)).status != "submitted"
    assert cycles <= 4  # woken: idle, claim, record (and at most one more), never a loop of looks


async def test_retries_wait_for_the_clock_not_for_the_wall(
    world: World, department: Department, make_worker: WorkerFactory
) -> None:
    """Leases, back-off and due times are read from the worker's clock: a failed attempt is due again
    only when the clock is moved past its back-off, however long the test takes."""
    (reference,) = await submitted(world, department)
    clock = MovableClock(2_000_000_000.0)  # far from the machine's time: any use of it would show
    worker = make_worker(clock=clock, lease_seconds=120)
    department.app.fail(1, status=503)
    assert await worker.run_once() == 1
    row = await _row(world, reference)
    assert row.state == "pending" and row.attempts == 1
    wait = row.next_attempt_at - clock.time()
    assert FAST.initial <= wait <= FAST.maximum + FAST.jitter  # the back-off, counted from the clock

    assert await worker.run_once() == 0  # not due yet by the clock, though the wall has moved on
    clock.advance(FAST.maximum + FAST.jitter)
    await worker.run_once()  # claims it (the lease is the clock's too) and delivers it
    row = await _row(world, reference)
    assert row.state == "done" and row.attempts == 2
    assert row.updated_at == pytest.approx(clock.time())


async def test_leases_are_counted_from_the_clock(
    world: World, department: Department, make_worker: WorkerFactory
) -> None:
    """A claim's lease ends ``lease`` seconds after the clock's now; a row whose worker died is taken
    again once the clock passes that, and not before."""
    (reference,) = await submitted(world, department)
    clock = MovableClock(2_000_000_000.0)
    dead = make_worker(clock=clock, owner="dead:1", lease_seconds=300)
    other = make_worker(clock=clock, owner="other:1")
    department.app.hold()  # the call never ends: the worker is as good as dead with the row leased
    try:
        assert (await dead.cycle())[0] == 1
        row = await _row(world, reference)
        assert row.state == "in_flight" and row.lease_owner == "dead:1"
        assert row.lease_until >= clock.time() + 300
        assert (await other.cycle())[0] == 0  # still leased by the clock
        clock.advance(row.lease_until - clock.time() + 1)
        assert (await other.cycle())[0] == 1  # expired by the clock: taken again, with the same key
        assert (await _row(world, reference)).lease_owner == "other:1"
    finally:
        department.app.release()
        for worker in (dead, other):
            for task in list(worker._calls):
                task.cancel()
            await asyncio.gather(*worker._calls, return_exceptions=True)


async def test_the_breaker_cools_down_by_the_clock(
    world: World, department: Department, make_worker: WorkerFactory
) -> None:
    """An open circuit stays open until the clock has moved past its cooldown."""
    await submitted(world, department)
    clock = MovableClock(2_000_000_000.0)
    worker = make_worker(clock=clock, breaker_threshold=1, breaker_cooldown=30)
    department.app.fail(1, status=503)
    await worker.run_once()
    assert worker.breakers.state("rest_transport") == "open"
    clock.advance(29)
    assert worker.breakers.state("rest_transport") == "open"
    clock.advance(2)
    assert worker.breakers.state("rest_transport") == "half_open"
