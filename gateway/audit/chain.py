"""The hash chain: how an entry's hash is made, and how a whole trail is checked."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from gateway.audit.tables import GENESIS_HASH

__all__ = ["Break", "ChainVerdict", "canonical_details", "entry_hash", "verify_chain"]

_HASHED = ("seq", "at", "actor", "role", "action", "target", "client_ip", "request_id", "reason", "details")


def canonical_details(details: dict[str, Any] | None) -> str:
    """Details as JSON with sorted keys: the same data always gives the same text, and so the same hash."""
    return msgspec.json.encode(details or {}, order="sorted").decode()


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and every recorded field, encoded as a JSON array in fixed order."""
    body = msgspec.json.encode([prev_hash, *(fields[name] for name in _HASHED)])
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class Break:
    """One place where the trail is not what was sealed: the entry's number and what is wrong there."""

    seq: int
    problem: str


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    """The result of checking a trail: every break found, in order (none when ``ok``), and how many
    published heads the trail was held against."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    breaks: tuple[Break, ...] = ()
    published_checked: int = 0

    @property
    def first_broken(self) -> int | None:
        return self.breaks[0].seq if self.breaks else None

    @property
    def problem(self) -> str | None:
        return self.breaks[0].problem if self.breaks else None


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first} to {last}"


async def verify_chain(
    rows: AsyncIterable[Mapping[str, Any]],
    head_seq: int,
    head_hash: str,
    published: Mapping[int, str] | None = None,
) -> ChainVerdict:
    """Walk ``rows`` in ``seq`` order and compare them with the chain, with the head and with heads
    published earlier (``seq`` → ``hash``, kept outside the database); name every break, not only the
    first. After a break the walk goes on from the entry as stored, so one edit is named once."""
    published = published or {}
    expected, prev, count = 1, GENESIS_HASH, 0
    breaks: list[Break] = []
    async for row in rows:
        seq = row["seq"]
        if seq < expected:
            breaks.append(Break(seq, f"entry {seq} appears twice or out of order"))
            continue
        if seq > expected:
            breaks.append(
                Break(
                    expected,
                    f"{_span(expected, seq - 1)} removed: the trail jumps from {expected - 1} to {seq}",
                )
            )
            prev = row["prev_hash"]  # the link across a gap cannot be checked
        wrong = []
        if entry_hash(row["prev_hash"], row) != row["hash"]:
            wrong.append("was changed: its content does not match its hash")
        if row["prev_hash"] != prev:
            wrong.append(
                f"does not follow entry {seq - 1}: its previous hash does not match (one of the two was "
                "changed and its hash recomputed, or they were reordered)"
            )
        if seq in published and published[seq] != row["hash"]:
            wrong.append(
                f"is not the entry published as the head at {seq}: the trail was rewritten here or before"
            )
        if wrong:
            breaks.append(Break(seq, f"entry {seq} " + "; and ".join(wrong)))
        prev, expected, count = row["hash"], seq + 1, count + 1
    last = expected - 1
    if head_seq > last:
        breaks.append(
            Break(last + 1, f"{_span(last + 1, head_seq)} removed from the end: the head records {head_seq}")
        )
    elif head_seq < last:
        breaks.append(Break(head_seq + 1, f"entries after {head_seq} were added without moving the head"))
    elif head_hash != prev:
        breaks.append(Break(last, f"the head's hash does not match entry {last}"))
    beyond = sorted(seq for seq in published if seq > max(last, head_seq))
    if beyond:
        breaks.append(
            Break(
                beyond[0],
                f"entry {beyond[-1]} was published as the head, but the trail ends at {max(last, head_seq)}: "
                "entries were removed and the head moved back",
            )
        )
    checked = sum(1 for seq in published if seq <= max(last, head_seq))
    return ChainVerdict(not breaks, count, head_seq, head_hash, tuple(breaks), checked)
