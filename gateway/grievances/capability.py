"""The grievances capability: filing and tracking, the officer's inbox and steps, the escalation watcher
and the texts that tell the citizen of each step.

``build_grievances`` is used by ``create_app`` (which runs the watcher and the sender inside the server
when configured to, as the deadline watcher is) and by ``seva grievance-watcher`` (which runs them alone).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from litestar import Litestar
from sqlalchemy import select

from catalogue.grievance_routing import Routing, load_routing
from family_registry.tables import Member
from gateway.applications import ApplicationNotFound, ApplicationService
from gateway.deadlines import WorkingCalendar
from gateway.documents import DocumentNotFound, DocumentStore
from gateway.grievances.errors import (
    ClosureNotAllowed,
    DistrictNotInState,
    FeedbackNotDue,
    GrievanceInvalid,
    GrievanceNotFound,
    GrievanceStateConflict,
    NotYourApplication,
    OutsideJurisdiction,
    RelayRefused,
    ReminderTooSoon,
    TransferCapReached,
    UnknownCategory,
)
from gateway.grievances.messages import load_templates
from gateway.grievances.notices import GrievanceNotices
from gateway.grievances.policy import POLICY
from gateway.grievances.routes import (
    GrievanceController,
    InboxController,
    PhoneFilingController,
    SmsReplyController,
)
from gateway.grievances.service import Grievances, PhoneCodes
from gateway.grievances.watcher import EscalationWatcher, WatcherOptions
from gateway.notifications import Notifier, WhatsAppNotifier, whatsapp_client
from gateway.platform.capability import Capability, provide
from gateway.platform.periodic import repeat
from gateway.platform.root import Platform

__all__ = ["DEFAULT_ROUTING", "GrievancesBuilt", "build_grievances", "routing_file"]

log = logging.getLogger("seva.grievances")
DEFAULT_ROUTING = Path(__file__).resolve().parents[2] / "grievances.yaml"
_MEMBERS = Member.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class GrievancesBuilt:
    service: Grievances
    watcher: EscalationWatcher
    notices: GrievanceNotices
    capability: Capability


def routing_file(platform: Platform) -> Path:
    """``SEVA_GRIEVANCE_FILE``, else ``grievances.yaml`` beside the catalogue, else the one shipped."""
    if platform.settings.grievance_file is not None:
        return platform.settings.grievance_file
    beside = platform.catalogue.path.parent / "grievances.yaml"
    return beside if beside.exists() else DEFAULT_ROUTING


def load_state_routing(platform: Platform) -> Routing:
    """The state's routing file, checked against the catalogue being served. The shipped file, used only
    when the state has none of its own, keeps the departments this catalogue has (another state's or a
    test's catalogue holds other departments), with a warning for those left out."""
    current = platform.catalogue.current
    path = routing_file(platform)
    if path != DEFAULT_ROUTING or platform.catalogue.path.resolve().parent == DEFAULT_ROUTING.parent:
        return load_routing(path, departments=set(current.departments), districts=set(current.districts))
    shipped = load_routing(path)
    kept = {code: route for code, route in shipped.departments.items() if code in current.departments}
    if len(kept) < len(shipped.departments):
        log.warning(
            "grievances: departments %s of the shipped routing file are not in this catalogue; left out",
            ", ".join(sorted(set(shipped.departments) - set(kept))),
        )
    return dataclasses.replace(shipped, departments=kept)


def build_grievances(
    platform: Platform,
    notifier: Notifier,
    calendar: WorkingCalendar,
    applications: ApplicationService,
    documents: DocumentStore,
    *,
    inprocess: bool = False,
    routing: Routing | None = None,
    phone: PhoneCodes | None = None,
) -> GrievancesBuilt:
    settings = platform.settings
    engine = platform.engine
    checked = routing or load_state_routing(platform)

    async def application_of(reference: str) -> tuple[str, str, str] | None:
        try:
            found = await applications.get(reference)
        except ApplicationNotFound:
            return None
        return found.family_id, found.department, found.service_code

    async def document_family(document_id: str) -> str | None:
        try:
            return (await documents.get(document_id))[1]
        except DocumentNotFound:
            return None

    async def members_of(mobile: str) -> list[tuple[str, str]]:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(_MEMBERS.c.member_id, _MEMBERS.c.family_id).where(_MEMBERS.c.mobile == mobile)
            )
            return [(str(r[0]), str(r[1])) for r in rows]

    service = Grievances(
        engine,
        platform.audit,
        platform.clock,
        calendar,
        lambda: checked,
        lambda: platform.catalogue.current,
        application_of,
        document_family,
        members_of,
        relay_token=settings.grievance_sms_reply_token,
        phone=phone,
    )
    http: httpx.AsyncClient | None = None
    whatsapp = None
    if settings.whatsapp_url:
        http = whatsapp_client(settings.whatsapp_url, settings.egress_policy, settings.sms_timeout_seconds)
        whatsapp = WhatsAppNotifier(http, url=settings.whatsapp_url, token=settings.whatsapp_token)
    notices = GrievanceNotices(engine, notifier, load_templates(), platform.clock, whatsapp)
    watcher = EscalationWatcher(
        engine,
        lambda: checked,
        calendar,
        platform.clock,
        platform.audit,
        WatcherOptions(
            batch=settings.grievance_watcher_batch, idle_seconds=settings.grievance_watcher_idle_seconds
        ),
    )

    @contextlib.asynccontextmanager
    async def watching(app: Litestar) -> AsyncIterator[None]:
        if not inprocess:
            yield
            if http is not None:
                await http.aclose()
            return
        stop = asyncio.Event()
        task = asyncio.create_task(watcher.run(stop))
        sender = asyncio.create_task(repeat(notices.flush, 2.0, "sending grievance texts", log))
        try:
            yield
        finally:
            stop.set()
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)
            if http is not None:
                await http.aclose()

    capability = Capability(
        "grievances",
        route_handlers=[GrievanceController, InboxController, SmsReplyController, PhoneFilingController],
        dependencies={"grievances": provide(service)},
        errors=[
            ClosureNotAllowed,
            DistrictNotInState,
            FeedbackNotDue,
            GrievanceInvalid,
            GrievanceNotFound,
            GrievanceStateConflict,
            NotYourApplication,
            OutsideJurisdiction,
            RelayRefused,
            ReminderTooSoon,
            TransferCapReached,
            UnknownCategory,
        ],
        lifespans=[watching],
        policy=POLICY,
    )
    return GrievancesBuilt(service, watcher, notices, capability)
