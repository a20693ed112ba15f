"""The facts eligibility rules read (``catalogue.facts.FACTS``), made from a family and one of its members.

Age is counted on the day asked; the family's aggregates (size, income, members under 18) are counted
over its members on that day. A fact the registry does not hold (years of residence left empty) is
left out, so a rule that needs it answers "undetermined" rather than guessing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalogue.facts import age_on
from family_registry.records import FamilyRecord, MemberRecord

__all__ = ["family_facts", "member_facts"]


def _family_part(family: FamilyRecord, ages: dict[str, int]) -> dict[str, Any]:
    return {
        "family.annual_income": sum(m.annual_income for m in family.members),
        "family.size": len(family.members),
        "family.members_under_18": sum(1 for age in ages.values() if age < 18),
        "family.bpl": family.bpl,
        "family.has_ration_card": family.ration_card is not None,
        "family.social_category": family.social_category,
        "family.district": family.district,
        "family.area": family.area,
    }


def _member_part(family: FamilyRecord, member: MemberRecord, age: int) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "member.age": age,
        "member.annual_income": member.annual_income,
        "member.disability_percent": member.disability_percent,
        "member.gender": member.gender,
        "member.social_category": member.social_category,
        # BPL status belongs to the household; every member shares it.
        "member.bpl": family.bpl,
        "member.ekyc_done": member.ekyc_done,
        "member.district": family.district,
        "member.relation": member.relation,
        "member.marital_status": member.marital_status,
        "member.occupation": member.occupation,
        "member.tribe": member.tribe,
    }
    if member.residence_years is not None:
        facts["member.residence_years"] = member.residence_years
    return facts


def family_facts(family: FamilyRecord, on: dt.date) -> dict[str, dict[str, Any]]:
    """Facts of every member of ``family`` on the day ``on``, by member ID."""
    ages = {m.member_id: max(0, age_on(m.date_of_birth, on)) for m in family.members}
    shared = _family_part(family, ages)
    return {m.member_id: {**_member_part(family, m, ages[m.member_id]), **shared} for m in family.members}


def member_facts(family: FamilyRecord, member: MemberRecord, on: dt.date) -> dict[str, Any]:
    """Facts of one member of ``family`` on the day ``on``."""
    return family_facts(family, on)[member.member_id]
