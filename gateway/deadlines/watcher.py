"""The deadline watcher: reminds the designated officer, opens the first appeal at a breach, the second
when the first appellate authority lets its own limit pass, and tells the citizen of each step.

Each round claims up to ``batch`` clocks whose ``next_check_at`` has come, as the delivery workers claim
deliveries: one ``UPDATE ... RETURNING`` over candidates chosen with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (SQLite has one writer), moving ``next_check_at`` past a lease under this watcher's name.
Unlike a delivery, a step here is only database writes, so the claim, the steps (clock, appeal,
timeline, audit, the texts to send) and the next time to look are written in the claim's own
transaction: two watchers never take the same clock, and a watcher killed mid-round leaves nothing half
done (its transaction rolls back and the clocks are due again at once). Texts are sent after the commit
(``Notices.flush``).
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

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.applications import APPLICATIONS, FINAL, Change, record_changes
from gateway.audit import Actor, AuditTrail
from gateway.database import is_postgres
from gateway.deadlines.clocks import APPEALS, CLOCKS, Clocks, moment
from gateway.deadlines.messages import texts
from gateway.deadlines.notices import Notices
from gateway.platform.periodic import rounds_until_done, watch_rounds

__all__ = ["DeadlineWatcher", "WatcherOptions"]

log = logging.getLogger("seva.deadlines")
_C = CLOCKS.c
_P = APPEALS.c
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WatcherOptions:
    batch: int = 500
    lease_seconds: float = 60.0
    idle_seconds: float = 5.0


def _owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


@dataclass(slots=True)
class _Round:
    """What one round writes, gathered before writing."""

    clocks: list[dict[str, Any]]
    appeals: list[dict[str, Any]]
    changes: list[Change]
    notices: list[dict[str, Any]]


class DeadlineWatcher:
    def __init__(
        self,
        engine: AsyncEngine,
        clocks: Clocks,
        audit: AuditTrail,
        notices: Notices,
        options: WatcherOptions = WatcherOptions(),
        owner: str | None = None,
    ) -> None:
        self.engine = engine
        self.clocks = clocks
        self.audit = audit
        self.notices = notices
        self.options = options
        self.owner = owner or _owner()
        self.postgres = is_postgres(engine)
        self.actor = Actor.system("deadlines", "keep the guarantee's time limits")
        self.on_round: Callable[[int], None] | None = None  # tests and the bench watch progress
        self.send_after_round = True  # the bench times the sweep and the sending apart

    async def run(self, stop: asyncio.Event) -> None:
        """Watch until ``stop`` is set; a failing round is logged and the next one tried."""
        log.info("deadline watcher %s started", self.owner)
        await watch_rounds(
            self.run_once, self.options.batch, self.options.idle_seconds, stop, "deadline", log
        )
        log.info("deadline watcher %s stopped", self.owner)

    async def sweep(self) -> int:
        """Rounds until nothing is due; how many clocks were acted on."""
        return await rounds_until_done(self.run_once, self.options.batch)

    async def run_once(self) -> int:
        """One round: claim, act and write in one transaction, then send the texts; how many clocks."""
        async with self.engine.begin() as conn:
            claimed = await self._claim(conn)
            if claimed:
                work = await self._act(conn, claimed)
                await self._write(conn, work)
        if self.on_round is not None:
            self.on_round(len(claimed))
        if claimed and self.send_after_round:
            await self.notices.flush()
        return len(claimed)

    async def _claim(self, conn: AsyncConnection) -> list[Any]:
        now = self.clocks.clock.time()
        candidates = (
            select(_C.reference)
            .where(_C.next_check_at <= now)
            .order_by(_C.next_check_at)
            .limit(self.options.batch)
        )
        if self.postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        statement = (
            update(CLOCKS)
            .where(_C.reference.in_(candidates.scalar_subquery()), _C.next_check_at <= now)
            .values(next_check_at=now + self.options.lease_seconds, lease_owner=self.owner)
            .returning(*CLOCKS.c)
        )
        claimed = list((await conn.execute(statement)).all())
        if not claimed:
            return []
        refs = [row.reference for row in claimed]
        statuses: dict[str, str] = dict(
            (
                await conn.execute(
                    select(APPLICATIONS.c.reference, APPLICATIONS.c.status).where(
                        APPLICATIONS.c.reference.in_(refs)
                    )
                )
            ).all()
        )
        appeals: dict[tuple[str, int], Any] = {
            (a.reference, a.level): a
            for a in (await conn.execute(select(APPEALS).where(_P.reference.in_(refs)))).all()
        }
        return [(row, statuses.get(row.reference, ""), appeals) for row in claimed]

    async def _act(self, conn: AsyncConnection, claimed: list[Any]) -> _Round:
        work = _Round([], [], [], [])
        today = self.clocks.clock.today()
        act = self.clocks.act
        now = self.clocks.clock.time()
        for row, status, appeals in claimed:
            ref = row.reference
            update_values: dict[str, Any] = {"lease_owner": None, "updated_at": now}
            if row.stage in ("remind", "breach", "ordered") and status in FINAL:
                # Decided elsewhere (a department's answer, polled): the clock stops on that day.
                update_values.update(
                    state="decided",
                    decision=status,
                    decided_on=today.isoformat(),
                    stage="none",
                    next_check_at=None,
                )
            elif row.stage == "remind":
                due = dt.date.fromisoformat(row.due_on)
                left = self.clocks.days_left(row.unit, due, today)
                update_values.update(
                    reminded_on=today.isoformat(), stage="breach", next_check_at=moment(due + _DAY)
                )
                message = texts.reminder(ref, row.due_on, left)
                work.changes.append(Change(ref, "reminder", status, message.en))
                work.notices.append(
                    self._notice(
                        ref,
                        f"position:{row.position}",
                        "deadline.reminder",
                        texts.officer_reminder(ref, row.due_on, left).sms,
                    )
                )
                work.notices.append(self._notice(ref, "member", "deadline.reminder", message.sms))
            elif row.stage in ("breach", "ordered"):
                level = 1 if row.stage == "breach" and (ref, 1) not in appeals else 2
                if (ref, level) in appeals:  # already appealed at that level: nothing more to open
                    update_values.update(stage="none", next_check_at=None)
                else:
                    promise = self.clocks.promise(row.service_code)
                    step = (
                        (promise.first_appeal if level == 1 else promise.second_appeal) if promise else None
                    )
                    days = (
                        step.decide_days
                        if step
                        else (act.first_appeal_decide_days if level == 1 else act.second_appeal_decide_days)
                    )
                    authority = step.officer.en if step else ""
                    appeal_due = self.clocks.calendar.add(today, days, "working_days")
                    work.appeals.append(self._appeal(ref, level, authority, today, appeal_due, now))
                    update_values.update(
                        state="breached",
                        breached_on=row.breached_on or today.isoformat(),
                        **self.clocks.appeal_stage(level, appeal_due),
                    )
                    message = texts.appeal_opened(
                        ref, level, authority, appeal_due.isoformat(), automatic=True
                    )
                    work.changes.append(Change(ref, "appeal", status, message.en))
                    work.notices.append(self._notice(ref, "member", "deadline.appeal", message.sms))
            elif row.stage == "appeal1":
                first = appeals.get((ref, 1))
                if first is not None and first.state == "open" and (ref, 2) not in appeals:
                    promise = self.clocks.promise(row.service_code)
                    step = promise.second_appeal if promise else None
                    days = step.decide_days if step else act.second_appeal_decide_days
                    authority = step.officer.en if step else ""
                    appeal_due = self.clocks.calendar.add(today, days, "working_days")
                    work.appeals.append(self._appeal(ref, 2, authority, today, appeal_due, now))
                    update_values.update(**self.clocks.appeal_stage(2, appeal_due))
                    message = texts.appeal_opened(ref, 2, authority, appeal_due.isoformat(), automatic=True)
                    work.changes.append(Change(ref, "appeal", status, message.en))
                    work.notices.append(self._notice(ref, "member", "deadline.appeal", message.sms))
                else:
                    update_values.update(stage="none", next_check_at=None)
            else:  # appeal2 past its limit, or nothing left to watch
                second = appeals.get((ref, 2))
                if row.stage == "appeal2" and second is not None and second.state == "open":
                    message = texts.second_appeal_overdue(ref, second.due_on)
                    work.changes.append(Change(ref, "appeal_overdue", status, message.en))
                    work.notices.append(self._notice(ref, "member", "deadline.overdue", message.sms))
                update_values.update(stage="none", next_check_at=None)
            work.clocks.append({"ref": ref, "member": row, **update_values})
        return work

    def _notice(self, reference: str, recipient: str, kind: str, text: str) -> dict[str, Any]:
        return {"reference": reference, "recipient": recipient, "kind": kind, "text": text}

    @staticmethod
    def _appeal(
        ref: str, level: int, authority: str, today: dt.date, due: dt.date, now: float
    ) -> dict[str, Any]:
        return {
            "reference": ref,
            "level": level,
            "kind": "automatic",
            "grounds": "",
            "authority": authority[:200],
            "filed_by": "system:deadlines",
            "filed_on": today.isoformat(),
            "due_on": due.isoformat(),
            "state": "open",
            "order_en": "",
            "order_hi": "",
            "decided_by": None,
            "decided_on": None,
            "created_at": now,
        }

    async def _write(self, conn: AsyncConnection, work: _Round) -> None:
        members: dict[str, str] = {}
        if work.notices:
            refs = sorted({n["reference"] for n in work.notices if n["recipient"] == "member"})
            if refs:
                members = dict(
                    (
                        await conn.execute(
                            select(APPLICATIONS.c.reference, APPLICATIONS.c.member_id).where(
                                APPLICATIONS.c.reference.in_(refs)
                            )
                        )
                    ).all()
                )
        # One executemany per shape of change (the same columns set), fenced on this watcher's claim.
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for values in work.clocks:
            values.pop("member")
            ref = values.pop("ref")
            shapes.setdefault(tuple(sorted(values)), []).append(
                {"b_ref": ref, **{f"b_{k}": v for k, v in values.items()}}
            )
        for columns, params in shapes.items():
            statement = (
                update(CLOCKS)
                .where(_C.reference == bindparam("b_ref"), _C.lease_owner == self.owner)
                .values({name: bindparam(f"b_{name}") for name in columns})
            )
            await conn.execute(statement, params)
        if work.appeals:
            await conn.execute(insert(APPEALS), work.appeals)
        if work.changes:
            await record_changes(conn, self.audit, self.actor, work.changes, at=self.clocks.clock.time())
        for notice in work.notices:
            if notice["recipient"] == "member":
                notice["recipient"] = f"member:{members.get(notice['reference'], '')}"
        await Notices.add(conn, work.notices, self.clocks.clock.time())

    async def due_count(self) -> int:
        """Clocks due now (for the bench and `seva watcher --once`)."""
        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(func.count()).select_from(CLOCKS).where(_C.next_check_at <= self.clocks.clock.time())
            )
            return int(found.scalar_one())
