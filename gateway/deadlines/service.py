"""The guarantee as callers see it: an application's clock, appeals filed and decided, penalties.

``Deadlines`` is what other capabilities use (through ``gateway.deadlines``): the clocks (start, pause,
resume, settle, reopen) and the notices, written in their transactions. The routes' methods check the
policy's scope and the jurisdiction of officers and appellate authorities, and refuse before writing
anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.applications import APPLICATIONS, Change, record_changes
from gateway.audit import AuditTrail
from gateway.deadlines.clocks import APPEALS, CLOCKS, PENALTIES, Clocks
from gateway.deadlines.errors import (
    AppealDecided,
    AppealNotAllowed,
    AppealNotFound,
    AppealOutOfTime,
    AppealRefused,
    NoGuarantee,
    NotTheApplicant,
    ReportRefused,
)
from gateway.deadlines.messages import texts
from gateway.deadlines.notices import Notices
from gateway.deadlines.policy import POLICY
from gateway.deadlines.reports import Grouping, report_rows
from gateway.platform.guard import Caller
from gateway.platform.masking import mask_id
from gateway.platform.principal import Principal
from schemas.guarantee_api import (
    AppealDecisionBody,
    AppealFiled,
    AppealOut,
    GuaranteeOut,
    PenaltyOut,
    ReportPage,
)

__all__ = ["Deadlines", "in_jurisdiction"]

_A = APPLICATIONS.c
_C = CLOCKS.c
_P = APPEALS.c
_DAY = dt.timedelta(days=1)


def in_jurisdiction(principal: Principal, department: str, district: str, tehsil: str | None) -> bool:
    """Whether an officer (or an appellate authority) serves where an application is: their department
    (an appellate authority may have none: it hears every department's), district, and tehsil where both
    know one (an officer without a tehsil serves the whole district)."""
    if principal.department is not None and principal.department != department:
        return False
    if principal.role == "officer" and principal.department is None:
        return False
    if principal.district != district:
        return False
    return principal.tehsil is None or tehsil is None or principal.tehsil == tehsil


class Deadlines:
    def __init__(self, engine: AsyncEngine, clocks: Clocks, audit: AuditTrail, notices: Notices) -> None:
        self.engine = engine
        self.clocks = clocks
        self.audit = audit
        self.notices = notices
        self.calendar = clocks.calendar
        self.act = clocks.act

    @property
    def clock(self) -> Any:
        return self.clocks.clock

    # ---- what callers see --------------------------------------------------------------------------

    async def report(
        self, caller: Caller, by: Grouping, since: str | None = None, until: str | None = None
    ) -> ReportPage:
        """The auditors' figures (counts only) grouped ``by``, of applications started from ``since`` to
        ``until`` (ISO days, either left out): what the JSON, the CSV and the report page show."""
        POLICY.report.scope(caller.signed_in)
        if since and until and since > until:
            raise ReportRefused("since", "'since' is after 'until'.", "'since' तिथि 'until' के बाद है।")
        today = self.clock.today()
        return ReportPage(
            by=by, as_of=today.isoformat(), rows=await report_rows(self.engine, by, today, since, until)
        )

    def _appeal_out(self, row: Any, today: dt.date) -> AppealOut:
        order = None
        if row.order_en:
            from catalogue.models import Text

            order = Text(en=row.order_en, hi=row.order_hi or row.order_en)
        left = None
        if row.state == "open":
            left = self.calendar.between(today, dt.date.fromisoformat(row.due_on))
        return AppealOut(
            id=int(row.id),
            reference=row.reference,
            level=int(row.level),
            kind=row.kind,
            authority=row.authority,
            filed_on=row.filed_on,
            due_on=row.due_on,
            state=row.state,
            grounds=row.grounds,
            order=order,
            decided_on=row.decided_on,
            days_left=left,
        )

    def _may_appeal(
        self, clock: Any, status: str, appeals: dict[int, Any], today: dt.date
    ) -> tuple[str, str] | None:
        """Which appeal the applicant may file now, and the last day to file it."""
        first, second = appeals.get(1), appeals.get(2)
        if second is not None:
            return None
        if first is None:
            if status == "rejected" and clock.decided_on:
                last = dt.date.fromisoformat(clock.decided_on) + dt.timedelta(
                    days=self.act.first_appeal_within_days
                )
                return ("first", last.isoformat()) if today <= last else None
            return None
        if first.state != "open" and first.decided_on:
            last = dt.date.fromisoformat(first.decided_on) + dt.timedelta(
                days=self.act.second_appeal_within_days
            )
            return ("second", last.isoformat()) if today <= last else None
        if first.state == "open" and today > dt.date.fromisoformat(first.due_on):
            last = dt.date.fromisoformat(first.due_on) + dt.timedelta(days=self.act.second_appeal_within_days)
            return ("second", last.isoformat()) if today <= last else None
        return None

    async def _load(self, conn: AsyncConnection, reference: str) -> tuple[Any, Any, dict[int, Any], Any]:
        application = (
            await conn.execute(
                select(
                    _A.reference, _A.family_id, _A.member_id, _A.created_by, _A.status, _A.department
                ).where(_A.reference == reference)
            )
        ).first()
        clock = await self.clocks.read(conn, reference)
        appeals = {
            int(a.level): a
            for a in (await conn.execute(select(APPEALS).where(_P.reference == reference))).all()
        }
        penalty = (await conn.execute(select(PENALTIES).where(PENALTIES.c.reference == reference))).first()
        return application, clock, appeals, penalty

    def _reaches(self, caller: Caller, application: Any, clock: Any) -> bool:
        principal = caller.signed_in
        scope = POLICY.guarantee.scope(principal)
        if application is None or clock is None:
            return False
        if not scope.admits(family_id=application.family_id, department=application.department):
            return False
        if principal.role in ("officer", "appellate"):
            return in_jurisdiction(principal, clock.department, clock.district, clock.tehsil)
        return True

    def guarantee_out(
        self, reference: str, clock: Any, status: str, appeals: dict[int, Any], penalty: Any
    ) -> GuaranteeOut:
        today = self.clock.today()
        left = None
        if clock.state in ("running", "breached"):
            left = self.clocks.days_left(clock.unit, dt.date.fromisoformat(clock.due_on), today)
        may = self._may_appeal(clock, status, appeals, today)
        return GuaranteeOut(
            reference=reference,
            covered=True,
            designated_officer=clock.designated_officer,
            unit=clock.unit,
            limit_days=int(clock.limit_days),
            started_on=clock.started_on,
            due_on=clock.due_on,
            state=clock.state,
            days_left=left,
            paused_since=clock.paused_on,
            breached_on=clock.breached_on,
            decided_on=clock.decided_on,
            decision=clock.decision,
            appeals=[self._appeal_out(appeals[k], today) for k in sorted(appeals)],
            compensation_due=PenaltyOut(
                amount_inr=int(penalty.amount_inr),
                days_late=int(penalty.days_late),
                position=penalty.position,
                imposed_on=penalty.imposed_on,
            )
            if penalty is not None
            else None,
            may_appeal=may[0] if may else None,  # type: ignore[arg-type]
            appeal_by=may[1] if may else None,
        )

    async def view(self, caller: Caller, reference: str) -> GuaranteeOut:
        async with self.engine.connect() as conn:
            application, clock, appeals, penalty = await self._load(conn, reference)
        if not self._reaches(caller, application, clock):
            raise NoGuarantee(reference)
        await self.audit.record(caller.actor, POLICY.guarantee.action, f"application:{reference}")
        out = self.guarantee_out(reference, clock, application.status, appeals, penalty)
        if POLICY.guarantee.masks(caller.principal):
            import msgspec

            out = msgspec.structs.replace(out, reference=mask_id(reference))
        return out

    # ---- appeals -----------------------------------------------------------------------------------

    async def file_appeal(self, caller: Caller, reference: str, body: AppealFiled) -> AppealOut:
        """The applicant's appeal: the first against a rejection (within the Act's window of the decision),
        the second against the first appellate order, or when the first was not decided in time."""
        principal = caller.signed_in
        scope = POLICY.appeal.scope(principal)
        today = self.clock.today()
        now = self.clock.time()
        async with self.engine.begin() as conn:
            application, clock, appeals, _ = await self._load(conn, reference)
            if application is None or clock is None or not scope.admits(family_id=application.family_id):
                raise NoGuarantee(reference)
            if principal.member_id not in (
                application.member_id,
                application.created_by.removeprefix("member:").split(" ")[0],
            ):
                raise NotTheApplicant()
            level = self._level_to_file(clock, application.status, appeals, today)
            promise = self.clocks.promise(clock.service_code)
            step = (promise.first_appeal if level == 1 else promise.second_appeal) if promise else None
            days = step.decide_days if step else self.act.first_appeal_decide_days
            due = self.calendar.add(today, days, "working_days")
            row = {
                "reference": reference,
                "level": level,
                "kind": "citizen",
                "grounds": body.grounds.strip()[:2000],
                "authority": (step.officer.en if step else "")[:200],
                "filed_by": caller.actor.subject[:80],
                "filed_on": today.isoformat(),
                "due_on": due.isoformat(),
                "state": "open",
                "order_en": "",
                "order_hi": "",
                "decided_by": None,
                "decided_on": None,
                "created_at": now,
            }
            try:
                async with conn.begin_nested():
                    await conn.execute(insert(APPEALS), row)
            except IntegrityError:
                raise AppealNotAllowed(
                    f"An appeal at level {level} was already filed.", f"स्तर {level} की अपील पहले ही दर्ज है।"
                ) from None
            await conn.execute(
                update(CLOCKS)
                .where(_C.reference == reference)
                .values(**self.clocks.appeal_stage(level, due), updated_at=now)
            )
            message = texts.appeal_opened(reference, level, row["authority"], row["due_on"], automatic=False)
            await record_changes(
                conn,
                self.audit,
                caller.actor,
                [Change(reference, "appeal", application.status, message.en)],
                at=now,
            )
            await Notices.add(
                conn,
                [
                    {
                        "reference": reference,
                        "recipient": f"member:{application.member_id}",
                        "kind": "appeal.filed",
                        "text": message.sms,
                    }
                ],
                now,
            )
            appeal = (
                await conn.execute(select(APPEALS).where(_P.reference == reference, _P.level == level))
            ).one()
        await self.notices.flush()
        return self._appeal_out(appeal, today)

    def _level_to_file(self, clock: Any, status: str, appeals: dict[int, Any], today: dt.date) -> int:
        first, second = appeals.get(1), appeals.get(2)
        if second is not None:
            raise AppealNotAllowed("Both appeals were already filed.", "दोनों अपीलें पहले ही दर्ज हैं।")
        if first is None:
            if status != "rejected" or not clock.decided_on:
                raise AppealNotAllowed(
                    "An appeal can be filed against a rejection; a delay is appealed automatically when the "
                    "time limit passes.",
                    "अपील अस्वीकृति के विरुद्ध की जा सकती है; समय-सीमा बीतने पर विलंब की अपील स्वतः दर्ज होती है।",
                )
            last = dt.date.fromisoformat(clock.decided_on) + dt.timedelta(
                days=self.act.first_appeal_within_days
            )
            if today > last:
                raise AppealOutOfTime(last.isoformat(), self.act.first_appeal_within_days)
            return 1
        if first.state == "open":
            if today <= dt.date.fromisoformat(first.due_on):
                raise AppealNotAllowed(
                    f"The first appeal is before the appellate authority until {first.due_on}.",
                    f"प्रथम अपील {first.due_on} तक अपीलीय अधिकारी के समक्ष है।",
                )
            since = dt.date.fromisoformat(first.due_on)
        else:
            since = dt.date.fromisoformat(first.decided_on)
        last = since + dt.timedelta(days=self.act.second_appeal_within_days)
        if today > last:
            raise AppealOutOfTime(last.isoformat(), self.act.second_appeal_within_days)
        return 2

    def _hears(self, principal: Principal, appeal: Any, clock: Any) -> bool:
        if principal.role == "administrator":
            return True
        if principal.role != "appellate" or principal.level != int(appeal.level):
            return False
        return in_jurisdiction(principal, clock.department, clock.district, clock.tehsil)

    async def list_appeals(self, caller: Caller, state: str) -> list[AppealOut]:
        """Appeals at the caller's level and in their jurisdiction (all, for auditors and administrators),
        the nearest limit first."""
        principal = caller.signed_in
        POLICY.appeals.scope(principal)
        query = (
            select(APPEALS, _C.department, _C.district, _C.tehsil)
            .select_from(APPEALS.join(CLOCKS, _C.reference == _P.reference))
            .where(_P.state == state if state != "decided" else _P.state != "open")
            .order_by(_P.due_on, _P.id)
            .limit(500)
        )
        if principal.role == "appellate":
            query = query.where(_P.level == principal.level, _C.district == principal.district)
            if principal.department is not None:
                query = query.where(_C.department == principal.department)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        today = self.clock.today()
        found = [
            self._appeal_out(r, today)
            for r in rows
            if principal.role != "appellate"
            or principal.tehsil is None
            or r.tehsil is None
            or r.tehsil == principal.tehsil
        ]
        await self.audit.record(
            caller.actor, POLICY.appeals.action, "appeals", {"count": len(found), "state": state}
        )
        if POLICY.appeals.masks(principal):
            import msgspec

            found = [msgspec.structs.replace(a, reference=mask_id(a.reference), grounds="") for a in found]
        return found

    async def decide_appeal(self, caller: Caller, appeal_id: int, body: AppealDecisionBody) -> AppealOut:
        """The appellate authority's order; at the second level, the penalty on the designated officer."""
        principal = caller.signed_in
        POLICY.decide.scope(principal)
        today = self.clock.today()
        now = self.clock.time()
        async with self.engine.begin() as conn:
            appeal = (await conn.execute(select(APPEALS).where(_P.id == appeal_id))).first()
            clock = await self.clocks.read(conn, appeal.reference) if appeal is not None else None
            if appeal is None or clock is None or not self._hears(principal, appeal, clock):
                raise AppealNotFound(appeal_id)
            if appeal.state != "open":
                raise AppealDecided(appeal_id, appeal.state)
            level = int(appeal.level)
            if body.penalty and level != 2:
                raise AppealRefused(
                    "penalty",
                    "Only the second appellate authority imposes a penalty.",
                    "शास्ति केवल द्वितीय अपीलीय अधिकारी लगाते हैं।",
                )
            status = (
                await conn.execute(select(_A.status, _A.member_id).where(_A.reference == appeal.reference))
            ).one()
            penalty = self._penalty(body, clock, today) if body.penalty else None
            claimed = await conn.execute(
                update(APPEALS)
                .where(_P.id == appeal_id, _P.state == "open")
                .values(
                    state=body.outcome,
                    order_en=body.order.en.strip(),
                    order_hi=body.order.hi.strip(),
                    decided_by=caller.actor.subject[:80],
                    decided_on=today.isoformat(),
                )
            )
            if not claimed.rowcount:
                raise AppealDecided(appeal_id, "decided")
            changes, notices = [], []
            new_due = None
            member = f"member:{status.member_id}"
            if body.outcome == "allowed" and status.status not in ("approved", "issued"):
                promise = self.clocks.promise(clock.service_code)
                within = body.within_days or (promise.days if promise and promise.days else 1)
                new_due = await self.clocks.reopen(conn, appeal.reference, within)
                reopened = await conn.execute(
                    update(APPLICATIONS).where(_A.reference == appeal.reference).values(status="in_progress")
                )
                assert reopened.rowcount == 1
                next_status = "in_progress"
            else:
                await conn.execute(
                    update(CLOCKS)
                    .where(_C.reference == appeal.reference, _C.stage == f"appeal{level}")
                    .values(stage="none", next_check_at=None, updated_at=now)
                )
                next_status = status.status
            message = texts.appeal_decided(
                appeal.reference, level, body.outcome, body.order.en.strip(), body.order.hi.strip(), new_due
            )
            changes.append(Change(appeal.reference, "appeal_decided", next_status, message.en))
            notices.append(
                {
                    "reference": appeal.reference,
                    "recipient": member,
                    "kind": "appeal.decided",
                    "text": message.sms,
                }
            )
            if penalty is not None:
                amount, days_late = penalty
                try:
                    async with conn.begin_nested():
                        await conn.execute(
                            insert(PENALTIES),
                            {
                                "reference": appeal.reference,
                                "appeal_id": appeal_id,
                                "position": clock.position,
                                "officer": clock.officer or clock.decided_by,
                                "department": clock.department,
                                "district": clock.district,
                                "service_code": clock.service_code,
                                "days_late": days_late,
                                "amount_inr": amount,
                                "imposed_by": caller.actor.subject[:80],
                                "imposed_on": today.isoformat(),
                                "created_at": now,
                            },
                        )
                except IntegrityError:
                    raise AppealDecided(appeal_id, "penalised") from None
                said = texts.penalty(appeal.reference, amount, days_late)
                changes.append(
                    Change(
                        appeal.reference,
                        "penalty",
                        next_status,
                        said.en,
                    )
                )
                notices.append(
                    {
                        "reference": appeal.reference,
                        "recipient": member,
                        "kind": "appeal.penalty",
                        "text": said.sms,
                    }
                )
            await record_changes(conn, self.audit, caller.actor, changes, at=now)
            await Notices.add(conn, notices, now)
            decided = (await conn.execute(select(APPEALS).where(_P.id == appeal_id))).one()
        await self.notices.flush()
        return self._appeal_out(decided, today)

    def _penalty(self, body: AppealDecisionBody, clock: Any, today: dt.date) -> tuple[int, int]:
        """The sum and the days of delay: the Act's rate for each calendar day past the limit until the
        decision (or today), capped; an authority may state the sum (refusal without cause), up to the cap."""
        end = (
            dt.date.fromisoformat(clock.decided_on)
            if clock.decided_on and clock.state == "decided"
            else today
        )
        days_late = max(0, (end - dt.date.fromisoformat(clock.due_on)).days)
        cap = self.act.penalty_cap_inr
        if body.amount_inr is not None:
            if body.amount_inr > cap:
                raise AppealRefused(
                    "amount_inr", f"The penalty cannot exceed Rs {cap}.", f"शास्ति ₹{cap} से अधिक नहीं हो सकती।"
                )
            return body.amount_inr, days_late
        if days_late == 0:
            raise AppealRefused(
                "amount_inr",
                "There was no delay to count: state the amount of the penalty (at most the Act's cap).",
                "गिनने योग्य विलंब नहीं है: शास्ति की राशि बताएँ (अधिनियम की सीमा तक)।",
            )
        return min(cap, days_late * self.act.penalty_per_day_inr), days_late
