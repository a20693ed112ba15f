"""Adding to a counter in one statement, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.platform.problems import TooManyRequests
from gateway.ratelimit.tables import RateCounter
from schemas.problem import Message

__all__ = ["Limit", "RateLimited", "add", "purge_expired", "window_of"]

_TABLE = RateCounter.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` hits per ``seconds``; ``name`` says which limit it is (in logs and keys)."""

    name: str
    count: int
    seconds: int


class RateLimited(TooManyRequests):
    """A limit was reached; retry after ``retry_after`` seconds."""

    def __init__(self, limit: Limit, retry_after: int) -> None:
        super().__init__(
            Message(
                en=f"Too many requests; try again in {retry_after} seconds.",
                hi=f"बहुत अधिक अनुरोध; {retry_after} सेकंड बाद फिर प्रयास करें।",
            ),
            headers={"retry-after": str(retry_after)},
        )
        self.limit = limit
        self.retry_after = retry_after


def window_of(limit: Limit, now: float) -> tuple[int, int]:
    """The window containing ``now`` and the whole seconds until it ends (at least 1)."""
    window = int(now // limit.seconds)
    return window, max(1, math.ceil((window + 1) * limit.seconds - now))


async def add(conn: AsyncConnection, bucket: str, window: int, limit: Limit, amount: int) -> int:
    """Add ``amount`` to the counter of ``bucket`` in ``window`` and return its new total.

    ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` is one atomic statement on both databases, so
    processes adding at once never lose a count.
    """
    values = {
        "bucket": bucket,
        "window": window,
        "count": amount,
        "expires_at": float((window + 2) * limit.seconds),
    }
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_TABLE).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_TABLE.c.bucket, _TABLE.c.window],
        set_={"count": _TABLE.c.count + stmt.excluded.count},
    ).returning(_TABLE.c.count)
    return int((await conn.execute(stmt)).scalar_one())


async def purge_expired(conn: AsyncConnection, now: float) -> int:
    """Remove counters of windows that ended a window ago or more."""
    result = await conn.execute(delete(_TABLE).where(_TABLE.c.expires_at < now))
    return int(result.rowcount or 0)
