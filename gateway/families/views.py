"""Registry records as the API shows them: numbers always masked, and more masked for auditors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from catalogue.facts import age_on
from catalogue.models import District
from family_registry.aadhaar import mask_aadhaar
from family_registry.eligibility import FamilyEligibility
from family_registry.mobile import mask_mobile
from family_registry.records import FamilyRecord, MemberRecord
from gateway.platform.masking import mask_id, mask_name, mask_text
from schemas.registry_api import FamilyOut, MemberOut

__all__ = ["family_out", "masked_eligibility", "member_out"]


def member_out(member: MemberRecord, today: dt.date, *, masked: bool = False) -> MemberOut:
    """``masked``: what an auditor sees (names masked, IDs shortened, no date of birth)."""
    return MemberOut(
        member_id=mask_id(member.member_id) if masked else member.member_id,
        family_id=mask_id(member.family_id) if masked else member.family_id,
        name_en=mask_name(member.name_en) if masked else member.name_en,
        name_hi=mask_name(member.name_hi) if masked else member.name_hi,
        gender=member.gender,
        date_of_birth=None if masked else member.date_of_birth,
        age=max(0, age_on(member.date_of_birth, today)),
        relation=member.relation,
        marital_status=member.marital_status,
        social_category=member.social_category,
        tribe=member.tribe,
        disability_percent=member.disability_percent,
        occupation=member.occupation,
        annual_income=member.annual_income,
        residence_years=member.residence_years,
        mobile=mask_mobile(member.mobile) if member.mobile else None,
        aadhaar=mask_aadhaar(member.aadhaar_last4) if member.aadhaar_last4 else None,
        ekyc_done=member.ekyc_done,
        income_tax_payer=member.income_tax_payer,
        government_service=member.government_service,
    )


def family_out(
    family: FamilyRecord, today: dt.date, districts: Mapping[str, District], *, masked: bool = False
) -> FamilyOut:
    district = districts.get(family.district)
    return FamilyOut(
        family_id=mask_id(family.family_id) if masked else family.family_id,
        head_member_id=mask_id(family.head_member_id)
        if masked and family.head_member_id
        else family.head_member_id,
        district=family.district,
        district_name=district.name if district else None,
        local_body=mask_text(family.local_body) if masked else family.local_body,
        ward=mask_text(family.ward) if masked and family.ward else family.ward,
        village_or_town=mask_text(family.village_or_town) if masked else family.village_or_town,
        area=family.area,
        social_category=family.social_category,
        bpl=family.bpl,
        ration_card=mask_id(family.ration_card) if masked and family.ration_card else family.ration_card,
        ration_card_type=family.ration_card_type,
        tehsil=family.tehsil,
        janpad=family.janpad,
        local_body_kind=family.local_body_kind,
        land_hectares=family.land_hectares,
        version=family.version,
        members=[member_out(m, today, masked=masked) for m in family.members],
    )


def masked_eligibility(result: FamilyEligibility) -> FamilyEligibility:
    """Verdicts as an auditor sees them: the same verdicts, names masked and IDs shortened."""
    members = [
        msgspec.structs.replace(
            m, member_id=mask_id(m.member_id), name_en=mask_name(m.name_en), name_hi=mask_name(m.name_hi)
        )
        for m in result.members
    ]
    return msgspec.structs.replace(result, family_id=mask_id(result.family_id), members=members)
