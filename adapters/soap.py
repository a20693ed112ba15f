"""A legacy department spoken to in SOAP 1.1, its messages defined by an XSD in ``schemas/xsd``.

Requests are built from data by xmlschema's ``encode``, so a request that breaks the XSD is refused
before it leaves (``SchemaViolation``). Answers are parsed by ``adapters.safexml`` (no DOCTYPE, no
entities, nothing fetched) and checked with ``decode`` before anything in them is believed. A SOAP
fault blaming the client is permanent; one blaming the server is retryable.

The XSD declares, in its target namespace, ``SubmitApplicationRequest`` / ``SubmitApplicationResponse``,
``GetStatusRequest`` / ``GetStatusResponse`` and ``HealthCheckRequest`` / ``HealthCheckResponse``;
``schemas/xsd/energy_connection.xsd`` is the demo.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files
from typing import Any, cast
from xml.etree import ElementTree as ET

import httpx
import msgspec
import xmlschema
from xmlschema.validators.exceptions import XMLSchemaValidationError

from adapters.base import StatusQuery, StatusResult, SubmissionRequest, SubmitResult
from adapters.config import AdapterConfig, Secret
from adapters.errors import (
    AdapterConfigError,
    DepartmentError,
    DepartmentUnavailable,
    MalformedAnswer,
    RequestRefused,
    SchemaViolation,
    UnsafeXML,
)
from adapters.exchange import DEFAULT_CLIENT, ExchangeHeaders
from adapters.http import Answer, HttpDepartmentAdapter, status_error
from adapters.safexml import parse_untrusted
from schemas.department_api import ApplicationState, FormValue

__all__ = ["SOAP_ENV", "SoapAdapter", "envelope", "load_xsd", "open_envelope"]

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CONTENT_TYPE = "text/xml; charset=utf-8"
_XSD_NAME = re.compile(r"^[a-z0-9_]+\.xsd$")
# Fault codes of SOAP 1.1 (Client/Server) and 1.2 (Sender/Receiver) that blame the caller.
_CLIENT_FAULTS = frozenset({"client", "sender"})


@functools.cache
def load_xsd(name: str) -> xmlschema.XMLSchema:
    """The schema ``schemas/xsd/<name>``, built once per process; it may read local files only."""
    if not _XSD_NAME.match(name):
        raise AdapterConfigError(f"XSD name {name!r} must be a file name in schemas/xsd, like 'energy.xsd'")
    path = files("schemas") / "xsd" / name
    if not path.is_file():
        raise AdapterConfigError(f"no XSD {name!r} in schemas/xsd")
    try:
        return xmlschema.XMLSchema(str(path), allow="local", defuse="always")
    except (xmlschema.XMLSchemaParseError, OSError) as exc:
        raise AdapterConfigError(f"XSD {name!r} cannot be loaded: {exc}") from exc


def envelope(payload: ET.Element) -> bytes:
    """A SOAP 1.1 envelope around one body element, as UTF-8 with an XML declaration."""
    root = ET.Element(f"{{{SOAP_ENV}}}Envelope")
    ET.SubElement(root, f"{{{SOAP_ENV}}}Body").append(payload)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def open_envelope(root: ET.Element, *, adapter: str, status_code: int | None = None) -> ET.Element:
    """The one element in the body of a SOAP envelope; ``SchemaViolation`` if the envelope is wrong."""
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SchemaViolation(
            f"answer is not a SOAP 1.1 envelope: root element is {root.tag}",
            adapter=adapter, status_code=status_code,
        )  # fmt: skip
    body = root.find(f"{{{SOAP_ENV}}}Body")
    children = list(body) if body is not None else []
    if len(children) != 1:
        raise SchemaViolation(
            f"SOAP body must hold exactly one element, not {len(children)}",
            adapter=adapter, status_code=status_code,
        )  # fmt: skip
    return children[0]


class SoapAdapter(HttpDepartmentAdapter):
    """POSTs a SOAP envelope to the department's endpoint for each call."""

    def __init__(
        self,
        config: AdapterConfig,
        client: httpx.AsyncClient,
        *,
        token: Secret | None = None,
        client_id: str = DEFAULT_CLIENT,
    ) -> None:
        super().__init__(config, client, token=token, client_id=client_id)
        if not config.xsd:
            raise AdapterConfigError(f"SOAP adapter {config.code!r} needs an xsd")
        self.xsd_name = config.xsd
        self.schema = load_xsd(config.xsd)
        self.namespace = self.schema.target_namespace

    async def submit(self, request: SubmissionRequest) -> SubmitResult:
        exchange = self.exchange(
            request.operation,
            request.reference_number,
            member_id=request.applicant.member_id,
            idempotency_key=request.idempotency_key,
        )
        answer = await self._call("SubmitApplication", submission_data(request), exchange)
        return SubmitResult.from_state(self._state(answer))

    async def status(self, query: StatusQuery) -> StatusResult:
        data: dict[str, Any] = {"referenceNumber": query.reference_number}
        if query.department_reference:
            data["departmentReference"] = query.department_reference
        exchange = self.exchange("status", query.reference_number, member_id=query.member_id)
        return StatusResult.from_state(self._state(await self._call("GetStatus", data, exchange)))

    def _state(self, answer: dict[str, Any]) -> ApplicationState:
        try:
            return answer_state(answer)
        except (msgspec.ValidationError, KeyError) as exc:
            raise SchemaViolation(f"answer does not fit the contract: {exc}", adapter=self.code) from exc

    async def health(self) -> None:
        answer = await self._call("HealthCheck", {}, self.exchange("health", "health"))
        if (status := answer.get("status")) != "ok":
            raise SchemaViolation(f"department reports status {status!r}, not 'ok'", adapter=self.code)

    async def _call(self, name: str, data: dict[str, Any], exchange: ExchangeHeaders) -> dict[str, Any]:
        payload = self._encode(f"{name}Request", data)
        answer = await self.send(
            "POST", "", exchange, content=envelope(payload),
            headers={"Content-Type": CONTENT_TYPE, "SOAPAction": f'"{self.namespace}#{name}"'},
        )  # fmt: skip
        return self._decode(f"{name}Response", answer)

    def _encode(self, element: str, data: dict[str, Any]) -> ET.Element:
        try:
            encoded: Any = self.schema.elements[element].encode(data, namespaces={"": self.namespace})
            return cast("ET.Element", encoded)  # an element, as the schema's element encodes to
        except XMLSchemaValidationError as exc:
            raise SchemaViolation(
                f"request breaks {self.xsd_name}: {exc.reason} at {exc.path}", adapter=self.code
            ) from exc

    def _decode(self, element: str, answer: Answer) -> dict[str, Any]:
        root = parse_untrusted(answer.body, adapter=self.code, status_code=answer.status_code)
        child = open_envelope(root, adapter=self.code, status_code=answer.status_code)
        if child.tag != f"{{{self.namespace}}}{element}":
            raise SchemaViolation(
                f"expected {element} in the SOAP body, got {child.tag}",
                adapter=self.code, status_code=answer.status_code,
            )  # fmt: skip
        try:
            decoded = self.schema.elements[element].decode(child, namespaces={"": self.namespace})
        except XMLSchemaValidationError as exc:
            raise SchemaViolation(
                f"answer breaks {self.xsd_name}: {exc.reason} at {exc.path}",
                adapter=self.code, status_code=answer.status_code,
            ) from exc  # fmt: skip
        return decoded if isinstance(decoded, dict) else {}

    def error_for(self, answer: httpx.Response, body: bytes) -> DepartmentError:
        """A SOAP fault (sent with status 500) blames the client or the server; anything else by status.

        A 500 whose body is no SOAP fault (an HTML page from a proxy, starting ``<!DOCTYPE html>``, or
        XML that is malformed, breaks the envelope, or is unsafe) is judged by its status alone, so a 5xx
        stays retryable; an unsafe body is refused by ``parse_untrusted`` before anything in it is expanded.
        """
        if answer.status_code == 500 and body:
            try:
                fault = open_envelope(parse_untrusted(body, adapter=self.code), adapter=self.code)
            except (MalformedAnswer, SchemaViolation, UnsafeXML):
                fault = None
            if fault is not None and fault.tag == f"{{{SOAP_ENV}}}Fault":
                code = (fault.findtext("faultcode") or "").rpartition(":")[2]
                message = (fault.findtext("faultstring") or "").strip() or None
                error_class = RequestRefused if code.lower() in _CLIENT_FAULTS else DepartmentUnavailable
                return error_class(
                    f"SOAP fault {code or 'without a code'}",
                    adapter=self.code, status_code=500, department_message=message,
                )  # fmt: skip
        return status_error(self.code, answer, self.department_message(answer, body))


