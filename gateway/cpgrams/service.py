"""Grievances exchanged with CPGRAMS through files: import what CPGRAMS forwards to the state, keep the
registration numbers, apply CPGRAMS's limits, and export the disposal status for upload back.

CPGRAMS's limits (DARPG's guidelines of 23 August 2024): 21 days to redress, counted from the day
CPGRAMS received the grievance; after disposal the citizen rates it, and a "poor" rating lets them appeal
to the appellate officer, who has 30 days. An imported grievance is filed through the grievances service
under a CPGRAMS chain of two levels (the Grievance Redressal Officer, then the Appellate Officer) that
never climbs by itself: CPGRAMS, not the state's watcher, decides when it goes to appeal.

Importing is all or nothing for the file's content: every row is checked first, and a file with any
problem writes nothing. Rows are then filed one by one, each marked in ``cpgrams_grievance`` in the
transaction that fixes its CPGRAMS due date; a run that stops part way (the process killed) is finished
by importing the same file again, which skips what is marked and completes what was filed but not marked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec
from sqlalchemy import column, func, insert, select, table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue import Catalogue
from catalogue.grievance_routing import DepartmentRoute, Level, Rating, RouteRule, Routing
from catalogue.models import Text
from gateway.audit import Actor, AuditTrail
from gateway.cpgrams.files import CpgramsRow, FileProblem, read_rows, write_rows
from gateway.cpgrams.tables import CpgramsGrievance
from gateway.platform.clock import INDIA, Clock
from schemas.grievances_api import GrievanceCreate

__all__ = [
    "APPEAL_DAYS",
    "CHANNEL",
    "REDRESS_DAYS",
    "CpgramsExchange",
    "ImportRefused",
    "Imported",
    "cpgrams_routing",
]

CHANNEL = "cpgrams"
_SLICE = 5000  # registration numbers per IN (...): within SQLite's and asyncpg's limits on parameters
REDRESS_DAYS = 21
APPEAL_DAYS = 30
GRO = "Grievance Redressal Officer"
APPELLATE = "Appellate Officer"
_MAP = CpgramsGrievance.__table__  # type: ignore[attr-defined]
_M = _MAP.c
# The grievance table and its timeline as far as the exchange reads and moves them (the grievances
# capability owns them; an appeal is the one step CPGRAMS takes that seva's own steps do not cover).
_GT = table(
    "grievance",
    *(
        column(n)
        for n in (
            "number",
            "status",
            "level",
            "position",
            "due_on",
            "next_check_at",
            "closure",
            "closed_at",
            "resolved_at",
            "rating",
            "reopened",
            "low_quality",
            "updated_at",
            "external_ref",
            "channel",
        )
    ),
)
_G = _GT.c
_EVENTS = table(
    "grievance_event",
    *(column(n) for n in ("id", "number", "at", "kind", "level", "status", "actor", "note")),
)
_E = _EVENTS.c

_LEVELS = (
    Level(
        level=1,
        position=GRO,
        title=Text(en="Grievance Redressal Officer", hi="शिकायत निवारण अधिकारी"),
        days=REDRESS_DAYS,
        unit="calendar_days",
        jurisdiction="state",
        on_lapse="stay",
    ),
    Level(
        level=2,
        position=APPELLATE,
        title=Text(en="Appellate Officer", hi="अपीलीय अधिकारी"),
        days=APPEAL_DAYS,
        unit="calendar_days",
        jurisdiction="state",
        on_lapse="stay",
    ),
)
_RATINGS = (
    ("excellent", True, "Excellent", "उत्कृष्ट"),
    ("very_good", True, "Very good", "बहुत अच्छा"),
    ("good", True, "Good", "अच्छा"),
    ("average", True, "Average", "औसत"),
    ("poor", False, "Poor", "खराब"),
)


def cpgrams_routing(state: Routing) -> Routing:
    """The state's departments and categories under CPGRAMS's chain and ratings."""
    departments = {
        code: DepartmentRoute(code, dict(route.categories), _LEVELS, (RouteRule(position=GRO),), 3)
        for code, route in state.departments.items()
    }
    ratings = {c: Rating(code=c, satisfied=s, name=Text(en=en, hi=hi)) for c, s, en, hi in _RATINGS}
    return Routing(
        model=Text(en="CPGRAMS", hi="सीपीग्राम्स"),
        reminder_after_hours=168,
        force_closure_notice_hours=state.force_closure_notice_hours,
        ratings=ratings,
        departments=departments,
        source="CPGRAMS (DARPG guidelines, 23 August 2024)",
    )


class Filing(Protocol):
    @property
    def routing(self) -> Routing: ...

    async def file_external(
        self,
        body: GrievanceCreate,
        actor: Actor,
        *,
        channel: str,
        mobile: str | None = ...,
        external_ref: str | None = ...,
        routing: Routing | None = ...,
    ) -> Any: ...


class _ImportedMeanwhile(Exception):
    """An import of the same file running at the same time brought the row in first."""


class ImportRefused(Exception):
    """A file with problems: every one of them, each with its line."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(slots=True)
