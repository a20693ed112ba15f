"""Submitting and reading applications.

A submission is checked in this order, and nothing is written until every check passes: the service
exists, the member is one the caller may apply for, the registry's facts pass the service's rules, the
form fits its fields, and every required document is in the member's store. Eligibility comes before
the form so that a citizen who cannot get the service learns that first, not after fixing the form.
Then the application, its first timeline event, its delivery record and the audit entry are written in
one transaction.

Idempotency: the caller's ``Idempotency-Key`` is stored with a SHA-256 of the body, scoped to the caller.
The same key and body return the application made the first time; the same key with another body is an
``IdempotencyConflict``. A race between two identical requests is settled by the unique constraint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any

import msgspec
from sqlalchemy import and_, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue import Catalogue, evaluate_service
from catalogue.changes import ServiceChange, definitions, service_changes
from catalogue.digits import ascii_digits
from catalogue.eligibility import rule_outcomes
from catalogue.facts import form_values
from catalogue.models import Text
from family_registry.reads import Reads
from gateway.applications.applicant import (
    RegistryApplicant,
    applicant_from_row,
    applicant_parameters,
    applicant_statement,
    load_applicant,
)
from gateway.applications.errors import (
    ApplicationNotFound,
    EligibilityUndetermined,
    IdempotencyConflict,
    IdempotencyKeyRequired,
    MissingDocuments,
    NoJudgement,
    NotAnApplication,
    NotEligible,
    ReferenceRefused,
    UnknownServiceCode,
)
from gateway.applications.form import check_form
from gateway.applications.policy import POLICY
from gateway.applications.prefill import (
    FilledField,
    Preparation,
    PreparedDocument,
    asked_fields,
    fill_from_registry,
    registry_documents,
    shown_value,
)
from gateway.applications.reference import InvalidReference, format_reference, new_reference, parse_reference
from gateway.applications.statuses import MESSAGES, status_label, status_message
from gateway.applications.timeline import APPLICATIONS, EVENTS
from gateway.applications.writer import JUDGEMENTS, Enqueue, NewApplication, SubmissionWriter
from gateway.audit import Actor, AuditTrail
from gateway.documents import DocumentStore
from gateway.families import UnknownMember
from gateway.platform.clock import Clock, SystemClock
from gateway.platform.guard import Caller
from gateway.platform.masking import mask_id, mask_text
from gateway.versions import CatalogueVersions, document_names
from schemas.applications_api import (
    ApplicationCreate,
    ApplicationOut,
    ApplicationPage,
    ApplicationSummary,
    AttachedDocument,
    PublicStatus,
    TimelineEvent,
)
from schemas.documents_api import DocumentOut
from schemas.versions_api import JudgedRule, JudgementOut

__all__ = ["MAX_KEY", "ApplicationService", "DueDate", "due_on", "request_hash"]

DueDate = Callable[[Any, dt.date], dt.date | None]
"""The day a decision is promised for a catalogue service applied for on a given day (None: no promise)."""

MAX_KEY = 128  # characters of an Idempotency-Key

_REFERENCE_TRIES = 8
_EARLIER = APPLICATIONS.alias("earlier")
# The applicant and this caller's earlier use of the key, in one round trip (a left join on the key).
_APPLICANT_AND_EARLIER = (
    applicant_statement()
    .add_columns(
        _EARLIER.c.reference.label("earlier_reference"), _EARLIER.c.request_hash.label("earlier_hash")
    )
    .outerjoin(
        _EARLIER,
        and_(
            _EARLIER.c.idempotency_scope == bindparam("scope"), _EARLIER.c.idempotency_key == bindparam("key")
        ),
    )
)
_APPLICANT_AND_EARLIER_KEYS = tuple(_APPLICANT_AND_EARLIER.selected_columns.keys())
# Its row read by attribute (a named tuple's are C getters; a ``_Row`` dict's a Python call each, some fifty
# a submission).
_ApplicantRow: Any = namedtuple("_ApplicantRow", _APPLICANT_AND_EARLIER_KEYS)  # type: ignore[misc]
_DOCUMENT_KEYS = tuple(DocumentStore.OF_MEMBER.selected_columns.keys())
_encoder = msgspec.json.Encoder(order="sorted")
# An application with its timeline: two statements in one hop (family_registry/reads.py).
_APPLICATION = select(APPLICATIONS).where(APPLICATIONS.c.reference == bindparam("reference"))
_TIMELINE = select(EVENTS).where(EVENTS.c.reference == bindparam("reference")).order_by(EVENTS.c.id)
_APPLICATION_KEYS = tuple(_APPLICATION.selected_columns.keys())
_TIMELINE_KEYS = tuple(_TIMELINE.selected_columns.keys())


def request_hash(body: ApplicationCreate) -> str:
    """SHA-256 of the body in canonical form (sorted keys), so key order does not make a new request."""
    return hashlib.sha256(_encoder.encode(body)).hexdigest()


def due_on(start: dt.date, working_days: int) -> dt.date:
    """The day ``working_days`` working days (Monday to Friday) after ``start``."""
    day = start
    left = working_days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _due(service: Any, today: dt.date) -> dt.date | None:
    """The day the Act's time limit runs out, or None where the Act promises none, without a holiday
    calendar (the application builder is given the deadlines capability's, which knows the state's)."""
    limit = service.guarantee.time_limit
    if limit is None:
        return None
    if limit.unit == "calendar_days":
        return today + dt.timedelta(days=limit.days)
    return due_on(today, limit.days)


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def summary(row: Any) -> ApplicationSummary:
    return ApplicationSummary(
        reference=row.reference,
        reference_display=format_reference(row.reference),
        service_code=row.service_code,
        member_id=row.member_id,
        status=row.status,
        created_at=_iso(row.created_at),
        due_on=row.due_on,
    )


_district_names: weakref.WeakKeyDictionary[Catalogue, dict[str, str]] = weakref.WeakKeyDictionary()


def district_names(catalogue: Catalogue) -> Mapping[str, str]:
    """District codes to their English names, for addresses the registry holds; made once per catalogue
    (every submission asks)."""
    found = _district_names.get(catalogue)
    if found is None:
        found = _district_names[catalogue] = {code: d.name.en for code, d in catalogue.districts.items()}
    return found


def _attached(
    doc_type: str, required: bool, found: dict[str, DocumentOut], held: dict[str, str]
) -> AttachedDocument:
    if doc_type in held:
        return AttachedDocument(type=doc_type, required=required, status="registry", proof=held[doc_type])
    document = found.get(doc_type)
    if document is None:
        return AttachedDocument(type=doc_type, required=required, status="missing")
    return AttachedDocument(
        type=doc_type, required=required, status="fetched", document_id=document.id, sha256=document.sha256
    )


def _judgement(
    catalogue: Catalogue, code: str, facts: Mapping[str, Any], verdict: str, now: float
) -> dict[str, Any]:
    """The judgement row of a submission (without its reference): the catalogue, the service's definition
    (by digest: the versions keep each definition once), the facts its rules read and how each rule came
    out (the rules themselves are in the definition, in the same order)."""
    outcomes = rule_outcomes(catalogue, code, facts)
    read = {name: value for outcome in outcomes for name, value in outcome.facts.items()}
    rules = [{"facts": list(o.facts), "outcome": o.outcome} for o in outcomes]
    return {
        "judged_at": now,
        "catalogue_digest": catalogue.digest,
        "service_code": code,
        "definition_digest": definitions(catalogue)[code].digest,
        "facts": _encoder.encode(read).decode(),
        "verdict": verdict,
        "rules": _encoder.encode(rules).decode(),
    }


def _judged_rules(judged: Mapping[str, Any], facts: Mapping[str, Any], kept: list[Any]) -> list[JudgedRule]:
    """Each rule of the judged definition beside how it came out and the facts it read."""
    written = judged.get("eligibility") or []
    return [
        JudgedRule(
            rule=rule,
            reason=Text(**rule["reason"]) if isinstance(rule.get("reason"), dict) else None,
            facts={name: facts.get(name) for name in outcome["facts"]},
            outcome=outcome["outcome"],
        )
        for rule, outcome in zip(written, kept, strict=True)
    ]


def _new(
    reference: str,
    row: dict[str, Any],
    adapter: str,
    actor: Actor,
    attached: list[AttachedDocument],
    judgement: dict[str, Any],
    applicant: RegistryApplicant,
    form: dict[str, Any],
) -> NewApplication:
    now = row["created_at"]
    return NewApplication(
        application={"reference": reference, **row},
        event={
            "reference": reference, "at": now, "kind": "submitted", "status": "submitted",
            "message": row["status_message"], "message_hi": row["status_message_hi"],
            "actor": actor.subject[:80],
        },
        delivery={
            "reference": reference, "adapter": adapter, "department": row["department"],
            # Sent with every attempt: the department files one application per key, whatever happens.
            "idempotency_key": f"seva-{reference}", "state": "pending", "attempts": 0, "next_attempt_at": now,
            "lease_until": None, "lease_owner": None, "last_error": None, "poll_at": None,
            "created_at": now, "updated_at": now,
        },
        audit=(
            actor, POLICY.submit.action, f"application:{reference}",
            {"service": row["service_code"], "member_id": row["member_id"]},
        ),
        # The department this application goes to may fetch the documents it carries.
        grants=[
            {"document_id": d.document_id, "department": row["department"], "reference": reference,
             "granted_at": now}
            for d in attached if d.document_id
        ],
        judgement={"reference": reference, **judgement},
        district=applicant.district, family_tehsil=applicant.tehsil, form=form,
    )  # fmt: skip


def _view(row: dict[str, Any], attached: list[AttachedDocument], form: dict[str, Any]) -> ApplicationOut:
    """The view of an application just written, without reading it back."""
    at = _iso(row["created_at"])
    return ApplicationOut(
        reference=row["reference"],
        reference_display=format_reference(row["reference"]),
        service_code=row["service_code"],
        department=row["department"],
        member_id=row["member_id"],
        family_id=row["family_id"],
        status=row["status"],
        status_label=status_label(row["status"]),
        status_message=row["status_message"],
        status_message_hi=row["status_message_hi"],
        created_at=at,
        updated_at=at,
        due_on=row["due_on"],
        form=form,
        documents=attached,
        timeline=[
            TimelineEvent(
                at=at,
                kind="submitted",
                status="submitted",
                message=row["status_message"],
                message_hi=row["status_message_hi"],
            )
        ],
    )


def _masked_values(values: dict[str, Any]) -> dict[str, Any]:
    """Every text withheld, at any depth; numbers and flags kept."""
    return {name: _masked_value(value) for name, value in values.items()}


def _masked_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return _masked_values(value)
    if isinstance(value, list):
        return [_masked_value(item) for item in value]
    return value


def _masked(application: ApplicationOut) -> ApplicationOut:
    """What an auditor sees: IDs shortened, the form's and the certificate's texts withheld."""
    return msgspec.structs.replace(
        application,
        member_id=mask_id(application.member_id),
        family_id=mask_id(application.family_id),
        form=_masked_values(application.form),
        certificate=_masked_values(application.certificate) if application.certificate else None,
    )


def _changed_since(
    catalogue: Catalogue, code: str, judged_digest: str, judged: dict[str, Any]
) -> list[ServiceChange]:
    """What changed in the service from the definition an application was judged on to ``catalogue``'s."""
    now = definitions(catalogue).get(code)
    if now is None:
        gone = Text(en="The service is no longer in the catalogue", hi="यह सेवा अब सूची में नहीं है")
        return [ServiceChange(aspect="other", title=gone)]
    if now.digest == judged_digest:
        return []
    return service_changes(judged, msgspec.json.decode(now.json), document_names(catalogue))


