"""The escalation watcher: a grievance whose level's limit has lapsed moves up a level, or, where the
routing file says the level does not climb by itself (``manual`` or ``stay``), the lapse is marked once.

Set-based: a round is a handful of SQL statements whatever the number of grievances. The routing file
becomes a small table of steps (department, level -> new level, position, due date, next check), written
into the statement as a ``VALUES`` list, and one ``UPDATE ... FROM`` moves every due grievance of a batch
while the timeline events and the citizens' texts are inserted from the same rows.

- PostgreSQL: one statement. The batch is chosen with ``FOR UPDATE SKIP LOCKED`` and updated by ``ctid``
  (a row cannot move while this round holds its lock; a join by number let the planner scan the whole
  table once per round); the update, the events and the texts are data-modifying CTEs of the same
  statement. Two watchers never take the same row, and a row another watcher moved and committed
  meanwhile no longer matches (``level`` and ``next_check_at`` are re-checked on the newest row
  version), so a grievance never moves twice.
- SQLite (one writer at a time): the batch and each one's new state are written into a temporary table,
  then the events and texts inserted and the rows updated from it, in one write transaction.

A round commits whole or not at all: a watcher killed mid-round loses nothing and doubles nothing; its
grievances are still due and the next round (of any watcher) takes them. The audit trail gets one entry
per round naming what moved (the timeline holds each grievance's step).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue.grievance_routing import Routing
from gateway.audit import Actor, AuditTrail
from gateway.database import is_postgres
from gateway.deadlines import WorkingCalendar
from gateway.grievances.service import ACTIVE, GRIEVANCES, moment
from gateway.platform.clock import Clock
from gateway.platform.periodic import rounds_until_done, watch_rounds

__all__ = ["EscalationWatcher", "WatcherOptions"]

log = logging.getLogger("seva.grievances")
_G = GRIEVANCES.c
_ACTIVE_SQL = ", ".join(f"'{s}'" for s in ACTIVE)


@dataclass(frozen=True, slots=True)
class WatcherOptions:
    batch: int = 20_000
    idle_seconds: float = 30.0


def _owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


class EscalationWatcher:
    def __init__(
        self,
        engine: AsyncEngine,
        routing: Callable[[], Routing],
        calendar: WorkingCalendar,
        clock: Clock,
        audit: AuditTrail,
        options: WatcherOptions = WatcherOptions(),
        owner: str | None = None,
    ) -> None:
        self.engine = engine
        self.routing = routing
        self.calendar = calendar
        self.clock = clock
        self.audit = audit
        self.options = options
        self.owner = owner or _owner()
        self.postgres = is_postgres(engine)
        self.actor = Actor.system("grievances", "escalate grievances whose level's time has lapsed")
        self.on_round: Callable[[int], None] | None = None  # tests watch progress (and kill mid-sweep)

    async def run(self, stop: asyncio.Event) -> None:
        """Watch until ``stop`` is set; a failing round is logged and the next one tried."""
        log.info("escalation watcher %s started", self.owner)
        await watch_rounds(
            self.run_once, self.options.batch, self.options.idle_seconds, stop, "escalation", log
        )
        log.info("escalation watcher %s stopped", self.owner)

    async def sweep(self) -> int:
        """Rounds until nothing is due; how many grievances were acted on."""
        return await rounds_until_done(self.run_once, self.options.batch)

    def steps(self) -> list[dict[str, Any]]:
        """One row per (department, level): what a lapse there does, with today's dates."""
        today = self.clock.today()
        rows: list[dict[str, Any]] = []
        for route in self.routing().departments.values():
            for level in route.levels:
                climbs = level.on_lapse == "escalate" and level.level < route.top
                if climbs:
                    upper = route.level(level.level + 1)
                    due = self.calendar.add(today, upper.days, upper.unit)
                    rows.append({
                        "department": route.department, "level": level.level, "action": "escalated",
                        "to_level": upper.level, "position": upper.position, "due_on": due.isoformat(),
                        "next_check": moment(due + dt.timedelta(days=1)),
                    })  # fmt: skip
                else:
                    rows.append({
                        "department": route.department, "level": level.level, "action": "lapsed",
                        "to_level": level.level, "position": None, "due_on": None, "next_check": None,
                    })  # fmt: skip
        return rows

    async def run_once(self) -> int:
        """One round over at most ``batch`` due grievances, in one transaction; how many were acted on."""
        steps = self.steps()
        now = self.clock.time()
        async with self.engine.begin() as conn:
            await self._orphans(conn, now, sorted({s["department"] for s in steps}))
            done = await (
                self._round_pg(conn, steps, now) if self.postgres else self._round_lite(conn, steps, now)
            )
            if done:
                await self.audit.append(
                    conn,
                    self.actor,
                    "grievance.escalation_round",
                    "grievances",
                    {"acted_on": done, "at": now},
                )
        if self.on_round is not None:
            self.on_round(done)
        return done

    async def _orphans(self, conn: AsyncConnection, now: float, departments: list[str]) -> None:
        """Grievances of a department no longer in the routing file are not watched (or they would fill
        every batch): their lapse is left for an officer to see."""
        await conn.execute(
            update(GRIEVANCES)
            .where(_G.next_check_at <= now, _G.department.not_in(departments))
            .values(next_check_at=None)
        )

    @staticmethod
    def _values(steps: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        """The steps as a ``VALUES`` list with bound parameters, typed so both databases agree."""
        parts, params = [], {}
        for i, s in enumerate(steps):
            parts.append(
                f"(CAST(:d{i} AS VARCHAR(64)), CAST(:l{i} AS INTEGER), CAST(:a{i} AS VARCHAR(16)), "
                f"CAST(:t{i} AS INTEGER), CAST(:p{i} AS VARCHAR(120)), CAST(:u{i} AS VARCHAR(10)), "
                f"CAST(:n{i} AS DOUBLE PRECISION))"
            )
            params.update({
                f"d{i}": s["department"], f"l{i}": s["level"], f"a{i}": s["action"], f"t{i}": s["to_level"],
                f"p{i}": s["position"], f"u{i}": s["due_on"], f"n{i}": s["next_check"],
            })  # fmt: skip
        return ", ".join(parts), params

    async def _round_pg(self, conn: AsyncConnection, steps: list[dict[str, Any]], now: float) -> int:
        if not steps:
            return 0
        values, params = self._values(steps)
        statement = text(self.pg_sql(values))
        found = await conn.execute(
            statement, {**params, "now": now, "batch": self.options.batch, "actor": self.actor.subject}
        )
        return int(found.scalar_one())

    @staticmethod
    def pg_sql(values: str) -> str:
        """The one statement of a PostgreSQL round."""
        return f"""
            WITH s(department, level, action, to_level, position, due_on, next_check) AS (VALUES {values}),
            due AS (
                SELECT ctid AS tid, department, level FROM grievance
                WHERE next_check_at <= :now AND status IN ({_ACTIVE_SQL})
                ORDER BY next_check_at LIMIT :batch FOR UPDATE SKIP LOCKED
            ),
            moved AS (
                UPDATE grievance g SET
                    level = s.to_level,
                    position = COALESCE(s.position, g.position),
                    due_on = COALESCE(s.due_on, g.due_on),
                    next_check_at = s.next_check,
                    status = CASE WHEN s.action = 'escalated' THEN 'open' ELSE g.status END,
                    updated_at = :now
                FROM due JOIN s ON s.department = due.department AND s.level = due.level
                WHERE g.ctid = due.tid AND g.department = s.department AND g.level = s.level
                  AND g.next_check_at <= :now
                RETURNING g.number, s.action, g.level, g.status, g.due_on
            ),
            events AS (
                INSERT INTO grievance_event (number, at, kind, level, status, actor, note)
                SELECT number, :now, action, level, status, :actor, '' FROM moved
            ),
            texts AS (
                INSERT INTO grievance_notice (number, template, channel, level, due_on, send_at, attempts)
                SELECT number, 'escalated', 'sms', level, due_on, :now, 0
                FROM moved WHERE action = 'escalated'
            )
            SELECT count(*) FROM moved
        """  # noqa: S608 - the VALUES list is of bound parameters only

    async def _round_lite(self, conn: AsyncConnection, steps: list[dict[str, Any]], now: float) -> int:
        if not steps:
            return 0
        values, params = self._values(steps)
        table, clear, pick, events, texts, move = self.lite_sql(values)
        await conn.execute(text(table))
        await conn.execute(text(clear))
        await conn.execute(text(pick), {**params, "now": now, "batch": self.options.batch})
        if not int((await conn.execute(text("SELECT changes()"))).scalar_one()):
            return 0
        params = {"now": now, "actor": self.actor.subject}
        await conn.execute(text(events), params)
        await conn.execute(text(texts), params)
        moved = await conn.execute(text(move), params)
        return int(moved.rowcount)

    @staticmethod
    def lite_sql(values: str) -> tuple[str, str, str, str, str, str]:
        """The statements of a SQLite round. The batch and what each of its grievances becomes are
        written once into a temporary table of this connection (the round's first statement,
        ``_orphans``, took SQLite's write lock, so nothing moves meanwhile); the events, the texts and the
        update read from it alone. Joined to the steps instead, SQLite's planner walked every grievance
        at that department and level (the inbox index) once per statement per round: a sweep of N grew
        as N squared."""
        table = (
            "CREATE TEMP TABLE IF NOT EXISTS grievance_step (number VARCHAR(15) PRIMARY KEY, "
            "action VARCHAR(16), to_level INTEGER, position VARCHAR(120), due_on VARCHAR(10), "
            "next_check DOUBLE PRECISION, status VARCHAR(16))"
        )
        pick = f"""
            WITH s(department, level, action, to_level, position, due_on, next_check) AS (VALUES {values})
            INSERT INTO grievance_step (number, action, to_level, position, due_on, next_check, status)
            SELECT g.number, s.action, s.to_level, s.position, s.due_on, s.next_check,
                   CASE WHEN s.action = 'escalated' THEN 'open' ELSE g.status END
            FROM (
                SELECT number, department, level, status FROM grievance
                WHERE next_check_at <= :now AND status IN ({_ACTIVE_SQL})
                ORDER BY next_check_at LIMIT :batch
            ) AS g JOIN s ON s.department = g.department AND s.level = g.level
        """  # noqa: S608 - bound parameters only
        events = """
            INSERT INTO grievance_event (number, at, kind, level, status, actor, note)
            SELECT number, :now, action, to_level, status, :actor, '' FROM grievance_step
        """
        texts = """
            INSERT INTO grievance_notice (number, template, channel, level, due_on, send_at, attempts)
            SELECT number, 'escalated', 'sms', to_level, due_on, :now, 0
            FROM grievance_step WHERE action = 'escalated'
        """
        # The unary + keeps SQLite from scanning every grievance to probe the batch by number.
        move = """
            UPDATE grievance SET
                level = d.to_level,
                position = COALESCE(d.position, grievance.position),
                due_on = COALESCE(d.due_on, grievance.due_on),
                next_check_at = d.next_check,
                status = d.status,
                updated_at = :now
            FROM grievance_step d
            WHERE grievance.number = +d.number
        """
        return table, "DELETE FROM grievance_step", pick, events, texts, move

    async def due_count(self) -> int:
        """Grievances due now (for the bench and ``seva grievance-watcher --once``)."""
        from sqlalchemy import func, select

        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(func.count()).select_from(GRIEVANCES).where(_G.next_check_at <= self.clock.time())
            )
            return int(found.scalar_one())
