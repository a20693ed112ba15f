"""Which rows a claim takes: the oldest due of both kinds (pending and come due, or leased by a worker
whose lease ran out), at most the claim's number and each adapter's cap, on a real database."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.delivery.queue import DELIVERIES, ClaimPlan, DeliveryQueue
from gateway.platform.clock import MovableClock

NOW = 1_800_000_000.0
# reference: (adapter, state, next_attempt_at, lease_until), times in seconds before (-) or after now
ROWS = {
    "P-10": ("a", "pending", -90, None),
    "B-15": ("b", "pending", -85, None),
    "X-20": ("a", "in_flight", -80, -50),  # its worker died: the lease ran out
    "B-25": ("b", "pending", -75, None),
    "P-30": ("a", "pending", -70, None),
    "X-05": ("a", "in_flight", -95, 400),  # leased, still held
    "P-LATER": ("a", "pending", 100, None),  # not due yet
}


async def _queue(engine: AsyncEngine) -> DeliveryQueue:
    rows = [
        {"reference": reference, "adapter": adapter, "department": "d", "idempotency_key": f"k-{reference}",
         "state": state, "attempts": 0, "next_attempt_at": NOW + due, "created_at": NOW, "updated_at": NOW,
         "lease_until": None if lease is None else NOW + lease, "lease_owner": "w" if lease else None}
        for reference, (adapter, state, due, lease) in ROWS.items()
    ]  # fmt: skip
    async with engine.begin() as conn:
        await conn.execute(insert(DELIVERIES), rows)
    return DeliveryQueue(engine, "tester:1", lease_seconds=60, clock=MovableClock(NOW))


async def _claimed(engine: AsyncEngine, queue: DeliveryQueue, limit: int, plan: ClaimPlan) -> list[str]:
    """What a claim would take, in a transaction rolled back afterwards."""
    async with engine.connect() as conn:
        await conn.begin()
        claimed = await queue.claim_in(conn, limit, plan)
        await conn.rollback()
    return sorted(item.reference for item in claimed)


async def test_the_oldest_due_rows_of_both_kinds_are_claimed(db_engine: AsyncEngine) -> None:
    queue = await _queue(db_engine)
    assert await _claimed(db_engine, queue, 3, ClaimPlan()) == ["B-15", "P-10", "X-20"]
    assert await _claimed(db_engine, queue, 10, ClaimPlan()) == ["B-15", "B-25", "P-10", "P-30", "X-20"]
    assert await _claimed(db_engine, queue, 10, ClaimPlan(skip=["a"])) == ["B-15", "B-25"]


async def test_caps_hold_and_caps_a_claim_cannot_reach_change_nothing(db_engine: AsyncEngine) -> None:
    queue = await _queue(db_engine)
    capped = ClaimPlan(caps={"b": 1, "a": 9}, default_cap=9)
    assert await _claimed(db_engine, queue, 4, capped) == ["B-15", "P-10", "P-30", "X-20"]
    assert await _claimed(db_engine, queue, 4, ClaimPlan(caps={"a": 1}, default_cap=9)) == [
        "B-15",
        "B-25",
        "P-10",
    ]
    # Caps of at least the claim's number: the same rows as without them.
    wide = ClaimPlan(caps={"a": 3, "b": 5}, default_cap=3)
    assert await _claimed(db_engine, queue, 3, wide) == await _claimed(db_engine, queue, 3, ClaimPlan())
    # The claim itself moves them on, each under this worker's lease.
    (item,) = await queue.claim(1, wide)
    assert (item.reference, item.attempts, item.lease_until) == ("P-10", 1, NOW + 60)


async def test_done_moves_on_only_the_rows_still_leased_to_this_worker(db_engine: AsyncEngine) -> None:
    """One row or many (two statements), a row another worker took meanwhile is left to it."""
    queue = await _queue(db_engine)
    claimed = await queue.claim(3)
    async with db_engine.begin() as conn:  # the first one's lease ran out and another worker took it
        taken = DELIVERIES.c.reference == claimed[0].reference
        await conn.execute(update(DELIVERIES).where(taken).values(lease_owner="other"))
    async with db_engine.begin() as conn:
        assert await queue.done_many(conn, claimed[:1], poll_at=None) == set()
        assert await queue.done_many(conn, claimed[1:2], poll_at=None) == {claimed[1].reference}
        assert await queue.done_many(conn, claimed, poll_at=None) == {claimed[2].reference}
    async with db_engine.connect() as conn:
        states = dict((await conn.execute(select(DELIVERIES.c.reference, DELIVERIES.c.state))).all())
    assert [states[item.reference] for item in claimed] == ["in_flight", "done", "done"]
