"""Whole-family eligibility from the registry, and the cache that keeps it cheap.

Every verdict depends on three things only: the family as stored (its ``version`` grows on every change
to it or to any of its members), the catalogue (its ``digest``), and the day (ages change at midnight).
The cache is keyed on all three, so a changed family or catalogue can never be answered from it; stale
entries simply stop being asked for and age out. ``clear`` frees them at once when the catalogue changes.
"""

from __future__ import annotations

import datetime as dt
import threading

import msgspec
from cachetools import LRUCache

from catalogue import Catalogue, ServiceVerdict
from catalogue.eligibility import evaluate_all_counted
from family_registry.facts import family_facts
from family_registry.records import FamilyRecord

__all__ = ["EligibilityCache", "FamilyEligibility", "MemberEligibility", "family_eligibility"]


class MemberEligibility(msgspec.Struct, kw_only=True, frozen=True):
    """One member's verdict on every service, with counts."""

    member_id: str
    name_en: str
    name_hi: str
    age: int
    eligible: int
    not_eligible: int
    undetermined: int
    verdicts: list[ServiceVerdict]


class FamilyEligibility(msgspec.Struct, kw_only=True, frozen=True):
    """Verdicts for every member of a family on ``on``, under the catalogue ``catalogue_digest``."""

    family_id: str
    family_version: int
    catalogue_digest: str
    on: dt.date
    members: list[MemberEligibility]


def family_eligibility(catalogue: Catalogue, family: FamilyRecord, on: dt.date) -> FamilyEligibility:
    """Evaluate every service of ``catalogue`` for every member of ``family`` on the day ``on``."""
    facts = family_facts(family, on)
    members = []
    for member in family.members:
        own = facts[member.member_id]
        verdicts, counts = evaluate_all_counted(catalogue, own)
        members.append(
            MemberEligibility(
                member_id=member.member_id,
                name_en=member.name_en,
                name_hi=member.name_hi,
                age=own["member.age"],
                verdicts=verdicts,
                eligible=counts["eligible"],
                not_eligible=counts["not_eligible"],
                undetermined=counts["undetermined"],
            )
        )
    return FamilyEligibility(
        family_id=family.family_id,
        family_version=family.version,
        catalogue_digest=catalogue.digest,
        on=on,
        members=members,
    )


class EligibilityCache:
    """Verdicts of recently asked families: an LRU keyed on (family, version, catalogue digest, day)."""

    def __init__(self, families: int = 1000) -> None:
        self._cache: LRUCache[tuple[str, int, str, dt.date], FamilyEligibility] = LRUCache(maxsize=families)
        self._lock = threading.Lock()  # cachetools is not thread-safe; handlers may run in threads
        self.hits = 0
        self.misses = 0

    def get(self, catalogue: Catalogue, family: FamilyRecord, on: dt.date) -> FamilyEligibility:
        key = (family.family_id, family.version, catalogue.digest, on)
        with self._lock:
            found = self._cache.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        result = family_eligibility(catalogue, family, on)
        with self._lock:
            self._cache[key] = result
        return result

    def clear(self, *_: object) -> None:
        """Drop everything (used as a catalogue ``on_change`` listener)."""
        with self._lock:
            self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)