class _Row(dict[str, Any]):
    """A row read by name as an attribute, as SQLAlchemy's rows are."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class ApplicationService:
    def __init__(
        self,
        engine: AsyncEngine,
        catalogue: Callable[[], Catalogue],
        audit: AuditTrail,
        enqueue: Enqueue,
        clock: Clock | None = None,
        due_date: DueDate | None = None,
        versions: CatalogueVersions | None = None,
    ) -> None:
        """``due_date``: the day the guarantee promises a decision for a service applied for on a day (the
        deadlines capability's working calendar); Monday to Friday when none is given.
        ``versions``: keeps the catalogue a submission is judged under, before its judgement (one of its own
        over the same database when none is given)."""
        self.due_date: DueDate = due_date or _due
        self.engine = engine
        self._reads = Reads(engine, grouped=True)
        self.catalogue = catalogue
        self.audit = audit
        self.clock = clock or SystemClock()
        self.versions = versions or CatalogueVersions(engine, catalogue, audit, self.clock)
        self.writer = SubmissionWriter(engine, audit, enqueue, DocumentStore.grant)

    async def submit(
        self, caller: Caller, body: ApplicationCreate, key: str | None
    ) -> tuple[ApplicationOut, bool]:
        """The application (new, or the one this key made before) and whether it was made now."""
        key = (key or "").strip()
        if not key or len(key) > MAX_KEY or not key.isprintable():
            raise IdempotencyKeyRequired(MAX_KEY)
        principal = caller.signed_in
        family_scope = POLICY.submit.scope(principal)
        actor = caller.actor
        digest = request_hash(body)
        scope = principal.subject[:80]
        catalogue = self.catalogue()
        today = self.clock.today()
        member = ascii_digits(body.member_id)
        # The applicant, this caller's earlier use of the key and the member's documents: every read of a
        # submission in one hop to the database (``Reads``), without a connection of the engine's pool.
        found, stored = await self._reads.several(
            [
                (_APPLICANT_AND_EARLIER, {**applicant_parameters(member, today), "scope": scope, "key": key}),
                (DocumentStore.OF_MEMBER, {"member_id": member}),
            ]
        )
        found_row: Any = _ApplicantRow._make(found[0]) if found else None
        service = applicant = None
        if found_row is None:  # no such member: the key may still name an earlier application
            async with self.engine.connect() as conn:
                earlier = await self._earlier(conn, scope, key, digest)
        elif found_row.earlier_reference is not None:
            if found_row.earlier_hash != digest:
                raise IdempotencyConflict(found_row.earlier_reference)
            earlier = str(found_row.earlier_reference)
        else:
            earlier = None
        if earlier is None:
            service = catalogue.by_code.get(body.service_code)
            if service is None:
                raise UnknownServiceCode(body.service_code)
            if service.delivery is None:
                raise NotAnApplication(service.code, service.steps)
            districts = district_names(catalogue)
            applicant = None if found_row is None else applicant_from_row(found_row, today, districts)
            reachable = applicant is not None and family_scope.admits(family_id=applicant.family_id)
            # What the registry holds is filled from it, never taken from the body.
            if applicant is None or not reachable:
                raise UnknownMember(body.member_id, field="member_id")
            # Eligibility on the registry's facts first: a citizen who cannot get the service learns
            # that before fixing the form. Rules that read the form's answers are judged after it.
            verdict = evaluate_service(catalogue, service.code, applicant.facts)
            if verdict.status == "not_eligible":
                raise NotEligible(service.code, verdict.reasons)
            form = check_form(service.form, fill_from_registry(service.form, body.form, applicant.held)[0])
            facts = {**applicant.facts, **form_values(service.form, form)}
            verdict = evaluate_service(catalogue, service.code, facts)
            if verdict.status == "not_eligible":
                raise NotEligible(service.code, verdict.reasons)
            if verdict.status == "undetermined":
                raise EligibilityUndetermined(service.code, verdict.missing_facts)
            found_documents = DocumentStore.newest_valid(
                (dict(zip(_DOCUMENT_KEYS, row, strict=True)) for row in stored),
                (d.type for d in service.documents),
                today,
            )
        if earlier is not None:
            return await self.get(earlier), False
        assert service is not None and applicant is not None  # both found when no earlier application
        held_documents = registry_documents(
            (d.type for d in service.documents), catalogue.document_types, applicant.proofs
        )
        attached = [
            _attached(need.type, need.required, found_documents, held_documents) for need in service.documents
        ]
        missing = [d.type for d in attached if d.required and d.status == "missing"]
        if missing:
            fetched = [d.type for d in attached if d.status == "fetched"]
            names = {code: catalogue.document_types[code].name for code in [*missing, *fetched]}
            raise MissingDocuments(missing, fetched, names)

        await self.versions.ensure(catalogue)
        now = self.clock.time()
        judgement = _judgement(catalogue, service.code, facts, verdict.status, now)
        row: dict[str, Any] = {
            "service_code": service.code,
            "department": service.department,
            "member_id": applicant.member_id,
            "family_id": applicant.family_id,
            "applicant": msgspec.json.encode(applicant.for_department()).decode(),
            "form": _encoder.encode(form).decode(),
            "documents": msgspec.json.encode(attached).decode(),
            "status": "submitted",
            "status_message": MESSAGES["submitted"].en,
            "status_message_hi": MESSAGES["submitted"].hi,
            "idempotency_scope": scope,
            "idempotency_key": key,
            "request_hash": digest,
            "created_by": actor.subject[:80],
            "created_at": now,
            "updated_at": now,
            "due_on": due.isoformat() if (due := self.due_date(service, today)) else None,
            "department_reference": None,
            "certificate": None,
        }
        adapter = service.delivery.adapter if service.delivery else ""
        for _ in range(_REFERENCE_TRIES):
            reference = new_reference(today)
            try:
                await self.writer.write(
                    _new(reference, row, adapter, actor, attached, judgement, applicant, form)
                )
            except IntegrityError:
                # Either another request with this key won the race, or the random reference was taken.
                async with self.engine.connect() as conn:
                    earlier = await self._earlier(conn, scope, key, digest)
                if earlier is not None:
                    return await self.get(earlier), False
                continue
            return _view({"reference": reference, **row}, attached, form), True
        raise RuntimeError("could not draw a free reference number")  # 8 clashes in 10^8: never in practice

    @staticmethod
    async def _earlier(conn: AsyncConnection, scope: str, key: str, digest: str) -> str | None:
        """The reference this caller's key made before; ``IdempotencyConflict`` if for another body."""
        found = (
            await conn.execute(
                select(APPLICATIONS.c.reference, APPLICATIONS.c.request_hash).where(
                    APPLICATIONS.c.idempotency_scope == scope, APPLICATIONS.c.idempotency_key == key
                )
            )
        ).first()
        if found is None:
            return None
        if found.request_hash != digest:
            raise IdempotencyConflict(found.reference)
        return str(found.reference)

    async def get(self, reference: str) -> ApplicationOut:
        """The application with its timeline; ``ApplicationNotFound`` when there is none."""
        found, timeline = await self._reads.several(
            [(_APPLICATION, {"reference": reference}), (_TIMELINE, {"reference": reference})]
        )
        if not found:
            raise ApplicationNotFound(reference)
        row = _Row(zip(_APPLICATION_KEYS, found[0], strict=True))
        events = [_Row(zip(_TIMELINE_KEYS, event, strict=True)) for event in timeline]
        return ApplicationOut(
            reference=row.reference,
            reference_display=format_reference(row.reference),
            service_code=row.service_code,
            department=row.department,
            member_id=row.member_id,
            family_id=row.family_id,
            status=row.status,
            status_label=status_label(row.status),
            status_message=row.status_message,
            status_message_hi=row.status_message_hi or status_message(row.status).hi,
            created_at=_iso(row.created_at),
            updated_at=_iso(row.updated_at),
            due_on=row.due_on,
            form=msgspec.json.decode(row.form),
            documents=msgspec.json.decode(row.documents, type=list[AttachedDocument]),
            timeline=[
                TimelineEvent(
                    at=_iso(e.at),
                    kind=e.kind,
                    status=e.status,
                    message=e.message,
                    # Events written before Hindi was kept beside them fall back to their status's message.
                    message_hi=e.message_hi or status_message(e.status).hi,
                )
                for e in events
            ],
            department_reference=row.department_reference,
            certificate=msgspec.json.decode(row.certificate) if row.certificate else None,
        )

    async def judgement(self, caller: Caller, reference: str) -> JudgementOut:
        """The judgement an application was accepted under, and what changed in its service since."""
        rule = POLICY.judgement
        rule.scope(caller.signed_in)
        digits = parse_reference(reference)
        async with self.engine.connect() as conn:
            found = (
                await conn.execute(
                    select(JUDGEMENTS, APPLICATIONS.c.member_id)
                    .select_from(
                        APPLICATIONS.outerjoin(JUDGEMENTS, JUDGEMENTS.c.reference == APPLICATIONS.c.reference)
                    )
                    .where(APPLICATIONS.c.reference == digits)
                )
            ).first()
        if found is None:
            raise ApplicationNotFound(digits)
        if found.catalogue_digest is None:
            raise NoJudgement(digits)
        judged = await self.versions.definition(found.definition_digest)
        await self.audit.record(caller.actor, rule.action, f"application:{digits}")
        catalogue = self.catalogue()
        facts = msgspec.json.decode(found.facts)
        return JudgementOut(
            reference=digits,
            service_code=found.service_code,
            member_id=mask_id(found.member_id) if rule.masks(caller.principal) else found.member_id,
            judged_at=_iso(found.judged_at),
            catalogue_digest=found.catalogue_digest,
            definition_digest=found.definition_digest,
            service=judged,
            facts=facts,
            verdict=found.verdict,
            rules=_judged_rules(judged, facts, msgspec.json.decode(found.rules)),
            current_digest=catalogue.digest,
            changed_since=_changed_since(catalogue, found.service_code, found.definition_digest, judged),
        )

    async def prepare(
        self, caller: Caller, service_code: str, member_id: str, answers: Mapping[str, Any] | None = None
    ) -> Preparation:
        """What applying for ``service_code`` for ``member_id`` takes: the verdict, the fields the registry
        fills and those to ask, and where each document stands. With ``answers``, the form is checked as a
        submission would check it (``FormInvalid`` naming each refused field) and comes back clean."""
        rule = POLICY.prepare
        scope = rule.scope(caller.principal)
        catalogue = self.catalogue()
        service = catalogue.by_code.get(service_code)
        if service is None:
            raise UnknownServiceCode(service_code)
        if service.delivery is None:
            raise NotAnApplication(service.code, service.steps)
        today = self.clock.today()
        async with self.engine.connect() as conn:
            applicant = await load_applicant(conn, member_id, today, district_names(catalogue))
            if applicant is None or not scope.admits(family_id=applicant.family_id):
                raise UnknownMember(member_id, field="member_id")
            stored = await DocumentStore.attachable(
                conn, applicant.member_id, (d.type for d in service.documents), today
            )
        held_documents = registry_documents(
            (d.type for d in service.documents), catalogue.document_types, applicant.proofs
        )
        documents = [
            PreparedDocument(need.type, need.required, "registry", proof=held_documents[need.type])
            if need.type in held_documents
            else PreparedDocument(need.type, need.required, "stored", document=stored[need.type])
            if need.type in stored
            else PreparedDocument(need.type, need.required, "missing")
            for need in service.documents
        ]
        _, sources = fill_from_registry(service.form, {}, applicant.held)
        filled = [
            FilledField(
                spec, sources[spec.name], shown_value(sources[spec.name], applicant.held[sources[spec.name]])
            )
            for spec in service.form
            if spec.name in sources
        ]
        form = None
        if answers is not None:
            form = check_form(service.form, fill_from_registry(service.form, answers, applicant.held)[0])
        await self.audit.record(
            caller.actor, rule.action, f"member:{applicant.member_id}", {"service": service.code}
        )
        return Preparation(
            service=service,
            member_id=applicant.member_id,
            family_id=applicant.family_id,
            name_en=applicant.name,
            name_hi=applicant.name_hi,
            verdict=evaluate_service(catalogue, service.code, applicant.facts),
            filled=filled,
            asked=asked_fields(service.form, applicant.held),
            documents=documents,
            form=form,
        )

    async def public_status(self, reference: str) -> PublicStatus:
        """Where an application stands, for anyone who has its reference: no personal data."""
        try:
            digits = parse_reference(reference)
        except InvalidReference as exc:
            raise ReferenceRefused(exc) from None
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        APPLICATIONS.c.reference,
                        APPLICATIONS.c.service_code,
                        APPLICATIONS.c.status,
                        APPLICATIONS.c.updated_at,
                        APPLICATIONS.c.due_on,
                    ).where(APPLICATIONS.c.reference == digits)
                )
            ).first()
        if row is None:
            raise ApplicationNotFound(digits)
        return PublicStatus(
            reference=row.reference,
            reference_display=format_reference(row.reference),
            service_code=row.service_code,
            status=row.status,
            status_label=status_label(row.status),
            updated_at=_iso(row.updated_at),
            due_on=row.due_on,
        )

    async def read(self, caller: Caller, reference: str) -> ApplicationOut:
        """An application the caller may see, as their role sees it; recorded in the audit trail."""
        rule = POLICY.read
        scope = rule.scope(caller.principal)
        digits = parse_reference(reference)
        application = await self.get(digits)
        if not scope.admits(family_id=application.family_id, department=application.department):
            raise ApplicationNotFound(digits)
        await self.audit.record(caller.actor, rule.action, f"application:{digits}")
        return _masked(application) if rule.masks(caller.principal) else application

    async def list_for(self, caller: Caller, family_id: str | None, limit: int) -> ApplicationPage:
        """A family's applications (a citizen's own always), a department's, or everyone's."""
        rule = POLICY.list
        scope = rule.scope(caller.principal)
        department = None
        if scope.kind == "own_family":
            family_id = scope.family_id
        elif scope.kind == "own_department":
            department = scope.department or "-"
        items = await self.list(family_id=family_id, department=department, limit=limit)
        target = f"family:{family_id}" if family_id else f"department:{department or '*'}"
        await self.audit.record(caller.actor, rule.action, target, {"count": len(items)})
        if rule.masks(caller.principal):
            items = [msgspec.structs.replace(i, member_id=mask_id(i.member_id)) for i in items]
        return ApplicationPage(items=items)

    async def has_applied_to(self, family_id: str, department: str) -> bool:
        """Whether a member of the family applied for a service of the department (families policy)."""
        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(APPLICATIONS.c.reference)
                .where(APPLICATIONS.c.family_id == family_id, APPLICATIONS.c.department == department)
                .limit(1)
            )
            return found.first() is not None

    async def list(
        self, *, family_id: str | None = None, department: str | None = None, limit: int = 100
    ) -> list[ApplicationSummary]:
        """Applications of a family, or of a department, newest first."""
        query = select(APPLICATIONS).order_by(APPLICATIONS.c.created_at.desc()).limit(limit)
        if family_id is not None:
            query = query.where(APPLICATIONS.c.family_id == family_id)
        if department is not None:
            query = query.where(APPLICATIONS.c.department == department)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [summary(row) for row in rows]
