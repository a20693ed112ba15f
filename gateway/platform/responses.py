"""Every error leaves the API as one RFC 9457 problem document, in the language the client asked for.

``exception_handlers`` sends ``SevaError``s as they declare themselves, maps the errors of packages that
know nothing of HTTP through the capabilities' mappers, turns Litestar's own errors (unknown route, bad
JSON, bad parameter, too large a body) into the same shape, and logs anything unexpected as an
``internal_error`` without details.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any, Protocol, get_args, get_origin

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    SerializationException,
    ValidationException,
)

from gateway.platform.body_fields import expected_fields, refusal
from gateway.platform.language import preferred_language
from gateway.platform.problems import (
    PROBLEM_MEDIA_TYPE,
    Conflict,
    ErrorMapper,
    Forbidden,
    InternalError,
    InvalidRequest,
    MalformedJson,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    SevaError,
    Unauthorized,
    Unavailable,
    UnsupportedMediaType,
)
from gateway.platform.request_id import request_id_for
from schemas.problem import FieldError, Message

__all__ = ["ErrorPages", "exception_handlers", "problem_response"]

log = logging.getLogger("seva.problems")

_BY_STATUS: dict[int, type[SevaError]] = {
    400: InvalidRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 405: MethodNotAllowed,
    409: Conflict, 413: PayloadTooLarge, 415: UnsupportedMediaType, 503: Unavailable,
}  # fmt: skip


def problem_response(request: Request[Any, Any, Any], error: SevaError) -> Response[Any]:
    language = preferred_language(request.headers.get("accept-language"))
    # Unmatched routes never pass through the middleware, so the ID may be made here.
    request_id = request_id_for(request.scope)
    document = error.document(language, request.url.path, request_id)
    headers = {"content-language": language, "x-request-id": request_id, **error.headers}
    return Response(
        content=msgspec.json.encode(document),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _is_bad_json(text: str) -> bool:
    return "json is malformed" in text.lower() or "malformed json" in text.lower()


def _bad_json(text: str) -> SevaError:
    return MalformedJson(Message(en=text, hi=f"अनुरोध का JSON पढ़ा नहीं जा सका ({text})"))


def _from_validation(exc: ValidationException, body_type: Any = None) -> SevaError:
    """Each refused input in words, in both languages; for a JSON body, also the fields it should have."""
    errors: list[FieldError] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            source = item.get("source")
            source = getattr(source, "value", source)
            key = str(item.get("key") or "")
            where = ".".join(str(p) for p in (source, key) if p)
            said = refusal(key, str(item.get("message", "")))
            errors.append(FieldError(field=where or "body", message=said.en, message_hi=said.hi))
    text = str(exc.detail)
    if _is_bad_json(text):
        return _bad_json(text)
    en = " ".join(e.message for e in errors) or text
    hi = " ".join(e.message_hi or "" for e in errors) or InvalidRequest.title.hi + "।"
    expected = expected_fields(body_type) if any(e.field.startswith("body") for e in errors) else None
    if expected is not None:
        en, hi = f"{en} {expected.en}", f"{hi} {expected.hi}"
    return InvalidRequest(Message(en=en, hi=hi), errors=errors)


def _body_type(request: Request[Any, Any, Any]) -> Any:
    """The type of the route's JSON body, if it has one (``JSONBody[X]`` is ``X``)."""
    field = getattr(request.scope.get("route_handler"), "parsed_data_field", None)
    annotation = getattr(field, "annotation", None)
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _from_http(exc: HTTPException) -> SevaError:
    # Litestar raises a 400 from the decoder's SerializationException; its text varies ("Input data was
    # truncated" for a cut-off body), so the cause is what marks a body that is not JSON.
    if exc.status_code == 400 and (
        isinstance(exc.__cause__, SerializationException) or _is_bad_json(str(exc.detail))
    ):
        return _bad_json(str(exc.detail))
    kind = _BY_STATUS.get(exc.status_code)
    if kind is None:
        kind = InvalidRequest if 400 <= exc.status_code < 500 else InternalError
    detail = str(exc.detail) if exc.detail else None
    message = Message(en=detail, hi=f"{kind.title.hi} ({detail})") if detail else None
    return kind(message, headers=exc.headers or None)


# PostgreSQL's codes for text it cannot hold (a NUL character, say): the input is at fault, not the server.
_UNSTORABLE_TEXT = {"22021", "22P05"}


def _unstorable_text(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "sqlstate", None) in _UNSTORABLE_TEXT:
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


class ErrorPages(Protocol):
    """Renders an error as a page for a person when the request is one of the web pages (the web
    capability provides it); None leaves the answer a problem document. ``cause`` is the exception raised."""

    def __call__(
        self, request: Request[Any, Any, Any], error: SevaError, cause: BaseException
    ) -> Response[Any] | None: ...


def exception_handlers(
    mappers: Mapping[type[Exception], ErrorMapper], pages: ErrorPages | None = None
) -> dict[Any, Any]:
    """Handlers for the app: ``SevaError``s, domain errors through ``mappers``, Litestar's, then the rest;
    ``pages`` turns them into pages for the requests it recognises as a person's."""

    def answer(request: Request[Any, Any, Any], error: SevaError, cause: BaseException) -> Response[Any]:
        page = pages(request, error, cause) if pages is not None else None
        return page if page is not None else problem_response(request, error)

    def handle_seva(request: Request[Any, Any, Any], exc: SevaError) -> Response[Any]:
        return answer(request, exc, exc)

    def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        if isinstance(exc, ValidationException):
            return answer(request, _from_validation(exc, _body_type(request)), exc)
        return answer(request, _from_http(exc), exc)

    def handle_other(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        for kind in type(exc).__mro__:
            mapper = mappers.get(kind)
            if mapper is not None:
                return answer(request, mapper(exc), exc)
        if _unstorable_text(exc):
            # Nothing was written: the transaction that met the text is rolled back with the error.
            error = InvalidRequest(
                Message(
                    en="The request holds a character that cannot be stored (such as a NUL character).",
                    hi="अनुरोध में ऐसा अक्षर है जिसे सहेजा नहीं जा सकता (जैसे NUL अक्षर)।",
                )
            )
            return answer(request, error, exc)
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return answer(request, InternalError(), exc)

    handlers: dict[Any, Any] = {SevaError: handle_seva, HTTPException: handle_http, Exception: handle_other}
    litestar_errors = (
        NotFoundException, MethodNotAllowedException, NotAuthorizedException, PermissionDeniedException,
        ValidationException,
    )  # fmt: skip
    for kind in litestar_errors:
        handlers[kind] = handle_http
    for mapped in mappers:
        handlers[mapped] = handle_other
    return handlers