def _text(value: FormValue | object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _entries(values: dict[str, Any]) -> list[dict[str, str]]:
    return [{"name": name, "value": _text(value)} for name, value in values.items() if value is not None]


def submission_data(request: SubmissionRequest) -> dict[str, Any]:
    """The ``SubmitApplicationRequest`` of a submission, as data for xmlschema to encode."""
    applicant = request.applicant
    person: dict[str, Any] = {"memberId": applicant.member_id, "name": applicant.name}
    if applicant.mobile_masked:
        person["mobileMasked"] = applicant.mobile_masked
    if applicant.district:
        person["district"] = applicant.district
    person["fact"] = _entries(applicant.facts)
    documents = []
    for document in request.documents:
        item = {"type": document.type, "sha256": document.sha256}
        item.update({key: value for key, value in (("url", document.url), ("id", document.id)) if value})
        documents.append(item)
    data: dict[str, Any] = {
        "referenceNumber": request.reference_number,
        "serviceCode": request.service_code,
        "operation": request.operation,
        "applicant": person,
        "field": _entries(request.form),
        "document": documents,
    }
    if request.callback_url:
        data["callbackUrl"] = request.callback_url
    return data


def answer_state(data: dict[str, Any]) -> ApplicationState:
    """An ``Answer`` decoded by xmlschema, as the contract's ``ApplicationState``."""
    state: dict[str, Any] = {
        "department_reference": data["departmentReference"],
        "status": data["status"],
        "message": data.get("message") or "",
    }
    if certificate := data.get("certificate"):
        state["certificate"] = {
            "number": certificate["number"],
            "document_type": certificate["documentType"],
            "issued_on": certificate["issuedOn"],
            "valid_until": certificate.get("validUntil"),
            "details": {entry["name"]: entry["value"] or "" for entry in certificate.get("detail", [])},
        }
    return msgspec.convert(state, ApplicationState)
