"""A department system on loopback, speaking seva's REST contract (under ``/rest``) and SOAP (at ``/soap``).

It is a plain ASGI app served by uvicorn in a thread of the test process, so a test can tell it how to
misbehave between two calls: hold requests until the test lets them go, fail N times then recover, send
malformed or hostile bodies. Slowness is a hold, never a time: a test that needs a call to be still in the
department (a timeout, a concurrency cap, a lease) holds it there for as long as it takes, however loaded
the machine is, and releases it when it has seen what it came to see.
When not told otherwise it answers from a ``LocalDepartment``, the same demo department the local
adapter uses, so the three adapters can be held to one contract. It records every request it receives.

``python -m tests.adapters.departments --port 8100 [--latency 0.1]`` serves it alone, for the benchmarks.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

import msgspec
import uvicorn

from adapters.errors import DepartmentError
from adapters.exchange import ExchangeHeaders
from adapters.local import DefaultOffice, LocalDepartment, UnknownApplication
from adapters.safexml import parse_untrusted
from adapters.soap import SOAP_ENV, envelope, load_xsd, open_envelope
from schemas.department_api import ApplicationState, ApplicationSubmission

__all__ = ["DepartmentApp", "Recorded", "Scripted", "ServerThread", "soap_fault"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
JSON = b"application/json"
XML = b"text/xml; charset=utf-8"


@dataclass
class Scripted:
    """One answer the department gives instead of its own."""

    status: int = 200
    body: bytes = b""
    content_type: bytes = JSON
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0  # seconds between the body's bytes, sent one at a time
    endless: bool = False  # after the body, trickle spaces until the department is released


@dataclass
class Recorded:
    """One request as the department received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def soap_fault(code: str, message: str) -> bytes:
    """A SOAP 1.1 fault envelope, as a department sends it with status 500."""
    fault = ET.Element(f"{{{SOAP_ENV}}}Fault")
    ET.SubElement(fault, "faultcode").text = f"soap:{code}"
    ET.SubElement(fault, "faultstring").text = message
    return envelope(fault)


class DepartmentApp:
    """The ASGI app. Attributes a test sets: ``script`` (answers to give first), ``token`` (the bearer
    token required), ``department`` (who decides); ``hold`` and ``release`` keep requests waiting until the
    test lets them go. ``in_flight`` and ``most_in_flight`` count the requests being answered."""

    def __init__(self, xsd: str = "energy_connection.xsd", latency: float = 0.0) -> None:
        self.schema = load_xsd(xsd)
        self.namespace = self.schema.target_namespace
        self.latency = latency  # seconds every answer but the health check takes (benchmarks set it)
        self.releases = 0  # how many times the test has released the department
        self._loop: asyncio.AbstractEventLoop | None = None  # the server's, once a request has come
        self._gate: asyncio.Event | None = None
        self._holding = False
        self.reset()

    def reset(self, department: LocalDepartment | None = None) -> None:
        # A request still held from before the reset (one a test gave up on) belongs to that earlier
        # test: it must not file into the new department nor count in the new counters.
        self.generation = getattr(self, "generation", 0) + 1
        self.department = department or LocalDepartment(DefaultOffice(), review_after=0, decide_after=0)
        self.script: deque[Scripted] = deque()
        self.token: str | None = None
        self.requests: deque[Recorded] = deque(maxlen=1000)
        self.in_flight = 0
        self.most_in_flight = 0
        self.stale_answered = 0  # requests from before the last reset that have since been answered
        self.release()

    @property
    def delay(self) -> float:
        return 0.0

    @delay.setter
    def delay(self, seconds: float) -> None:
        # Slowness by the clock is what a loaded machine breaks: a test written for it fails here, loudly.
        raise AttributeError("the department has no delay: hold() the calls and release() them instead")

    def hold(self) -> None:
        """Hold every request that arrives from now on until ``release``; callable from the test's thread."""
        self._in_loop(self._close)

    def release(self) -> None:
        """Let the held requests go on and stop holding new ones; callable from the test's thread."""
        self._in_loop(self._open)

    def _in_loop(self, change: Callable[[], None]) -> None:
        # Changed in the server's loop, so that it cannot interleave with a request's check, and in the
        # order the test asked (a release then a hold at once must not open the new hold).
        loop = self._loop
        if loop is None or loop.is_closed():
            change()  # no request has come yet: there is nothing to interleave with
        else:
            loop.call_soon_threadsafe(change)

    def _close(self) -> None:
        self._holding = True

    def _open(self) -> None:
        self._holding = False
        self.releases += 1
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.set()

    async def until_in_flight(self, count: int, within: float = 60.0) -> None:
        """Wait (in the test's loop) until ``count`` requests are in the department; ``within`` is only a
        bound for a test that is already failing."""
        deadline = time.monotonic() + within
        while self.in_flight < count:
            assert time.monotonic() < deadline, f"{self.in_flight} requests in flight, never {count}"
            await asyncio.sleep(0.01)

    async def _held(self) -> None:
        if self._gate is None:
            self._gate = asyncio.Event()
        await self._gate.wait()

    def fail(self, times: int = 1, **answer: Any) -> None:
        """Give ``answer`` (``Scripted`` fields) to the next ``times`` requests, then behave again."""
        self.script.extend(Scripted(**answer) for _ in range(times))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        generation = self.generation
        self._loop = asyncio.get_running_loop()
        self.requests.append(Recorded(scope["method"], scope["path"], headers, body))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            answer = self.script.popleft() if self.script else None
            if self._holding:
                await self._held()
            latency = (
                self.latency if not scope["path"].endswith("/health") and b"HealthCheck" not in body else 0
            )
            if latency:
                await asyncio.sleep(latency)
            if generation != self.generation:
                answer = _problem(503, "reset", "the department was reset while this request waited")
            elif answer is None:
                answer = self._answer(scope["method"], scope["path"], headers, body)
        finally:
            if generation == self.generation:
                self.in_flight -= 1
            else:
                self.stale_answered += 1
        extra = [(name.encode(), value.encode()) for name, value in answer.headers.items()]
        await send({
            "type": "http.response.start",
            "status": answer.status,
            "headers": [(b"content-type", answer.content_type), *extra],
        })  # fmt: skip
        if answer.trickle:
            releases = self.releases
            for byte in answer.body:
                await send({"type": "http.response.body", "body": bytes([byte]), "more_body": True})
                await asyncio.sleep(answer.trickle)
            while answer.endless and self.releases == releases:
                await send({"type": "http.response.body", "body": b" ", "more_body": True})
                await asyncio.sleep(answer.trickle)
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.body", "body": answer.body})

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Scripted:
        if self.token is not None and headers.get("authorization") != f"Bearer {self.token}":
            return _problem(401, "unauthorised", "missing or wrong bearer token")
        exchange = ExchangeHeaders.from_http(headers)
        if path == "/soap" and method == "POST":
            return self._soap(exchange, body)
        if path == "/rest/health" and method == "GET":
            return Scripted(body=b'{"status":"ok"}')
        if path == "/rest/applications" and method == "POST":
            try:
                submission = msgspec.json.decode(body, type=ApplicationSubmission)
            except msgspec.DecodeError as exc:
                return _problem(422, "invalid application", str(exc))
            return _state(self.department.receive(submission, exchange), 202)
        if path.startswith("/rest/applications/") and method == "GET":
            key = path.removeprefix("/rest/applications/")
            by_ours = key.startswith("by-reference/")
            try:
                state = self.department.lookup(
                    exchange,
                    reference_number=key.removeprefix("by-reference/") if by_ours else exchange.issue,
                    department_reference=None if by_ours else key,
                )
            except UnknownApplication as exc:
                return _problem(404, "not found", str(exc))
            return _state(state, 200)
        return _problem(404, "not found", f"no route {method} {path}")

    def _soap(self, exchange: ExchangeHeaders, body: bytes) -> Scripted:
        try:
            request = open_envelope(parse_untrusted(body, adapter="department"), adapter="department")
            name = request.tag.rpartition("}")[2]
            data = self.schema.elements[name].decode(request, namespaces={"": self.namespace})
        except (DepartmentError, KeyError, ValueError) as exc:
            return Scripted(500, soap_fault("Client", f"bad request: {exc}"), XML)
        try:
            if name == "HealthCheckRequest":
                return self._soap_answer("HealthCheckResponse", {"status": "ok"})
            if name == "SubmitApplicationRequest":
                state = self.department.receive(_submission(data), exchange)
                return self._soap_answer("SubmitApplicationResponse", _answer_data(state))
            state = self.department.lookup(
                exchange,
                reference_number=data["referenceNumber"],
                department_reference=data.get("departmentReference"),
            )
            return self._soap_answer("GetStatusResponse", _answer_data(state))
        except UnknownApplication as exc:
            return Scripted(500, soap_fault("Client", str(exc)), XML)

    def _soap_answer(self, name: str, data: dict[str, Any]) -> Scripted:
        element = self.schema.elements[name].encode(data, namespaces={"": self.namespace})
        return Scripted(200, envelope(element), XML)


