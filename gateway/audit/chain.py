"""The hash chain: how an entry's hash is made, and how a whole trail is checked."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterable
from dataclasses import dataclass
from typing import Any

import msgspec

from gateway.audit.tables import GENESIS_HASH

__all__ = ["ChainVerdict", "canonical_details", "entry_hash", "verify_chain"]

_HASHED = ("seq", "at", "actor", "role", "action", "target", "client_ip", "request_id", "reason", "details")


def canonical_details(details: dict[str, Any] | None) -> str:
    """Details as JSON with sorted keys: the same data always gives the same text, and so the same hash."""
    return msgspec.json.encode(details or {}, order="sorted").decode()


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and every recorded field, encoded as a JSON array in fixed order."""
    body = msgspec.json.encode([prev_hash, *(fields[name] for name in _HASHED)])
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    """The result of checking a trail. When ``ok`` is false, ``first_broken`` is the lowest entry number
    that was changed, removed or does not follow the one before it, and ``problem`` says which."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_broken: int | None = None
    problem: str | None = None


async def verify_chain(rows: AsyncIterable[dict[str, Any]], head_seq: int, head_hash: str) -> ChainVerdict:
    """Walk ``rows`` in ``seq`` order and compare them with the chain and with the head."""
    expected, prev, count = 1, GENESIS_HASH, 0

    def broken(seq: int, problem: str) -> ChainVerdict:
        return ChainVerdict(False, count, head_seq, head_hash, seq, problem)

    async for row in rows:
        seq = row["seq"]
        if seq != expected:
            if seq < expected:
                return broken(seq, f"entry {seq} appears twice or out of order")
            missing = f"entry {expected}" if seq == expected + 1 else f"entries {expected} to {seq - 1}"
            return broken(expected, f"{missing} removed: the trail jumps from {expected - 1} to {seq}")
        if row["prev_hash"] != prev:
            return broken(
                seq, f"entry {seq} does not follow entry {seq - 1}: its previous hash does not match"
            )
        if entry_hash(prev, row) != row["hash"]:
            return broken(seq, f"entry {seq} was changed: its content does not match its hash")
        prev, expected, count = row["hash"], expected + 1, count + 1
    last = expected - 1
    if head_seq > last:
        missing = f"entry {head_seq}" if head_seq == last + 1 else f"entries {last + 1} to {head_seq}"
        return broken(last + 1, f"{missing} removed from the end: the head records {head_seq} entries")
    if head_seq < last:
        return broken(head_seq + 1, f"entries after {head_seq} were added without moving the head")
    if head_hash != prev:
        return broken(last, f"the head's hash does not match entry {last}")
    return ChainVerdict(True, count, head_seq, head_hash)
