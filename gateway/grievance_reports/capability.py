"""The grievance reports capability: figures for auditors computed by the database, the monthly grading,
CSV exports (the page with charts is the web capability's)."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.grievance_reports.errors import GrievanceReportRefused
from gateway.grievance_reports.policy import POLICY
from gateway.grievance_reports.routes import GrievanceReportController
from gateway.grievance_reports.service import GrievanceReports
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["GrievanceReportsBuilt", "build_grievance_reports"]


@dataclass(slots=True)
class GrievanceReportsBuilt:
    service: GrievanceReports
    capability: Capability


def build_grievance_reports(platform: Platform) -> GrievanceReportsBuilt:
    service = GrievanceReports(platform.engine, platform.clock)
    capability = Capability(
        "grievance_reports",
        route_handlers=[GrievanceReportController],
        dependencies={"grievance_reports": provide(service)},
        errors=[GrievanceReportRefused],
        policy=POLICY,
    )
    return GrievanceReportsBuilt(service, capability)
