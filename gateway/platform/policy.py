"""The access rule every route declares, and the checks handlers make on top of it.

A route says who may call it by spreading ``public(...)`` or ``allow(...)`` into its decorator; the rule
lands in the handler's ``opt`` and a non-public route also gets the bearer security requirement in the
OpenAPI document::

    @get("/api/v1/families/{family_id:str}",
         **allow("citizen", "auditor", "administrator", purpose="read a family", personal=True))

``enforce_access`` (the application's one guard) refuses a route that declares nothing, so a new route
cannot be reachable by accident; ``tests/identity/test_access_table.py`` fails on it first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from gateway.identity.principal import ROLES, Principal, Role

__all__ = ["ACCESS", "BEARER", "Access", "RateClass", "allow", "declare_preflight", "declared", "public"]

ACCESS = "access"  # the key of the rule in a route handler's ``opt``
BEARER = "BearerToken"  # the OpenAPI security scheme of access tokens

RateClass = Literal["api", "signin", "none"]


@dataclass(frozen=True, slots=True)
class Access:
    """Who may call a route and how it is limited.

    ``roles``: the roles allowed (empty for a public route); ``purpose``: what the route is for, written
    to the audit trail as the reason when the caller gives none; ``personal``: the route returns personal
    data, so each call is audited and auditors see it masked; ``rate``: ``api`` (the general limit),
    ``signin`` (the exact, stricter one) or ``none`` (operations endpoints such as ``/health``).
    """

    roles: frozenset[Role]
    purpose: str
    public: bool = False
    personal: bool = False
    rate: RateClass = "api"

    def allows(self, principal: Principal | None) -> bool:
        if self.public:
            return True
        return principal is not None and principal.role in self.roles


def public(purpose: str, *, rate: RateClass = "api") -> dict[str, Any]:
    """Route keywords for anyone, signed in or not."""
    return {ACCESS: Access(roles=frozenset(), purpose=purpose, public=True, rate=rate)}


def allow(*roles: Role, purpose: str, personal: bool = False, rate: RateClass = "api") -> dict[str, Any]:
    """Route keywords for callers signed in with one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"roles must be some of {ROLES}, not {sorted(unknown) or 'none'}")
    rule = Access(roles=frozenset(roles), purpose=purpose, personal=personal, rate=rate)
    return {ACCESS: rule, "security": [{BEARER: []}]}


def declared(opt: dict[str, Any]) -> Access | None:
    """The rule a route declared in its ``opt``, if any."""
    rule = opt.get(ACCESS)
    return rule if isinstance(rule, Access) else None


def declare_preflight(routes: Iterable[Any]) -> int:
    """Declare Litestar's own OPTIONS handlers public (they answer ``Allow`` and nothing else); return how
    many. Litestar makes one per path after the routes are registered, so they cannot be declared in a
    decorator."""
    count = 0
    for route in routes:
        for handler in getattr(route, "route_handlers", ()):
            automatic = getattr(handler.fn, "__name__", "") == "options_handler"
            if automatic and set(handler.http_methods) == {"OPTIONS"} and declared(handler.opt) is None:
                handler.opt[ACCESS] = Access(
                    roles=frozenset(), purpose="CORS preflight", public=True, rate="none"
                )
                count += 1
    return count
