"""What the auditor's routes do: read the trail a page at a time, and check its chain; both are recorded."""

from __future__ import annotations

from typing import Any

import msgspec

from gateway.audit.policy import POLICY
from gateway.audit.trail import AuditTrail
from gateway.platform.guard import Caller
from gateway.platform.masking import mask_ip
from schemas.audit_api import AuditEntryOut, AuditPage, ChainReport

__all__ = ["AuditReader"]


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


class AuditReader:
    def __init__(self, trail: AuditTrail) -> None:
        self.trail = trail

    async def page(self, caller: Caller, after: int, limit: int) -> AuditPage:
        rule = POLICY.read
        rows = await self.trail.entries(after, limit)
        await self.trail.record(
            caller.actor, rule.action, "audit_trail", {"after": after, "count": len(rows)}
        )
        items = [_entry(row, masked=rule.masks(caller.principal)) for row in rows]
        return AuditPage(items=items, next_after=items[-1].seq if len(items) == limit else None)

    async def verify(self, caller: Caller) -> ChainReport:
        verdict = await self.trail.verify()
        await self.trail.record(
            caller.actor,
            POLICY.verify.action,
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
