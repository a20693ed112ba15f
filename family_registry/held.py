"""What the registry holds about an applicant, by the names of ``catalogue.registry_held``.

``held_values`` gives the values a form field may be filled with, ``held_proofs`` the documents the
registry stands in for. Like ``family_registry.facts``, both read anything with a member's and a family's
attributes, so a caller that reads the applicant in one SQL statement uses them as well as one holding
records.
"""

from __future__ import annotations

from typing import Any

__all__ = ["family_address", "held_proofs", "held_values"]


def family_address(family: Any, district_name: str) -> str:
    """The family's address as the registry records it: village or town, ward, local body, district."""
    parts = [family.village_or_town, f"ward {family.ward}" if family.ward else None, family.local_body]
    seen: list[str] = []
    for part in [*parts, district_name]:
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen)


def held_values(
    family: Any, member: Any, *, size: int, head_name: str | None, district_name: str
) -> dict[str, Any]:
    """Every value of ``HELD_VALUES`` the registry has for ``member``; a value it lacks is left out."""
    values: dict[str, Any] = {
        "member.member_id": member.member_id,
        "member.family_id": member.family_id,
        "member.name": member.name_en,
        "member.date_of_birth": member.date_of_birth.isoformat(),
        "member.gender": member.gender,
        "member.social_category": member.social_category,
        "family.size": int(size),
        "family.bpl": bool(family.bpl),
        "family.address": family_address(family, district_name),
    }
    if member.mobile:
        values["member.mobile"] = member.mobile
    if head_name:
        values["family.head_name"] = head_name
    return values


def held_proofs(family: Any, member: Any) -> frozenset[str]:
    """The proofs of ``HELD_PROOFS`` the registry stands in for, for ``member``."""
    proofs = {"samagra_id"}
    if member.aadhaar_last4:
        proofs.add("aadhaar")
    if member.ekyc_done:
        proofs.add("ekyc_date_of_birth")
    if family.bpl:
        proofs.add("bpl")
    return frozenset(proofs)