class Imported:
    batch: str
    filed: list[tuple[str, str]] = field(default_factory=list)  # (registration number, seva number)
    appeals: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # imported before


def _india_day(epoch: float | None) -> dt.date | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, INDIA).date()


@dataclass(slots=True)
class CpgramsExchange:
    engine: AsyncEngine
    audit: AuditTrail
    clock: Clock
    grievances: Filing
    catalogue: Callable[[], Catalogue]

    @property
    def routing(self) -> Routing:
        return cpgrams_routing(self.grievances.routing)

    async def check(self, raw: bytes) -> tuple[list[CpgramsRow], list[FileProblem]]:
        """Every row of a file and every problem in it; nothing is written."""
        rows, problems = read_rows(raw, self.routing, self.catalogue().districts, self.clock.today())
        problems += await self._appeal_problems([r for r in rows if r.appeal_of is not None])
        return rows, sorted(problems, key=lambda p: p.line)

    async def import_file(self, raw: bytes, actor: Actor) -> Imported:
        """Import a file CPGRAMS forwarded; ``ImportRefused`` (and nothing written) if any row is wrong."""
        rows, problems = await self.check(raw)
        if problems:
            raise ImportRefused(sorted(problems, key=lambda p: p.line))
        batch = hashlib.sha256(raw).hexdigest()
        done = Imported(batch)
        routing = self.routing
        marked = await self._marked([r.registration_no for r in rows])
        for row in rows:
            if row.registration_no in marked:
                done.skipped.append(row.registration_no)
            elif row.appeal_of is None:
                number = await self._file(row, routing, actor, batch)
                (
                    done.filed.append((row.registration_no, number))
                    if number
                    else done.skipped.append(row.registration_no)
                )
            else:
                number = await self._appeal(row, actor, batch)
                (
                    done.appeals.append((row.registration_no, number))
                    if number
                    else done.skipped.append(row.registration_no)
                )
        async with self.engine.begin() as conn:
            details = {
                "batch": batch[:16],
                "filed": len(done.filed),
                "appeals": len(done.appeals),
                "skipped": len(done.skipped),
            }
            await self.audit.append(conn, actor, "cpgrams.imported", f"cpgrams:{batch[:16]}", details)
        return done

    async def _marked(self, numbers: list[str]) -> set[str]:
        """Which of ``numbers`` an earlier import brought in (asked in slices the drivers accept)."""
        found: set[str] = set()
        async with self.engine.connect() as conn:
            for start in range(0, len(numbers), _SLICE):
                wanted = numbers[start : start + _SLICE]
                found |= {
                    r[0]
                    for r in await conn.execute(
                        select(_M.registration_no).where(_M.registration_no.in_(wanted))
                    )
                }
        return found

    async def _appeal_problems(self, appeals: list[CpgramsRow]) -> list[FileProblem]:
        """An appeal needs its grievance disposed at the first level (and not appealed already)."""
        if not appeals:
            return []
        wanted = sorted({r.appeal_of for r in appeals if r.appeal_of})
        found: dict[str, Any] = {}
        async with self.engine.connect() as conn:
            for start in range(0, len(wanted), _SLICE):
                query = (
                    select(_M.registration_no, _G.status, _G.level)
                    .select_from(_MAP.join(_GT, _G.number == _M.reference))
                    .where(_M.registration_no.in_(wanted[start : start + _SLICE]))
                )
                found |= {r.registration_no: r for r in await conn.execute(query)}
        problems = []
        for row in appeals:
            state = found.get(row.appeal_of or "")
            if state is None:
                said = f"{row.appeal_of} was never imported; import the grievance before its appeal"
                problems.append(FileProblem(row.line, "appeal_of", said))
                continue
            if state.level != 1 or state.status not in ("resolved", "closed"):
                problems.append(
                    FileProblem(
                        row.line,
                        "appeal_of",
                        f"{row.appeal_of} is not disposed at level 1 ({state.status}, level {state.level})",
                    )
                )
        return problems

    async def _file(self, row: CpgramsRow, routing: Routing, actor: Actor, batch: str) -> str | None:
        """File ``row`` and mark it; None when an import of the same file running at the same time marked
        it first."""
        async with self.engine.connect() as conn:
            number = (
                await conn.execute(
                    select(_G.number).where(_G.external_ref == row.registration_no, _G.channel == CHANNEL)
                )
            ).scalar()
        if number is None:  # not filed by an earlier run that stopped before marking it
            body = msgspec.convert(
                {
                    "kind": row.kind,
                    "district": row.district,
                    "place": row.place,
                    "text": row.text,
                    "department": row.department,
                    "category": row.category,
                },
                GrievanceCreate,
            )
            # Filed just now by an import of the same file running at the same time: that grievance.
            filed = await self.grievances.file_external(
                body,
                actor,
                channel=CHANNEL,
                mobile=row.mobile,
                external_ref=row.registration_no,
                routing=routing,
            )
            number = filed.number
        due = row.received_on + dt.timedelta(days=REDRESS_DAYS)
        try:
            async with self.engine.begin() as conn:
                await self._mark(conn, row, str(number), batch)
                # CPGRAMS's clock starts when CPGRAMS received it; its levels never climb by themselves.
                await conn.execute(
                    update(_GT).where(_G.number == number).values(due_on=due.isoformat(), next_check_at=None)
                )
        except IntegrityError:  # marked just now by an import of the same file: its row, not ours
            return None
        return str(number)

    @staticmethod
    async def _is_marked(conn: AsyncConnection, registration_no: str) -> bool:
        found = await conn.execute(select(_M.registration_no).where(_M.registration_no == registration_no))
        return found.first() is not None

    async def _mark(self, conn: AsyncConnection, row: CpgramsRow, number: str, batch: str) -> None:
        await conn.execute(
            insert(_MAP).values(
                registration_no=row.registration_no,
                reference=number,
                organisation=row.organisation or "CPGRAMS",
                received_on=row.received_on.isoformat(),
                batch=batch[:64],
                imported_at=self.clock.time(),
                appeal_of=row.appeal_of,
            )
        )

    async def _appeal(self, row: CpgramsRow, actor: Actor, batch: str) -> str | None:
        """Reopen the grievance before the Appellate Officer, 30 days from the appeal's receipt; None when
        an import of the same file running at the same time brought this appeal in first."""
        try:
            return await self._reopen(row, actor, batch)
        except _ImportedMeanwhile:
            return None

    async def _reopen(self, row: CpgramsRow, actor: Actor, batch: str) -> str:
        now = self.clock.time()
        due = row.received_on + dt.timedelta(days=APPEAL_DAYS)
        note = f"Appeal {row.registration_no} after a 'poor' rating; appellate officer has {APPEAL_DAYS} days"
        async with self.engine.begin() as conn:
            number = (
                await conn.execute(select(_M.reference).where(_M.registration_no == row.appeal_of))
            ).scalar_one()
            first = select(func.coalesce(_G.resolved_at, _G.closed_at)).where(_G.number == number)
            await conn.execute(  # the first disposal, before the appeal reopens the grievance
                update(_MAP)
                .where(_M.registration_no == row.appeal_of)
                .values(disposed_at=first.scalar_subquery())
            )
            moved = await conn.execute(
                update(_GT)
                .where(_G.number == number, _G.level == 1, _G.status.in_(("resolved", "closed")))
                .values(
                    status="open",
                    level=2,
                    position=APPELLATE,
                    due_on=due.isoformat(),
                    next_check_at=None,
                    closure=None,
                    closed_at=None,
                    resolved_at=None,
                    rating="poor",
                    reopened=_G.reopened + 1,
                    low_quality=_G.low_quality + 1,
                    updated_at=now,
                )
            )
            if moved.rowcount != 1:
                if await self._is_marked(conn, row.registration_no):
                    raise _ImportedMeanwhile  # rolls back what this transaction changed
                raise ImportRefused(
                    [FileProblem(row.line, "appeal_of", f"{row.appeal_of} changed while importing")]
                )
            await conn.execute(
                insert(_EVENTS).values(
                    number=number,
                    at=now,
                    kind="appeal",
                    level=2,
                    status="open",
                    actor=actor.subject[:120],
                    note=note,
                )
            )
            await self._mark(conn, row, str(number), batch)
            await self.audit.append(
                conn, actor, "cpgrams.appeal", f"grievance:{number}", {"appeal": row.registration_no}
            )
        return str(number)

    async def export(self, since: dt.date | None = None) -> str:
        """The disposal status of every imported grievance and appeal, as CSV for upload to CPGRAMS."""
        resolved_note = (
            select(_E.note)
            .where(_E.number == _M.reference, _E.kind == "resolved")
            .order_by(_E.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = (
            select(
                _M.registration_no,
                _M.reference,
                _M.received_on,
                _M.appeal_of,
                _G.status,
                _G.level,
                _G.due_on,
                _G.closure,
                func.coalesce(_M.disposed_at, _G.resolved_at, _G.closed_at).label("disposed_at"),
                resolved_note.label("action_taken"),
            )
            .select_from(_MAP.join(_GT, _G.number == _M.reference))
            .order_by(_M.received_on, _M.registration_no)
        )
        if since is not None:
            query = query.where(_M.received_on >= since.isoformat())
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return write_rows(self._status(r) for r in rows)

    def _status(self, r: Any) -> dict[str, object]:
        appeal = r.appeal_of is not None
        disposed = r.status in ("resolved", "closed") and (r.level == 2 if appeal else True)
        if not appeal and r.level == 2:
            disposed = True  # disposed at the first level; the appeal has its own row
        label = (
            ("Appeal disposed" if disposed else "Appeal under process")
            if appeal
            else (("Closed" if r.closure == "withdrawn" else "Disposed") if disposed else "Under process")
        )
        received = dt.date.fromisoformat(r.received_on)
        day = _india_day(r.disposed_at) if disposed and r.disposed_at is not None else None
        limit = received + dt.timedelta(days=APPEAL_DAYS if appeal else REDRESS_DAYS)
        return {
            "registration_no": r.registration_no,
            "seva_number": r.reference,
            "status": label,
            "level": r.level,
            "received_on": r.received_on,
            "due_on": limit.isoformat(),
            "disposed_on": day.isoformat() if day else "",
            "within_limit": "" if day is None else ("yes" if day <= limit else "no"),
            "days_taken": "" if day is None else (day - received).days,
            "action_taken": _plain(r.action_taken or "") if disposed else "",
        }


def _plain(text: str) -> str:
    """Officer's words as a spreadsheet reads them: never as a formula."""
    text = " ".join(text.split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
