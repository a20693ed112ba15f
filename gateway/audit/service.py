"""What the auditor's routes do: read the trail a page at a time, and check its chain; both are recorded.

Auditors see the trail masked as they see personal data everywhere else: member and family IDs keep their
last three digits (in the actor, the target and the details), client addresses lose their last part.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from gateway.audit.chain import ChainVerdict
from gateway.audit.policy import POLICY
from gateway.audit.sealer import read_published
from gateway.audit.trail import AuditTrail
from gateway.platform.guard import Caller
from gateway.platform.masking import mask_id, mask_ip, mask_prefixed_ids
from schemas.audit_api import AuditEntryOut, AuditPage, ChainBreak, ChainReport

__all__ = ["AuditReader", "masked_details"]

_ID_KEYS = frozenset({"member_id", "family_id", "member", "family", "head_member_id", "probed_family"})


def masked_details(value: Any, key: str = "") -> Any:
    """``value`` with every member and family ID in it masked: under a key that names one, or written as
    ``member:…``/``family:…`` in any text."""
    if isinstance(value, dict):
        return {k: masked_details(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_details(v, key) for v in value]
    if isinstance(value, str):
        return mask_id(value) if key in _ID_KEYS and value.isdigit() else mask_prefixed_ids(value)
    return value


def _entry(row: dict[str, Any], masked: bool) -> AuditEntryOut:
    details = msgspec.json.decode(row["details"])
    if not masked:
        return AuditEntryOut(
            seq=row["seq"],
            at=row["at"],
            actor=row["actor"],
            role=row["role"],
            action=row["action"],
            target=row["target"],
            client_ip=row["client_ip"],
            request_id=row["request_id"],
            reason=row["reason"],
            details=details,
            prev_hash=row["prev_hash"],
            hash=row["hash"],
        )
    return AuditEntryOut(
        seq=row["seq"],
        at=row["at"],
        actor=mask_prefixed_ids(row["actor"]),
        role=row["role"],
        action=row["action"],
        target=mask_prefixed_ids(row["target"]),
        client_ip=mask_ip(row["client_ip"]) if row["client_ip"] not in ("", "local") else row["client_ip"],
        request_id=row["request_id"],
        reason=row["reason"],
        details=masked_details(details),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def report(verdict: ChainVerdict, unsealed: int) -> ChainReport:
    return ChainReport(
        ok=verdict.ok,
        entries=verdict.entries,
        head_seq=verdict.head_seq,
        head_hash=verdict.head_hash,
        first_broken=verdict.first_broken,
        problem=verdict.problem,
        breaks=[ChainBreak(seq=b.seq, problem=b.problem) for b in verdict.breaks],
        published_checked=verdict.published_checked,
        unsealed=unsealed,
    )


class AuditReader:
    def __init__(self, trail: AuditTrail, published: Path | None = None) -> None:
        self.trail = trail
        self.published = published

    async def page(self, caller: Caller, after: int, limit: int) -> AuditPage:
        rule = POLICY.read
        rows = await self.trail.entries(after, limit)
        await self.trail.record(
            caller.actor, rule.action, "audit_trail", {"after": after, "count": len(rows)}
        )
        items = [_entry(row, masked=rule.masks(caller.principal)) for row in rows]
        return AuditPage(items=items, next_after=items[-1].seq if len(items) == limit else None)

    async def verify(self, caller: Caller) -> ChainReport:
        # The heads this process's sealer published, read before the chain's head (chain.verify_chain).
        heads = read_published(self.published) if self.published and self.published.exists() else {}
        verdict = await self.trail.verify(published=heads)
        _, unsealed = await self.trail.count()
        await self.trail.record(
            caller.actor,
            POLICY.verify.action,
            "audit_trail",
            {"ok": verdict.ok, "entries": verdict.entries, "breaks": [b.seq for b in verdict.breaks][:100]},
        )
        return report(verdict, unsealed)