def _problem(status: int, title: str, detail: str) -> Scripted:
    return Scripted(status, msgspec.json.encode({"title": title, "detail": detail, "status": status}))


def _state(state: ApplicationState, status: int) -> Scripted:
    return Scripted(status, msgspec.json.encode(state))


def _entries(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {item["name"]: item.get("value") or "" for item in items or []}


def _submission(data: dict[str, Any]) -> ApplicationSubmission:
    applicant = data["applicant"]
    return msgspec.convert(
        {
            "reference_number": data["referenceNumber"],
            "service_code": data["serviceCode"],
            "operation": data["operation"],
            "applicant": {
                "member_id": applicant["memberId"],
                "name": applicant["name"],
                "facts": _entries(applicant.get("fact")),
            },
            "form": _entries(data.get("field")),
            "documents": [dict(item) for item in data.get("document", [])],
        },
        ApplicationSubmission,
    )


def _answer_data(state: ApplicationState) -> dict[str, Any]:
    data: dict[str, Any] = {
        "departmentReference": state.department_reference,
        "status": state.status,
        "message": state.message,
    }
    if certificate := state.certificate:
        data["certificate"] = {
            "number": certificate.number,
            "documentType": certificate.document_type,
            "issuedOn": certificate.issued_on.isoformat(),
            **({"validUntil": certificate.valid_until.isoformat()} if certificate.valid_until else {}),
            "detail": [{"name": key, "value": value} for key, value in certificate.details.items()],
        }
    return data


class ServerThread:
    """uvicorn serving ``app`` on a free loopback port, in a daemon thread; ``ssl`` goes to uvicorn."""

    def __init__(self, app: DepartmentApp, **ssl: Any) -> None:
        self.app = app
        self.https = bool(ssl)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, lifespan="off", ws="none", log_level="error",
            access_log=False, timeout_graceful_shutdown=1, **ssl,
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="department", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("department server did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        release = getattr(self.app, "release", None)
        if release is not None:  # a request still held would keep the server from stopping
            release()
        self.server.should_exit = True
        self.thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the loopback test department.")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each answer but health takes")
    args = parser.parse_args()
    uvicorn.run(
        DepartmentApp(latency=args.latency), host="127.0.0.1", port=args.port, lifespan="off", ws="none",
        log_level="warning", access_log=False,
    )  # fmt: skip


if __name__ == "__main__":
    main()
