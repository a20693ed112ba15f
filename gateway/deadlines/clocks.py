"""The guarantee's clocks: started with each application, paused while it waits on the citizen, settled
by a decision, reopened by an appellate order.

Every function here writes in the caller's transaction, so a clock moves together with the step that
moved it (a submission, a return to the citizen, a decision). Times the watcher acts at are the start of
a day in India (``moment``): a reminder on the morning of its day, a breach on the morning after the
last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import and_, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from catalogue import Catalogue
from family_registry.tables import Family
from gateway.applications import APPLICATIONS, NewApplication, writing
from gateway.deadlines.calendar import TimeUnit, WorkingCalendar
from gateway.deadlines.guarantee import GuaranteeData
from gateway.deadlines.promise import Promise, promise_of
from gateway.deadlines.tables import AppealRow, DeadlineClock, PenaltyRow
from gateway.platform.clock import INDIA, Clock
from gateway.transactions import insert_many

__all__ = ["APPEALS", "CLOCKS", "PENALTIES", "Clocks", "Routed", "moment"]

CLOCKS = DeadlineClock.__table__  # type: ignore[attr-defined]
APPEALS = AppealRow.__table__  # type: ignore[attr-defined]
PENALTIES = PenaltyRow.__table__  # type: ignore[attr-defined]
_C = CLOCKS.c
_F = Family.__table__  # type: ignore[attr-defined]
_A = APPLICATIONS.c
_DAY = dt.timedelta(days=1)


def moment(day: dt.date) -> float:
    """The start of ``day`` in India, as epoch seconds."""
    return dt.datetime.combine(day, dt.time(), INDIA).timestamp()


@dataclass(frozen=True, slots=True)
class Routed:
    """Where an application goes: the designated officer's post (``department``, ``district``, ``tehsil``)."""

    reference: str
    service_code: str
    department: str
    district: str
    tehsil: str | None
    member_id: str
    family_id: str
    form: dict[str, Any]
    created_at: float

    @property
    def position(self) -> str:
        return f"{self.department}/{self.district}/{self.tehsil or '-'}"


_FAMILY_COLUMNS = [c.label(f"f_{c.name}") for c in _F.c]
_ROUTING = select(
    _A.reference,
    _A.service_code,
    _A.department,
    _A.member_id,
    _A.family_id,
    _A.form,
    _A.created_at,
    *_FAMILY_COLUMNS,
).select_from(APPLICATIONS.join(_F, _F.c.family_id == _A.family_id))
# Built once with the references bound at each call: building the IN clause and its cache key for every
# batch of submissions cost more than running it.
_ROUTING_OF = _ROUTING.where(_A.reference.in_(bindparam("references", expanding=True)))


def _tehsil(row: Any, form: dict[str, Any]) -> str | None:
    """The family's tehsil where the registry holds one, else the tehsil the form names (revenue
    services ask for it); None: the post is the district's."""
    found = row.get("f_tehsil") or form.get("tehsil")
    return str(found).strip()[:80] or None if found else None


def _routed(new: NewApplication) -> Routed:
    """Where a new application goes, from the rows being written and the applicant's family as it was
    read for the application (the read of its applicant, moments before)."""
    row = new.application
    form = new.form if isinstance(new.form, dict) else dict(new.form or {})
    return Routed(
        reference=row["reference"],
        service_code=row["service_code"],
        department=row["department"],
        district=str(new.district),
        tehsil=_tehsil({"f_tehsil": new.family_tehsil}, form),
        member_id=row["member_id"],
        family_id=row["family_id"],
        form=form,
        created_at=float(row["created_at"]),
    )


