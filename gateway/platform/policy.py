"""Policies: who may do what, to which rows, what they see masked and what goes to the audit trail.

Each capability declares its rules once, in its own ``policy.py``, as a ``Policy`` of named ``Rule``s::

    POLICY = Policy(
        "applications",
        read=Rule(
            "application.read", "read an application",
            grants={"citizen": OWN_FAMILY, "department": OWN_DEPARTMENT, "auditor": ALL},
            personal=True, masked=("auditor",),
        ),
    )

A route declares which rule it carries out (``**POLICY.route("read", UnknownApplication)``): the rule
lands in the handler's ``opt``, where the one guard (``gateway.platform.guard``) enforces its roles and
rate, and the OpenAPI document gets its security requirement and its error statuses. The capability's
service consults the same rule for everything past the door: ``rule.scope(principal)`` says which rows
the caller may see (a family's, a department's, all), ``rule.masks(principal)`` whether personal data is
shown masked, and ``rule.action`` names the audit entry. Adding a role is adding it to ``ROLES`` and to
the grants of the rules it needs; no handler changes.

A route that declares no rule is refused to everyone (``tests/identity/test_access_table.py`` fails on
it first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from gateway.platform.principal import ROLES, Principal, Role
from gateway.platform.problems import Forbidden, SevaError
from gateway.platform.refusals import REFUSED_FAMILIES, RefusalAudit
from schemas.problem import Message

__all__ = [
    "ACCESS",
    "ALL",
    "BEARER",
    "OWN_DEPARTMENT",
    "OWN_FAMILY",
    "PROBLEMS",
    "Grant",
    "Policy",
    "RateClass",
    "Rule",
    "Scope",
    "declare_preflight",
    "declared",
    "declared_problems",
    "public",
]

ACCESS = "access"  # the key of the rule in a route handler's ``opt``
PROBLEMS = "problems"  # the key of the errors a route declares it may answer with
BEARER = "BearerToken"  # the OpenAPI security scheme of access tokens

RateClass = Literal["api", "signin", "none"]
Grant = Literal["all", "own_family", "own_department"]
ALL: Grant = "all"
OWN_FAMILY: Grant = "own_family"
OWN_DEPARTMENT: Grant = "own_department"


@dataclass(frozen=True, slots=True)
class Scope:
    """The rows one caller may see of a resource: every row, one family's, or one department's."""

    kind: Grant
    family_id: str | None = None
    department: str | None = None

    @property
    def everything(self) -> bool:
        return self.kind == "all"

    def admits(self, *, family_id: str | None = None, department: str | None = None) -> bool:
        """Whether a row of ``family_id`` (or of ``department``) lies inside the scope."""
        if self.kind == "all":
            return True
        if self.kind == "own_family":
            if self.family_id is not None and family_id == self.family_id:
                return True
            refused = REFUSED_FAMILIES.get()
            if refused is not None and family_id is not None:
                refused.append(family_id)
            return False
        return self.department is not None and department == self.department


@dataclass(frozen=True, slots=True)
class Rule:
    """One thing a capability lets callers do.

    ``action``: the name of the audit entry (``application.read``); ``purpose``: why the route exists,
    recorded as the reason when the caller gives none; ``grants``: each allowed role and the rows it may
    reach; ``public``: anyone, signed in or not; ``personal``: the answer holds personal data, so each call
    is audited and the answer is never cached; ``masked``: roles that see personal data masked;
    ``rate``: ``api`` (the general limit), ``signin`` (the exact, stricter one) or ``none``.
    """

    action: str
    purpose: str
    grants: Mapping[Role, Grant] = field(default_factory=lambda: MappingProxyType({}))
    public: bool = False
    personal: bool = False
    masked: frozenset[Role] = frozenset()
    rate: RateClass = "api"

    def __post_init__(self) -> None:
        unknown = (set(self.grants) | set(self.masked)) - set(ROLES)
        if unknown:
            raise ValueError(f"rule {self.action!r}: roles must be some of {ROLES}, not {sorted(unknown)}")
        if not self.public and not self.grants:
            raise ValueError(f"rule {self.action!r} grants nobody; make it public or name the roles")
        object.__setattr__(self, "grants", MappingProxyType(dict(self.grants)))
        object.__setattr__(self, "masked", frozenset(self.masked))

    def __deepcopy__(self, memo: dict[int, Any]) -> Rule:
        return self  # immutable: Litestar copies route options, and a rule is shared, never changed

    def __copy__(self) -> Rule:
        return self

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(self.grants)

    def allows(self, principal: Principal | None) -> bool:
        if self.public:
            return True
        return principal is not None and principal.role in self.grants

    def scope(self, principal: Principal | None) -> Scope:
        """The rows ``principal`` may reach under this rule; ``Forbidden`` for a role it does not grant."""
        grant = self.grants.get(principal.role) if principal is not None else None
        if grant is None:
            if self.public:
                return Scope("all")
            role = principal.role if principal is not None else "anonymous"
            raise Forbidden(
                Message(en=f"The {role} role may not do this.", hi=f"{role} भूमिका को यह करने की अनुमति नहीं है।")
            )
        assert principal is not None
        if grant == "own_family":
            return Scope("own_family", family_id=principal.family_id)
        if grant == "own_department":
            return Scope("own_department", department=principal.department)
        return Scope("all")

    def masks(self, principal: Principal | None) -> bool:
        """Whether ``principal`` sees personal data masked under this rule."""
        return principal is not None and principal.role in self.masked

    def route(self, *errors: type[SevaError]) -> dict[str, Any]:
        """Route keywords carrying this rule, and the errors the route may answer with besides the usual."""
        keywords: dict[str, Any] = {"opt": {ACCESS: self, PROBLEMS: tuple(errors)}}
        if self.grants.get("citizen") == OWN_FAMILY:
            keywords["middleware"] = [RefusalAudit]  # a refusal there is audited, not just answered 404
        if not self.public:
            keywords["security"] = [{BEARER: []}]
        return keywords


class Policy:
    """The rules of one capability, by name."""

    def __init__(self, capability: str, **rules: Rule) -> None:
        self.capability = capability
        self._rules = dict(rules)

    def __getitem__(self, name: str) -> Rule:
        return self._rules[name]

    def __getattr__(self, name: str) -> Rule:
        try:
            return self._rules[name]
        except KeyError:
            raise AttributeError(f"policy {self.capability!r} has no rule {name!r}") from None

    def __iter__(self) -> Iterator[tuple[str, Rule]]:
        return iter(self._rules.items())

    def route(self, name: str, *errors: type[SevaError]) -> dict[str, Any]:
        """Route keywords for the rule ``name``; see ``Rule.route``."""
        return self._rules[name].route(*errors)


def public(action: str, purpose: str, *, rate: RateClass = "api", personal: bool = False) -> Rule:
    """A rule open to anyone, signed in or not."""
    return Rule(action, purpose, public=True, rate=rate, personal=personal)


def declared(opt: Mapping[str, Any]) -> Rule | None:
    """The rule a route declared in its ``opt``, if any."""
    rule = opt.get(ACCESS)
    return rule if isinstance(rule, Rule) else None


def declared_problems(opt: Mapping[str, Any]) -> tuple[type[SevaError], ...]:
    found = opt.get(PROBLEMS, ())
    return tuple(found) if isinstance(found, Iterable) else ()


_PREFLIGHT = public("http.options", "CORS preflight", rate="none")


def declare_preflight(routes: Iterable[Any]) -> int:
    """Declare Litestar's own OPTIONS handlers public (they answer ``Allow`` and nothing else); return how
    many. Litestar makes one per path after the routes are registered, so they cannot be declared in a
    decorator."""
    count = 0
    for route in routes:
        for handler in getattr(route, "route_handlers", ()):
            automatic = getattr(handler.fn, "__name__", "") == "options_handler"
            if automatic and set(handler.http_methods) == {"OPTIONS"} and declared(handler.opt) is None:
                handler.opt[ACCESS] = _PREFLIGHT
                count += 1
    return count
