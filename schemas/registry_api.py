"""Wire formats of the family registry: ``/api/v1/families``, ``/api/v1/members``, ``/api/v1/registry``.

No answer ever holds a whole mobile number or any part of an Aadhaar number but its last four digits.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from catalogue.models import Text
from family_registry.eligibility import FamilyEligibility, MemberEligibility

__all__ = [
    "FamilyEligibility",
    "FamilyOut",
    "LookupMatch",
    "LookupRequest",
    "LookupResult",
    "MemberEligibility",
    "MemberOut",
]


class MemberOut(msgspec.Struct, kw_only=True, frozen=True):
    """A member as the registry holds them. ``mobile`` and ``aadhaar`` are masked (``******1234``,
    ``********1234``); for auditors names are masked and the date of birth withheld.
    ``government_service`` is ``none``, ``employee`` or ``pensioner``."""

    member_id: str
    family_id: str
    name_en: str
    name_hi: str
    gender: str
    date_of_birth: dt.date | None
    age: int
    relation: str
    marital_status: str
    social_category: str
    tribe: str
    disability_percent: int
    occupation: str
    annual_income: int
    residence_years: int | None
    mobile: str | None
    aadhaar: str | None
    ekyc_done: bool
    income_tax_payer: bool
    government_service: str


class FamilyOut(msgspec.Struct, kw_only=True, frozen=True):
    """A family and every member, the head first. ``version`` grows with every change to the family.
    ``local_body_kind`` is ``gram_panchayat``, ``nagar_parishad``, ``nagar_palika`` or ``nagar_nigam``;
    ``ration_card_type`` ``aay`` (Antyodaya), ``priority`` or ``none``; ``land_hectares`` the land held."""

    family_id: str
    head_member_id: str | None
    district: str
    district_name: Text | None
    local_body: str
    ward: str | None
    village_or_town: str
    area: str
    social_category: str
    bpl: bool
    ration_card: str | None
    ration_card_type: str
    tehsil: str | None
    janpad: str | None
    local_body_kind: str | None
    land_hectares: float
    version: int
    members: list[MemberOut]


class LookupRequest(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Exactly one of: a mobile number, an Aadhaar number, a family ID. Aadhaar numbers travel only in a
    request body, never in a URL, so they stay out of access logs."""

    mobile: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    aadhaar: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    family_id: Annotated[str, msgspec.Meta(max_length=20)] | None = None


class LookupMatch(msgspec.Struct, kw_only=True, frozen=True):
    """A family found, and which of its members carry the number looked up (all, for a family ID)."""

    family: FamilyOut
    matched_member_ids: list[str]


class LookupResult(msgspec.Struct, kw_only=True, frozen=True):
    matches: list[LookupMatch]
