"""``/api/v1/families``, ``/api/v1/members`` and ``/api/v1/registry/lookup``.

Citizens see their own family only: another family, or a member of one, is "not found", so an answer
never tells a citizen who else is registered. A department sees only families that have applied for one
of its services (it needs the applicant's record to decide); administrators see any family, auditors
any family with names masked and no dates of birth. Every answer with personal data is written to the
audit trail. An Aadhaar number is taken only in a request body (``POST /api/v1/registry/lookup``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from family_registry.aadhaar import check_aadhaar, mask_aadhaar
from family_registry.eligibility import EligibilityCache, FamilyEligibility
from family_registry.errors import NoMatch, UnknownFamily, UnknownMember
from family_registry.importer import today_in_india
from family_registry.mobile import check_mobile, mask_mobile
from family_registry.records import FamilyRecord
from family_registry.store import Match, Registry
from gateway.applications.queries import has_applied_to
from gateway.audit.trail import Actor, AuditTrail
from gateway.families.views import family_out, masked_eligibility, member_out
from gateway.identity.access import allow
from gateway.identity.masking import mask_id
from gateway.identity.principal import Principal
from gateway.problems import Problem
from gateway.services.holder import CatalogueHolder
from schemas.problem import FieldError, Message
from schemas.registry_api import FamilyOut, LookupMatch, LookupRequest, LookupResult, MemberOut

__all__ = ["RegistryController"]

_READERS = ("citizen", "department", "auditor", "administrator")
# How far from today eligibility may be asked about: ages on a date decades away mean nothing.
_FURTHEST = dt.timedelta(days=5 * 366)


async def _visible(registry: Registry, principal: Principal, family_id: str) -> bool:
    if principal.role == "citizen":
        return principal.family_id == family_id
    if principal.role == "department":
        return principal.department is not None and await has_applied_to(
            registry.engine, family_id, principal.department
        )
    return True


async def _family_for(registry: Registry, principal: Principal, family_id: str) -> FamilyRecord:
    family = await registry.family(family_id)
    if not await _visible(registry, principal, family.family_id):
        raise UnknownFamily(family_id)
    return family


def _day(on: dt.date | None) -> dt.date:
    today = today_in_india()
    if on is None:
        return today
    if abs(on - today) > _FURTHEST:
        raise Problem(
            "invalid_request",
            Message(en="'on' must be within five years of today.", hi="'on' आज से पाँच वर्ष के भीतर होना चाहिए।"),
            errors=[FieldError(field="query.on", message="more than five years from today")],
        )
    return on


class RegistryController(Controller):
    path = "/api/v1"
    tags = ("registry",)

    @get(
        "/families/{family_id:str}",
        summary="A family and all its members",
        **allow(*_READERS, purpose="read a family", personal=True),
    )
    async def get_family(
        self,
        family_id: str,
        registry: Registry,
        holder: CatalogueHolder,
        principal: Principal,
        actor: Actor,
        audit: AuditTrail,
    ) -> FamilyOut:
        """400 ``invalid_id`` for an ID that is not 8 digits, 404 ``unknown_family`` for one nobody has."""
        family = await _family_for(registry, principal, family_id)
        await audit.record(actor, "family.read", f"family:{family.family_id}")
        masked = principal.role == "auditor"
        return family_out(family, today_in_india(), holder.current.districts, masked=masked)

    @get(
        "/members/{member_id:str}",
        summary="One member of a family",
        **allow(*_READERS, purpose="read a member", personal=True),
    )
    async def get_member(
        self, member_id: str, registry: Registry, principal: Principal, actor: Actor, audit: AuditTrail
    ) -> MemberOut:
        """400 ``invalid_id`` for an ID that is not 9 digits, 404 ``unknown_member`` for one nobody has."""
        member = await registry.member(member_id)
        if not await _visible(registry, principal, member.family_id):
            raise UnknownMember(member_id)
        await audit.record(actor, "member.read", f"member:{member.member_id}")
        return member_out(member, today_in_india(), masked=principal.role == "auditor")

    @post(
        "/registry/lookup",
        status_code=200,
        summary="Find a family by mobile number, Aadhaar number or family ID",
        **allow(*_READERS, purpose="look a family up", personal=True),
    )
    async def lookup(
        self,
        data: LookupRequest,
        registry: Registry,
        holder: CatalogueHolder,
        principal: Principal,
        actor: Actor,
        audit: AuditTrail,
    ) -> LookupResult:
        """Give exactly one of ``mobile``, ``aadhaar``, ``family_id``. 400 for a malformed number or ID,
        404 ``not_in_registry`` (or ``unknown_family``) when nobody is registered with it."""
        given = {name: value for name in ("mobile", "aadhaar", "family_id") if (value := getattr(data, name))}
        if len(given) != 1:
            raise Problem(
                "invalid_request",
                Message(
                    en="Give exactly one of: mobile, aadhaar, family_id.",
                    hi="इनमें से ठीक एक दें: mobile, aadhaar, family_id।",
                ),
                errors=[FieldError(field="body", message="exactly one of mobile, aadhaar, family_id")],
            )
        kind, value = next(iter(given.items()))
        if kind == "family_id":
            family = await registry.family(value)
            matches = [Match(family, tuple(m.member_id for m in family.members))]
        elif kind == "mobile":
            matches = await registry.find_by_mobile(value)
        else:
            matches = await registry.find_by_aadhaar(value)
        visible = [match for match in matches if await _visible(registry, principal, match.family.family_id)]
        if not visible:
            # Exactly what the registry says of a number nobody holds: a citizen must not tell "held by
            # another family" from "not registered".
            if kind == "family_id":
                raise UnknownFamily(value)
            if kind == "mobile":
                raise NoMatch("mobile", mask_mobile(check_mobile(value)))
            raise NoMatch("Aadhaar", mask_aadhaar(check_aadhaar(value)[-4:]))
        # The target names families, never the number looked up.
        targets = ",".join(f"family:{m.family.family_id}" for m in visible)
        await audit.record(actor, f"registry.lookup.{kind}", targets)
        today, masked = today_in_india(), principal.role == "auditor"
        districts = holder.current.districts
        return LookupResult(
            matches=[
                LookupMatch(
                    family=family_out(m.family, today, districts, masked=masked),
                    matched_member_ids=[mask_id(i) if masked else i for i in m.member_ids],
                )
                for m in visible
            ]
        )

    @get(
        "/families/{family_id:str}/eligibility",
        summary="For every member of a family, every service with its verdict and reasons",
        **allow(*_READERS, purpose="check a family's eligibility", personal=True),
    )
    async def family_eligibility(
        self,
        family_id: str,
        registry: Registry,
        eligibility_cache: EligibilityCache,
        holder: CatalogueHolder,
        principal: Principal,
        actor: Actor,
        audit: AuditTrail,
        on: Annotated[
            dt.date | None, Parameter(description="The day to judge on (ages change); default today in India")
        ] = None,
    ) -> FamilyEligibility:
        """Facts come from the registry (age on the day asked, family aggregates). Results are cached per
        family version, catalogue digest and day, so a change to either is seen at once."""
        day = _day(on)
        family = await _family_for(registry, principal, family_id)
        result = eligibility_cache.get(holder.current, family, day)
        await audit.record(actor, "family.eligibility", f"family:{family.family_id}")
        return masked_eligibility(result) if principal.role == "auditor" else result
