"""The application's one guard, and the request-scoped values handlers receive: principal, actor, caller.

``Guard`` runs before every handler: it reads the ``Authorization`` header (a token that is present must
be valid, even on a public route) or, on the web pages only and without that header, the session cookie,
applies the route's rate limit, then the roles of the route's rule.
Which rows the caller then reaches is the capability's service's business, under the same rule.
Every refusal is logged with the request ID and the reason, never with the token.
"""

from __future__ import annotations

import logging
import re
from copy import copy
from dataclasses import dataclass
from typing import Any, Protocol

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from gateway.audit import Actor
from gateway.platform.authentication import (
    SESSION,
    Authenticator,
    AuthorizationMalformed,
    SessionAuthenticator,
    TokenMissing,
    TokenRefused,
)
from gateway.platform.forwarded import STATE_KEY as PROXY_STATE_KEY
from gateway.platform.forwarded import ProxyTrust
from gateway.platform.policy import RateClass, Rule, declared
from gateway.platform.principal import Principal
from gateway.platform.problems import Forbidden
from schemas.problem import Message

__all__ = [
    "REASON_HEADER",
    "Caller",
    "Guard",
    "RateGate",
    "actor_dependency",
    "client_ip",
    "current_actor",
    "current_caller",
    "current_principal",
    "guards_without_copies",
    "optional_principal",
    "principal_dependency",
]

log = logging.getLogger("seva.access")
REASON_HEADER = "x-seva-reason"
_BEARER = re.compile(r"^Bearer +([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*)$", re.IGNORECASE)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_MAX_HEADER = 4096


class RateGate(Protocol):
    """Counts a hit of ``key`` (from address ``ip``) against the limit of ``rate``; raises when over it."""

    async def hit(self, rate: RateClass, key: str, ip: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling (``principal``, None on a public route called without a token) and the ``actor``
    the audit trail records for them."""

    principal: Principal | None
    actor: Actor

    @property
    def signed_in(self) -> Principal:
        if self.principal is None:
            raise TokenMissing()
        return self.principal


_NO_PROXIES = ProxyTrust()


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The caller's address, for rate limits and the audit trail: the direct peer's, or the one a trusted
    proxy forwarded (``SEVA_TRUSTED_PROXIES``, ``gateway.platform.forwarded``)."""
    trust = connection.app.state.get(PROXY_STATE_KEY) or _NO_PROXIES
    return str(trust.client(connection.scope))


def _token(header: str) -> str:
    if len(header) > _MAX_HEADER:
        raise AuthorizationMalformed("the header is too long")
    match = _BEARER.match(header.strip())
    if match is None:
        raise AuthorizationMalformed("expected 'Authorization: Bearer <token>'")
    return match.group(1)


def _where(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return f"{connection.scope.get('method', '')} {connection.url.path}"  # for a refusal's log line only


def _authorization(scope: Any) -> str | None:
    # The raw header (ASGI names are lower case): building the request's Headers cost more than the rest.
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), None)


