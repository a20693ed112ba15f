"""Wire formats of Open311 GeoReport v2 (``/open311/v2``): services and their definitions, service
requests, tokens and errors, with the field names the standard gives them. The same structures are
written as JSON and as XML (``gateway.open311.formats``)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = [
    "AttributeValue",
    "Discovery",
    "DiscoveryEndpoint",
    "Open311AppCreate",
    "Open311AppCreated",
    "Open311AppOut",
    "Open311Error",
    "RequestCreated",
    "RequestForm",
    "Service",
    "ServiceAttribute",
    "ServiceDefinition",
    "ServiceRequest",
    "TokenAnswer",
]


class Service(msgspec.Struct, kw_only=True):
    """One kind of grievance a client may file: a department's category."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class AttributeValue(msgspec.Struct, kw_only=True):
    key: str
    name: str


class ServiceAttribute(msgspec.Struct, kw_only=True):
    variable: bool
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[AttributeValue] = []


class ServiceDefinition(msgspec.Struct, kw_only=True):
    service_code: str
    attributes: list[ServiceAttribute]


class RequestCreated(msgspec.Struct, kw_only=True):
    """The answer to a posted request: its ID at once, and a token that finds it again."""

    service_request_id: str
    token: str
    service_notice: str
    account_id: str | None = None


class TokenAnswer(msgspec.Struct, kw_only=True):
    service_request_id: str | None
    token: str


class ServiceRequest(msgspec.Struct, kw_only=True):
    """A grievance as the standard shows it. Nothing that names or reaches the citizen is in it: the
    address is the district, never the place they gave."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str
    service_notice: str | None
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class DiscoveryEndpoint(msgspec.Struct, kw_only=True):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(msgspec.Struct, kw_only=True):
    """The standard's service discovery file: where the GeoReport v2 endpoint is and what it speaks."""

    changeset: str
    contact: str
    key_service: str
    endpoints: list[DiscoveryEndpoint]


class Open311Error(msgspec.Struct, kw_only=True):
    """One error as the standard shapes it: the HTTP status as ``code`` and a sentence."""

    code: int
    description: str


_Text = Annotated[str, msgspec.Meta(max_length=4000)]
_Short = Annotated[str, msgspec.Meta(max_length=200)]


class RequestForm(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """POST requests: form-encoded. Every field is optional here so that a missing one is refused with
    the standard's error naming it, rather than a generic validation error."""

    api_key: _Short | None = None
    jurisdiction_id: _Short | None = None
    service_code: _Short | None = None
    description: _Text | None = None
    phone: _Short | None = None
    first_name: _Short | None = None
    last_name: _Short | None = None
    email: _Short | None = None
    address_string: _Short | None = None
    address_id: _Short | None = None
    lat: _Short | None = None
    long: _Short | None = None
    device_id: _Short | None = None
    account_id: _Short | None = None
    media_url: _Short | None = None
    district: _Short | None = msgspec.field(default=None, name="attribute[district]")
    kind: _Short | None = msgspec.field(default=None, name="attribute[kind]")


class Open311AppCreate(msgspec.Struct, kw_only=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Open311AppOut(msgspec.Struct, kw_only=True):
    app_id: str
    name: str
    created_at: str
    revoked_at: str | None


class Open311AppCreated(msgspec.Struct, kw_only=True):
    """A new client application; ``api_key`` is shown here once and stored only as a hash."""

    app_id: str
    name: str
    api_key: str
