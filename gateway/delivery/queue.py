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

A ``ClaimPlan`` shapes a claim to the worker's bulkheads: adapters to skip (their lane is full or their
circuit open), how many rows of each adapter it may take (the free places in that department's lane),
and each adapter's lease, which the worker derives from the adapter's longest call. The plan is applied
in the same single statement, with a window function over the oldest due rows, so one department's
backlog takes no more than its free places and never crowds out another department's work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from family_registry.reads import Statement
from gateway.database import is_postgres
from gateway.delivery.tables import Delivery
from gateway.platform.clock import Clock, SystemClock
from gateway.transactions import Step, compile_step, insert_many

__all__ = ["DELIVERIES", "DONE_ONE", "ClaimPlan", "Claimed", "DeliveryQueue", "PollClaim", "enqueue"]

DELIVERIES = Delivery.__table__  # type: ignore[attr-defined]
_D = DELIVERIES.c
_NOW = bindparam("q_now", type_=Float())
_SHAPES = 64  # claim statements kept per queue


def _binding(plan: ClaimPlan, limit: int) -> ClaimPlan:
    """``plan`` without the caps a claim of at most ``limit`` rows cannot reach: with none left, the claim
    needs no ranking of the rows by adapter (a window function over the window of due rows, the most of
    a lone delivery's claim on SQLite)."""
    caps = {code: cap for code, cap in plan.caps.items() if cap < limit}
    default_cap = plan.default_cap if plan.default_cap is not None and plan.default_cap < limit else None
    if len(caps) == len(plan.caps) and default_cap == plan.default_cap:
        return plan
    return replace(plan, caps=caps, default_cap=default_cap)


def _shape(plan: ClaimPlan) -> tuple[Any, ...]:
    """What a plan's claim statement is built from; the numbers are bound when it runs (``_values``)."""
    caps, leases = tuple(sorted(plan.caps)), tuple(sorted(plan.leases))
    return (tuple(sorted(plan.skip)), caps, plan.default_cap is None, leases)


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
    lease_until: float = float("inf")
    also: tuple[Any, ...] = ()  # what the claim was asked to return besides (``claim_in``'s ``also``)


@dataclass(frozen=True, slots=True)
class ClaimPlan:
    """What one claim may take: no rows of ``skip``; at most ``caps[adapter]`` rows of an adapter (else
    ``default_cap``; ``None``: no cap); leases of ``leases[adapter]`` seconds (else ``default_lease``, else
    the queue's ``lease_seconds``)."""

    skip: Sequence[str] = ()
    caps: Mapping[str, int] = field(default_factory=dict)
    default_cap: int | None = None
    leases: Mapping[str, float] = field(default_factory=dict)
    default_lease: float | None = None


def _done(which: ColumnElement[bool]) -> Any:
    """The statement every successful delivery goes through, for the rows ``which`` names (built once; the
    values are bound at each call)."""
    return (
        update(DELIVERIES)
        .where(which, _D.state == "in_flight", _D.lease_owner == bindparam("q_owner", type_=String()))
        .values(
            state="done", lease_owner=None, lease_until=None, last_error=None,
            poll_at=bindparam("q_poll_at", type_=Float()), updated_at=_NOW,
        )
        .returning(_D.reference)
    )  # fmt: skip


_DONE_MANY = _done(_D.reference.in_(bindparam("q_references", expanding=True)))
# One row (a lone delivery): an expanding IN is rewritten at every call, which costs more than running it.
DONE_ONE = _done(_D.reference == bindparam("q_references", type_=String()))


class DeliveryQueue:
    def __init__(
        self, engine: AsyncEngine, owner: str, lease_seconds: float, *, clock: Clock | None = None
    ) -> None:
        """``clock``: what "now" is for due rows, leases and the rows' times; the machine's by default."""
        self.engine = engine
        self.clock = clock or SystemClock()
        self.owner = owner
        self.lease_seconds = lease_seconds
        self.postgres = is_postgres(engine)
        # Claim statements built for each shape of plan (the adapters it names): building one costs more
        # than running it, and a worker meets few shapes. Their values are bound at each claim.
        self._statements: dict[tuple[Any, ...], Any] = {}
        self._kept: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        # The claim statements compiled for the driver (``claim_step``), by the id of the statement kept.
        self._compiled: dict[int, tuple[Any, Statement]] = {}
        self.dialect = engine.dialect

    async def claim(self, limit: int, plan: ClaimPlan | None = None) -> list[Claimed]:
        async with self.engine.begin() as conn:
            return await self.claim_in(conn, limit, plan)

    async def claim_in(
        self, conn: AsyncConnection, limit: int, plan: ClaimPlan | None = None, *, also: Sequence[Any] = ()
    ) -> list[Claimed]:
        """``claim`` in the caller's transaction. ``also``: expressions to return with each claimed row (the
        worker reads the application with correlated subqueries, in the same statement)."""
        statement, values = self._claim(limit, plan, also)
        return self.claimed((await conn.execute(statement, values)).all())

    def claim_step(self, limit: int, plan: ClaimPlan | None = None, *, also: Sequence[Any] = ()) -> Step:
        """``claim_in``'s statement compiled for the driver, with its arguments, for
        ``Transactions.fenced`` (compiled once for each shape of plan); ``claimed`` reads its rows."""
        statement, values = self._claim(limit, plan, also)
        compiled = self._compiled.get(id(statement))
        if compiled is None or compiled[0] is not statement:
            compiled = self._compiled[id(statement)] = (statement, compile_step(statement, self.dialect))
            while len(self._compiled) > _SHAPES:
                del self._compiled[next(iter(self._compiled))]
        return compiled[1].sql, compiled[1].arguments(values)

    @staticmethod
    def claimed(rows: Sequence[Sequence[Any]]) -> list[Claimed]:
        return [Claimed(row[0], row[1], row[2], row[3], row[4], also=tuple(row[5:])) for row in rows]

    def _claim(self, limit: int, plan: ClaimPlan | None, also: Sequence[Any]) -> tuple[Any, dict[str, Any]]:
        """The claim statement for this shape of plan (built once), and its values now."""
        plan = _binding(plan or ClaimPlan(), limit)
        shape = ("claim", limit, _shape(plan), tuple(id(expression) for expression in also))
        statement = self._statements.get(shape)
        if statement is None:
            # Two kinds of due rows: the choice looks at each apart (``_chosen``).
            due = (
                and_(_D.state == "pending", _D.next_attempt_at <= _NOW),
                and_(_D.state == "in_flight", _D.lease_until < _NOW),
            )
            chosen = self._chosen(due, _D.next_attempt_at, plan, limit).scalar_subquery()
            statement = self._keep(
                shape,
                update(DELIVERIES)
                .where(_D.reference.in_(chosen))
                .values(
                    state="in_flight",
                    lease_owner=bindparam("q_owner", type_=String()),
                    lease_until=_NOW + self._lease(plan),
                    attempts=_D.attempts + 1,
                    updated_at=_NOW,
                )
                .returning(_D.reference, _D.adapter, _D.idempotency_key, _D.attempts, _D.lease_until, *also),
                also,
            )
        return statement, {**self._values(plan), "q_owner": self.owner}

    def _keep(self, shape: tuple[Any, ...], statement: Any, *keep: Any) -> Any:
        """Keep a built statement for plans of this shape (with ``keep``, whose ids are in the shape)."""
        self._statements[shape] = statement
        self._kept[shape] = keep
        while len(self._statements) > _SHAPES:
            oldest = next(iter(self._statements))
            del self._statements[oldest], self._kept[oldest]
        return statement

    def _values(self, plan: ClaimPlan) -> dict[str, Any]:
        """The values of a plan for the statement its shape built (see ``_shape``), and now."""
        values: dict[str, Any] = {
            "q_now": self.clock.time(),
            "q_default_lease": plan.default_lease if plan.default_lease is not None else self.lease_seconds,
        }
        values.update({f"q_cap_{i}": plan.caps[code] for i, code in enumerate(sorted(plan.caps))})
        values.update({f"q_lease_{i}": plan.leases[code] for i, code in enumerate(sorted(plan.leases))})
        if plan.default_cap is not None:
            values["q_default_cap"] = plan.default_cap
        return values

    def _lease(self, plan: ClaimPlan) -> ColumnElement[Any]:
        default = bindparam("q_default_lease", type_=Float())
        if not plan.leases:
            return default
        whens = {code: bindparam(f"q_lease_{i}", type_=Float()) for i, code in enumerate(sorted(plan.leases))}
        return case(whens, value=_D.adapter, else_=default)

    def _chosen(
        self, due: Sequence[ColumnElement[bool]], order: Any, plan: ClaimPlan, limit: int
    ) -> Select[Any]:
        """The references to claim: the oldest rows due by any of ``due``, at most ``limit``, shaped by
        ``plan``.

        Each kind of due row is taken in ``order`` on its own, at most the window's number of them, and the
        oldest of those are kept: each is a walk along an index (``state``, then the time) that stops at the
        window, where one condition joined by OR read every due row and sorted them all, a cost that grew
        with the backlog.

        On PostgreSQL only the rows chosen are locked (``SKIP LOCKED``: those another worker holds are left
        to it), and they are checked to be still due, since the choice was made without locks.
        """
        capped = plan.default_cap is not None or bool(plan.caps)
        window = max(4 * limit, 64) if capped else limit
        kinds = []
        for condition in due:
            kind = select(_D.reference, _D.adapter, order.label("due_at")).where(condition)
            if plan.skip:
                # Each a bound value of its own, not an expanding list: the statement compiles once.
                kind = kind.where(_D.adapter.not_in([literal(code) for code in sorted(plan.skip)]))
            kinds.append(kind.order_by(order).limit(window).subquery())
        if len(kinds) == 1:
            rows = kinds[0]
        else:
            union = union_all(*(select(k.c.reference, k.c.adapter, k.c.due_at) for k in kinds)).subquery()
            oldest = select(union.c.reference, union.c.adapter, union.c.due_at).order_by(union.c.due_at)
            rows = oldest.limit(window).subquery()
        if not capped:
            chosen = select(rows.c.reference)
        else:
            # A window of the oldest due rows, ranked within each adapter, trimmed to each adapter's cap.
            rank = func.row_number().over(partition_by=rows.c.adapter, order_by=rows.c.due_at)
            ranked = select(rows.c.reference, rows.c.due_at, rows.c.adapter, rank.label("rank")).subquery()
            default: Any = literal(limit)
            if plan.default_cap is not None:
                default = bindparam("q_default_cap", type_=Integer())
            codes = enumerate(sorted(plan.caps))
            whens = {code: bindparam(f"q_cap_{i}", type_=Integer()) for i, code in codes}
            cap: Any = case(whens, value=ranked.c.adapter, else_=default) if plan.caps else default
            chosen = (
                select(ranked.c.reference).where(ranked.c.rank <= cap).order_by(ranked.c.due_at).limit(limit)
            )
        if not self.postgres:
            return chosen  # SQLite has one writer: nobody can take the rows between choosing and claiming
        # The chosen references as one array, so that the rows are found by their primary key.
        aggregated = select(func.array_agg(chosen.subquery().c.reference)).scalar_subquery()
        references = cast(aggregated, ARRAY(String))  # an expression, so ANY takes it as an array
        return (
            select(_D.reference)
            .where(_D.reference == any_(references), or_(*due))
            .with_for_update(skip_locked=True)
            .correlate(None)
        )

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

    async def done_many(
        self, conn: AsyncConnection, items: Sequence[Claimed], *, poll_at: float | None
    ) -> set[str]:
        """``done`` for many rows in one statement; returns the references whose lease was still ours."""
        references = [item.reference for item in items]
        one = len(references) == 1
        values = {
            "q_references": references[0] if one else references,
            "q_owner": self.owner,
            "q_poll_at": poll_at,
            "q_now": self.clock.time(),
        }
        return {row[0] for row in await conn.execute(DONE_ONE if one else _DONE_MANY, values)}

    async def fail(self, conn: AsyncConnection, item: Claimed, *, error: str) -> bool:
        return await self._set(
            conn, item, state="failed", lease_owner=None, lease_until=None, last_error=error[:1000]
        )

    async def _set(self, conn: AsyncConnection, item: Claimed, **values: Any) -> bool:
        """Apply ``values`` if the lease is still ours; False when another worker has taken the row."""
        now = self.clock.time()
        result = await conn.execute(
            update(DELIVERIES).where(self._mine(item.reference)).values(updated_at=now, **values)
        )
        return bool(result.rowcount)

    async def claim_polls(self, limit: int, lease: float | None = None) -> list[PollClaim]:
        async with self.engine.begin() as conn:
            return await self.claim_polls_in(conn, limit, ClaimPlan(default_lease=lease))

    async def claim_polls_in(self, conn: AsyncConnection, limit: int, plan: ClaimPlan) -> list[PollClaim]:
        """Delivered rows whose status is due to be asked, each leased as it is taken.

        The lease must outlast a status call (the adapter's timeouts), so that no other worker asks about
        the same application meanwhile; ``rearm_poll`` sets the next poll once the call is over, and a
        worker that dies mid-call leaves the row to be polled again when its lease runs out.
        """
        plan = _binding(plan, limit)
        shape = ("polls", limit, _shape(plan))
        statement = self._statements.get(shape)
        if statement is None:
            due = (and_(_D.state == "done", _D.poll_at <= _NOW),)
            statement = self._keep(
                shape,
                update(DELIVERIES)
                .where(_D.reference.in_(self._chosen(due, _D.poll_at, plan, limit).scalar_subquery()))
                .values(poll_at=_NOW + self._lease(plan), updated_at=_NOW)
                .returning(_D.reference, _D.adapter, _D.poll_at),
            )
        return [PollClaim(*row) for row in (await conn.execute(statement, self._values(plan))).all()]

    async def next_poll_in(self, conn: AsyncConnection) -> float | None:
        """When the earliest poll falls due, any worker's (None: nothing is polled): the worker need not look
        for due polls before then, unless it records deliveries to be polled sooner."""
        result = await conn.execute(select(func.min(_D.poll_at)))
        soonest = result.scalar()
        return None if soonest is None else float(soonest)

    async def rearm_poll(self, conn: AsyncConnection, claim: PollClaim, *, at: float) -> bool:
        """Poll again at ``at`` if the row still holds our poll lease (nobody stopped or took the polling)."""
        result = await conn.execute(
            update(DELIVERIES)
            .where(_D.reference == claim.reference, _D.state == "done", _D.poll_at == claim.lease_until)
            .values(poll_at=at, updated_at=self.clock.time())
        )
        return bool(result.rowcount)

    async def stop_polling(self, conn: AsyncConnection, reference: str) -> None:
        await conn.execute(update(DELIVERIES).where(_D.reference == reference).values(poll_at=None))


async def enqueue(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Put new deliveries on the queue in the caller's transaction (the one writing their applications)."""
    await insert_many(conn, DELIVERIES, rows)
