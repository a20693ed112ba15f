"""``/api/v1/families``, ``/api/v1/members`` and ``/api/v1/registry/lookup``; who sees what is in policy.py.

An Aadhaar number is taken only in a request body (``POST /api/v1/registry/lookup``), never in a URL.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from family_registry.eligibility import FamilyEligibility
from gateway.families.errors import (
    InvalidAadhaar,
    InvalidId,
    InvalidMobile,
    NotInRegistry,
    UnknownFamily,
    UnknownMember,
)
from gateway.families.policy import POLICY
from gateway.families.service import FamilyService
from gateway.platform.guard import Caller
from schemas.identifiers import FAMILY_ID, MEMBER_ID
from schemas.registry_api import FamilyOut, LookupRequest, LookupResult, MemberOut

__all__ = ["RegistryController"]

# The pattern is stated, not enforced by Litestar: the registry answers a malformed ID with ``invalid_id``.
FamilyId = Annotated[str, Parameter(description="8-digit family ID", schema_extra={"pattern": FAMILY_ID})]
MemberId = Annotated[str, Parameter(description="9-digit member ID", schema_extra={"pattern": MEMBER_ID})]


class RegistryController(Controller):
    path = "/api/v1"
    tags = ("registry",)

    @get(
        "/families/{family_id:str}",
        summary="A family and all its members",
        **POLICY.route("read_family", InvalidId, UnknownFamily),
    )
    async def get_family(
        self, family_id: FamilyId, families: NamedDependency[FamilyService], caller: NamedDependency[Caller]
    ) -> FamilyOut:
        return await families.family(caller, family_id)

    @get(
        "/members/{member_id:str}",
        summary="One member of a family",
        **POLICY.route("read_member", InvalidId, UnknownMember),
    )
    async def get_member(
        self, member_id: MemberId, families: NamedDependency[FamilyService], caller: NamedDependency[Caller]
    ) -> MemberOut:
        return await families.member(caller, member_id)

    @post(
        "/registry/lookup",
        status_code=200,
        summary="Find a family by mobile number, Aadhaar number or family ID",
        **POLICY.route("lookup", InvalidId, InvalidAadhaar, InvalidMobile, NotInRegistry, UnknownFamily),
    )
    async def lookup(
        self,
        data: JSONBody[LookupRequest],
        families: NamedDependency[FamilyService],
        caller: NamedDependency[Caller],
    ) -> LookupResult:
        """Give exactly one of ``mobile``, ``aadhaar``, ``family_id``."""
        return await families.lookup(
            caller, mobile=data.mobile, aadhaar=data.aadhaar, family_id=data.family_id
        )

    @get(
        "/families/{family_id:str}/eligibility",
        summary="For every member of a family, every service with its verdict and reasons",
        **POLICY.route("eligibility", InvalidId, UnknownFamily),
    )
    async def family_eligibility(
        self,
        family_id: FamilyId,
        families: NamedDependency[FamilyService],
        caller: NamedDependency[Caller],
        on: Annotated[
            dt.date | None, Parameter(description="The day to judge on (ages change); default today in India")
        ] = None,
    ) -> FamilyEligibility:
        return await families.eligibility(caller, family_id, on)
