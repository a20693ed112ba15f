"""A request ID on every request and response, so a log line and a problem document can be matched."""

from __future__ import annotations

import re
import uuid

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateway.platform.logs import bind_request

__all__ = ["RequestIdMiddleware", "request_id_for"]

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_for(scope: Scope) -> str:
    """The request's ID: the one already given to it, a well-formed one from the client, or a new one."""
    state = scope.setdefault("state", {})
    if "request_id" not in state:
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        state["request_id"] = given if _SAFE.match(given) else uuid.uuid4().hex
    return str(state["request_id"])


class RequestIdMiddleware:
    """Keeps a well-formed ``X-Request-ID`` from the client, or makes one; echoes it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(scope)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message)["x-request-id"] = request_id
            await send(message)

        with bind_request(request_id):
            await self.app(scope, receive, send_with_id)
