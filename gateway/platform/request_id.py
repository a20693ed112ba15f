"""A request ID on every request and response, so a log line and a problem document can be matched.

``gateway.platform.edge`` gives each request its ID first thing, echoes it in ``X-Request-ID`` and puts it
on every log line of the request (``gateway.platform.logs.bind_request``)."""

from __future__ import annotations

import os
import re

from litestar.types import Scope

__all__ = ["request_id_for"]

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_for(scope: Scope) -> str:
    """The request's ID: the one already given to it, a well-formed one from the client, or a new one
    (32 hex digits, random)."""
    state = scope.setdefault("state", {})
    found = state.get("request_id")
    if found is None:
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        # os.urandom directly: uuid4() builds a UUID object around the same 16 bytes, at four times the cost.
        found = state["request_id"] = given if _SAFE.match(given) else os.urandom(16).hex()
    return str(found)
