"""Taking deliveries off the queue, and putting them back, with leases that survive crashes.

``claim`` moves up to ``limit`` due rows to ``in_flight`` under this worker's name until ``lease_until``,
in one ``UPDATE ... RETURNING``. A row is due when it is ``pending`` and its ``next_attempt_at`` has come,
or when it is ``in_flight`` under a lease that expired (its worker died). On PostgreSQL the candidate rows
are chosen with ``FOR UPDATE SKIP LOCKED``, so concurrent workers never wait for or take the same row;
SQLite has one writer at a time, so the statement alone is enough.

Every later change is fenced: it applies only while the row is still ``in_flight`` under this worker's
lease, so a worker that lost its lease cannot overwrite what the new holder did.

Polls are leased the same way: ``claim_polls`` pushes ``poll_at`` past the time a status call can take,
and ``rearm_poll`` sets the next poll only while that lease is still the row's ``poll_at``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.database import is_postgres
from gateway.delivery.tables import Delivery

__all__ = ["DELIVERIES", "Claimed", "DeliveryQueue", "PollClaim", "enqueue"]

DELIVERIES = Delivery.__table__  # type: ignore[attr-defined]
_D = DELIVERIES.c


@dataclass(frozen=True, slots=True)
class PollClaim:
    """A delivered application taken to be polled; its ``poll_at`` is ``lease_until`` while it is asked."""

    reference: str
    adapter: str
    lease_until: float


@dataclass(frozen=True, slots=True)
class Claimed:
    reference: str
    adapter: str
    idempotency_key: str
    attempts: int


class DeliveryQueue:
    def __init__(self, engine: AsyncEngine, owner: str, lease_seconds: float) -> None:
        self.engine = engine
        self.owner = owner
        self.lease_seconds = lease_seconds
        self.postgres = is_postgres(engine)

    async def claim(self, limit: int, skip_adapters: Sequence[str] = ()) -> list[Claimed]:
        async with self.engine.begin() as conn:
            return await self.claim_in(conn, limit, skip_adapters)

    async def claim_in(
        self, conn: AsyncConnection, limit: int, skip_adapters: Sequence[str] = ()
    ) -> list[Claimed]:
        """``claim`` in the caller's transaction, so the caller can read what it claimed before committing."""
        now = time.time()
        due = or_(
            and_(_D.state == "pending", _D.next_attempt_at <= now),
            and_(_D.state == "in_flight", _D.lease_until < now),
        )
        candidates = select(_D.reference).where(due).order_by(_D.next_attempt_at).limit(limit)
        if skip_adapters:
            candidates = candidates.where(_D.adapter.not_in(list(skip_adapters)))
        if self.postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        statement = (
            update(DELIVERIES)
            .where(_D.reference.in_(candidates.scalar_subquery()))
            .values(
                state="in_flight",
                lease_owner=self.owner,
                lease_until=now + self.lease_seconds,
                attempts=_D.attempts + 1,
                updated_at=now,
            )
            .returning(_D.reference, _D.adapter, _D.idempotency_key, _D.attempts)
        )
        rows = (await conn.execute(statement)).all()
        return [Claimed(*row) for row in rows]

    def _mine(self, reference: str) -> Any:
        return and_(_D.reference == reference, _D.state == "in_flight", _D.lease_owner == self.owner)

    async def release(self, conn: AsyncConnection, item: Claimed, *, at: float) -> bool:
        """Give a claimed row back untried (the attempt is not counted)."""
        return await self._set(
            conn, item, state="pending", attempts=_D.attempts - 1, next_attempt_at=at, lease_owner=None,
            lease_until=None,
        )  # fmt: skip

    async def retry(self, conn: AsyncConnection, item: Claimed, *, at: float, error: str) -> bool:
        return await self._set(
            conn, item, state="pending", next_attempt_at=at, lease_owner=None, lease_until=None,
            last_error=error[:1000],
        )  # fmt: skip

    async def done(self, conn: AsyncConnection, item: Claimed, *, poll_at: float | None) -> bool:
        return await self._set(
            conn, item, state="done", lease_owner=None, lease_until=None, last_error=None, poll_at=poll_at
        )

    async def fail(self, conn: AsyncConnection, item: Claimed, *, error: str) -> bool:
        return await self._set(
            conn, item, state="failed", lease_owner=None, lease_until=None, last_error=error[:1000]
        )

    async def _set(self, conn: AsyncConnection, item: Claimed, **values: Any) -> bool:
        """Apply ``values`` if the lease is still ours; False when another worker has taken the row."""
        result = await conn.execute(
            update(DELIVERIES).where(self._mine(item.reference)).values(updated_at=time.time(), **values)
        )
        return bool(result.rowcount)

    async def claim_polls(self, limit: int, lease: float) -> list[PollClaim]:
        """Delivered rows whose status is due to be asked, each leased for ``lease`` seconds as it is taken.

        The lease must outlast a status call (the adapter's timeouts), so that no other worker asks about
        the same application meanwhile; ``rearm_poll`` sets the next poll once the call is over, and a
        worker that dies mid-call leaves the row to be polled again when its lease runs out.
        """
        now = time.time()
        until = now + lease
        candidates = (
            select(_D.reference)
            .where(_D.state == "done", _D.poll_at <= now)
            .order_by(_D.poll_at)
            .limit(limit)
        )
        if self.postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        statement = (
            update(DELIVERIES)
            .where(_D.reference.in_(candidates.scalar_subquery()))
            .values(poll_at=until, updated_at=now)
            .returning(_D.reference, _D.adapter, _D.poll_at)
        )
        async with self.engine.begin() as conn:
            return [PollClaim(*row) for row in (await conn.execute(statement)).all()]

    async def rearm_poll(self, conn: AsyncConnection, claim: PollClaim, *, at: float) -> bool:
        """Poll again at ``at`` if the row still holds our poll lease (nobody stopped or took the polling)."""
        result = await conn.execute(
            update(DELIVERIES)
            .where(_D.reference == claim.reference, _D.state == "done", _D.poll_at == claim.lease_until)
            .values(poll_at=at, updated_at=time.time())
        )
        return bool(result.rowcount)

    async def stop_polling(self, conn: AsyncConnection, reference: str) -> None:
        await conn.execute(update(DELIVERIES).where(_D.reference == reference).values(poll_at=None))


async def enqueue(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Put new deliveries on the queue in the caller's transaction (the one writing their applications)."""
    if rows:
        await conn.execute(insert(DELIVERIES), rows)
