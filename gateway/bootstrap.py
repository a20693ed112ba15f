"""The one root that builds every capability, for ``create_app``, the CLI and the tests alike.

``build(settings, ...)`` makes the platform and then each capability in the order their public services
need each other: audit and rate limits; notifications; documents; certificates (signing into the document
store); identity (publishing the certificate keys beside its own); deadlines (texting officers through
identity's staff); delivery; the catalogue's versions; applications (its new applications leave through
the desk, which puts them on an officer's desk or the delivery queue, its due dates come from the
deadlines' calendar, and the catalogue it judges under is kept by the versions); the desk;
grievances (over the deadlines' calendar, applications and documents);
families (asking applications who applied); endpoints (telling the delivery resolver of a change);
services and operations; the web pages, over all of them. Fakes and a clock go in through the keyword
arguments, and a deployment's own adapter kinds and notifiers through ``Extensions``; there is no
module-global registry of either.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters import AdapterRegistry, default_registry
from gateway.applications.capability import ApplicationsBuilt, build_applications
from gateway.applications.writer import Enqueue
from gateway.audit.capability import build_audit
from gateway.certificates.capability import CertificatesBuilt, build_certificates
from gateway.cpgrams.capability import CpgramsBuilt, build_cpgrams
from gateway.deadlines.capability import DeadlinesBuilt, build_deadlines
from gateway.delivery import enqueue
from gateway.delivery.capability import DeliveryBuilt, build_delivery
from gateway.desk.capability import DeskBuilt, build_desk
from gateway.documents.capability import DocumentsBuilt, build_documents
from gateway.documents.storage import DocumentStorage
from gateway.endpoints.capability import EndpointsBuilt, build_endpoints
from gateway.families.capability import FamiliesBuilt, build_families
from gateway.grievance_reports.capability import GrievanceReportsBuilt, build_grievance_reports
from gateway.grievances.capability import GrievancesBuilt, build_grievances
from gateway.identity.capability import IdentityBuilt, build_identity
from gateway.notifications.capability import NotificationsBuilt, build_notifications
from gateway.notifications.notifier import NotifierKinds
from gateway.open311.capability import Open311Built, build_open311
from gateway.operations.capability import build_operations
from gateway.platform.capability import Capability
from gateway.platform.catalogue import CatalogueHolder
from gateway.platform.clock import Clock
from gateway.platform.root import Platform, build_platform
from gateway.ratelimit.capability import RateLimitsBuilt, build_ratelimits
from gateway.services.capability import ServicesBuilt, build_services
from gateway.settings import Settings
from gateway.versions.capability import VersionsBuilt, build_versions
from gateway.web.capability import WebBuilt, build_web

__all__ = ["Extensions", "Seva", "build"]


@dataclass(slots=True)
class Extensions:
    """What a deployment may add: its own adapter kinds and notifiers, registered before ``build``."""

    adapters: AdapterRegistry = field(default_factory=default_registry)
    notifiers: NotifierKinds = field(default_factory=NotifierKinds)


@dataclass(slots=True)
class Seva:
    """Every capability of one process, built."""

    platform: Platform
    audit: Capability
    ratelimits: RateLimitsBuilt
    notifications: NotificationsBuilt
    identity: IdentityBuilt
    documents: DocumentsBuilt
    delivery: DeliveryBuilt
    versions: VersionsBuilt
    applications: ApplicationsBuilt
    certificates: CertificatesBuilt
    deadlines: DeadlinesBuilt
    desk: DeskBuilt
    grievances: GrievancesBuilt
    open311: Open311Built
    cpgrams: CpgramsBuilt
    grievance_reports: GrievanceReportsBuilt
    families: FamiliesBuilt
    endpoints: EndpointsBuilt
    services: ServicesBuilt
    operations: Capability
    web: WebBuilt

    def capabilities(self) -> Iterator[Capability]:
        yield self.audit
        yield self.ratelimits.capability
        yield self.notifications.capability
        yield self.identity.capability
        yield self.documents.capability
        yield self.delivery.capability
        yield self.versions.capability
        yield self.applications.capability
        yield self.certificates.capability
        yield self.deadlines.capability
        yield self.desk.capability
        yield self.grievances.capability
        yield self.open311.capability
        yield self.cpgrams.capability
        yield self.grievance_reports.capability
        yield self.families.capability
        yield self.endpoints.capability
        yield self.services.capability
        yield self.operations
        yield self.web.capability


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
    catalogue: CatalogueHolder | None = None,
    extensions: Extensions | None = None,
    storage: DocumentStorage | None = None,
    inprocess_workers: bool | None = None,
    inprocess_watcher: bool | None = None,
) -> Seva:
    """Build every capability from ``settings``; keywords replace a part (tests pass fakes and a clock)."""
    extensions = extensions or Extensions()
    platform = build_platform(settings, clock=clock, engine=engine, catalogue=catalogue)
    ratelimits = build_ratelimits(platform)
    notifications = build_notifications(platform, extensions.notifiers)
    notifier = notifications.notifications.notifier
    documents = build_documents(platform, storage)
    certificates = build_certificates(platform, documents.store)
    identity = build_identity(
        platform, notifier, ratelimits.limits.exact, also_published=certificates.signer.public_keys
    )
    staff = identity.service.staff
    watching = settings.runs_inprocess_watcher if inprocess_watcher is None else inprocess_watcher
    deadlines = build_deadlines(platform, notifier, (staff.officers_of, staff.mobile_of), inprocess=watching)
    inprocess = settings.runs_inprocess_workers if inprocess_workers is None else inprocess_workers
    delivery = build_delivery(platform, extensions.adapters, inprocess=inprocess)
    # A new application goes onto an officer's desk or the delivery queue; the desk needs the applications
    # service to read them, so the way out of a submission is bound once the desk is built.
    intake: list[Enqueue] = []

    async def desk_or_queue(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
        await intake[0](conn, rows)

    versions = build_versions(platform)
    applications = build_applications(
        platform, desk_or_queue, deadlines.service.clocks.due_date, versions.service
    )
    desk = build_desk(
        platform, deadlines.service, certificates.service, applications.service, staff.principal
    )
    intake.append(desk.service.intake(enqueue))
    if inprocess:  # the worker in this process claims a new application as soon as it is committed
        applications.service.writer.after_commit(delivery.worker.wake)
    grievances = build_grievances(
        platform,
        notifier,
        deadlines.service.clocks.calendar,
        applications.service,
        documents.store,
        inprocess=watching,
        phone=(identity.service.send_phone_code, identity.service.check_phone_code),
    )
    families = build_families(platform, applications.service.has_applied_to)
    endpoints = build_endpoints(platform, extensions.adapters, on_change=delivery.resolver.forget)
    services = build_services(platform)
    grievance_reports = build_grievance_reports(platform)
    web = build_web(
        platform,
        services=services.service,
        families=families.service,
        applications=applications.service,
        certificates=certificates.service,
        deadlines=deadlines.service,
        desk=desk.service,
        documents=documents.store,
        identity=identity.service,
        notifications=notifications.notifications,
        versions=versions.service,
        grievances=grievances.service,
        grievance_reports=grievance_reports.service,
    )
    return Seva(
        platform=platform,
        audit=build_audit(platform),
        ratelimits=ratelimits,
        notifications=notifications,
        identity=identity,
        documents=documents,
        delivery=delivery,
        versions=versions,
        applications=applications,
        certificates=certificates,
        deadlines=deadlines,
        desk=desk,
        grievances=grievances,
        open311=build_open311(platform, grievances.service),
        cpgrams=build_cpgrams(platform, grievances.service),
        grievance_reports=grievance_reports,
        families=families,
        endpoints=endpoints,
        services=services,
        operations=build_operations(platform),
        web=web,
    )
