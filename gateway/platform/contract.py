"""The OpenAPI document as the contract: every status a route can answer with, as a problem document.

``declare_problem_responses`` runs once the routes are registered (Litestar builds the document lazily,
on the first request for it). For each route it adds, beside its success response:

- 400 when it takes parameters or a body (``invalid_request``; ``malformed_json`` and ``json_too_deep``
  for a body), 413 and 415 when it takes a body;
- 401 always (a token that is sent must be valid, even on a public route); 403 unless the route is public;
- 429 unless its rule is not rate-limited;
- 503 where personal data is read (the audit trail must be there to record it);
- the errors the route declared (``Rule.route(*errors)``), grouped by status.

Each is ``application/problem+json`` with the ``ProblemDocument`` schema and a description that lists
the codes, so a client can switch on ``code`` knowing every value it can take.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar.openapi.datastructures import ResponseSpec

from gateway.platform.authentication import AuthorizationMalformed, TokenExpired, TokenInvalid, TokenMissing
from gateway.platform.bodies import JsonTooDeep
from gateway.platform.policy import declared, declared_problems
from gateway.platform.problems import (
    PROBLEM_MEDIA_TYPE,
    Forbidden,
    InternalError,
    InvalidRequest,
    MalformedJson,
    PayloadTooLarge,
    SevaError,
    TooManyRequests,
    Unavailable,
    UnsupportedMediaType,
)
from schemas.problem import ProblemDocument

__all__ = ["declare_problem_responses", "route_problems"]


def _takes_input(handler: Any) -> bool:
    signature = handler.parsed_fn_signature.parameters
    return any(name not in handler.resolve_dependencies() and name not in ("self",) for name in signature)


def _takes_body(handler: Any) -> bool:
    return "data" in handler.parsed_fn_signature.parameters


def route_problems(handler: Any) -> list[type[SevaError]]:
    """Every error class ``handler`` may answer with."""
    rule = declared(handler.opt)
    found: list[type[SevaError]] = [
        TokenMissing,
        AuthorizationMalformed,
        TokenExpired,
        TokenInvalid,
        InternalError,
    ]
    if _takes_input(handler):
        found += [InvalidRequest, MalformedJson, JsonTooDeep] if _takes_body(handler) else [InvalidRequest]
    if _takes_body(handler):
        found += [PayloadTooLarge, UnsupportedMediaType]
    if rule is not None:
        if not rule.public:
            found.append(Forbidden)
        if rule.rate != "none":
            found.append(TooManyRequests)
        if rule.personal:
            found.append(Unavailable)
    found += declared_problems(handler.opt)
    return list(dict.fromkeys(found))


def _spec(errors: Iterable[type[SevaError]]) -> ResponseSpec:
    codes = sorted({e.code for e in errors})
    titles = "; ".join(f"`{e.code}`: {e.title.en}" for e in sorted(set(errors), key=lambda e: e.code))
    return ResponseSpec(
        data_container=ProblemDocument,
        media_type=PROBLEM_MEDIA_TYPE,
        description=f"A problem document with code {', '.join(codes)}. {titles}",
        generate_examples=False,
    )


def declare_problem_responses(routes: Iterable[Any]) -> int:
    """Add the problem responses to every route handler; return how many handlers were given them."""
    count = 0
    for route in routes:
        for handler in getattr(route, "route_handlers", ()):
            if not hasattr(handler, "responses"):
                continue
            by_status: dict[int, list[type[SevaError]]] = {}
            for error in route_problems(handler):
                by_status.setdefault(error.status, []).append(error)
            responses = dict(handler.responses or {})
            for status, errors in by_status.items():
                responses[status] = _spec(errors)
            handler.responses = responses
            count += 1
    return count
