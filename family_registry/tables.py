"""The registry's tables. Migrations in ``gateway/migrations`` create them; hot paths use Core statements
on ``Family.__table__`` and ``Member.__table__`` rather than the ORM (see PERFORMANCE.md).

Times are epoch seconds (float), as in the other capabilities' tables. An Aadhaar number is held only as
``aadhaar_hash`` (HMAC-SHA256 under the registry key) and ``aadhaar_last4``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

__all__ = ["Family", "Member", "RegistryMeta"]

_FAMILY_KEY, _FK = "families.family_id", "fk_members_family_id"


class Family(SQLModel, table=True):
    """A household, as Samagra registers it. ``version`` grows on every change to the family or to any
    of its members, so cached verdicts keyed on it are never stale.

    ``head_member_id`` names the member whose relation is ``head``; it is not a foreign key because a
    family is written before its members. ``tehsil`` and ``janpad`` (the janpad panchayat of a rural
    family) place the family under its revenue and development officers; ``local_body_kind`` says which
    kind of body ``local_body`` is. ``ration_card_type`` is the NFSA entitlement (``aay``, ``priority``,
    ``none``); ``land_hectares`` the agricultural land the family holds, in hectares, from the land records.
    """

    __tablename__ = "families"

    family_id: str = Field(primary_key=True, max_length=8)
    head_member_id: str | None = Field(default=None, max_length=9)
    district: str = Field(max_length=64)
    local_body: str = Field(max_length=200)
    ward: str | None = Field(default=None, max_length=32)
    village_or_town: str = Field(max_length=200)
    area: str = Field(max_length=8)
    social_category: str = Field(max_length=16)
    bpl: bool
    ration_card: str | None = Field(default=None, max_length=32)
    tehsil: str | None = Field(default=None, max_length=64)
    janpad: str | None = Field(default=None, max_length=200)
    local_body_kind: str | None = Field(default=None, max_length=16)
    ration_card_type: str = Field(default="none", max_length=16)
    land_hectares: float = Field(default=0.0, sa_type=Float)
    version: int = 1
    updated_at: float


class Member(SQLModel, table=True):
    """A person in a family. ``mobile`` is kept whole because one-time passwords are sent to it; it is
    masked everywhere it is shown or logged. ``income_tax_payer`` and ``government_service`` (``none``,
    ``employee``, ``pensioner``) come from the state's other registers (income-tax returns, the treasury)."""

    __tablename__ = "members"
    __table_args__ = (Index("ix_members_family_id", "family_id"),)

    member_id: str = Field(primary_key=True, max_length=9)
    family_id: str = Field(sa_column=Column(String(8), ForeignKey(_FAMILY_KEY, name=_FK), nullable=False))
    name_en: str = Field(max_length=200)
    name_hi: str = Field(max_length=200)
    gender: str = Field(max_length=16)
    date_of_birth: dt.date
    relation: str = Field(max_length=24)
    marital_status: str = Field(max_length=16)
    social_category: str = Field(max_length=16)
    tribe: str = Field(default="none", max_length=16)
    disability_percent: int = 0
    occupation: str = Field(max_length=32)
    annual_income: int = Field(default=0, sa_type=BigInteger)
    residence_years: int | None = None
    income_tax_payer: bool = False
    government_service: str = Field(default="none", max_length=16)
    mobile: str | None = Field(default=None, max_length=10, index=True)
    aadhaar_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    aadhaar_last4: str | None = Field(default=None, max_length=4)
    ekyc_done: bool = False
    updated_at: float


class RegistryMeta(SQLModel, table=True):
    """Facts about the registry itself, such as the fingerprint of the key of its Aadhaar hashes."""

    __tablename__ = "registry_meta"

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)
