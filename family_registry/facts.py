"""The facts eligibility rules read (``catalogue.facts.FACTS``), made from a family and one of its members.

Age is counted on the day asked; the family's aggregates (size, income, members under 18, whether anyone
pays income tax or serves or served a government) are counted over its members on that day. A fact the
registry does not hold (years of residence or kind of local body left empty) is left out, so a rule that
needs it answers "undetermined" rather than guessing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalogue.facts import age_on
from family_registry.records import FamilyRecord, MemberRecord

__all__ = ["family_facts", "family_part", "member_facts", "member_part"]


def family_part(
    family: Any,
    size: int,
    members_under_18: int,
    annual_income: int,
    income_tax_payers: int,
    government_servants: int,
) -> dict[str, Any]:
    """The ``family.*`` facts, from anything with a family's attributes and the aggregates over its
    members (callers that read the family in one SQL statement count them there): how many pay income
    tax, and how many are government employees or pensioners."""
    facts: dict[str, Any] = {
        "family.annual_income": int(annual_income),
        "family.size": int(size),
        "family.members_under_18": int(members_under_18),
        "family.bpl": bool(family.bpl),
        "family.has_ration_card": bool(family.ration_card) or family.ration_card_type != "none",
        "family.ration_card_type": family.ration_card_type,
        "family.social_category": family.social_category,
        "family.district": family.district,
        "family.area": family.area,
        "family.land_hectares": float(family.land_hectares),
        "family.income_tax_payer": income_tax_payers > 0,
        "family.government_employee_or_pensioner": government_servants > 0,
    }
    if family.local_body_kind is not None:
        facts["family.local_body_kind"] = family.local_body_kind
    return facts


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
        "member.income_tax_payer": bool(member.income_tax_payer),
        "member.government_service": member.government_service,
    }
    if member.residence_years is not None:
        facts["member.residence_years"] = int(member.residence_years)
    return facts


def family_facts(family: FamilyRecord, on: dt.date) -> dict[str, dict[str, Any]]:
    """Facts of every member of ``family`` on the day ``on``, by member ID."""
    ages = {m.member_id: max(0, age_on(m.date_of_birth, on)) for m in family.members}
    under_18 = sum(1 for age in ages.values() if age < 18)
    income = sum(m.annual_income for m in family.members)
    tax_payers = sum(1 for m in family.members if m.income_tax_payer)
    servants = sum(1 for m in family.members if m.government_service != "none")
    shared = family_part(family, len(family.members), under_18, income, tax_payers, servants)
    return {m.member_id: {**member_part(family, m, ages[m.member_id]), **shared} for m in family.members}


def member_facts(family: FamilyRecord, member: MemberRecord, on: dt.date) -> dict[str, Any]:
    """Facts of one member of ``family`` on the day ``on``."""
    return family_facts(family, on)[member.member_id]
