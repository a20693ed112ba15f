"""Families and members as the rest of seva reads them: immutable, and without any Aadhaar hash."""

from __future__ import annotations

import datetime as dt

import msgspec

__all__ = ["FamilyRecord", "MemberRecord"]


class MemberRecord(msgspec.Struct, kw_only=True, frozen=True):
    member_id: str
    family_id: str
    name_en: str
    name_hi: str
    gender: str
    date_of_birth: dt.date
    relation: str
    marital_status: str
    social_category: str
    tribe: str
    disability_percent: int
    occupation: str
    annual_income: int
    residence_years: int | None
    income_tax_payer: bool
    government_service: str
    mobile: str | None
    aadhaar_last4: str | None
    ekyc_done: bool


class FamilyRecord(msgspec.Struct, kw_only=True, frozen=True):
    """A family with its members, head first, then by date of birth."""

    family_id: str
    head_member_id: str | None
    district: str
    local_body: str
    ward: str | None
    village_or_town: str
    area: str
    social_category: str
    bpl: bool
    ration_card: str | None
    tehsil: str | None
    janpad: str | None
    local_body_kind: str | None
    ration_card_type: str
    land_hectares: float
    version: int
    members: tuple[MemberRecord, ...]

    def member(self, member_id: str) -> MemberRecord | None:
        return next((m for m in self.members if m.member_id == member_id), None)
