"""Housekeeping that runs every so often while the server runs (sweeping expired codes, ended sessions,
old outbox rows): a failed round is logged and the next one tries again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any


async def repeat(work: Callable[[], Awaitable[object]], every: float, what: str, log: logging.Logger) -> None:
    """Run ``work`` now and then every ``every`` seconds, forever."""
    while True:
        try:
            await work()
        except Exception as exc:  # the next round will do it
            log.warning("%s failed: %s", what, type(exc).__name__)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def in_background(job: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run ``job`` as a task for the duration of the ``async with``, and cancel it at the end."""
    task = asyncio.create_task(job)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
