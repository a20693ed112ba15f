"""Structs of the audit trail endpoints."""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["AuditEntryOut", "AuditPage", "ChainBreak", "ChainReport"]


class AuditEntryOut(msgspec.Struct, kw_only=True):
    seq: int
    at: str
    actor: str
    role: str
    action: str
    target: str
    client_ip: str
    request_id: str
    reason: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(msgspec.Struct, kw_only=True):
    """Entries oldest first; ask again with ``after=next_after`` for more."""

    items: list[AuditEntryOut]
    next_after: int | None


class ChainBreak(msgspec.Struct, kw_only=True):
    """One entry that is not as it was sealed, and what is wrong with it."""

    seq: int
    problem: str


class ChainReport(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The verdict on the sealed trail: ``breaks`` names every broken entry in order (``first_broken`` and
    ``problem`` repeat the first); ``published_checked`` counts the heads published outside the database
    that the trail was held against; ``unsealed`` counts entries committed and not chained yet."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_broken: int | None = None
    problem: str | None = None
    breaks: list[ChainBreak] = msgspec.field(default_factory=list)
    published_checked: int = 0
    unsealed: int = 0