class Guard:
    """Enforces the rule every route declares (see ``gateway.platform.policy``)."""

    # Never changes the route handler it is given, so it is given the handler itself: Litestar copies the
    # handler for each guard call, which was a tenth of a catalogue read (``guards_without_copies``).
    reads_only = True

    def __init__(
        self, authenticator: Authenticator, rates: RateGate, sessions: SessionAuthenticator | None = None
    ) -> None:
        self.authenticator = authenticator
        self.rates = rates
        self.sessions = sessions

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
    ) -> None:
        rule = declared(handler.opt)
        scope = connection.scope
        request_id = scope.get("state", {}).get("request_id", "")
        if rule is None:
            log.error(
                "refused %s: the route declares no access rule (request %s)", _where(connection), request_id
            )
            raise Forbidden(
                Message(en="This route is not open to anyone.", hi="यह मार्ग किसी के लिए खुला नहीं है।")
            )
        ip = client_ip(connection)
        header = _authorization(scope)
        if header is None and rule.public and (self.sessions is None or not handler.opt.get(SESSION)):
            # Anyone may call it and no one says who they are: only the rate limit, by address.
            scope.setdefault("state", {})["principal"] = None
            if rule.rate != "none":
                await self.rates.hit(rule.rate, f"ip:{ip}", ip)
            return
        try:
            principal = await self.authenticator.authenticate(_token(header)) if header is not None else None
        except TokenRefused as exc:
            log.warning(
                "refused %s from %s: token %s (request %s)", _where(connection), ip, exc.reason, request_id
            )
            if rule.rate != "none":
                await self.rates.hit(rule.rate, f"ip:{ip}", ip)  # a flood of bad tokens is limited too
            raise
        if principal is None and self.sessions is not None and handler.opt.get(SESSION):
            value = connection.cookies.get(self.sessions.cookie)
            principal = await self.sessions.authenticate(value) if value else None
        connection.scope.setdefault("state", {})["principal"] = principal
        if rule.rate != "none":
            await self.rates.hit(rule.rate, principal.subject if principal else f"ip:{ip}", ip)
        self._check_role(rule, principal, connection, ip, request_id)

    @staticmethod
    def _check_role(
        rule: Rule,
        principal: Principal | None,
        connection: ASGIConnection[Any, Any, Any, Any],
        ip: str,
        request_id: str,
    ) -> None:
        if rule.public:
            return
        if principal is None:
            log.warning("refused %s from %s: not signed in (request %s)", _where(connection), ip, request_id)
            raise TokenMissing()
        if not rule.allows(principal):
            log.warning(
                "refused %s to %s (%s) from %s (request %s)",
                _where(connection),
                principal.subject,
                principal.role,
                ip,
                request_id,
            )
            raise Forbidden(
                Message(
                    en=f"The {principal.role} role may not do this.",
                    hi=f"{principal.role} भूमिका को यह करने की अनुमति नहीं है।",
                )
            )


async def _authorize_connection(
    self: BaseRouteHandler, connection: ASGIConnection[Any, Any, Any, Any]
) -> None:
    for guard in self.resolve_guards():
        await guard(connection, self if getattr(guard, "reads_only", False) else copy(self))  # type: ignore[misc]


def guards_without_copies() -> None:
    """Litestar gives each guard a copy of the route handler, so that a guard cannot change the route;
    a guard that declares ``reads_only`` gets the handler itself. Applies to every application in this
    process (idempotent)."""
    BaseRouteHandler.authorize_connection = _authorize_connection  # type: ignore[method-assign]


def optional_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The signed-in caller, or None on a public route called without a token."""
    found = connection.scope.get("state", {}).get("principal")
    return found if isinstance(found, Principal) else None


def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The signed-in caller; the guard has already refused anyone else on a non-public route."""
    principal = optional_principal(connection)
    if principal is None:
        raise TokenMissing()
    return principal


def current_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """Who, from where and why, for the audit trail. The reason is ``X-Seva-Reason`` if the caller gave
    one, else the purpose the route declared."""
    principal = optional_principal(connection)
    given = _UNPRINTABLE.sub(" ", connection.headers.get(REASON_HEADER, "")).strip()[:300]
    handler_rule = (
        declared(connection.scope["route_handler"].opt) if "route_handler" in connection.scope else None
    )
    return Actor(
        subject=principal.subject if principal else "anonymous",
        role=principal.role if principal else "anonymous",
        client_ip=client_ip(connection),
        reason=given or (handler_rule.purpose if handler_rule else ""),
        request_id=connection.scope.get("state", {}).get("request_id", ""),
    )


def current_caller(request: Request[Any, Any, Any]) -> Caller:
    """The ``caller`` dependency of every handler."""
    return Caller(optional_principal(request), current_actor(request))


def principal_dependency(request: Request[Any, Any, Any]) -> Principal:
    """The ``principal`` dependency: the signed-in caller."""
    return current_principal(request)


def actor_dependency(request: Request[Any, Any, Any]) -> Actor:
    """The ``actor`` dependency: who, from where and why, for the audit trail."""
    return current_actor(request)