class Clocks:
    def __init__(self, catalogue: Callable[[], Catalogue], clock: Clock, data: GuaranteeData) -> None:
        self.catalogue = catalogue
        self.clock = clock
        self.data = data
        self.act = data.act
        self.calendar = WorkingCalendar(data.calendar)

    # ---- what is promised --------------------------------------------------------------------------

    def promise(self, service_code: str) -> Promise | None:
        service = self.catalogue().by_code.get(service_code)
        return promise_of(service, self.act) if service is not None else None

    def due_date(self, service: Any, day: dt.date) -> dt.date | None:
        """The day a decision is promised for ``service`` applied for on ``day``; None where the Act does
        not cover it."""
        promise = promise_of(service, self.act)
        return self.calendar.add(day, promise.days, promise.unit) if promise.covered else None

    def first_stage(self, unit: str, started: dt.date, due: dt.date, today: dt.date) -> tuple[str, float]:
        """The watcher's first step: the reminder when its day comes after the start (and not before
        today), else the breach on the morning after the last day."""
        days = self.act.reminder_working_days
        if days and unit != "same_day":
            remind = self.calendar.back(due, days)
            if remind > started and remind >= today:
                return "remind", moment(remind)
        return "breach", moment(due + _DAY)

    def days_left(self, unit: str, due: dt.date, today: dt.date) -> int:
        """Days of ``unit`` from today to the last day (0: today is the last day; negative: late)."""
        return self.calendar.between(today, due, "calendar_days" if unit == "same_day" else unit)  # type: ignore[arg-type]

    # ---- starting ----------------------------------------------------------------------------------

    async def route(self, conn: AsyncConnection, references: Iterable[str]) -> list[Routed]:
        """Where each application goes, read from the application and the applicant's family."""
        refs = list(references)
        if not refs:
            return []
        held = writing()  # new applications being written: routed from what they were made from
        if all(
            held.get(reference) is not None and held[reference].district is not None for reference in refs
        ):
            return [_routed(held[reference]) for reference in refs]
        rows = (await conn.execute(_ROUTING_OF, {"references": refs})).mappings().all()
        routed = []
        for row in rows:
            form = msgspec.json.decode(row["form"])
            routed.append(
                Routed(
                    reference=row["reference"],
                    service_code=row["service_code"],
                    department=row["department"],
                    district=row["f_district"],
                    tehsil=_tehsil(row, form),
                    member_id=row["member_id"],
                    family_id=row["family_id"],
                    form=form,
                    created_at=float(row["created_at"]),
                )
            )
        return routed

    async def start(self, conn: AsyncConnection, routed: list[Routed]) -> int:
        """Start the clock of each application the Act covers; return how many."""
        today = self.clock.today()
        now = self.clock.time()
        rows = []
        for item in routed:
            promise = self.promise(item.service_code)
            if promise is None or not promise.covered:
                continue
            started = dt.datetime.fromtimestamp(item.created_at, INDIA).date()
            due = self.calendar.add(started, promise.days, promise.unit)
            stage, at = self.first_stage(promise.unit, started, due, today)
            rows.append(
                {
                    "reference": item.reference,
                    "service_code": item.service_code,
                    "department": item.department,
                    "district": item.district,
                    "tehsil": item.tehsil,
                    "position": item.position,
                    "designated_officer": promise.designated_officer.en[:200],
                    "unit": promise.unit,
                    "limit_days": promise.days,
                    "started_on": started.isoformat(),
                    "due_on": due.isoformat(),
                    "state": "running",
                    "stage": stage,
                    "paused_on": None,
                    "paused_days": 0,
                    "next_check_at": at,
                    "lease_owner": None,
                    "reminded_on": None,
                    "breached_on": None,
                    "decided_on": None,
                    "decision": None,
                    "decided_by": None,
                    "officer": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        await insert_many(conn, CLOCKS, rows)
        return len(rows)

    # ---- moving ------------------------------------------------------------------------------------

    async def read(self, conn: AsyncConnection, reference: str) -> Any:
        return (await conn.execute(select(CLOCKS).where(_C.reference == reference))).first()

    async def pause(self, conn: AsyncConnection, reference: str, officer: str) -> bool:
        """Stop a running clock while the application waits on the citizen."""
        result = await conn.execute(
            update(CLOCKS)
            .where(_C.reference == reference, _C.state == "running")
            .values(
                state="paused",
                paused_on=self.clock.today().isoformat(),
                next_check_at=None,
                lease_owner=None,
                officer=officer[:80],
                updated_at=self.clock.time(),
            )
        )
        return bool(result.rowcount)

    async def resume(self, conn: AsyncConnection, reference: str) -> str | None:
        """Start a paused clock again, the last day moved on by the days it stood; the new last day."""
        row = await self.read(conn, reference)
        if row is None or row.state != "paused" or row.paused_on is None:
            return None
        today = self.clock.today()
        unit: TimeUnit = row.unit
        paused = dt.date.fromisoformat(row.paused_on)
        due = dt.date.fromisoformat(row.due_on)
        if unit == "same_day":
            lost, new_due = (today - paused).days, today
        else:
            lost = max(0, self.calendar.between(paused, today, unit))
            new_due = self.calendar.add(due, lost, unit)
        stage, at = self.first_stage(unit, dt.date.fromisoformat(row.started_on), new_due, today)
        await conn.execute(
            update(CLOCKS)
            .where(_C.reference == reference, _C.state == "paused")
            .values(
                state="running",
                paused_on=None,
                paused_days=_C.paused_days + lost,
                due_on=new_due.isoformat(),
                stage=stage,
                next_check_at=at,
                updated_at=self.clock.time(),
            )
        )
        await conn.execute(
            update(APPLICATIONS).where(_A.reference == reference).values(due_on=new_due.isoformat())
        )
        return new_due.isoformat()

    async def settle(
        self, conn: AsyncConnection, reference: str, decision: str, by: str, on: dt.date | None = None
    ) -> None:
        """Record a decision: the clock stops; an appeal already open keeps its own limit."""
        waiting = _C.stage.in_(("remind", "breach", "ordered"))
        await conn.execute(
            update(CLOCKS)
            .where(_C.reference == reference, _C.state != "decided")
            .values(
                state="decided",
                decision=decision,
                decided_on=(on or self.clock.today()).isoformat(),
                decided_by=by[:80],
                paused_on=None,
                stage=case((waiting, "none"), else_=_C.stage),
                next_check_at=case((waiting, None), else_=_C.next_check_at),
                updated_at=self.clock.time(),
            )
        )

    async def reopen(self, conn: AsyncConnection, reference: str, within_days: int) -> str:
        """An appellate order: the service is to be provided within ``within_days`` working days."""
        due = self.calendar.add(self.clock.today(), within_days, "working_days")
        await conn.execute(
            update(CLOCKS)
            .where(_C.reference == reference)
            .values(
                state="running",
                decision=None,
                decided_on=None,
                decided_by=None,
                due_on=due.isoformat(),
                stage="ordered",
                next_check_at=moment(due + _DAY),
                updated_at=self.clock.time(),
            )
        )
        await conn.execute(
            update(APPLICATIONS).where(_A.reference == reference).values(due_on=due.isoformat())
        )
        return due.isoformat()

    async def mark_officer(self, conn: AsyncConnection, reference: str, officer: str) -> None:
        await conn.execute(update(CLOCKS).where(_C.reference == reference).values(officer=officer[:80]))

    @staticmethod
    def appeal_stage(level: int, due: dt.date) -> dict[str, Any]:
        return {"stage": f"appeal{level}", "next_check_at": moment(due + _DAY)}

    @staticmethod
    def clock_in(references: list[str]) -> Any:
        return and_(_C.reference.in_(references))
