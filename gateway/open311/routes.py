"""Open311 GeoReport v2 under ``/open311/v2``: services, service definitions, posting and reading
requests, tokens, each as ``.json`` or ``.xml``; and the administrators' routes for client applications.

Errors on the Open311 routes leave in the standard's shape, in the format the path asked for: the
router's own exception handlers take the problem document the platform would send and rewrite it, so the
status, the words (English or Hindi by ``Accept-Language``) and headers such as ``Retry-After`` stay the
same. The OpenAPI document says so: ``Open311Operation`` gives every response of these routes both media
types and the error list's schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, Schema
from litestar.params import Body, JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from gateway.open311.errors import (
    ApiKeyMissing,
    ApiKeyRefused,
    Open311AppNotFound,
    RequestNotFound,
    RequestRefused,
    ServiceNotFound,
    TokenNotFound,
    UnknownServiceCode,
)
from gateway.open311.formats import MEDIA_TYPES, Format, encode
from gateway.open311.policy import POLICY
from gateway.open311.service import Open311, RequestQuery
from gateway.platform.guard import Caller
from gateway.platform.problems import SevaError
from gateway.platform.responses import exception_handlers
from schemas.open311_api import (
    Discovery,
    Open311AppCreate,
    Open311AppCreated,
    Open311AppOut,
    Open311Error,
    RequestCreated,
    RequestForm,
    Service,
    ServiceDefinition,
    ServiceRequest,
    TokenAnswer,
)

__all__ = ["Open311AppController", "open311_router"]

BASE = "/open311/v2"
_FILE = r"^[A-Za-z0-9_.\-]{1,100}\.(json|xml)$"
_NAMED = re.compile(_FILE)

Jurisdiction = Annotated[
    str | None, Parameter(description="Accepted and ignored: seva serves one state.", max_length=100)
]
_Stamp = Annotated[
    str | None,
    Parameter(
        description="W3C date and time with a zone, e.g. 2026-03-01T00:00:00Z",
        max_length=40,
        schema_extra={"pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))?$"},
    ),
]


def _format_of(path: str) -> Format:
    return "xml" if path.endswith(".xml") else "json"


def _named(value: str, missing: Callable[[str], Exception]) -> tuple[str, Format]:
    """``CODE.json`` -> (``CODE``, ``json``); a name without a known format is not found."""
    if not _NAMED.match(value):
        raise missing(value)
    stem, _, fmt = value.rpartition(".")
    return stem, "xml" if fmt == "xml" else "json"


def _answer(fmt: Format, root: str, value: Any, status: int = 200) -> Response[Any]:
    return Response(encode(fmt, root, value), status_code=status, media_type=MEDIA_TYPES[fmt])


# --- errors in the standard's shape --------------------------------------------------------------------

_PLATFORM = exception_handlers({})


def _as_open311(handler: Any) -> Any:
    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        problem: Response[Any] = handler(request, exc)
        document = msgspec.json.decode(problem.content)
        text = f"{document.get('detail') or document.get('title')} ({document.get('code')})"
        status = problem.status_code or 500
        errors = [Open311Error(code=status, description=text)]
        fmt = _format_of(request.url.path)
        keep = {k: v for k, v in problem.headers.items() if k.lower() != "content-type"}
        answer = _answer(fmt, "errors", errors, status)
        answer.headers.update(keep)
        return answer

    return handle


OPEN311_ERRORS = {kind: _as_open311(handler) for kind, handler in _PLATFORM.items()}

_ERROR_SCHEMA = Schema(
    type=OpenAPIType.ARRAY,
    items=Schema(
        type=OpenAPIType.OBJECT,
        properties={
            "code": Schema(type=OpenAPIType.INTEGER, description="the HTTP status"),
            "description": Schema(type=OpenAPIType.STRING),
        },
        required=["code", "description"],
    ),
)
_XML = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, description="the same, as GeoReport XML"))


@dataclass
class Open311Operation(Operation):
    """Each answer of an Open311 route as JSON or XML; errors as the standard's list, not problems."""

    def __post_init__(self) -> None:
        for status, response in (self.responses or {}).items():
            if not hasattr(response, "content"):
                continue  # a reference to a shared response
            if str(status).startswith(("4", "5")):
                response.content = {
                    "application/json": OpenAPIMediaType(schema=_ERROR_SCHEMA),
                    "text/xml": _XML,
                }
            elif response.content:
                response.content = {**response.content, "text/xml": _XML}


def _route(rule: str, *errors: type[SevaError]) -> dict[str, Any]:
    """A route of the standard: its rule, both formats in the document, and no CSRF check (a program
    posts the form with its api_key; no browser session is involved)."""
    keywords = POLICY.route(rule, *errors)
    opt = {**keywords["opt"], "exclude_from_csrf": True}
    return {**keywords, "opt": opt, "operation_class": Open311Operation}


# --- the standard's routes -------------------------------------------------------------------------------


@get(
    ["/v2/services.json", "/v2/services.xml"],
    summary="Grievance categories (GeoReport v2 GET services)",
    **_route("services"),
)
async def list_services(
    request: Request[Any, Any, Any], open311: NamedDependency[Open311], jurisdiction_id: Jurisdiction = None
) -> Response[list[Service]]:
    return _answer(_format_of(request.url.path), "services", open311.services())


