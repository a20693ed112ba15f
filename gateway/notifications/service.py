"""The notifier the application sends with, and the demo inbox that shows what it sent in demo mode."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.notifications.notifier import Notifier
from gateway.notifications.outbox import recent_messages, sweep_outbox
from gateway.platform.clock import Clock
from gateway.platform.periodic import in_background, repeat
from gateway.platform.problems import NotFound
from schemas.identity_api import DemoMessage

__all__ = ["Notifications"]

log = logging.getLogger("seva.notifier")
_SWEEP_SECONDS = 600.0


class Notifications:
    """The application's ``notifier``, and ``demo_inbox`` (refused outside demo mode)."""

    def __init__(
        self,
        notifier: Notifier,
        engine: AsyncEngine,
        secret: bytes,
        clock: Clock,
        http: httpx.AsyncClient,
        *,
        demo: bool,
    ) -> None:
        self.notifier = notifier
        self.engine = engine
        self.secret = secret
        self.clock = clock
        self.http = http
        self.demo = demo

    async def demo_inbox(self, mobile: str | None) -> list[DemoMessage]:
        if not self.demo:
            raise NotFound()
        found = await recent_messages(self.engine, self.secret, mobile)
        return [
            DemoMessage(
                at=dt.datetime.fromtimestamp(m.created_at, dt.UTC).isoformat(timespec="seconds"),
                to=m.to,
                purpose=m.purpose,
                text=m.text,
            )
            for m in found
        ]

    @contextlib.asynccontextmanager
    async def running(self, app: Litestar) -> AsyncIterator[None]:
        """Sweep old outbox rows while the server runs; close the provider's client when it stops."""
        sweeping = repeat(
            lambda: sweep_outbox(self.engine, self.clock.time()),
            _SWEEP_SECONDS,
            "sweeping old outbox rows",
            log,
        )
        try:
            async with in_background(sweeping):
                yield
        finally:
            await self.http.aclose()
