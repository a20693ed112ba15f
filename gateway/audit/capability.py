"""The audit capability: the auditor's routes over the platform's trail."""

from __future__ import annotations

from gateway.audit.policy import POLICY
from gateway.audit.routes import AuditController
from gateway.audit.service import AuditReader
from gateway.audit.trail import HeadMissing
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["build_audit"]


def build_audit(platform: Platform) -> Capability:
    reader = AuditReader(platform.audit)
    return Capability(
        "audit",
        route_handlers=[AuditController],
        dependencies={"audit_reader": provide(reader)},
        errors=[HeadMissing],
        policy=POLICY,
    )
