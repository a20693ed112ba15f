"""The application's one guard, and the request-scoped values handlers receive: principal and actor.

``enforce_access`` runs before every handler: it reads the ``Authorization`` header (a token that is
present must be valid, even on a public route), applies the route's rate limit, then its access rule.
Every refusal is logged with the request ID and the reason, never with the token.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from gateway.audit.trail import Actor
from gateway.identity.access import declared
from gateway.identity.container import Identity
from gateway.identity.errors import TokenRefused
from gateway.identity.principal import Principal
from gateway.problems import Problem
from gateway.ratelimit.counter import RateLimited
from schemas.problem import Message

__all__ = ["REASON_HEADER", "current_actor", "current_principal", "enforce_access", "optional_principal"]

log = logging.getLogger("seva.access")
REASON_HEADER = "x-seva-reason"
_BEARER = re.compile(r"^Bearer +([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*)$", re.IGNORECASE)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_MAX_HEADER = 4096


def _principal_from(header: str | None, identity: Identity) -> Principal | None:
    if header is None:
        return None
    if len(header) > _MAX_HEADER:
        raise TokenRefused("malformed_header", "the Authorization header is too long")
    match = _BEARER.match(header.strip())
    if match is None:
        raise TokenRefused("malformed_header", "expected 'Authorization: Bearer <token>'")
    return identity.tokens.verify(match.group(1))


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The caller's address as the server saw it; uvicorn applies ``X-Forwarded-For`` from trusted proxies."""
    return connection.client.host if connection.client else "unknown"


async def enforce_access(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    identity: Identity = connection.app.state.identity
    rule = declared(handler.opt)
    where = f"{connection.scope.get('method', '')} {connection.url.path}"
    request_id = connection.scope.get("state", {}).get("request_id", "")
    if rule is None:
        log.error("refused %s: the route declares no access rule (request %s)", where, request_id)
        raise Problem(
            "forbidden", Message(en="This route is not open to anyone.", hi="यह मार्ग किसी के लिए खुला नहीं है।")
        )
    ip = client_ip(connection)
    try:
        principal = _principal_from(connection.headers.get("authorization"), identity)
        if (
            principal is not None
            and principal.client_id
            and not await identity.clients.is_live(principal.client_id)
        ):
            raise TokenRefused("claims", "the client was revoked")
    except TokenRefused as exc:
        log.warning("refused %s from %s: token %s (request %s)", where, ip, exc.reason, request_id)
        if rule.rate != "none":
            await _limit(identity, rule.rate, f"ip:{ip}", ip)  # a flood of bad tokens is limited too
        raise
    connection.scope.setdefault("state", {})["principal"] = principal
    if rule.rate != "none":
        await _limit(identity, rule.rate, principal.subject if principal else f"ip:{ip}", ip)
    if rule.public:
        return
    if principal is None:
        log.warning("refused %s from %s: not signed in (request %s)", where, ip, request_id)
        raise TokenRefused("missing")
    if not rule.allows(principal):
        log.warning(
            "refused %s to %s (%s) from %s (request %s)",
            where,
            principal.subject,
            principal.role,
            ip,
            request_id,
        )
        raise Problem(
            "forbidden",
            Message(
                en=f"The {principal.role} role may not do this.",
                hi=f"{principal.role} भूमिका को यह करने की अनुमति नहीं है।",
            ),
        )


async def _limit(identity: Identity, rate: str, key: str, ip: str) -> None:
    try:
        if rate == "signin":
            await identity.exact.hit([(identity.signin_limit, ip)])
        else:
            await identity.api_limiter.hit(key)
    except RateLimited:
        log.warning("rate limit %s reached by %s", rate, key if key.startswith("ip:") else f"{key} at {ip}")
        raise


def optional_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The signed-in caller, or None on a public route called without a token."""
    found = connection.scope.get("state", {}).get("principal")
    return found if isinstance(found, Principal) else None


def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The signed-in caller; the guard has already refused anyone else on a non-public route."""
    principal = optional_principal(connection)
    if principal is None:
        raise TokenRefused("missing")
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
