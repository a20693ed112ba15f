"""``/api/v1/audit``: auditors and administrators read the trail and check its chain."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from gateway.audit.trail import Actor, AuditTrail
from gateway.identity.access import allow
from gateway.identity.masking import mask_ip
from gateway.identity.principal import Principal
from schemas.audit_api import AuditEntryOut, AuditPage, ChainReport

__all__ = ["AuditController"]


def _entry(row: dict[str, Any], masked: bool) -> AuditEntryOut:
    return AuditEntryOut(
        seq=row["seq"],
        at=row["at"],
        actor=row["actor"],
        role=row["role"],
        action=row["action"],
        target=row["target"],
        client_ip=mask_ip(row["client_ip"])
        if masked and row["client_ip"] not in ("", "local")
        else row["client_ip"],
        request_id=row["request_id"],
        reason=row["reason"],
        details=msgspec.json.decode(row["details"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ("audit",)

    @get(
        "/entries",
        summary="Entries of the audit trail, oldest first",
        **allow("auditor", "administrator", purpose="read the audit trail"),
    )
    async def entries(
        self,
        audit: NamedDependency[AuditTrail],
        actor: NamedDependency[Actor],
        principal: NamedDependency[Principal],
        after: Annotated[int, Parameter(ge=0, description="entries numbered above this")] = 0,
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
    ) -> AuditPage:
        """Auditors see client addresses masked; everything else is as recorded."""
        rows = await audit.entries(after, limit)
        await audit.record(actor, "audit.read", "audit_trail", {"after": after, "count": len(rows)})
        items = [_entry(row, masked=principal.role == "auditor") for row in rows]
        return AuditPage(items=items, next_after=items[-1].seq if len(items) == limit else None)

    @get(
        "/verify",
        summary="Check the hash chain; name the first broken entry",
        **allow("auditor", "administrator", purpose="verify the audit trail"),
    )
    async def verify(self, audit: NamedDependency[AuditTrail], actor: NamedDependency[Actor]) -> ChainReport:
        verdict = await audit.verify()
        await audit.record(
            actor,
            "audit.verified",
            "audit_trail",
            {"ok": verdict.ok, "entries": verdict.entries, "first_broken": verdict.first_broken},
        )
        return ChainReport(
            ok=verdict.ok,
            entries=verdict.entries,
            head_seq=verdict.head_seq,
            head_hash=verdict.head_hash,
            first_broken=verdict.first_broken,
            problem=verdict.problem,
        )
