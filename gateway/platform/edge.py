"""``Edge``: seva's own work at the start and end of every HTTP request, in one pure ASGI layer around the
whole of Litestar (its router and exception handlers included, so an unknown route's 404 passes here too).

On the way in: the request's ID (``gateway.platform.request_id``), bound to every log line of the request
(``gateway.platform.logs.bind_request``), and the time it arrived. As the answer starts: ``X-Request-ID``,
the security headers (``gateway.platform.headers``), and the count and latency of the answer by route
template and status (``gateway.platform.metrics``), all in one pass over the answer's headers.

It replaces two middlewares and two ``before_send`` hooks that each wrapped ``send`` or walked the headers
on their own; at 64 connections that was about a third of the time of answering ``/health``.

``shortcuts`` answers a few fixed ``GET`` routes here, without the router, the guard and the handler's
machinery: ``/health``, which a load balancer asks many times a second. A shortcut is taken only when
the long way would give the same answer: a plain ``GET`` of exactly that path, carrying no
``Authorization`` header (a token that is present is checked even on a public route, so that request
goes the long way and is refused there if the token is bad). The route itself stays declared, for the
OpenAPI document and for every other request to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

from gateway.platform.headers import SecurityHeaders
from gateway.platform.logs import bind_request
from gateway.platform.metrics import Metrics
from gateway.platform.request_id import request_id_for

__all__ = ["Edge"]

_JSON = b"application/json"


class Edge:
    """The outermost ASGI layer of the application (``gateway.app.compose`` puts it around Litestar's)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        headers: SecurityHeaders,
        shortcuts: Mapping[str, Callable[[], bytes]] | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.headers = headers
        self.shortcuts = dict(shortcuts or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        arrived = time.perf_counter()
        request_id = request_id_for(scope)

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._finish(message, scope, request_id, arrived)
            await send(message)

        with bind_request(request_id):
            shortcut = self.shortcuts.get(scope["path"]) if scope.get("method") == "GET" else None
            if shortcut is not None and not scope.get("root_path") and not _has_authorization(scope):
                scope["path_template"] = scope["path"]
                body = shortcut()
                headers = [(b"content-type", _JSON), (b"content-length", str(len(body)).encode())]
                await answer({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await self.app(scope, receive, answer)

    def _finish(self, message: HTTPResponseStartEvent, scope: Scope, request_id: str, arrived: float) -> None:
        added = self.headers.added(scope)
        added.append((b"x-request-id", request_id.encode("latin-1")))
        # Only the headers set here give way (an answer's own cache-control stands unless no-store is set).
        replaced = {name for name, _ in added}
        kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in replaced]
        message["headers"] = kept + added
        route = scope.get("path_template") or "unmatched"
        self.metrics.answered(
            str(scope.get("method", "")), route, message["status"], time.perf_counter() - arrived
        )


def _has_authorization(scope: Scope) -> bool:
    return any(key == b"authorization" for key, _ in scope["headers"])
