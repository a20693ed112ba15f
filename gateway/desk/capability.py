"""The desk capability: applications decided by officers in seva, field verifications, the citizen's answer
to a return, and signed callbacks from departments with a system of their own."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.applications import ApplicationService
from gateway.certificates import CertificateService
from gateway.deadlines import Deadlines
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
from gateway.desk.routes import AnswerController, CallbackController, DeskController, VerificationController
from gateway.desk.service import DeskService, StaffLookup
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["DeskBuilt", "build_desk"]


@dataclass(slots=True)
class DeskBuilt:
    service: DeskService
    capability: Capability


def build_desk(
    platform: Platform,
    deadlines: Deadlines,
    certificates: CertificateService,
    applications: ApplicationService,
    staff: StaffLookup,
) -> DeskBuilt:
    settings = platform.settings
    catalogue = platform.catalogue

    def decides_here(adapter: str) -> bool:
        """A ``local`` adapter's applications are decided at the desk (unless demo offices are asked for)."""
        declared = catalogue.current.adapters.get(adapter)
        return settings.decided_at_desk and declared is not None and declared.kind == "local"

    service = DeskService(
        platform.engine,
        lambda: catalogue.current,
        platform.audit,
        deadlines,
        certificates,
        applications,
        staff,
        decides_here=decides_here,
        callback_window=settings.callback_window_seconds,
    )
    capability = Capability(
        "desk",
        route_handlers=[DeskController, VerificationController, AnswerController, CallbackController],
        dependencies={"desk": provide(service)},
        errors=[
            AlreadyDecided,
            CallbackRefused,
            CallbackReplayed,
            CallbackStale,
            CaseNotFound,
            CaseStateConflict,
            DeskRefused,
            DocumentsStillMissing,
            VerificationNotFound,
        ],
        policy=POLICY,
    )
    return DeskBuilt(service, capability)
