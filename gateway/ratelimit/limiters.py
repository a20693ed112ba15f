"""The two limiters: exact (a statement per hit) and batched (a statement per key a second)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.ratelimit.counter import Limit, RateLimited, add, purge_expired, window_of
from gateway.ratelimit.tables import RateCounter

__all__ = ["BatchedLimiter", "ExactLimiter"]

log = logging.getLogger("seva.ratelimit")
_TABLE = RateCounter.__table__  # type: ignore[attr-defined]
_ROWS_PER_STATEMENT = 500  # well below SQLite's limit on bound parameters
_PURGE_SECONDS = 60.0


class ExactLimiter:
    """Counts every hit in the database at once, so a limit holds exactly across processes."""

    def __init__(self, engine: AsyncEngine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock

    async def hit(self, checks: Sequence[tuple[Limit, str]]) -> None:
        """Count one hit against each ``(limit, key)`` in one transaction; raise ``RateLimited`` for the
        limit that is exceeded and must be waited for longest."""
        now = self.clock()
        refused: RateLimited | None = None
        async with self.engine.begin() as conn:
            for limit, key in checks:
                window, retry_after = window_of(limit, now)
                total = await add(conn, f"{limit.name}:{key}", window, limit, 1)
                if total > limit.count and (refused is None or retry_after > refused.retry_after):
                    refused = RateLimited(limit, retry_after)
        if refused is not None:
            raise refused


@dataclass(slots=True)
class _Count:
    known: int  # the database's total when last seen, including this process's synced hits
    pending: int = 0  # hits of this process not yet added to the database
    sending: int = 0  # hits being added by a sync under way: still counted until the new total is known


class BatchedLimiter:
    """Counts hits in memory and adds them to the database every ``sync_seconds``.

    A key seen for the first time in a window is read from the database, so a caller refused by one
    process is refused by the next one it tries; read once, however many of its requests arrive together
    (at each new window, every request in flight for a busy key used to wait on a read of its own).
    Between two syncs the processes do not see each other's newest hits: the limit can be passed by at
    most (processes - 1) × rate × ``sync_seconds``.
    """

    def __init__(
        self, engine: AsyncEngine, limit: Limit, sync_seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.limit = limit
        self.sync_seconds = sync_seconds
        self.clock = clock
        self._counts: dict[tuple[str, int], _Count] = {}
        self._loading: dict[tuple[str, int], asyncio.Task[int]] = {}
        self._last_purge = 0.0

    async def hit(self, key: str) -> None:
        window, retry_after = window_of(self.limit, self.clock())
        slot = (f"{self.limit.name}:{key}", window)
        count = self._counts.get(slot)
        if count is None:
            count = self._counts.setdefault(slot, _Count(known=await self._first_load(slot)))
        if count.known + count.sending + count.pending >= self.limit.count:
            raise RateLimited(self.limit, retry_after)
        count.pending += 1

    async def _first_load(self, slot: tuple[str, int]) -> int:
        loading = self._loading.get(slot)
        if loading is None:
            loading = self._loading[slot] = asyncio.ensure_future(self._load(*slot))
            loading.add_done_callback(lambda done: self._loading.pop(slot, None))
        # Shielded: a caller that goes away does not cancel the read the others wait for.
        return await asyncio.shield(loading)

    async def _load(self, bucket: str, window: int) -> int:
        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(_TABLE.c.count).where(_TABLE.c.bucket == bucket, _TABLE.c.window == window)
            )
            return int(found.scalar() or 0)

    async def sync(self) -> None:
        """Add pending hits to the database and learn the totals of the other processes."""
        current, _ = window_of(self.limit, self.clock())
        for slot in [s for s in self._counts if s[1] < current - 1]:
            del self._counts[slot]
        taken = {slot: count.pending for slot, count in self._counts.items() if count.pending}
        for slot, amount in taken.items():
            self._counts[slot].pending = 0
            self._counts[slot].sending += amount
        try:
            totals = await self._add(taken) if taken else {}
        except Exception:
            for slot, amount in taken.items():  # keep them for the next sync
                self._counts[slot].sending -= amount
                self._counts[slot].pending += amount
            raise
        for slot, amount in taken.items():
            count = self._counts[slot]  # only sync removes slots, and one sync runs at a time
            count.sending -= amount
            count.known = max(count.known, totals.get(slot, count.known + amount))
        if self.clock() - self._last_purge > _PURGE_SECONDS:
            self._last_purge = self.clock()
            async with self.engine.begin() as conn:
                await purge_expired(conn, self.clock())

    async def _add(self, taken: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
        totals: dict[tuple[str, int], int] = {}
        rows = [
            {"bucket": b, "window": w, "count": n, "expires_at": float((w + 2) * self.limit.seconds)}
            for (b, w), n in taken.items()
        ]
        async with self.engine.begin() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            for start in range(0, len(rows), _ROWS_PER_STATEMENT):
                stmt = dialect.insert(_TABLE).values(rows[start : start + _ROWS_PER_STATEMENT])
                stmt = stmt.on_conflict_do_update(
                    index_elements=[_TABLE.c.bucket, _TABLE.c.window],
                    set_={"count": _TABLE.c.count + stmt.excluded.count},
                ).returning(_TABLE.c.bucket, _TABLE.c.window, _TABLE.c.count)
                for bucket, window, total in await conn.execute(stmt):
                    totals[(bucket, window)] = int(total)
        return totals

    async def run(self) -> None:
        """Sync every ``sync_seconds`` until cancelled; a failed sync is logged and tried again.
        Call ``sync`` once more after cancelling, so the last hits are not lost."""
        while True:
            await asyncio.sleep(self.sync_seconds)
            try:
                await self.sync()
            except Exception as exc:  # the database may be briefly away; the counts wait for it
                log.warning("rate limit counts not synced: %s", type(exc).__name__)
