"""The officer's desk: where the applications of departments without a system of their own are decided,
and where departments with one send their decisions by signed callback.

Every step checks the officer's department and jurisdiction first (anything outside is "not found"),
then moves the application with a guarded update (``WHERE status`` is still what the step expects), so
approving twice, or a callback for an application decided meanwhile, changes nothing. The application's
status and timeline, the guarantee's clock, a certificate when one is issued, the audit entries and the
texts to send are written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue import Catalogue
from gateway.applications import APPLICATIONS, FINAL, ApplicationService, Change, record_changes
from gateway.audit import Actor, AuditTrail
from gateway.certificates import CertificateService, Issue
from gateway.deadlines import CLOCKS, Deadlines, Notices, Routed, Said, in_jurisdiction
from gateway.desk.errors import (
    AlreadyDecided,
    CallbackRefused,
    CallbackReplayed,
    CallbackStale,
    CaseNotFound,
    CaseStateConflict,
    DeskRefused,
    DocumentsStillMissing,
    VerificationNotFound,
)
from gateway.desk.policy import POLICY
from gateway.desk.tables import CallbackReceipt, DeskCase, FieldVerification
from gateway.documents import DocumentStore
from gateway.platform.guard import Caller
from gateway.platform.principal import Principal
from gateway.platform.problems import InvalidRequest
from schemas.applications_api import AttachedDocument, TimelineEvent
from schemas.guarantee_api import (
    AnswerBody,
    CallbackBody,
    DeskCaseOut,
    DeskItem,
    DeskPage,
    FieldReportBody,
    IssueBody,
    RejectBody,
    ReturnBody,
    VerificationOut,
    VerifyFieldBody,
)
from schemas.problem import Message

__all__ = ["CASES", "Asked", "DeskService", "callback_secret_variable"]

CASES = DeskCase.__table__  # type: ignore[attr-defined]
VERIFICATIONS = FieldVerification.__table__  # type: ignore[attr-defined]
RECEIPTS = CallbackReceipt.__table__  # type: ignore[attr-defined]
_A = APPLICATIONS.c
_K = CASES.c
_V = VERIFICATIONS.c
_C = CLOCKS.c
StaffLookup = Callable[[str], Awaitable[Principal | None]]


def callback_secret_variable(adapter: str) -> str:
    """The environment variable holding an adapter's callback secret: held by reference, like its token."""
    return f"SEVA_ADAPTER_{adapter.upper()}_CALLBACK_SECRET"


def _env_secret(adapter: str) -> str | None:
    value = os.environ.get(callback_secret_variable(adapter), "")
    return value if len(value) >= 16 else None


@dataclass(frozen=True, slots=True)
class Asked:
    """What an officer returned an application for: their words, and the documents still wanted from the
    member's store."""

    message: Message
    member_id: str
    documents: list[str]