@get(
    "/v2/services/{service_file:str}",
    summary="A category's attributes (GeoReport v2 GET service definition)",
    **_route("services", ServiceNotFound),
)
async def service_definition(
    service_file: Annotated[
        str, Parameter(description="the service code, then .json or .xml", schema_extra={"pattern": _FILE})
    ],
    open311: NamedDependency[Open311],
    jurisdiction_id: Jurisdiction = None,
) -> Response[ServiceDefinition]:
    code, fmt = _named(service_file, ServiceNotFound)
    return _answer(fmt, "service_definition", open311.definition(code))


@post(
    ["/v2/requests.json", "/v2/requests.xml"],
    status_code=HTTP_201_CREATED,
    summary="File a grievance from a registered client application (GeoReport v2 POST requests)",
    **_route("post", ApiKeyMissing, ApiKeyRefused, UnknownServiceCode, RequestRefused),
)
async def post_request(
    request: Request[Any, Any, Any],
    data: Annotated[RequestForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    open311: NamedDependency[Open311],
    caller: NamedDependency[Caller],
) -> Response[list[RequestCreated]]:
    created = await open311.post(data, caller.actor)
    return _answer(_format_of(request.url.path), "service_requests", [created], HTTP_201_CREATED)


@get(
    ["/v2/requests.json", "/v2/requests.xml"],
    summary="Grievances, newest first (GeoReport v2 GET requests)",
    **_route("requests", RequestRefused),
)
async def list_requests(
    request: Request[Any, Any, Any],
    open311: NamedDependency[Open311],
    service_request_id: Annotated[
        str | None, Parameter(description="IDs, comma-separated; overrides the rest", max_length=2000)
    ] = None,
    service_code: Annotated[
        str | None, Parameter(description="codes, comma-separated", max_length=2000)
    ] = None,
    start_date: _Stamp = None,
    end_date: _Stamp = None,
    status: Annotated[str | None, Parameter(description="open, closed or both", max_length=20)] = None,
    jurisdiction_id: Jurisdiction = None,
) -> Response[list[ServiceRequest]]:
    query = RequestQuery.parse(service_request_id, service_code, start_date, end_date, status)
    found = await open311.requests(query)
    return _answer(_format_of(request.url.path), "service_requests", found)


@get(
    "/v2/requests/{request_file:str}",
    summary="One grievance (GeoReport v2 GET service request)",
    **_route("requests", RequestNotFound),
)
async def one_request(
    request_file: Annotated[
        str, Parameter(description="the request ID, then .json or .xml", schema_extra={"pattern": _FILE})
    ],
    open311: NamedDependency[Open311],
    jurisdiction_id: Jurisdiction = None,
) -> Response[list[ServiceRequest]]:
    reference, fmt = _named(request_file, RequestNotFound)
    return _answer(fmt, "service_requests", [await open311.request(reference)])


@get(
    "/v2/tokens/{token_file:str}",
    summary="The request ID a post's token stands for (GeoReport v2 GET service_request_id)",
    **_route("requests", TokenNotFound),
)
async def from_token(
    token_file: Annotated[
        str, Parameter(description="the token, then .json or .xml", schema_extra={"pattern": _FILE})
    ],
    open311: NamedDependency[Open311],
    jurisdiction_id: Jurisdiction = None,
) -> Response[list[TokenAnswer]]:
    token, fmt = _named(token_file, lambda _: TokenNotFound())
    return _answer(fmt, "service_requests", [await open311.token(token)])


@get(
    ["/discovery.json", "/discovery.xml"],
    summary="Where the GeoReport v2 endpoint is and which formats it speaks (Open311 service discovery)",
    **_route("services"),
)
async def discovery(
    request: Request[Any, Any, Any], open311: NamedDependency[Open311]
) -> Response[Discovery]:
    base = str(request.base_url).rstrip("/")
    return _answer(_format_of(request.url.path), "discovery", open311.discovery(f"{base}{BASE}"))


def open311_router() -> Router:
    return Router(
        "/open311",
        route_handlers=[
            discovery,
            list_services,
            service_definition,
            post_request,
            list_requests,
            one_request,
            from_token,
        ],
        exception_handlers=OPEN311_ERRORS,
        tags=["open311"],
    )


# --- administrators ------------------------------------------------------------------------------------


class Open311AppController(Controller):
    path = "/api/v1/admin/open311/apps"
    tags = ("administration",)

    @get("/", summary="Open311 client applications, revoked ones included", **POLICY.route("list_apps"))
    async def list_apps(self, open311: NamedDependency[Open311]) -> list[Open311AppOut]:
        return await open311.apps.list()

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Create an Open311 client application; its api_key is shown once",
        **POLICY.route("create_app"),
    )
    async def create_app(
        self,
        data: JSONBody[Open311AppCreate],
        open311: NamedDependency[Open311],
        caller: NamedDependency[Caller],
    ) -> Open311AppCreated:
        return await open311.apps.create(data.name, caller.actor)

    @delete(
        "/{app_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke an Open311 client application",
        **POLICY.route("revoke_app", Open311AppNotFound),
    )
    async def revoke_app(
        self,
        app_id: Annotated[str, Parameter(max_length=40)],
        open311: NamedDependency[Open311],
        caller: NamedDependency[Caller],
    ) -> None:
        await open311.apps.revoke(app_id, caller.actor)
