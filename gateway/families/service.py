"""``FamilyService``: the registry as callers may see it, under the families policy.

``own_department`` means, for a family, "a member has applied for one of the department's services";
the applications capability answers that question (``applied``), so this folder never reads its tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from family_registry.aadhaar import check_aadhaar, mask_aadhaar
from family_registry.eligibility import EligibilityCache, FamilyEligibility
from family_registry.errors import NoMatch
from family_registry.mobile import check_mobile, mask_mobile
from family_registry.records import FamilyRecord
from family_registry.store import Match, Registry
from gateway.audit import AuditTrail
from gateway.families.errors import UnknownFamily, UnknownMember
from gateway.families.policy import POLICY
from gateway.families.views import family_out, masked_eligibility, member_out
from gateway.platform.catalogue import CatalogueHolder
from gateway.platform.clock import Clock
from gateway.platform.guard import Caller
from gateway.platform.masking import mask_id
from gateway.platform.policy import Rule, Scope
from gateway.platform.problems import InvalidRequest
from schemas.problem import FieldError, Message
from schemas.registry_api import FamilyOut, LookupMatch, LookupResult, MemberOut

__all__ = ["Applied", "FamilyService"]

Applied = Callable[[str, str], Awaitable[bool]]
"""Whether the family (first argument) has applied for a service of the department (second)."""

_NOBODY = ""  # a family ID no application can carry (IDs have eight digits)

# How far from today eligibility may be asked about: ages on a date decades away mean nothing.
_FURTHEST = dt.timedelta(days=5 * 366)


class FamilyService:
    def __init__(
        self,
        registry: Registry,
        cache: EligibilityCache,
        catalogue: CatalogueHolder,
        audit: AuditTrail,
        clock: Clock,
        applied: Applied,
    ) -> None:
        self.registry = registry
        self.cache = cache
        self.catalogue = catalogue
        self.audit = audit
        self.clock = clock
        self.applied = applied

    async def _admits(self, scope: Scope, family_id: str) -> bool:
        if scope.kind == "own_department":
            return scope.department is not None and await self.applied(family_id, scope.department)
        return scope.admits(family_id=family_id)

    async def _visible(
        self, scope: Scope, holders: list[tuple[str, tuple[str, ...]]]
    ) -> list[tuple[str, tuple[str, ...]]]:
        """The holders inside ``scope``. A department's question (has this family applied to us?) is asked
        once even when nobody holds the number, about a family ID that cannot exist, so that a number of
        a family that never applied and a number of nobody take the same statements."""
        if scope.kind != "own_department":
            return [holder for holder in holders if scope.admits(family_id=holder[0])]
        return [
            holder
            for holder in holders or [(_NOBODY, ())]
            if await self._admits(scope, holder[0]) and holder[0] != _NOBODY
        ]

    async def _family(self, rule: Rule, caller: Caller, family_id: str) -> FamilyRecord:
        family = await self.registry.family(family_id)
        if not await self._admits(rule.scope(caller.principal), family.family_id):
            raise UnknownFamily(family_id)
        return family

    async def family(self, caller: Caller, family_id: str) -> FamilyOut:
        """``InvalidId`` for an ID that is not 8 digits, ``UnknownFamily`` for one the caller may not see."""
        rule = POLICY.read_family
        family = await self._family(rule, caller, family_id)
        await self.audit.record(caller.actor, rule.action, f"family:{family.family_id}")
        districts = self.catalogue.current.districts
        return family_out(family, self.clock.today(), districts, masked=rule.masks(caller.principal))

    async def member(self, caller: Caller, member_id: str) -> MemberOut:
        rule = POLICY.read_member
        member = await self.registry.member(member_id)
        if not await self._admits(rule.scope(caller.principal), member.family_id):
            raise UnknownMember(member_id)
        await self.audit.record(caller.actor, rule.action, f"member:{member.member_id}")
        return member_out(member, self.clock.today(), masked=rule.masks(caller.principal))

    async def lookup(
        self, caller: Caller, *, mobile: str | None, aadhaar: str | None, family_id: str | None
    ) -> LookupResult:
        """Exactly one of the three. What a citizen hears of a number another family holds is exactly what
        the registry says of a number nobody holds."""
        rule = POLICY.lookup
        given = {k: v for k, v in (("mobile", mobile), ("aadhaar", aadhaar), ("family_id", family_id)) if v}
        if len(given) != 1:
            raise InvalidRequest(
                Message(
                    en="Give exactly one of: mobile, aadhaar, family_id.",
                    hi="इनमें से ठीक एक दें: mobile, aadhaar, family_id।",
                ),
                errors=[FieldError(field="body", message="exactly one of mobile, aadhaar, family_id")],
            )
        kind, value = next(iter(given.items()))
        scope = rule.scope(caller.principal)
        if kind == "family_id":
            family = await self.registry.family(value)
            holders = [(family.family_id, tuple(m.member_id for m in family.members))]
        elif kind == "mobile":
            holders = await self.registry.holders_of_mobile(value)
        else:
            holders = await self.registry.holders_of_aadhaar(value)
        # Whether a number is registered to a family the caller may not see must not show, not even in
        # the time the answer takes: decide what is visible from the IDs alone, with the same statements
        # whether or not anyone holds the number, and read only the families the caller may see.
        visible = await self._visible(scope, holders)
        if not visible:
            if kind == "family_id":
                raise UnknownFamily(value)
            if kind == "mobile":
                raise NoMatch("mobile", mask_mobile(check_mobile(value)))
            raise NoMatch("Aadhaar", mask_aadhaar(check_aadhaar(value)[-4:]))
        matches = (
            [Match(family, holders[0][1])]
            if kind == "family_id"
            else [Match(await self.registry.family(family_id), members) for family_id, members in visible]
        )
        # The target names families, never the number looked up.
        targets = ",".join(f"family:{m.family.family_id}" for m in matches)
        await self.audit.record(caller.actor, f"{rule.action}.{kind}", targets)
        masked = rule.masks(caller.principal)
        today, districts = self.clock.today(), self.catalogue.current.districts
        return LookupResult(
            matches=[
                LookupMatch(
                    family=family_out(m.family, today, districts, masked=masked),
                    matched_member_ids=[mask_id(i) if masked else i for i in m.member_ids],
                )
                for m in matches
            ]
        )

    def _day(self, on: dt.date | None) -> dt.date:
        today = self.clock.today()
        if on is None:
            return today
        if abs(on - today) > _FURTHEST:
            raise InvalidRequest(
                Message(
                    en="'on' must be within five years of today.", hi="'on' आज से पाँच वर्ष के भीतर होना चाहिए।"
                ),
                errors=[FieldError(field="query.on", message="more than five years from today")],
            )
        return on

    async def eligibility(self, caller: Caller, family_id: str, on: dt.date | None) -> FamilyEligibility:
        """Facts come from the registry (age on the day asked, family aggregates). Results are cached per
        family version, catalogue digest and day, so a change to either is seen at once."""
        rule = POLICY.eligibility
        day = self._day(on)
        family = await self._family(rule, caller, family_id)
        result = self.cache.get(self.catalogue.current, family, day)
        await self.audit.record(caller.actor, rule.action, f"family:{family.family_id}")
        return masked_eligibility(result) if rule.masks(caller.principal) else result
