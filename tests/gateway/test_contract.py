"""The OpenAPI document is the contract: schemathesis calls every operation with data made from the
document and fails on a server error, an undocumented status, a wrong content type or a body that
violates the declared schema.

The application runs in this process (Litestar's test client) on a database with a seeded registry, and
each operation is called with the token of a role its rule admits (an administrator where allowed),
so the calls reach the handlers rather than stopping at the door.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.platform.policy import declared
from tests.conftest import build_in_process
from tests.identity.support import (
    SmsProvider,
    bearer,
    client_token,
    make_client,
    running_sms_provider,
    seed_families,
    sign_in,
    sms_env,
    staff_tokens,
)

EXAMPLES = 20  # per operation; derandomized, so every run calls the same cases
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def sms() -> Iterator[SmsProvider]:
    with running_sms_provider() as provider:
        yield provider


@pytest.fixture
def contract(
    db_url: str, tmp_path: Path, sms: SmsProvider
) -> Iterator[tuple[httpx.Client, dict[str, str], dict[tuple[str, str], Any]]]:
    seed_families(db_url)
    env = sms_env(
        db_url, sms, SEVA_DATA_DIR=str(tmp_path / "data"), SEVA_API_PER_MINUTE="1000000",
        SEVA_SIGNIN_PER_MINUTE="1000000", SEVA_OTP_PER_HOUR="1000000",
    )  # fmt: skip
    server = build_in_process(env)
    with server.client() as client:
        tokens = {"citizen": sign_in(client, sms, "9876500001")["access_token"]}
        for role, department in (("department", "revenue"), ("auditor", None), ("administrator", None)):
            tokens[role] = client_token(client, *make_client(db_url, role, department))
        tokens.update(staff_tokens(client, sms, tokens["administrator"]))
        rules = {
            (method, route.path_format): declared(handler.opt)
            for route in server.app.routes
            for handler in getattr(route, "route_handlers", ())
            for method in handler.http_methods
        }
        yield client, tokens, rules


def _role_for(rule: Any) -> str | None:
    if rule is None or rule.public:
        return None
    for role in (
        "administrator",
        "citizen",
        "department",
        "auditor",
        "officer",
        "agent",
        "operator",
        "appellate",
    ):
        if role in rule.roles:
            return role
    return None


def _httpx_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """What schemathesis prepares for ``requests``, as httpx takes it (raw bytes go in ``content``)."""
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    if kwargs.get("files"):
        # requests sends any value of a form field as text; httpx wants text or bytes.
        kwargs["files"] = [
            (name, (part[0], part[1] if isinstance(part[1], str | bytes) else str(part[1]), *part[2:]))
            for name, part in kwargs["files"]
        ]
    for unused in ("verify", "allow_redirects", "cookies"):
        if not kwargs.get(unused):
            kwargs.pop(unused, None)
    return kwargs


def _examples(client: httpx.Client, operation: Any, headers: dict[str, str]) -> Any:
    """A Hypothesis test that calls ``operation`` with cases made from the document and checks each answer."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        kwargs = _httpx_kwargs(case.as_transport_kwargs(base_url=str(client.base_url), headers=headers))
        request = client.build_request(**kwargs)
        request.read()  # a multipart body is a stream; schemathesis reads it back to report a failure
        response = client.send(request)
        case.validate_response(response, checks=CHECKS)

    return call


def test_every_operation_keeps_to_the_openapi_document(
    contract: tuple[httpx.Client, dict[str, str], dict[tuple[str, str], Any]],
) -> None:
    """No operation answers with a server error, a status it does not declare, or a body or media type
    other than the document says."""
    client, tokens, rules = contract
    schema = schemathesis.openapi.from_dict(client.get("/schema/openapi.json").json())
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        role = _role_for(rules.get((operation.method.upper(), operation.path)))
        headers = bearer(tokens[role]) if role else {}

        call = _examples(client, operation, headers)
        try:
            call()
        except Exception as exc:  # every operation is tried; the failures are reported together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations >= 25
    assert failures == [], "\n\n".join(failures)


def test_text_the_database_cannot_hold_is_a_400_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    """A NUL character (which PostgreSQL cannot store) in a login, a client ID or a query is refused with
    ``invalid_request``, never a 500; SQLite stores it and the request is judged as any other."""
    server = build_in_process({"SEVA_DATA_DIR": str(tmp_path / "data"), "SEVA_DATABASE_URL": db_url})
    with server.client() as client:
        answers = [
            client.post("/api/v1/auth/token", json={"client_id": "m\u0000_", "client_secret": "x"}),
            client.post("/api/v1/auth/otp", json={"login": "98765\u000043210"}),
        ]
    for answer in answers:
        assert answer.status_code < 500, answer.text
        if db_url.startswith("postgresql"):
            assert answer.json()["code"] in ("invalid_request", "invalid_login"), answer.text
