"""The applicant as the registry knows them: one query for the member, their family and its size.

The facts themselves are made by ``family_registry.facts``, so an application is judged by exactly the
facts the family eligibility page shows; only the reading is done here, in a single statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from catalogue.facts import age_on
from family_registry.facts import family_part, member_part
from family_registry.held import held_proofs, held_values
from family_registry.mobile import mask_mobile
from family_registry.tables import Family, Member
from schemas.department_api import Applicant

__all__ = [
    "RegistryApplicant",
    "applicant_from_row",
    "applicant_parameters",
    "applicant_statement",
    "load_applicant",
    "registry_facts",
]

_M = Member.__table__  # type: ignore[attr-defined]
_F = Family.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class RegistryApplicant:
    """A member, their family's ID and district, the facts eligibility rules read, and what the registry
    holds that a form need not ask (``held``: values by ``HELD_VALUES`` name; ``proofs``: documents it
    stands in for)."""

    member_id: str
    family_id: str
    name: str
    name_hi: str
    mobile: str | None
    district: str
    facts: dict[str, Any]
    held: dict[str, Any]
    proofs: frozenset[str]
    tehsil: str | None = None  # the family's, where the registry holds one

    def for_department(self) -> Applicant:
        """What a department receives: no Aadhaar, the mobile masked."""
        return Applicant(
            member_id=self.member_id,
            name=self.name,
            mobile_masked=mask_mobile(self.mobile) if self.mobile else None,
            district=self.district,
            facts=self.facts,
        )


def registry_facts(
    member: Any, family: Any, counts: tuple[int, int, int, int, int], today: dt.date
) -> dict[str, Any]:
    """Rule facts of one member row and its family row, made by the registry's own fact functions;
    ``counts`` are the family's size, members under 18, income, tax payers and government servants."""
    return {**member_part(family, member, max(0, age_on(member.date_of_birth, today))),
            **family_part(family, *counts)}  # fmt: skip


def applicant_statement() -> Any:
    """One statement for a member, their family and its counts (parameters ``member_id`` and ``cutoff``);
    callers build it once and may join more to it."""
    others = _M.alias("others")
    same_family = others.c.family_id == _M.c.family_id
    size = select(func.count()).where(same_family).scalar_subquery()
    under_18 = (
        select(func.count())
        .where(same_family, others.c.date_of_birth > bindparam("cutoff"))
        .scalar_subquery()
    )
    income = select(func.coalesce(func.sum(others.c.annual_income), 0)).where(same_family).scalar_subquery()
    tax_payers = select(func.count()).where(same_family, others.c.income_tax_payer).scalar_subquery()
    servants = (
        select(func.count()).where(same_family, others.c.government_service != "none").scalar_subquery()
    )
    head_name = select(others.c.name_en).where(others.c.member_id == _F.c.head_member_id).scalar_subquery()
    return (
        select(
            _M,
            _F.c.district,
            _F.c.tehsil.label("family_tehsil"),
            _F.c.bpl,
            _F.c.ration_card,
            _F.c.area,
            _F.c.local_body,
            _F.c.ward,
            _F.c.village_or_town,
            head_name.label("head_name"),
            _F.c.social_category.label("family_social_category"),
            _F.c.ration_card_type,
            _F.c.land_hectares,
            _F.c.local_body_kind,
            size.label("family_size"),
            under_18.label("family_under_18"),
            income.label("family_income"),
            tax_payers.label("family_tax_payers"),
            servants.label("family_government_servants"),
        )
        .select_from(_M.join(_F, _F.c.family_id == _M.c.family_id))
        .where(_M.c.member_id == bindparam("member_id"))
    )


_APPLICANT = applicant_statement()


async def load_applicant(
    conn: AsyncConnection, member_id: str, today: dt.date, district_names: Mapping[str, str] | None = None
) -> RegistryApplicant | None:
    """The member with their family and its counts, in one statement; None when there is no such member."""
    row = (await conn.execute(_APPLICANT, applicant_parameters(member_id, today))).first()
    return applicant_from_row(row, today, district_names) if row is not None else None


def applicant_parameters(member_id: str, today: dt.date) -> dict[str, Any]:
    cutoff = dt.date(today.year - 18, today.month, 28 if (today.month, today.day) == (2, 29) else today.day)
    return {"member_id": member_id, "cutoff": cutoff}


def applicant_from_row(
    row: Any, today: dt.date, district_names: Mapping[str, str] | None = None
) -> RegistryApplicant:
    """The applicant from a row of ``applicant_statement`` (``district_names``: for addresses)."""
    family = _FamilyView(
        row.district, row.bpl, row.ration_card, row.area, row.family_social_category, row.ration_card_type,
        row.land_hectares, row.local_body_kind, row.local_body, row.ward, row.village_or_town,
    )  # fmt: skip
    counts = (
        int(row.family_size), int(row.family_under_18), int(row.family_income),
        int(row.family_tax_payers), int(row.family_government_servants),
    )  # fmt: skip
    district_name = (district_names or {}).get(row.district, row.district)
    return RegistryApplicant(
        member_id=row.member_id,
        family_id=row.family_id,
        name=row.name_en,
        name_hi=row.name_hi,
        mobile=row.mobile,
        district=row.district,
        tehsil=row.family_tehsil,
        facts=registry_facts(row, family, counts, today),
        held=held_values(
            family, row, size=int(row.family_size), head_name=row.head_name, district_name=district_name
        ),
        proofs=held_proofs(family, row),
    )


@dataclass(frozen=True, slots=True)
class _FamilyView:
    district: str
    bpl: bool
    ration_card: str | None
    area: str
    social_category: str
    ration_card_type: str
    land_hectares: float
    local_body_kind: str | None
    local_body: str
    ward: str | None
    village_or_town: str
