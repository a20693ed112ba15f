"""Rows that can no longer matter are swept: old codes, dead refresh tokens, the outbox, spent counters."""

from __future__ import annotations

import time

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.identity.housekeeping import sweep
from gateway.identity.tables import OtpChallenge, RefreshToken
from gateway.notifications.outbox import sweep_outbox
from gateway.notifications.tables import OutboxMessage
from gateway.ratelimit.counter import Limit, add, purge_expired
from gateway.ratelimit.tables import RateCounter

DAY = 24 * 3600


async def _count(engine: AsyncEngine, table: object) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_sweep_removes_what_expired_over_a_day_ago_and_keeps_the_rest(engine: AsyncEngine) -> None:
    """A code, a refresh token and a message older than a day go; recent ones stay."""
    now = time.time()
    otp, refresh, outbox = (t.__table__ for t in (OtpChallenge, RefreshToken, OutboxMessage))  # type: ignore[attr-defined]
    async with engine.begin() as conn:
        for n, age in enumerate((2 * DAY, 60)):
            await conn.execute(
                insert(otp).values(
                    id=f"{n:032d}",
                    login_hash="h",
                    code_hash="c",
                    state="open",
                    attempts=0,
                    max_attempts=3,
                    created_at=now - age,
                    expires_at=now - age + 300,
                )
            )
            await conn.execute(
                insert(refresh).values(
                    id=f"{n:032d}",
                    chain_id="c",
                    secret_hash="s",
                    member_id="100000011",
                    family_id="10000001",
                    created_at=now - age,
                    expires_at=now - age + 60,
                )
            )
            await conn.execute(
                insert(outbox).values(
                    created_at=now - age, mobile_masked="******0001", mobile_hash="h", purpose="otp"
                )
            )
    assert await sweep(engine, now) == 2
    assert await sweep_outbox(engine, now) == 1
    assert [await _count(engine, t) for t in (otp, refresh, outbox)] == [1, 1, 1]


async def test_spent_rate_counters_are_purged(engine: AsyncEngine) -> None:
    """Counters of windows that ended a window ago go; the current window's stay."""
    limit = Limit("t", 10, 60)
    now = 1_000_000_020.0
    async with engine.begin() as conn:
        await add(conn, "old", int(now // 60) - 3, limit, 1)
        await add(conn, "current", int(now // 60), limit, 1)
        assert await purge_expired(conn, now) == 1
    assert await _count(engine, RateCounter.__table__) == 1  # type: ignore[attr-defined]
