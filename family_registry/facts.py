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

__all__ = ["family_facts", "family_part", "member_facts", "member_part"]


def family_part(family: Any, size: int, members_under_18: int, annual_income: int) -> dict[str, Any]:
    """The ``family.*`` facts, from anything with a family's attributes and the aggregates over its
    members (callers that read the family in one SQL statement count them there)."""
    return {
        "family.annual_income": int(annual_income),
        "family.size": int(size),
        "family.members_under_18": int(members_under_18),
        "family.bpl": bool(family.bpl),
        "family.has_ration_card": bool(family.ration_card),
        "family.social_category": family.social_category,
        "family.district": family.district,
        "family.area": family.area,
    }


def member_part(family: Any, member: Any, age: int) -> dict[str, Any]:
    """The ``member.*`` facts, from anything with a member's and a family's attributes."""
    facts: dict[str, Any] = {
        "member.age": age,
        "member.annual_income": int(member.annual_income),
        "member.disability_percent": int(member.disability_percent),
        "member.gender": member.gender,
        "member.social_category": member.social_category,
        # BPL status belongs to the household; every member shares it.
        "member.bpl": bool(family.bpl),
        "member.ekyc_done": bool(member.ekyc_done),
        "member.district": family.district,
        "member.relation": member.relation,
        "member.marital_status": member.marital_status,
        "member.occupation": member.occupation,
        "member.tribe": member.tribe,
    }
    if member.residence_years is not None:
        facts["member.residence_years"] = int(member.residence_years)
    return facts


def family_facts(family: FamilyRecord, on: dt.date) -> dict[str, dict[str, Any]]:
    """Facts of every member of ``family`` on the day ``on``, by member ID."""
    ages = {m.member_id: max(0, age_on(m.date_of_birth, on)) for m in family.members}
    under_18 = sum(1 for age in ages.values() if age < 18)
    income = sum(m.annual_income for m in family.members)
    shared = family_part(family, len(family.members), under_18, income)
    return {m.member_id: {**member_part(family, m, ages[m.member_id]), **shared} for m in family.members}


def member_facts(family: FamilyRecord, member: MemberRecord, on: dt.date) -> dict[str, Any]:
    """Facts of one member of ``family`` on the day ``on``."""
    return family_facts(family, on)[member.member_id]
