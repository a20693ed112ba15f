"""Grievances: filing, tracking, the citizen's reminders, withdrawal and feedback, and the officer's steps.

The public interface (names kept stable; the Open311, CPGRAMS and reports work builds on them):

``Grievances`` (built by ``gateway.grievances.capability.build_grievances``)
- ``file(caller, body, *, channel="web") -> GrievanceOut``: a citizen (or an agent/operator acting for
  one) files; the subject, district, attachments and link are checked before anything is written.
- ``file_external(body, actor, *, channel, mobile=None, external_ref=None, routing=None) -> GrievanceOut``:
  a grievance that came from elsewhere (an Open311 client, a CPGRAMS import); ``routing`` replaces the
  state's routing file for the filing only (the first level's position and limit, e.g. CPGRAMS's 21
  days): later steps and the watcher read the state's file, so a grievance that must follow another
  model throughout needs that model's departments in the state's file (not yet a column of its own).
- ``send_phone_code(body, actor)``, ``file_by_phone(body, actor)``: filing without signing in.
- ``get(caller, number)``, ``status(number)`` (public), ``mine(caller)``, ``find_external(ref)``
- citizen: ``remind``, ``withdraw``, ``answer``, ``feedback``, ``sms_reply``
- officer: ``inbox``, ``at_desk`` (one grievance, "not found" unless it is with them), ``attend``,
  ``reply``, ``forward``, ``ask_info``, ``resolve``, ``special_closure``,
  ``force_closure``, ``escalate``, ``send_back``
- ``routing`` (the checked routing file), ``calendar`` (working days), ``clock``

Every step runs in one transaction: the grievance row (fenced on the status it was read in), an event on
``grievance_event``, an entry on the audit trail and the text for the citizen in ``grievance_notice``. A
step refused leaves nothing written.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue.compiled import Catalogue
from catalogue.grievance_routing import DepartmentRoute, Level, Routing
from catalogue.models import Text
from gateway.applications import InvalidReference, parse_reference
from gateway.audit import Actor, AuditTrail
from gateway.deadlines import WorkingCalendar
from gateway.grievances.errors import (
    ClosureNotAllowed,
    DistrictNotInState,
    FeedbackNotDue,
    GrievanceInvalid,
    GrievanceNotFound,
    GrievanceStateConflict,
    NotYourApplication,
    OutsideJurisdiction,
    ReminderTooSoon,
    TransferCapReached,
    UnknownCategory,
)
from gateway.grievances.policy import POLICY
from gateway.grievances.reference import (
    InvalidGrievanceNumber,
    format_grievance,
    new_grievance_number,
    parse_grievance,
)
from gateway.grievances.tables import AttachmentRow, EventRow, GrievanceRow, NoticeRow
from gateway.platform.clock import INDIA, Clock
from gateway.platform.guard import Caller
from gateway.platform.masking import mask_mobile
from gateway.platform.principal import Principal
from schemas.grievances_api import (
    ClosureBody,
    FeedbackBody,
    ForwardBody,
    GrievanceCreate,
    GrievanceEventOut,
    GrievanceOut,
    GrievancePage,
    GrievanceStatus,
    InboxItem,
    InboxPage,
    NoteBody,
    PhoneCodeBody,
    PhoneFilingBody,
    SmsReplyAck,
    SmsReplyBody,
)
from schemas.identity_api import CodeSent

__all__ = [
    "ACTIVE",
    "ATTACHMENTS",
    "EVENTS",
    "GRIEVANCES",
    "NOTICES",
    "ApplicationLookup",
    "DocumentLookup",
    "Grievances",
    "MobileLookup",
    "PhoneCodes",
    "moment",
]

GRIEVANCES = GrievanceRow.__table__  # type: ignore[attr-defined]
EVENTS = EventRow.__table__  # type: ignore[attr-defined]
ATTACHMENTS = AttachmentRow.__table__  # type: ignore[attr-defined]
NOTICES = NoticeRow.__table__  # type: ignore[attr-defined]
_G = GRIEVANCES.c
ACTIVE = ("open", "attended", "info_requested")  # with an officer, on a clock


# (family_id, department, service_code) of an application, or None when there is none.
ApplicationLookup = Callable[[str], Awaitable[tuple[str, str, str] | None]]
# The family a document of the store belongs to, or None.
DocumentLookup = Callable[[str], Awaitable[str | None]]
# Codes that prove a phone (identity's public service): send one, and check one for the number it proves.
PhoneCodes = tuple[
    Callable[[str, Actor, str], Awaitable[CodeSent]], Callable[[str, str, Actor], Awaitable[str]]
]
# The member IDs (and family IDs) registered with a mobile number: for SMS replies.
MobileLookup = Callable[[str], Awaitable[list[tuple[str, str]]]]


def moment(day: dt.date) -> float:
    """The start of ``day`` in India, as epoch seconds."""
    return dt.datetime.combine(day, dt.time(), INDIA).timestamp()


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class _Step:
    """What one step changes and tells: the new values, the event's kind and note, the text to send."""

    kind: str
    values: dict[str, Any]
    note: str = ""
    notice: str | None = None