class DeskService:
    def __init__(
        self,
        engine: AsyncEngine,
        catalogue: Callable[[], Catalogue],
        audit: AuditTrail,
        deadlines: Deadlines,
        certificates: CertificateService,
        applications: ApplicationService,
        staff: StaffLookup,
        *,
        decides_here: Callable[[str], bool],
        callback_window: float = 300.0,
        callback_secret: Callable[[str], str | None] = _env_secret,
    ) -> None:
        self.engine = engine
        self.catalogue = catalogue
        self.audit = audit
        self.deadlines = deadlines
        self.clocks = deadlines.clocks
        self.notices: Notices = deadlines.notices
        self.certificates = certificates
        self.applications = applications
        self.staff = staff
        self.decides_here = decides_here
        self.callback_window = callback_window
        self.callback_secret = callback_secret
        self.actor = Actor.system("desk", "route applications to the designated officer")

    @property
    def clock(self) -> Any:
        return self.clocks.clock

    # ---- intake: composed with the delivery queue at the root -------------------------------------

    def intake(self, enqueue: Callable[[AsyncConnection, list[dict[str, Any]]], Awaitable[None]]) -> Any:
        """How new applications leave the submission's transaction: every one the Act covers gets its
        clock; those of a ``local`` adapter go onto the designated officer's desk; the rest to the
        delivery queue as before."""

        async def put(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
            if not rows:
                return
            routed = await self.clocks.route(conn, [r["reference"] for r in rows])
            await self.clocks.start(conn, routed)
            here = {r["reference"] for r in rows if self.decides_here(r["adapter"])}
            await self._onto_desk(conn, [item for item in routed if item.reference in here])
            await enqueue(conn, [r for r in rows if r["reference"] not in here])

        return put

    async def _onto_desk(self, conn: AsyncConnection, routed: list[Routed]) -> None:
        if not routed:
            return
        now = self.clock.time()
        await conn.execute(
            insert(CASES),
            [
                {
                    "reference": r.reference,
                    "service_code": r.service_code,
                    "department": r.department,
                    "district": r.district,
                    "tehsil": r.tehsil,
                    "member_id": r.member_id,
                    "family_id": r.family_id,
                    "state": "open",
                    "returned_en": "",
                    "returned_hi": "",
                    "missing": "[]",
                    "decided_by": None,
                    "created_at": now,
                    "updated_at": now,
                }
                for r in routed
            ],
        )
        changes = []
        for r in routed:
            promise = self.clocks.promise(r.service_code)
            officer = promise.designated_officer.en if promise else "designated officer"
            place = f"{r.district}" + (f", {r.tehsil}" if r.tehsil else "")
            changes.append(
                Change(r.reference, "routed", "received", f"On the desk of the {officer} ({place}).")
            )
        await record_changes(conn, self.audit, self.actor, changes, at=now)

    # ---- reading ----------------------------------------------------------------------------------

    def _scope(self, caller: Caller, rule_name: str) -> Principal:
        principal = caller.signed_in
        POLICY[rule_name].scope(principal)
        return principal

    def _reaches(self, principal: Principal, case: Any) -> bool:
        if principal.role == "administrator":
            return True
        return in_jurisdiction(principal, case.department, case.district, case.tehsil)

    async def _case(self, conn: AsyncConnection, principal: Principal, reference: str) -> Any:
        case = (
            await conn.execute(
                select(
                    CASES,
                    _A.status,
                    _A.member_id.label("applicant_member"),
                    _A.form,
                    _A.applicant,
                    _A.documents,
                )
                .select_from(CASES.join(APPLICATIONS, _A.reference == _K.reference))
                .where(_K.reference == reference)
            )
        ).first()
        if case is None or not self._reaches(principal, case):
            raise CaseNotFound(reference)
        return case

    async def list_due(self, caller: Caller, state: str | None) -> DeskPage:
        """What is due on the caller's desk, the nearest deadline first, with working days left."""
        principal = self._scope(caller, "list")
        query = (
            select(
                _K.reference,
                _K.service_code,
                _K.department,
                _K.state,
                _K.district,
                _K.tehsil,
                _A.status,
                _C.due_on,
                _C.unit,
                _C.state.label("clock_state"),
            )
            .select_from(
                CASES.join(APPLICATIONS, _A.reference == _K.reference).outerjoin(
                    CLOCKS, _C.reference == _K.reference
                )
            )
            .where(_A.status.not_in(sorted(FINAL)))
            .order_by(_C.due_on.is_(None), _C.due_on, _K.created_at)
            .limit(500)
        )
        if principal.role != "administrator":
            query = query.where(_K.department == principal.department, _K.district == principal.district)
        if state:
            query = query.where(_K.state == state)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        today = self.clock.today()
        items = []
        for row in rows:
            if principal.role != "administrator" and not self._reaches(principal, row):
                continue
            left = None
            if row.due_on and row.clock_state in ("running", "breached"):
                left = self.clocks.days_left(row.unit, dt.date.fromisoformat(row.due_on), today)
            items.append(
                DeskItem(
                    reference=row.reference,
                    service_code=row.service_code,
                    state=row.state,
                    status=row.status,
                    district=row.district,
                    tehsil=row.tehsil,
                    due_on=row.due_on,
                    days_left=left,
                    paused=row.clock_state == "paused",
                )
            )
        await self.audit.record(
            caller.actor, POLICY.list.action, f"desk:{principal.department or '*'}", {"count": len(items)}
        )
        return DeskPage(items=items)

    async def open(self, caller: Caller, reference: str) -> DeskCaseOut:
        """The application with its documents, the registry's facts as applied, the clock, verifications."""
        principal = self._scope(caller, "open")
        async with self.engine.connect() as conn:
            case = await self._case(conn, principal, reference)
            clock = await self.clocks.read(conn, reference)
            verifications = (
                await conn.execute(select(VERIFICATIONS).where(_V.reference == reference).order_by(_V.id))
            ).all()
        application = await self.applications.get(reference)
        await self.audit.record(caller.actor, POLICY.open.action, f"application:{reference}")
        guarantee = (
            self.deadlines.guarantee_out(reference, clock, case.status, {}, None)
            if clock is not None
            else None
        )
        from schemas.guarantee_api import GuaranteeOut

        return DeskCaseOut(
            reference=reference,
            service_code=case.service_code,
            state=case.state,
            status=case.status,
            member_id=case.member_id,
            family_id=case.family_id,
            applicant=msgspec.json.decode(case.applicant),
            form=application.form,
            documents=application.documents,
            timeline=application.timeline,
            guarantee=guarantee or GuaranteeOut(reference=reference, covered=False),
            verifications=[self._verification(v) for v in verifications],
            missing=msgspec.json.decode(case.missing),
            certificate_id=await self.certificates.for_application(reference),
        )

    def _verification(self, row: Any) -> VerificationOut:
        left = None
        if row.state == "open":
            left = self.clocks.calendar.between(self.clock.today(), dt.date.fromisoformat(row.due_on))
        return VerificationOut(
            id=int(row.id),
            reference=row.reference,
            field_officer=row.field_officer,
            instructions=row.instructions,
            requested_on=row.requested_on,
            due_on=row.due_on,
            state=row.state,
            days_left=left,
            finding=row.finding,
            report=row.report,
        )

    # ---- deciding ---------------------------------------------------------------------------------

    async def _move(
        self, conn: AsyncConnection, reference: str, status: str, *, allowed: tuple[str, ...] | None = None
    ) -> str:
        """Move the application to ``status`` if it is not decided (and is one of ``allowed``): the guard
        that makes a second approval, or a decision racing another, change nothing."""
        current = (await conn.execute(select(_A.status).where(_A.reference == reference))).scalar_one()
        condition = [_A.reference == reference, _A.status.not_in(sorted(FINAL))]
        if allowed is not None:
            condition.append(_A.status.in_(allowed))
        moved = await conn.execute(update(APPLICATIONS).where(*condition).values(status=status))
        if not moved.rowcount:
            if current in FINAL:
                raise AlreadyDecided(reference, current)
            raise CaseStateConflict(
                f"Application {reference} is '{current}'; this step cannot be taken now.",
                f"आवेदन {reference} की स्थिति '{current}' है; यह चरण अभी नहीं लिया जा सकता।",
            )
        return str(current)

    def _notice(self, reference: str, recipient: str, kind: str, said: Said) -> dict[str, Any]:
        return {"reference": reference, "recipient": recipient, "kind": kind, "text": said.sms}

    async def _issue(
        self, conn: AsyncConnection, case: Any, body: IssueBody, issuer: dict[str, str], actor: Actor
    ) -> tuple[str, str | None, str | None]:
        """The status an approval gives, and the certificate it issues (ID, number): every approval is
        a signed document; a service that issues a document type ends ``issued``, others ``approved``."""
        catalogue = self.catalogue()
        service = catalogue.by_code.get(case.service_code)
        operation = (
            service.delivery.operation
            if service and service.delivery
            else case.service_code.replace("-", "_")
        )
        doc_type = catalogue.document_types.get(operation)
        days = body.valid_days or self.clocks.data.certificates.validity_days.get(operation)
        valid_until = self.clock.today() + dt.timedelta(days=days) if days else None
        form = msgspec.json.decode(case.form) if isinstance(case.form, str) else dict(case.form)
        facts = {k: v for k, v in form.items() if k != "mobile" and v is not None}
        applicant = msgspec.json.decode(case.applicant)
        if applicant.get("district"):
            facts.setdefault("district", applicant["district"])
        name = doc_type.name if doc_type else (service.name if service else None)
        from catalogue.models import Text

        certificate_id, number = await self.certificates.issue(
            conn,
            Issue(
                reference=case.reference,
                service_code=case.service_code,
                member_id=case.member_id,
                family_id=case.family_id,
                doc_type=operation,
                doc_name=name or Text(en=operation, hi=operation),
                department=case.department,
                facts=facts,
                issuer=issuer,
                valid_until=valid_until,
                remarks=body.remarks,
            ),
            actor,
        )
        return ("issued" if doc_type else "approved"), certificate_id, number

    def _issuer(self, principal: Principal | None, case: Any) -> dict[str, str]:
        service = self.catalogue().by_code.get(case.service_code)
        department = self.catalogue().departments.get(case.department)
        found = {
            "designation": (
                principal.designation
                if principal and principal.designation
                else (service.designated_officer.en if service else "")
            ),
            "department": department.name.en if department else case.department,
            "district": case.district,
            "tehsil": case.tehsil or "",
            "officer": principal.staff_id if principal and principal.staff_id else "",
        }
        return {k: v for k, v in found.items() if v}

    async def approve(self, caller: Caller, reference: str, body: IssueBody) -> DeskCaseOut:
        principal = self._scope(caller, "decide")
        now = self.clock.time()
        async with self.engine.begin() as conn:
            case = await self._case(conn, principal, reference)
            await self._move(conn, reference, "issued")
            status, certificate_id, number = await self._issue(
                conn, case, body, self._issuer(principal, case), caller.actor
            )
            if status != "issued":
                await conn.execute(
                    update(APPLICATIONS).where(_A.reference == reference).values(status=status)
                )
            await self._settle(conn, case, status, caller, now)
            said = Said(
                f"Application {reference} is {status}. Certificate {number} is in your documents; "
                "any later application that needs it attaches it.",
                f"आवेदन {reference} स्वीकृत। प्रमाण पत्र {number} आपके दस्तावेज़ों में है; आगे के आवेदनों में स्वतः जुड़ेगा।",
            )
            extra = {"certificate": msgspec.json.encode({"id": certificate_id, "number": number}).decode()}
            await record_changes(
                conn, self.audit, caller.actor, [Change(reference, "decided", status, said.en, extra)], at=now
            )
            await Notices.add(
                conn, [self._notice(reference, f"member:{case.member_id}", "desk.decided", said)], now
            )
        await self.notices.flush()
        return await self.open(caller, reference)

    async def _settle(
        self, conn: AsyncConnection, case: Any, status: str, caller: Caller, now: float
    ) -> None:
        await self.clocks.settle(conn, case.reference, status, caller.actor.subject)
        if caller.principal is not None and caller.principal.staff_id:
            await self.clocks.mark_officer(conn, case.reference, f"staff:{caller.principal.staff_id}")
        await conn.execute(
            update(CASES)
            .where(_K.reference == case.reference)
            .values(state="decided", decided_by=caller.actor.subject[:80], updated_at=now)
        )

    async def reject(self, caller: Caller, reference: str, body: RejectBody) -> DeskCaseOut:
        principal = self._scope(caller, "decide")
        now = self.clock.time()
        async with self.engine.begin() as conn:
            case = await self._case(conn, principal, reference)
            await self._move(conn, reference, "rejected")
            await self._settle(conn, case, "rejected", caller, now)
            last = self.clock.today() + dt.timedelta(days=self.deadlines.act.first_appeal_within_days)
            said = Said(
                f"Application {reference} was rejected: {body.reason.en.strip()}. "
                f"You may appeal until {last}.",
                f"आवेदन {reference} अस्वीकृत: {body.reason.hi.strip()}। आप {last} तक अपील कर सकते हैं।",
            )
            await record_changes(
                conn, self.audit, caller.actor, [Change(reference, "decided", "rejected", said.en)], at=now
            )
            await Notices.add(
                conn, [self._notice(reference, f"member:{case.member_id}", "desk.decided", said)], now
            )
        await self.notices.flush()
        return await self.open(caller, reference)

    async def return_to_citizen(self, caller: Caller, reference: str, body: ReturnBody) -> DeskCaseOut:
        principal = self._scope(caller, "decide")
        known = self.catalogue().document_types
        unknown = [d for d in body.documents if d not in known]
        if unknown:
            raise DeskRefused(
                "documents",
                f"Unknown document types: {', '.join(unknown)}.",
                f"अज्ञात दस्तावेज़ प्रकार: {', '.join(unknown)}।",
            )
        now = self.clock.time()
        async with self.engine.begin() as conn:
            case = await self._case(conn, principal, reference)
            await self._move(conn, reference, "returned", allowed=("received", "in_progress", "submitted"))
            await self.clocks.pause(conn, reference, f"staff:{principal.staff_id}")
            await conn.execute(
                update(CASES)
                .where(_K.reference == reference)
                .values(
                    state="returned",
                    returned_en=body.message.en.strip(),
                    returned_hi=body.message.hi.strip(),
                    missing=msgspec.json.encode(sorted(set(body.documents))).decode(),
                    updated_at=now,
                )
            )
            wanted = f" Upload: {', '.join(body.documents)}." if body.documents else ""
            said = Said(
                f"Application {reference} is returned to you: {body.message.en.strip()}.{wanted} "
                "The time limit is stopped until you answer.",
                f"आवेदन {reference} आपको लौटाया गया: {body.message.hi.strip()}। उत्तर देने तक समय-सीमा रुकी है।",
            )
            await record_changes(
                conn, self.audit, caller.actor, [Change(reference, "returned", "returned", said.en)], at=now
            )
            await Notices.add(
                conn, [self._notice(reference, f"member:{case.member_id}", "desk.returned", said)], now
            )
        await self.notices.flush()
        return await self.open(caller, reference)

    async def asked(self, caller: Caller, reference: str) -> Asked | None:
        """What the officer asked of the citizen when returning the application, while it waits for the
        answer; None when it does not (or is not the caller's family's to answer)."""
        scope = POLICY.answer.scope(caller.signed_in)
        async with self.engine.connect() as conn:
            case = (await conn.execute(select(CASES).where(_K.reference == reference))).first()
        if case is None or case.state != "returned" or not scope.admits(family_id=case.family_id):
            return None
        return Asked(
            Message(en=case.returned_en, hi=case.returned_hi),
            case.member_id,
            msgspec.json.decode(case.missing, type=list[str]),
        )

    async def answer(self, caller: Caller, reference: str, body: AnswerBody) -> dict[str, Any]:
        """The citizen's answer to a return: the documents asked for are taken from their store (refused,
        naming them, if any is still missing); the clock starts again with its last day moved on."""
        principal = caller.signed_in
        scope = POLICY.answer.scope(principal)
        now = self.clock.time()
        today = self.clock.today()
        async with self.engine.begin() as conn:
            case = (
                await conn.execute(
                    select(CASES, _A.documents)
                    .select_from(CASES.join(APPLICATIONS, _A.reference == _K.reference))
                    .where(_K.reference == reference)
                )
            ).first()
            if case is None or not scope.admits(family_id=case.family_id):
                raise CaseNotFound(reference)
            if case.state != "returned":
                raise CaseStateConflict(
                    f"Application {reference} is not waiting for your answer.",
                    f"आवेदन {reference} आपके उत्तर की प्रतीक्षा में नहीं है।",
                )
            wanted: list[str] = msgspec.json.decode(case.missing)
            found = await DocumentStore.attachable(conn, case.member_id, wanted, today)
            missing = [t for t in wanted if t not in found]
            if missing:
                raise DocumentsStillMissing(missing)
            attached = msgspec.json.decode(case.documents, type=list[AttachedDocument])
            have = {d.type for d in attached}
            for doc_type, doc in found.items():
                fresh = AttachedDocument(
                    type=doc_type, required=True, status="fetched", document_id=doc.id, sha256=doc.sha256
                )
                attached = (
                    [fresh if d.type == doc_type else d for d in attached]
                    if doc_type in have
                    else [*attached, fresh]
                )
            await conn.execute(
                update(APPLICATIONS)
                .where(_A.reference == reference)
                .values(documents=msgspec.json.encode(attached).decode())
            )
            await DocumentStore.grant(
                conn,
                [
                    {
                        "document_id": d.id,
                        "department": case.department,
                        "reference": reference,
                        "granted_at": now,
                    }
                    for d in found.values()
                ],
            )
            await self._move(conn, reference, "in_progress", allowed=("returned",))
            due = await self.clocks.resume(conn, reference)
            await conn.execute(
                update(CASES)
                .where(_K.reference == reference)
                .values(state="open", missing="[]", updated_at=now)
            )
            note = f" Note: {body.note.strip()}" if body.note.strip() else ""
            said = Said(
                f"Your answer on application {reference} was received; the time limit runs again"
                + (f", now to {due}." if due else ".")
                + note,
                f"आवेदन {reference} पर आपका उत्तर प्राप्त हुआ; समय-सीमा फिर से चालू"
                + (f", अब {due} तक।" if due else "।"),
            )
            await record_changes(
                conn,
                self.audit,
                caller.actor,
                [Change(reference, "answered", "in_progress", said.en)],
                at=now,
            )
            await Notices.add(
                conn, [self._notice(reference, f"member:{case.member_id}", "desk.answered", said)], now
            )
        await self.notices.flush()
        return {"reference": reference, "status": "in_progress", "due_on": due}

    async def send_for_verification(
        self, caller: Caller, reference: str, body: VerifyFieldBody
    ) -> DeskCaseOut:
        principal = self._scope(caller, "decide")
        field = await self.staff(body.field_officer)
        now = self.clock.time()
        today = self.clock.today()
        async with self.engine.begin() as conn:
            case = await self._case(conn, principal, reference)
            if (
                field is None
                or field.role != "officer"
                or not in_jurisdiction(field, case.department, case.district, None)
            ):
                raise DeskRefused(
                    "field_officer",
                    "The field officer must be a live officer of the same department and district.",
                    "स्थल अधिकारी उसी विभाग एवं ज़िले का सक्रिय अधिकारी होना चाहिए।",
                )
            await self._move(
                conn, reference, "field_verification", allowed=("received", "in_progress", "submitted")
            )
            days = body.days or self.deadlines.act.field_verification_days
            due = self.clocks.calendar.add(today, days)
            await conn.execute(
                insert(VERIFICATIONS).values(
                    reference=reference,
                    field_officer=body.field_officer,
                    requested_by=caller.actor.subject[:80],
                    instructions=body.instructions.strip(),
                    requested_on=today.isoformat(),
                    due_on=due.isoformat(),
                    state="open",
                    finding=None,
                    report="",
                    reported_at=None,
                )
            )
            await conn.execute(
                update(CASES).where(_K.reference == reference).values(state="verification", updated_at=now)
            )
            await self.clocks.mark_officer(conn, reference, f"staff:{principal.staff_id}")
            said = Said(
                f"Application {reference} was sent for field verification, to be done by {due}.",
                f"आवेदन {reference} स्थल सत्यापन हेतु भेजा गया, जो {due} तक होगा।",
            )
            officer_said = Said(
                f"Field verification of application {reference} is assigned to you; due {due}.",
                f"आवेदन {reference} का स्थल सत्यापन आपको सौंपा गया; नियत तिथि {due}।",
            )
            await record_changes(
                conn,
                self.audit,
                caller.actor,
                [Change(reference, "field_verification", "field_verification", said.en)],
                at=now,
            )
            await Notices.add(
                conn,
                [
                    self._notice(reference, f"member:{case.member_id}", "desk.verification", said),
                    self._notice(reference, f"staff:{body.field_officer}", "desk.verification", officer_said),
                ],
                now,
            )
        await self.notices.flush()
        return await self.open(caller, reference)

    async def verifications(self, caller: Caller) -> list[VerificationOut]:
        principal = self._scope(caller, "verifications")
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(VERIFICATIONS)
                    .where(_V.field_officer == principal.staff_id, _V.state == "open")
                    .order_by(_V.due_on, _V.id)
                )
            ).all()
        await self.audit.record(
            caller.actor, POLICY.verifications.action, f"staff:{principal.staff_id}", {"count": len(rows)}
        )
        return [self._verification(row) for row in rows]

    async def report(self, caller: Caller, verification_id: int, body: FieldReportBody) -> VerificationOut:
        principal = self._scope(caller, "report")
        now = self.clock.time()
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(VERIFICATIONS).where(_V.id == verification_id))).first()
            if row is None or row.field_officer != principal.staff_id:
                raise VerificationNotFound(verification_id)
            done = await conn.execute(
                update(VERIFICATIONS)
                .where(_V.id == verification_id, _V.state == "open")
                .values(state="reported", finding=body.finding, report=body.report.strip(), reported_at=now)
            )
            if not done.rowcount:
                raise CaseStateConflict(
                    "The verification was already reported.", "सत्यापन प्रतिवेदन पहले ही दिया जा चुका है।"
                )
            case = (await conn.execute(select(CASES).where(_K.reference == row.reference))).one()
            await self._move(conn, row.reference, "in_progress", allowed=("field_verification",))
            await conn.execute(
                update(CASES).where(_K.reference == row.reference).values(state="open", updated_at=now)
            )
            finding = {
                "confirmed": ("confirmed", "पुष्टि हुई"),
                "not_confirmed": ("not confirmed", "पुष्टि नहीं हुई"),
            }[body.finding]
            said = Said(
                f"Field verification of application {row.reference} is done ({finding[0]}); it is back with "
                "the designated officer.",
                f"आवेदन {row.reference} का स्थल सत्यापन पूर्ण ({finding[1]}); आवेदन पदाभिहित अधिकारी के पास वापस है।",
            )
            await record_changes(
                conn,
                self.audit,
                caller.actor,
                [Change(row.reference, "verified", "in_progress", said.en)],
                at=now,
            )
            await Notices.add(
                conn, [self._notice(row.reference, f"member:{case.member_id}", "desk.verified", said)], now
            )
            updated = (await conn.execute(select(VERIFICATIONS).where(_V.id == verification_id))).one()
        await self.notices.flush()
        return self._verification(updated)

    # ---- departments' signed callbacks -----------------------------------------------------------

    def _check_signature(
        self, adapter: str, timestamp: str | None, signature: str | None, body: bytes
    ) -> str:
        catalogue = self.catalogue()
        secret = self.callback_secret(adapter) if adapter in catalogue.adapters else None
        if secret is None:
            raise CallbackRefused("no callback secret is held for this adapter")
        if not timestamp or not signature:
            raise CallbackRefused("X-Seva-Timestamp and X-Seva-Signature are required")
        try:
            sent_at = int(timestamp.strip())
        except ValueError:
            raise CallbackRefused("X-Seva-Timestamp is not a whole number of seconds") from None
        if abs(self.clock.time() - sent_at) > self.callback_window:
            raise CallbackStale(self.callback_window)
        expected = hmac.new(secret.encode(), f"{sent_at}.".encode() + body, hashlib.sha256).hexdigest()
        given = signature.strip().removeprefix("v1=").lower()
        if not hmac.compare_digest(expected, given):
            raise CallbackRefused("the signature does not match the timestamp and body")
        return expected

    async def callback(
        self, adapter: str, timestamp: str | None, signature: str | None, body: bytes
    ) -> dict[str, str]:
        """A department's word on an application it received: recorded once (a replayed body is refused),
        never over a decision already recorded."""
        digest = self._check_signature(adapter, timestamp, signature, body)
        try:
            word = msgspec.json.decode(body, type=CallbackBody)
        except msgspec.DecodeError as exc:
            raise InvalidRequest(
                Message(en=f"The callback body is not valid: {exc}.", hi="कॉलबैक का मुख्य भाग मान्य नहीं है।")
            ) from None
        reference = word.reference_number
        now = self.clock.time()
        actor = Actor(subject=f"adapter:{adapter}", role="department", client_ip="", reason="signed callback")
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(RECEIPTS).where(RECEIPTS.c.received_at < now - 2 * self.callback_window)
            )
            try:
                async with conn.begin_nested():
                    await conn.execute(
                        insert(RECEIPTS).values(signature=digest, adapter=adapter, received_at=now)
                    )
            except IntegrityError:
                raise CallbackReplayed() from None
            row = (await conn.execute(select(APPLICATIONS).where(_A.reference == reference))).first()
            service = self.catalogue().by_code.get(row.service_code) if row is not None else None
            if (
                row is None
                or service is None
                or service.delivery is None
                or service.delivery.adapter != adapter
            ):
                raise CaseNotFound(reference)
            status: str = word.status
            extra: dict[str, Any] = {}
            if word.department_reference:
                extra["department_reference"] = word.department_reference
            await self._move(conn, reference, status)
            message = word.message or (word.reason.en if word.reason else "")
            if status in ("approved", "issued", "rejected"):
                case = _CaseView(row)
                if status in ("approved", "issued"):
                    issuer = {"department": case.department, "system": adapter}
                    status, certificate_id, number = await self._issue(
                        conn, case, IssueBody(valid_days=word.valid_days), issuer, actor
                    )
                    await conn.execute(
                        update(APPLICATIONS).where(_A.reference == reference).values(status=status)
                    )
                    extra["certificate"] = msgspec.json.encode(
                        {"id": certificate_id, "number": number}
                    ).decode()
                await self.clocks.settle(conn, reference, status, actor.subject)
                said = Said(
                    f"Application {reference}: {status}. {message}".strip(),
                    f"आवेदन {reference}: {status}। {word.reason.hi if word.reason else ''}".strip(),
                )
                await Notices.add(
                    conn, [self._notice(reference, f"member:{row.member_id}", "desk.decided", said)], now
                )
            await record_changes(
                conn,
                self.audit,
                actor,
                [Change(reference, "callback", status, message or None, extra)],
                at=now,
            )
        await self.notices.flush()
        return {"reference": reference, "status": status}


class _CaseView:
    """An application row read as the desk's case (for decisions that arrive by callback)."""

    def __init__(self, row: Any) -> None:
        self.reference = row.reference
        self.service_code = row.service_code
        self.member_id = row.member_id
        self.family_id = row.family_id
        self.department = row.department
        self.form = row.form
        self.applicant = row.applicant
        applicant = msgspec.json.decode(row.applicant)
        self.district = applicant.get("district", "")
        self.tehsil = None


_ = TimelineEvent
