"""Auditing a citizen's reach into other families.

A citizen who asks for a row of another family is answered exactly as for a row that does not exist
(404, the same document), so that they cannot learn which IDs are in use. The auditor must still see the
attempt: ``ProbeAudit`` records an ``access.refused`` entry for every 404 answered to a citizen on a
route that reaches their own family's rows, naming the other family when the row was one (the scope
noted it, ``gateway.platform.policy.REFUSED_FAMILIES``). Every such 404 writes one entry, whether the
row exists or not, so the answer takes the same time either way.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateway.platform.guard import current_actor, optional_principal
from gateway.platform.policy import ACCESS, REFUSED_FAMILIES, Rule

__all__ = ["REFUSED_ACTION", "ProbeAudit"]

REFUSED_ACTION = "access.refused"


def _reaches_own_family(handler: Any) -> bool:
    """Whether the route lets a citizen reach their own family's rows: the only routes audited here."""
    rule = handler.opt.get(ACCESS) if handler is not None else None
    return isinstance(rule, Rule) and rule.grants.get("citizen") == "own_family"


class ProbeAudit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Litestar runs application middleware after routing: a route no citizen reaches a family through
        # (the catalogue, the pages, the staff's) passes straight on, without the wrapping below.
        if scope["type"] != "http" or not _reaches_own_family(scope.get("route_handler")):
            await self.app(scope, receive, send)
            return
        refused: list[str] = []
        token = REFUSED_FAMILIES.set(refused)
        done = False

        async def audit(status: int) -> None:
            nonlocal done
            if status == 404 and not done:
                done = True
                await _record(scope, refused)

        async def watching(message: Message) -> None:
            if message["type"] == "http.response.start":
                await audit(message["status"])  # recorded before the answer leaves
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as exc:
            if getattr(exc, "status_code", None) == 404:
                await audit(404)
            raise
        finally:
            REFUSED_FAMILIES.reset(token)


async def _record(scope: Scope, refused: list[str]) -> None:
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
    principal = optional_principal(connection)
    if principal is None or principal.role != "citizen":
        return
    details: dict[str, Any] = {
        "route": f"{scope.get('method', '')} {scope.get('path_template', '')}",
        "asked": {k: str(v) for k, v in (scope.get("path_params") or {}).items()},
    }
    target = "route"
    if refused:
        details["probed_family"] = refused[0]
        target = f"family:{refused[0]}"
    audit = scope["app"].state.seva.platform.audit
    await audit.record(current_actor(connection), REFUSED_ACTION, target, details)
