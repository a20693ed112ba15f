"""Rate limits shared through the database: the exact and the batched limiter, alone, in the application,
and across two server processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.database import create_engine
from gateway.ratelimit.counter import Limit, RateLimited
from gateway.ratelimit.limiters import BatchedLimiter, ExactLimiter
from gateway.ratelimit.tables import RateCounter
from tests.conftest import InProcessServer, LiveServer

WINDOW = 60
T = TypeVar("T")


def in_one_window(attempt: Callable[[str], T]) -> T:
    """Run ``attempt(address)`` until one run starts and ends inside one fixed window of the limits.

    The servers are real processes on the machine's clock, which no test can move: a run that the end of
    a window cut in two is repeated at once from another loopback address, a caller no limit has seen."""
    for n in range(2, 6):
        window = time.time() // WINDOW
        result = attempt(f"127.0.0.{n}")
        if time.time() // WINDOW == window:
            return result
    raise AssertionError("every run was cut in two by the end of a window")


def _from(server: LiveServer, address: str) -> httpx.Client:
    """A client of ``server`` whose requests come from ``address`` (any of 127.0.0.0/8)."""
    return server.client(transport=httpx.HTTPTransport(local_address=address))


def wait_until_counted(db_url: str, bucket: str, hits: int, within: float = 60.0) -> None:
    """Wait until a server process has written ``hits`` hits of ``bucket`` to the database."""
    table = RateCounter.__table__  # type: ignore[attr-defined]

    async def counted() -> int:
        engine = create_engine(db_url)
        try:
            async with engine.connect() as conn:
                found = await conn.execute(select(table.c.count).where(table.c.bucket == bucket))
                return sum(int(n) for n in found.scalars())  # over every window
        finally:
            await engine.dispose()

    deadline = time.monotonic() + within
    while asyncio.run(counted()) < hits:
        if time.monotonic() > deadline:
            raise AssertionError(f"{bucket}: {hits} hits not synced within {within} s")
        time.sleep(0.05)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class TestExactLimiter:
    async def test_the_hit_over_the_limit_is_refused_with_the_wait(self, engine: AsyncEngine) -> None:
        """Three hits pass, the fourth is refused with the seconds left in the window."""
        clock = Clock(6_000_000.0 + 15)
        limiter = ExactLimiter(engine, clock)
        limit = Limit("t", 3, 60)
        for _ in range(3):
            await limiter.hit([(limit, "k")])
        with pytest.raises(RateLimited) as refused:
            await limiter.hit([(limit, "k")])
        assert refused.value.retry_after == 45
        clock.now += 45
        await limiter.hit([(limit, "k")])  # a new window

    async def test_two_limiters_on_one_database_share_the_count(
        self, db_url: str, engine: AsyncEngine
    ) -> None:
        """Hits counted through two engines (as two processes would) add up exactly."""
        other = create_engine(db_url)
        try:
            first, second = ExactLimiter(engine), ExactLimiter(other)
            limit = Limit("shared", 4, 3600)
            for limiter in (first, second, first, second):
                await limiter.hit([(limit, "k")])
            with pytest.raises(RateLimited):
                await second.hit([(limit, "k")])
        finally:
            await other.dispose()

    async def test_the_longest_wait_is_reported(self, engine: AsyncEngine) -> None:
        """When two limits are exceeded at once, Retry-After is the longer wait."""
        limiter = ExactLimiter(engine, Clock(7_200_000.0))
        short, long = Limit("short", 1, 30), Limit("long", 1, 3600)
        await limiter.hit([(short, "k"), (long, "k")])
        with pytest.raises(RateLimited) as refused:
            await limiter.hit([(short, "k"), (long, "k")])
        assert refused.value.limit == long and refused.value.retry_after == 3600


class TestBatchedLimiter:
    async def test_counts_reach_the_database_and_the_other_process(
        self, db_url: str, engine: AsyncEngine
    ) -> None:
        """Synced hits count in every process; between syncs a process may let one sync's worth through."""
        clock = Clock(9_000_000.0 + 5)
        other_engine = create_engine(db_url)
        try:
            first = BatchedLimiter(engine, Limit("api", 5, 60), 1.0, clock)
            second = BatchedLimiter(other_engine, Limit("api", 5, 60), 1.0, clock)
            for _ in range(4):
                await first.hit("ip:1")
            await first.sync()
            await second.hit("ip:1")  # learns 4 from the database, adds its fifth
            with pytest.raises(RateLimited):
                await second.hit("ip:1")
            await second.sync()
            await first.hit("ip:1")  # until its next sync, the first process has not seen the fifth hit
            await first.sync()
            with pytest.raises(RateLimited):
                await first.hit("ip:1")  # the sync brought back the total, 6
        finally:
            await other_engine.dispose()

    async def test_requests_arriving_together_read_the_count_once(self, engine: AsyncEngine) -> None:
        """The first hits of a key in a window, arriving together, wait on one read of the database's
        total, and every one of them counts against it."""
        clock = Clock(9_050_000.0)
        other = BatchedLimiter(engine, Limit("api", 10, 60), 1.0, clock)
        for _ in range(3):
            await other.hit("ip:9")
        await other.sync()  # another process's three hits, in the database
        limiter = BatchedLimiter(engine, Limit("api", 10, 60), 1.0, clock)
        reads: list[str] = []
        load = limiter._load

        async def counted_load(bucket: str, window: int) -> int:
            reads.append(bucket)
            return await load(bucket, window)

        limiter._load = counted_load  # type: ignore[method-assign]
        outcomes = await asyncio.gather(*(limiter.hit("ip:9") for _ in range(15)), return_exceptions=True)
        assert reads == ["api:ip:9"]
        assert sum(outcome is None for outcome in outcomes) == 7
        assert all(isinstance(o, RateLimited) for o in outcomes if o is not None)

    async def test_a_failed_sync_keeps_the_counts(self, engine: AsyncEngine) -> None:
        """Counts that could not be written are written by the next sync."""
        clock = Clock(9_100_000.0)
        limiter = BatchedLimiter(engine, Limit("api", 100, 60), 1.0, clock)
        for _ in range(3):
            await limiter.hit("ip:2")
        limiter.engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")  # refused
        with pytest.raises(Exception):  # noqa: B017 - any database error will do
            await limiter.sync()
        await limiter.engine.dispose()
        limiter.engine = engine
        await limiter.sync()
        assert await limiter._load("api:ip:2", int(clock.now // 60)) == 3

    async def test_hits_being_synced_still_count(self, engine: AsyncEngine) -> None:
        """While a sync is writing a process's hits, those hits still count against the caller: a request
        arriving during the sync's round trip is refused, not let through."""
        clock = Clock(9_200_000.0)
        limiter = BatchedLimiter(engine, Limit("api", 3, 60), 1.0, clock)
        for _ in range(3):
            await limiter.hit("ip:3")
        writing, finish = asyncio.Event(), asyncio.Event()
        add = limiter._add

        async def slow_add(taken: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
            writing.set()
            await finish.wait()
            return await add(taken)

        limiter._add = slow_add  # type: ignore[method-assign]
        syncing = asyncio.create_task(limiter.sync())
        await writing.wait()
        with pytest.raises(RateLimited):
            await limiter.hit("ip:3")  # the three hits are on their way to the database
        finish.set()
        await syncing
        with pytest.raises(RateLimited):
            await limiter.hit("ip:3")  # and once there, the database's total holds them
        assert await limiter._load("api:ip:3", int(clock.now // 60)) == 3


def _env(db_url: str, **more: str) -> dict[str, str]:
    return {"SEVA_DATABASE_URL": db_url, "SEVA_SECRET_KEY": "t" * 40, **more}


class TestAcrossServers:
    def test_sign_in_flood_is_limited_exactly_across_two_processes(
        self, db_url: str, server_factory: Callable[..., LiveServer]
    ) -> None:
        """Five sign-in calls spread over two servers pass; the sixth, on either, gets 429 and Retry-After."""
        first = server_factory(_env(db_url, SEVA_SIGNIN_PER_MINUTE="5"))
        second = server_factory(_env(db_url, SEVA_SIGNIN_PER_MINUTE="5"))

        def flood(address: str) -> list[httpx.Response]:
            with _from(first, address) as a, _from(second, address) as b:
                return [
                    client.post("/api/v1/auth/otp", json={"login": f"98765{n:05d}"})
                    for n, client in enumerate((a, b, a, b, a, b, a))
                ]

        answers = in_one_window(flood)
        assert [a.status_code for a in answers] == [202, 202, 202, 202, 202, 429, 429]
        refused = answers[5]
        assert refused.json()["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60

    def test_api_limit_is_shared_across_two_processes(
        self, db_url: str, server_factory: Callable[..., LiveServer]
    ) -> None:
        """A caller that used up the API limit on one server is refused by the other after one sync."""
        env = _env(db_url, SEVA_API_PER_MINUTE="8", SEVA_RATELIMIT_SYNC_SECONDS="0.2")
        first, second = server_factory(env), server_factory(env)

        def use_up(address: str) -> tuple[list[int], httpx.Response, httpx.Response]:
            with _from(first, address) as a, _from(second, address) as b:
                passed = [a.get("/api/v1/departments").status_code for _ in range(8)]
                over = a.get("/api/v1/departments")
                wait_until_counted(db_url, f"api:ip:{address}", 8)  # the first server's sync
                return passed, over, b.get("/api/v1/departments")

        passed, over, elsewhere = in_one_window(use_up)
        assert passed == [200] * 8
        assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
        assert elsewhere.status_code == 429 and elsewhere.json()["code"] == "rate_limited"


class TestInTheApplication:
    def test_a_flood_of_bad_tokens_is_rate_limited(
        self, db_url: str, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """Refused tokens count against the caller's address, so a flood of them ends in 429."""
        server = app_factory(_env(db_url, SEVA_API_PER_MINUTE="5"))
        with server.client() as client:
            codes = [
                client.get("/api/v1/services", headers={"authorization": "Bearer a.b.c"}).status_code
                for _ in range(7)
            ]
        assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]

    def test_health_is_not_limited(self, db_url: str, app_factory: Callable[..., InProcessServer]) -> None:
        """Operations endpoints declare no limit: a load balancer may poll them freely."""
        server = app_factory(_env(db_url, SEVA_API_PER_MINUTE="2"))
        with server.client() as client:
            assert {client.get("/health").status_code for _ in range(6)} == {200}
