"""Auditing a citizen's reach into other families.

A citizen who asks for a row of another family is answered exactly as for a row that does not exist
(404, the same document), so that they cannot learn which IDs are in use. The auditor must still see the
attempt: ``RefusalAudit`` records an ``access.refused`` entry for every 404 answered to a citizen on a
route that reaches their own family's rows, naming the other family when the row was one (the rule's
scope noted it in ``REFUSED_FAMILIES``). Every such 404 writes one entry, whether the row exists or not,
so the answer takes the same time either way.

The middleware is declared by the rule itself (``Rule.route`` adds it to every route whose rule gives a
citizen their own family's rows), so no other route carries it: a route with no middleware at all is
spared a layer of Litestar's exception handling too.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["REFUSED_ACTION", "REFUSED_FAMILIES", "RefusalAudit"]

REFUSED_ACTION = "access.refused"

# The families a citizen reached for and was refused during the request being handled (set per request by
# ``RefusalAudit``, which audits them): a refusal looks like "no such family" to the citizen, and must
# not look like nothing to the auditor.
REFUSED_FAMILIES: ContextVar[list[str] | None] = ContextVar("refused_families", default=None)


class RefusalAudit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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
    # Imported here: the guard reads the policy, whose rules declare this middleware.
    from gateway.platform.guard import current_actor, optional_principal

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
