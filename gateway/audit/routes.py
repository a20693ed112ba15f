"""``/api/v1/audit``: auditors and administrators read the trail and check its chain."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from gateway.audit.policy import POLICY
from gateway.audit.service import AuditReader
from gateway.audit.trail import HeadMissing
from gateway.platform.guard import Caller
from schemas.audit_api import AuditPage, ChainReport

__all__ = ["AuditController"]


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ("audit",)

    @get("/entries", summary="Entries of the audit trail, oldest first", **POLICY.route("read", HeadMissing))
    async def entries(
        self,
        audit_reader: NamedDependency[AuditReader],
        caller: NamedDependency[Caller],
        after: Annotated[int, Parameter(ge=0, le=2**31 - 1, description="entries numbered above this")] = 0,
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
    ) -> AuditPage:
        """Auditors see client addresses masked; everything else is as recorded."""
        return await audit_reader.page(caller, after, limit)

    @get(
        "/verify",
        summary="Check the hash chain; name the first broken entry",
        **POLICY.route("verify", HeadMissing),
    )
    async def verify(
        self, audit_reader: NamedDependency[AuditReader], caller: NamedDependency[Caller]
    ) -> ChainReport:
        return await audit_reader.verify(caller)