class Grievances:
    def __init__(
        self,
        engine: AsyncEngine,
        audit: AuditTrail,
        clock: Clock,
        calendar: WorkingCalendar,
        routing: Callable[[], Routing],
        catalogue: Callable[[], Catalogue],
        applications: ApplicationLookup,
        documents: DocumentLookup,
        mobiles: MobileLookup | None = None,
        relay_token: str = "",
        phone: PhoneCodes | None = None,
    ) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock
        self.calendar = calendar
        self._routing = routing
        self._catalogue = catalogue
        self._applications = applications
        self._documents = documents
        self._mobiles = mobiles
        self._relay_token = relay_token
        self._phone = phone

    @property
    def routing(self) -> Routing:
        return self._routing()

    def relay_token_ok(self, token: str | None) -> bool:
        """Whether ``token`` is the SMS provider's relay token (none configured: nobody's is)."""
        return bool(self._relay_token) and token is not None and hmac.compare_digest(token, self._relay_token)

    # -- dates -------------------------------------------------------------------------------------------

    def due(self, level: Level, start: dt.date | None = None) -> dt.date:
        """The day ``level``'s limit lapses, counted from ``start`` (today) in the level's unit."""
        return self.calendar.add(start or self.clock.today(), level.days, level.unit)

    def days_left(self, due_on: str, unit: str = "calendar_days") -> int:
        today = self.clock.today()
        due = dt.date.fromisoformat(due_on)
        if due < today:
            return -(today - due).days
        return self.calendar.between(today, due, unit)  # type: ignore[arg-type]

    # -- filing ------------------------------------------------------------------------------------------

    async def file(self, caller: Caller, body: GrievanceCreate, *, channel: str = "web") -> GrievanceOut:
        """A citizen files (or a helper for them, with the citizen's code): all checked, then written."""
        principal = caller.signed_in
        POLICY["file"].scope(principal)
        if principal.member_id is None or principal.family_id is None:
            raise GrievanceInvalid(
                "member_id", "only a citizen files a grievance", "शिकायत नागरिक ही दर्ज करते हैं"
            )
        if principal.assisted_by:
            channel = "operator" if principal.assisted_by.startswith("staff:ope") else "agent"
        return await self._file(
            body,
            caller.actor,
            channel=channel,
            member_id=principal.member_id,
            family_id=principal.family_id,
            mobile=None,
            external_ref=None,
            routing=self.routing,
        )

    async def file_external(
        self,
        body: GrievanceCreate,
        actor: Actor,
        *,
        channel: str,
        mobile: str | None = None,
        external_ref: str | None = None,
        routing: Routing | None = None,
    ) -> GrievanceOut:
        """A grievance from outside a citizen's session: a mobile number confirmed by a code, an Open311
        client, a CPGRAMS import. No family, so an application reference cannot be its subject. The
        database keeps one grievance per ``channel`` and ``external_ref``: filing one already filed (two
        imports of the same file at once) answers the grievance filed first."""
        if body.application_reference is not None:
            raise NotYourApplication(body.application_reference)
        return await self._file(
            body,
            actor,
            channel=channel,
            member_id=None,
            family_id=None,
            mobile=mobile,
            external_ref=external_ref,
            routing=routing or self.routing,
        )

    async def send_phone_code(self, body: PhoneCodeBody, actor: Actor) -> CodeSent:
        """A code to the filer's phone, registered or not, to file without signing in."""
        assert self._phone is not None
        return await self._phone[0](body.mobile, actor, "file a grievance")

    async def file_by_phone(self, body: PhoneFilingBody, actor: Actor) -> GrievanceOut:
        """File with the code sent to the filer's phone: every check first, then the code (so a bad
        grievance does not use up the code), then the grievance; texts go to that number."""
        assert self._phone is not None
        if body.grievance.application_reference is not None or body.grievance.attachments:
            raise GrievanceInvalid(
                "grievance",
                "sign in to name an application or attach documents",
                "आवेदन या दस्तावेज़ जोड़ने के लिए साइन इन करें",
            )
        await self._subject(body.grievance, None, self.routing)
        if body.grievance.district not in self._catalogue().districts:
            raise DistrictNotInState("district", body.grievance.district)
        mobile = await self._phone[1](body.challenge_id, body.code, actor)
        proven = Actor(
            subject=f"mobile:{mask_mobile(mobile)}", role="citizen", client_ip=actor.client_ip,
            reason=actor.reason, request_id=actor.request_id,
        )  # fmt: skip
        return await self.file_external(body.grievance, proven, channel="phone", mobile=mobile)

    async def _subject(
        self, body: GrievanceCreate, family_id: str | None, routing: Routing
    ) -> tuple[str, str | None, str | None, DepartmentRoute, str]:
        """(subject kind, service code, application reference, department's route, category)."""
        catalogue = self._catalogue()
        given = [x for x in (body.service_code, body.application_reference, body.department) if x is not None]
        if len(given) != 1:
            raise GrievanceInvalid(
                "subject",
                "name one subject: a service_code, an application_reference, or a department with a category",
                "एक ही विषय बताएं: सेवा कोड, आवेदन संख्या, या विभाग और श्रेणी",
            )
        service_code = application = None
        if body.service_code is not None:
            service = catalogue.by_code.get(body.service_code)
            if service is None:
                raise GrievanceInvalid(
                    "service_code",
                    f"unknown service '{body.service_code}'",
                    f"अज्ञात सेवा '{body.service_code}'",
                )
            kind, service_code, department = "service", service.code, service.department
        elif body.application_reference is not None:
            try:
                application = parse_reference(body.application_reference)
            except InvalidReference:
                raise NotYourApplication(body.application_reference) from None
            found = await self._applications(application)
            if found is None or family_id is None or found[0] != family_id:
                raise NotYourApplication(body.application_reference)
            kind, department, service_code = "application", found[1], found[2]
        else:
            kind, department = "category", str(body.department)
        route = routing.department(department)
        if route is None:
            raise UnknownCategory("department", department, sorted(routing.departments))
        if body.category is not None:
            if body.category not in route.categories:
                raise UnknownCategory("category", body.category, sorted(route.categories))
            category = body.category
        elif kind == "category":
            raise UnknownCategory("category", "", sorted(route.categories))
        else:
            category = next(iter(route.categories))
        return kind, service_code, application, route, category

    async def _file(
        self,
        body: GrievanceCreate,
        actor: Actor,
        *,
        channel: str,
        member_id: str | None,
        family_id: str | None,
        mobile: str | None,
        external_ref: str | None,
        routing: Routing,
    ) -> GrievanceOut:
        if body.district not in self._catalogue().districts:
            raise DistrictNotInState("district", body.district)
        kind, service_code, application, route, category = await self._subject(body, family_id, routing)
        for document_id in body.attachments:
            owner = await self._documents(document_id)
            if owner is None or owner != family_id:
                raise GrievanceInvalid(
                    "attachments",
                    f"document {document_id} is not in your store",
                    "यह दस्तावेज़ आपके संग्रह में नहीं है",
                )
        linked = None
        if body.linked_to is not None:
            try:
                linked = parse_grievance(body.linked_to)
            except InvalidGrievanceNumber as exc:
                raise GrievanceInvalid("linked_to", exc.message, exc.message_hi) from None
        level = route.level(1)
        today = self.clock.today()
        due = self.due(level, today)
        now = self.clock.time()
        row: dict[str, Any] = {
            "kind": body.kind, "subject_kind": kind, "service_code": service_code,
            "application_ref": application, "department": route.department, "category": category,
            "district": body.district, "place": body.place.strip(), "text": body.text.strip(),
            "member_id": member_id, "family_id": family_id, "mobile": mobile, "language": body.language,
            "level": 1, "position": route.first_position(category, body.district), "status": "open",
            "closure": None, "force_closed": False, "due_on": due.isoformat(),
            "next_check_at": moment(due + dt.timedelta(days=1)), "transfers": 0, "reopened": 0,
            "low_quality": 0, "reminders": 0, "last_reminder_at": None, "linked_to": linked,
            "filed_by": actor.subject[:120], "channel": channel, "external_ref": external_ref,
            "force_notice_at": None, "attended_at": None, "resolved_at": None, "closed_at": None,
            "rating": None, "created_at": now, "updated_at": now,
        }  # fmt: skip
        for _ in range(5):
            number = new_grievance_number(today)
            try:
                async with self.engine.begin() as conn:
                    if linked is not None:
                        await self._check_link(conn, linked, family_id, mobile)
                    await conn.execute(insert(GRIEVANCES).values(number=number, **row))
                    if body.attachments:
                        await conn.execute(
                            insert(ATTACHMENTS),
                            [{"number": number, "document_id": d} for d in body.attachments],
                        )
                    await self._events(
                        conn, actor, [{**row, "number": number}], "filed", body.text[:200], "filed"
                    )
                break
            except IntegrityError:
                if external_ref is not None:
                    taken = await self._external_number(channel, external_ref)
                    if taken is not None:  # filed just now by another run bringing in the same one
                        return await self._read(taken)
                continue  # a number drawn twice: draw again
        else:  # pragma: no cover - five clashes in nine random digits
            raise RuntimeError("could not draw a free grievance number")
        return await self._read(number)

    async def _external_number(self, channel: str, external_ref: str) -> str | None:
        async with self.engine.connect() as conn:
            statement = select(_G.number).where(_G.external_ref == external_ref, _G.channel == channel)
            found = (await conn.execute(statement)).scalar()
        return None if found is None else str(found)

    async def _check_link(
        self, conn: AsyncConnection, linked: str, family_id: str | None, mobile: str | None
    ) -> None:
        found = (await conn.execute(select(_G.family_id, _G.mobile).where(_G.number == linked))).first()
        mine = found is not None and (
            (family_id is not None and found.family_id == family_id)
            or (mobile is not None and found.mobile == mobile)
        )
        if not mine:
            raise GrievanceInvalid(
                "linked_to",
                f"no earlier grievance {linked} of yours",
                f"आपकी कोई पुरानी शिकायत {linked} नहीं मिली",
            )

    # -- the timeline, audit and texts of a step ---------------------------------------------------------

    async def _events(
        self,
        conn: AsyncConnection,
        actor: Actor,
        rows: Iterable[dict[str, Any]],
        kind: str,
        note: str,
        notice: str | None,
    ) -> None:
        now = self.clock.time()
        rows = list(rows)
        await conn.execute(
            insert(EVENTS),
            [
                {"number": r["number"], "at": now, "kind": kind, "level": r["level"], "status": r["status"],
                 "actor": actor.subject[:120], "note": note}
                for r in rows
            ],
        )  # fmt: skip
        await self.audit.append_many(
            conn,
            [
                (
                    actor,
                    f"grievance.{kind}",
                    f"grievance:{r['number']}",
                    {"level": r["level"], "status": r["status"]},
                )
                for r in rows
            ],
        )
        if notice is not None:
            await conn.execute(
                insert(NOTICES),
                [
                    {"number": r["number"], "template": notice, "channel": "sms", "level": r["level"],
                     "due_on": r["due_on"], "send_at": now, "attempts": 0, "sent_at": None}
                    for r in rows
                ],
            )  # fmt: skip

    async def _apply(
        self,
        number: str,
        actor: Actor,
        decide: Callable[[Any], _Step],
        *,
        check: Callable[[Any], None] | None = None,
    ) -> GrievanceOut:
        """Read the grievance, let ``check`` refuse and ``decide`` the step, and write it fenced on the
        status and level read: a step that raced another (or the watcher) is refused, not doubled."""
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(GRIEVANCES).where(_G.number == number))).first()
            if row is None:
                raise GrievanceNotFound(number)
            if check is not None:
                check(row)
            step = decide(row)
            values = {**step.values, "updated_at": self.clock.time()}
            moved = await conn.execute(
                update(GRIEVANCES)
                .where(_G.number == number, _G.status == row.status, _G.level == row.level)
                .values(**values)
            )
            if moved.rowcount != 1:
                raise GrievanceStateConflict(number, row.status, step.kind)
            after = {**row._mapping, **values}
            await self._events(conn, actor, [after], step.kind, step.note, step.notice)
        return await self._read(number)

    # -- reading -----------------------------------------------------------------------------------------

    async def _read(self, number: str) -> GrievanceOut:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(GRIEVANCES).where(_G.number == number))).first()
            if row is None:
                raise GrievanceNotFound(number)
            events = (
                await conn.execute(select(EVENTS).where(EVENTS.c.number == number).order_by(EVENTS.c.id))
            ).all()
            attached = (
                await conn.execute(select(ATTACHMENTS.c.document_id).where(ATTACHMENTS.c.number == number))
            ).all()
        return self._out(row, events, [a[0] for a in attached])

    def _level(self, department: str, level: int) -> Level | None:
        route = self.routing.department(department)
        return route.level(level) if route is not None and 1 <= level <= route.top else None

    def _out(self, row: Any, events: Sequence[Any], attachments: list[str]) -> GrievanceOut:
        level = self._level(row.department, row.level)
        title = level.title if level is not None else Text(en=f"Level {row.level}", hi=f"स्तर {row.level}")
        unit = level.unit if level is not None else "calendar_days"
        return GrievanceOut(
            number=row.number, number_display=format_grievance(row.number), kind=row.kind,
            subject_kind=row.subject_kind, department=row.department, category=row.category,
            district=row.district, place=row.place, text=row.text, level=row.level, level_title=title,
            position=row.position, status=row.status, due_on=row.due_on,
            days_left=self.days_left(row.due_on, unit) if row.status in ACTIVE else 0,
            force_closed=bool(row.force_closed), transfers=row.transfers, reopened=row.reopened,
            reminders=row.reminders, low_quality=row.low_quality, channel=row.channel,
            created_at=_iso(row.created_at), updated_at=_iso(row.updated_at), attachments=attachments,
            timeline=[
                GrievanceEventOut(at=_iso(e.at), kind=e.kind, level=e.level, status=e.status, actor=e.actor,
                                  note=e.note)
                for e in events
            ],
            service_code=row.service_code, application_reference=row.application_ref, closure=row.closure,
            rating=row.rating, linked_to=row.linked_to, external_ref=row.external_ref,
            feedback_due=row.status == "resolved",
        )  # fmt: skip

    def _may_see(self, principal: Principal, row: Any) -> bool:
        if principal.role == "citizen":
            return principal.family_id is not None and row.family_id == principal.family_id
        if principal.role == "officer":
            return principal.department == row.department
        return principal.role in ("agent", "operator", "administrator", "auditor")

    async def get(self, caller: Caller, number: str) -> GrievanceOut:
        principal = caller.signed_in
        POLICY["read"].scope(principal)
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(_G.family_id, _G.department).where(_G.number == number))).first()
        if row is None or not self._may_see(principal, row):
            raise GrievanceNotFound(number)
        found = await self._read(number)
        await self.audit.record(caller.actor, POLICY["read"].action, f"grievance:{number}")
        return found

    async def status(self, number: str) -> GrievanceStatus:
        """What anyone holding the number may learn: no text, no name, no place."""
        found = await self._read(number)
        return GrievanceStatus(
            number=found.number, number_display=found.number_display, kind=found.kind,
            department=found.department, level=found.level, level_title=found.level_title,
            status=found.status, due_on=found.due_on, closure=found.closure,
        )  # fmt: skip

    async def mine(self, caller: Caller, limit: int = 50) -> GrievancePage:
        principal = caller.signed_in
        POLICY["mine"].scope(principal)
        async with self.engine.connect() as conn:
            numbers = [
                r[0]
                for r in await conn.execute(
                    select(_G.number)
                    .where(_G.family_id == principal.family_id)
                    .order_by(_G.created_at.desc())
                    .limit(limit)
                )
            ]
        page = GrievancePage(items=[await self._read(n) for n in numbers])
        await self.audit.record(
            caller.actor, POLICY["mine"].action, f"family:{principal.family_id}", {"count": len(numbers)}
        )
        return page

    async def find_external(self, external_ref: str) -> GrievanceOut | None:
        """The grievance another system knows by ``external_ref`` (a CPGRAMS number, an Open311 token)."""
        async with self.engine.connect() as conn:
            found = (await conn.execute(select(_G.number).where(_G.external_ref == external_ref))).first()
        return await self._read(found[0]) if found is not None else None

    # -- the citizen's steps -----------------------------------------------------------------------------

    def _own(self, caller: Caller, rule: str) -> Callable[[Any], None]:
        principal = caller.signed_in
        POLICY[rule].scope(principal)

        def check(row: Any) -> None:
            if principal.family_id is None or row.family_id != principal.family_id:
                raise GrievanceNotFound(row.number)

        return check

    async def remind(self, caller: Caller, number: str) -> GrievanceOut:
        own = self._own(caller, "remind")
        hours = self.routing.reminder_after_hours
        now = self.clock.time()

        def check(row: Any) -> None:
            own(row)
            if row.status not in ACTIVE:
                raise GrievanceStateConflict(number, row.status, "reminded")
            last = row.last_reminder_at if row.last_reminder_at is not None else row.created_at
            if now < last + hours * 3600:
                nxt = last + hours * 3600
                raise ReminderTooSoon(hours, _iso(nxt), int(nxt - now))

        def decide(row: Any) -> _Step:
            return _Step(
                "reminded", {"reminders": row.reminders + 1, "last_reminder_at": now}, notice="reminded"
            )

        return await self._apply(number, caller.actor, decide, check=check)

    async def withdraw(self, caller: Caller, number: str, body: NoteBody) -> GrievanceOut:
        own = self._own(caller, "withdraw")

        def check(row: Any) -> None:
            own(row)
            if row.status not in (*ACTIVE, "resolved"):
                raise GrievanceStateConflict(number, row.status, "withdrawn")

        now = self.clock.time()
        values = {"status": "withdrawn", "closure": "withdrawn", "closed_at": now, "next_check_at": None}
        return await self._apply(
            number, caller.actor, lambda row: _Step("withdrawn", values, body.note, "withdrawn"), check=check
        )

    async def answer(self, caller: Caller, number: str, body: NoteBody) -> GrievanceOut:
        """The citizen answers the officer's question; the grievance is back with the officer."""
        own = self._own(caller, "withdraw")

        def check(row: Any) -> None:
            own(row)
            if row.status != "info_requested":
                raise GrievanceStateConflict(number, row.status, "answered")

        return await self._apply(
            number,
            caller.actor,
            lambda row: _Step("answered", {"status": "attended"}, body.note),
            check=check,
        )

    async def feedback(self, caller: Caller, number: str, body: FeedbackBody) -> GrievanceOut:
        """Satisfied closes; not satisfied reopens at the next level (the same at the top) and counts a
        low-quality closure. An agent records what the citizen said on a call."""
        principal = caller.signed_in
        scope = POLICY["feedback"].scope(principal)

        def check(row: Any) -> None:
            if not scope.everything and (principal.family_id is None or row.family_id != principal.family_id):
                raise GrievanceNotFound(number)

        return await self._feedback(number, caller.actor, body.rating, body.comment, check)

    async def _feedback(
        self, number: str, actor: Actor, rating_code: str, comment: str, check: Callable[[Any], None]
    ) -> GrievanceOut:
        rating = self.routing.ratings.get(rating_code)
        if rating is None:
            raise GrievanceInvalid(
                "rating",
                f"unknown rating '{rating_code}'; one of: {', '.join(self.routing.ratings)}",
                f"अज्ञात रेटिंग '{rating_code}'",
            )
        now = self.clock.time()

        def checked(row: Any) -> None:
            check(row)
            if row.status != "resolved":
                raise FeedbackNotDue(number, row.status)

        def decide(row: Any) -> _Step:
            if rating.satisfied:
                values = {"status": "closed", "closure": "satisfied", "closed_at": now, "rating": rating.code}
                return _Step("satisfied", values, comment, "closed")
            route = self.routing.department(row.department)
            top = route.top if route is not None else row.level
            level = min(row.level + 1, top)
            return (
                _Step("not_satisfied", self._at_level(row, level), comment, "reopened")
                if route
                else _Step("not_satisfied", {"status": "open"}, comment, "reopened")
            )

        def with_counts(row: Any) -> _Step:
            step = decide(row)
            if step.kind == "not_satisfied":
                extra = {
                    "reopened": row.reopened + 1,
                    "low_quality": row.low_quality + 1,
                    "rating": rating.code,
                }
                return _Step(step.kind, {**step.values, **extra}, step.note, step.notice)
            return step

        return await self._apply(number, actor, with_counts, check=checked)

    async def sms_reply(self, body: SmsReplyBody, actor: Actor) -> SmsReplyAck:
        """A reply to the "resolved" text: ``1``/``YES`` satisfied, ``2``/``NO`` not, with or without the
        number; without it, the sender's one grievance waiting for feedback."""
        from family_registry.mobile import check_mobile

        words = body.text.strip().split()
        answer = words[0].upper() if words else ""
        choices = {
            "1": True,
            "YES": True,
            "Y": True,
            "हाँ": True,
            "2": False,
            "NO": False,
            "N": False,
            "नहीं": False,
        }
        if answer not in choices:
            raise GrievanceInvalid(
                "text", "reply 1 (satisfied) or 2 (not satisfied)", "1 (संतुष्ट) या 2 (असंतुष्ट) भेजें"
            )
        try:
            mobile = check_mobile(body.sender[-10:])
        except Exception:
            raise GrievanceInvalid("sender", "not a mobile number", "मोबाइल नंबर नहीं है") from None
        families = {f for _, f in await self._mobiles(mobile)} if self._mobiles else set()
        query = select(_G.number).where(
            _G.status == "resolved",
            or_(_G.mobile == mobile, _G.family_id.in_(sorted(families))),
        )
        if len(words) > 1:
            try:
                query = query.where(_G.number == parse_grievance("".join(words[1:])))
            except InvalidGrievanceNumber as exc:
                raise GrievanceInvalid("text", exc.message, exc.message_hi) from None
        async with self.engine.connect() as conn:
            found = [r[0] for r in await conn.execute(query.limit(2))]
        if len(found) != 1:
            raise GrievanceInvalid(
                "text",
                "no single grievance of yours waits for feedback; add its number after your answer",
                "आपकी कोई एक शिकायत प्रतिक्रिया की प्रतीक्षा में नहीं है; उत्तर के बाद शिकायत संख्या भी लिखें",
            )
        satisfied = choices[answer]
        code = next(r.code for r in self.routing.ratings.values() if r.satisfied == satisfied)
        out = await self._feedback(found[0], actor, code, "by SMS", lambda row: None)
        return SmsReplyAck(number=out.number, rating=code, status=out.status)

    # -- the officer's steps -----------------------------------------------------------------------------

    def _at_level(self, row: Any, level: int) -> dict[str, Any]:
        """Values that put the grievance at ``level``: its position, a new due date, open again."""
        route = self.routing.department(row.department)
        assert route is not None
        due = self.due(route.level(level))
        return {
            "level": level,
            "position": route.position(level, row.category, row.district),
            "status": "open",
            "due_on": due.isoformat(),
            "next_check_at": moment(due + dt.timedelta(days=1)),
            "force_notice_at": None,
        }

    def _officer(
        self, caller: Caller, rule: str, *, states: tuple[str, ...] = ACTIVE
    ) -> Callable[[Any], None]:
        """A check that the officer holds the grievance's level and position in its department and area."""
        principal = caller.signed_in
        POLICY[rule].scope(principal)

        def check(row: Any) -> None:
            self._in_jurisdiction(principal, row)
            if row.status not in states:
                raise GrievanceStateConflict(row.number, row.status, "acted on")

        return check

    def _in_jurisdiction(self, principal: Principal, row: Any) -> None:
        if principal.role == "administrator":
            return
        level = self._level(row.department, row.level)
        if principal.department != row.department:
            raise OutsideJurisdiction(
                row.number, "another department's grievance", "यह दूसरे विभाग की शिकायत है"
            )
        if (principal.level or 1) != row.level:
            raise OutsideJurisdiction(
                row.number, f"it is at level {row.level}, you at level {principal.level or 1}",
                f"यह स्तर {row.level} पर है, आप स्तर {principal.level or 1} पर हैं",
            )  # fmt: skip
        if principal.designation != row.position:
            raise OutsideJurisdiction(
                row.number, f"it is with the {row.position}", f"यह {row.position} के पास है"
            )
        if (level is None or level.jurisdiction == "district") and principal.district != row.district:
            raise OutsideJurisdiction(row.number, "it is of another district", "यह दूसरे ज़िले की शिकायत है")

    async def inbox(self, caller: Caller, state: str | None = None, limit: int = 100) -> InboxPage:
        """The officer's grievances: their department, level and position, their district unless the level
        is state-wide; nearest due first, filtered in SQL."""
        principal = caller.signed_in
        POLICY["inbox"].scope(principal)
        level_no = principal.level or 1
        query = select(GRIEVANCES).where(
            _G.department == principal.department,
            _G.level == level_no,
            _G.position == (principal.designation or ""),
            _G.status.in_([state] if state in ACTIVE else ACTIVE),
        )
        level = self._level(principal.department or "", level_no)
        if level is None or level.jurisdiction == "district":
            query = query.where(_G.district == principal.district)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(_G.due_on, _G.created_at).limit(limit))).all()
        unit = level.unit if level is not None else "calendar_days"
        await self.audit.record(
            caller.actor, POLICY["inbox"].action, f"staff:{principal.staff_id}", {"count": len(rows)}
        )
        return InboxPage(
            level=level_no,
            position=principal.designation or "",
            items=[
                InboxItem(
                    number=r.number,
                    number_display=format_grievance(r.number),
                    kind=r.kind,
                    department=r.department,
                    category=r.category,
                    district=r.district,
                    place=r.place,
                    level=r.level,
                    status=r.status,
                    due_on=r.due_on,
                    days_left=self.days_left(r.due_on, unit),
                    reminders=r.reminders,
                    summary=r.text[:140],
                )
                for r in rows
            ],
        )

    async def at_desk(self, caller: Caller, number: str) -> tuple[GrievanceOut, Level | None]:
        """A grievance with the officer who holds it now (their department, level, position and, unless the
        level is state-wide, district), with its level's rules: for the officer's page, which shows others
        nothing ("not found", never "not yours"). Audited as a read."""
        principal = caller.signed_in
        POLICY["inbox"].scope(principal)
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(GRIEVANCES).where(_G.number == number))).first()
        if row is None:
            raise GrievanceNotFound(number)
        try:
            self._in_jurisdiction(principal, row)
        except OutsideJurisdiction:
            raise GrievanceNotFound(number) from None
        found = await self._read(number)
        await self.audit.record(caller.actor, POLICY["read"].action, f"grievance:{number}")
        return found, self._level(row.department, row.level)

    async def attend(self, caller: Caller, number: str) -> GrievanceOut:
        check = self._officer(caller, "act", states=("open",))
        now = self.clock.time()

        def decide(row: Any) -> _Step:
            return _Step(
                "attended", {"status": "attended", "attended_at": row.attended_at or now}, notice="attended"
            )

        return await self._apply(number, caller.actor, decide, check=check)

    async def reply(self, caller: Caller, number: str, body: NoteBody) -> GrievanceOut:
        check = self._officer(caller, "act")
        return await self._apply(
            number, caller.actor, lambda row: _Step("replied", {}, body.note, "replied"), check=check
        )

    async def ask_info(self, caller: Caller, number: str, body: NoteBody) -> GrievanceOut:
        check = self._officer(caller, "act", states=("open", "attended"))
        values = {"status": "info_requested"}
        return await self._apply(
            number,
            caller.actor,
            lambda row: _Step("info_requested", values, body.note, "info_requested"),
            check=check,
        )

    async def resolve(self, caller: Caller, number: str, body: NoteBody) -> GrievanceOut:
        """Resolved, with the action taken; the citizen is asked for their say (nothing is closed yet)."""
        check = self._officer(caller, "act")
        now = self.clock.time()
        values = {"status": "resolved", "resolved_at": now, "next_check_at": None}
        return await self._apply(
            number, caller.actor, lambda row: _Step("resolved", values, body.note, "resolved"), check=check
        )

    async def forward(self, caller: Caller, number: str, body: ForwardBody) -> GrievanceOut:
        """To the right officer at the same level: another department, category or district. Counted
        against the routing file's cap; the due date stays, so a transfer does not buy time."""
        check = self._officer(caller, "act")
        catalogue = self._catalogue()
        if body.district is not None and body.district not in catalogue.districts:
            raise DistrictNotInState("district", body.district)

        def decide(row: Any) -> _Step:
            old = self.routing.department(row.department)
            if old is not None and row.transfers >= old.transfer_cap:
                raise TransferCapReached(number, old.transfer_cap)
            department = body.department or row.department
            route = self.routing.department(department)
            if route is None:
                raise UnknownCategory("department", department, sorted(self.routing.departments))
            category = body.category or (row.category if row.category in route.categories else None)
            if category is None or category not in route.categories:
                raise UnknownCategory("category", body.category or "", sorted(route.categories))
            district = body.district or row.district
            level = min(row.level, route.top)
            values = {
                "department": department, "category": category, "district": district, "level": level,
                "position": route.position(level, category, district), "status": "open",
                "transfers": row.transfers + 1,
            }  # fmt: skip
            return _Step("forwarded", values, body.note, "forwarded")

        return await self._apply(number, caller.actor, decide, check=check)

    async def escalate(self, caller: Caller, number: str, body: NoteBody) -> GrievanceOut:
        """An officer moves the grievance up by hand (the only way where the file says ``manual``)."""
        check = self._officer(caller, "act")

        def decide(row: Any) -> _Step:
            route = self.routing.department(row.department)
            if route is None or row.level >= route.top:
                raise GrievanceStateConflict(number, f"at the top level ({row.level})", "escalated")
            return _Step("escalated", self._at_level(row, row.level + 1), body.note, "escalated")

        return await self._apply(number, caller.actor, decide, check=check)

    async def send_back(self, caller: Caller, number: str, body: NoteBody) -> GrievanceOut:
        check = self._officer(caller, "act")

        def decide(row: Any) -> _Step:
            level = self._level(row.department, row.level)
            if level is None or not level.send_back:
                raise ClosureNotAllowed(
                    f"Level {row.level} may not send a grievance back.",
                    f"स्तर {row.level} शिकायत वापस नहीं भेज सकता।",
                )
            return _Step("sent_back", self._at_level(row, row.level - 1), body.note, "sent_back")

        return await self._apply(number, caller.actor, decide, check=check)

    async def special_closure(self, caller: Caller, number: str, body: ClosureBody) -> GrievanceOut:
        """At a level that may ``make`` one, closes with reasons; at one that may ``propose``, records the
        proposal for the levels above."""
        check = self._officer(caller, "act")
        now = self.clock.time()

        def decide(row: Any) -> _Step:
            level = self._level(row.department, row.level)
            allowed = level.special_closure if level is not None else "none"
            if body.propose and allowed in ("propose", "make"):
                return _Step("special_closure_proposed", {}, body.reasons)
            if not body.propose and allowed == "make":
                values = {"status": "closed", "closure": "special", "closed_at": now, "next_check_at": None}
                return _Step("special_closed", values, body.reasons, "special_closed")
            raise ClosureNotAllowed(
                f"Level {row.level} may {'not propose' if body.propose else 'not make'} a special closure"
                + (" (it may only propose one)." if allowed == "propose" else "."),
                f"स्तर {row.level} पर इस प्रकार विशेष रूप से बंद करना संभव नहीं है।",
            )

        return await self._apply(number, caller.actor, decide, check=check)

    async def force_closure(self, caller: Caller, number: str, body: ClosureBody) -> GrievanceOut:
        """Closure without the citizen's consent, only at the levels the file allows and only after the
        citizen was told: the first call tells them, a call after the notice period closes. Marked forever
        (``force_closed``) and counted as a low-quality closure."""
        check = self._officer(caller, "act")
        hours = self.routing.force_closure_notice_hours
        now = self.clock.time()

        def decide(row: Any) -> _Step:
            level = self._level(row.department, row.level)
            if level is None or not level.force_closure:
                raise ClosureNotAllowed(
                    f"A force closure is not allowed at level {row.level}.",
                    f"स्तर {row.level} पर बिना सहमति बंद करने की अनुमति नहीं है।",
                )
            if row.force_notice_at is None:
                return _Step("force_notice", {"force_notice_at": now}, body.reasons, "force_notice")
            if now < row.force_notice_at + hours * 3600:
                told = _iso(row.force_notice_at)
                raise ClosureNotAllowed(
                    f"The citizen was told at {told}; a force closure may follow {hours} hours later.",
                    f"नागरिक को {told} पर सूचित किया गया; {hours} घंटे बाद ही बंद किया जा सकता है।",
                )
            values = {
                "status": "closed", "closure": "force", "force_closed": True, "closed_at": now,
                "next_check_at": None, "low_quality": row.low_quality + 1,
            }  # fmt: skip
            return _Step("force_closed", values, body.reasons, "force_closed")

        return await self._apply(number, caller.actor, decide, check=check)
