"""Work that runs in rounds while the server runs: housekeeping every so often (sweeping expired codes,
ended sessions, old outbox rows), and watchers that claim a batch a round until a stop is asked. A failed
round is logged and the next one tries again."""

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


async def watch_rounds(
    round_once: Callable[[], Awaitable[int]],
    batch: int,
    idle_seconds: float,
    stop: asyncio.Event,
    what: str,
    log: logging.Logger,
) -> None:
    """Run rounds until ``stop`` is set: straight on while a round fills its batch (more is due), else
    after ``idle_seconds`` or the stop, whichever comes first."""
    while not stop.is_set():
        try:
            busy = await round_once()
        except Exception:
            log.exception("%s round failed; trying again", what)
            busy = 0
        if busy < batch:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), idle_seconds)


async def rounds_until_done(round_once: Callable[[], Awaitable[int]], batch: int) -> int:
    """Rounds until one does not fill its batch; how many items all of them acted on."""
    total = 0
    while True:
        done = await round_once()
        total += done
        if done < batch:
            return total


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
