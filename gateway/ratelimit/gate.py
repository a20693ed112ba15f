"""``RateLimits``: the limits the guard applies to each route's rate class, and their background sync."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.platform.clock import Clock
from gateway.platform.policy import RateClass
from gateway.ratelimit.counter import Limit, RateLimited
from gateway.ratelimit.limiters import BatchedLimiter, ExactLimiter
from gateway.settings import Settings

__all__ = ["RateLimits"]

log = logging.getLogger("seva.ratelimit")


class RateLimits:
    """``signin``: exact, per client address; ``api``: batched, per caller (subject or address)."""

    def __init__(self, settings: Settings, engine: AsyncEngine, clock: Clock) -> None:
        self.exact = ExactLimiter(engine, clock.time)
        self.api = BatchedLimiter(
            engine, Limit("api", settings.api_per_minute, 60), settings.ratelimit_sync_seconds, clock.time
        )
        self.signin = Limit("signin", settings.signin_per_minute, 60)

    async def hit(self, rate: RateClass, key: str, ip: str) -> None:
        try:
            if rate == "signin":
                await self.exact.hit([(self.signin, ip)])
            elif rate == "api":
                await self.api.hit(key)
        except RateLimited:
            log.warning(
                "rate limit %s reached by %s", rate, key if key.startswith("ip:") else f"{key} at {ip}"
            )
            raise

    @contextlib.asynccontextmanager
    async def running(self, app: Litestar) -> AsyncIterator[None]:
        """Sync the batched counts while the server runs, and once more when it stops."""
        task = asyncio.create_task(self.api.run())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            with contextlib.suppress(Exception):
                await self.api.sync()
