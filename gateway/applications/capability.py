"""The applications capability: apply for a service and follow the application."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.applications.errors import (
    MAPPERS,
    ApplicationNotFound,
    EligibilityUndetermined,
    FormRefused,
    IdempotencyConflict,
    IdempotencyKeyRequired,
    MissingDocuments,
    NoJudgement,
    NotAnApplication,
    NotEligible,
    ReferenceRefused,
    UnknownServiceCode,
)
from gateway.applications.policy import POLICY
from gateway.applications.routes import ApplicationController
from gateway.applications.service import ApplicationService, DueDate
from gateway.applications.writer import Enqueue
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform
from gateway.versions import CatalogueVersions

__all__ = ["ApplicationsBuilt", "build_applications"]


@dataclass(slots=True)
class ApplicationsBuilt:
    service: ApplicationService
    capability: Capability


def build_applications(
    platform: Platform,
    enqueue: Enqueue,
    due_date: DueDate | None = None,
    versions: CatalogueVersions | None = None,
) -> ApplicationsBuilt:
    """``enqueue``: how a new application's delivery record joins the queue (``gateway.delivery``), or
    the officer's desk; ``due_date``: the guarantee's working calendar (``gateway.deadlines``);
    ``versions``: keeps the catalogue submissions are judged under and the services' definitions."""
    service = ApplicationService(
        platform.engine,
        lambda: platform.catalogue.current,
        platform.audit,
        enqueue,
        platform.clock,
        due_date,
        versions,
    )
    capability = Capability(
        "applications",
        route_handlers=[ApplicationController],
        dependencies={"applications": provide(service)},
        errors=[
            ApplicationNotFound,
            EligibilityUndetermined,
            FormRefused,
            IdempotencyConflict,
            IdempotencyKeyRequired,
            MissingDocuments,
            NoJudgement,
            NotAnApplication,
            NotEligible,
            ReferenceRefused,
            UnknownServiceCode,
        ],
        mappers=MAPPERS,
        policy=POLICY,
    )
    return ApplicationsBuilt(service, capability)
