"""The application in this process with a token for every role: for tests that call every route as someone
its rule admits (bounds on bodies and numbers, headers on every answer)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.platform.policy import Rule, declared
from tests.conftest import InProcessServer, build_in_process
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

# Values for path parameters by name: IDs of the seeded registry (tests/identity/support.py).
SAMPLE_VALUES = {
    "code": "rev-demarcation",
    "family_id": "10000001",
    "member_id": "100000011",
    "client_id": "no-such-client",
    "path": "nothing",
    # Documents, applications and department adapters (tests/applications): valid, but unknown.
    "document_id": "0" * 32,
    "reference": "2611-0000-0000-9",
    "adapter": "rest_transport",
    "file_path": "swagger-ui.css",  # the API pages' own files
    "staff_id": "no-such-staff",
    # The guarantee: appeals, field verifications and certificates that do not exist.
    "appeal_id": "999999",
    "verification_id": "999999",
    "certificate_id": "0" * 32,
    # A catalogue version nobody served.
    "digest": "0" * 64,
    # Grievances: a well-formed number that no grievance has.
    "number": "G26120000000006",
    "action": "attend",  # a step on the officer's grievance page
    # Open311: a category, a grievance and a token that do not exist, and an unknown client application.
    "service_file": "nothing.here.json",
    "request_file": "G26120000000000.json",
    "token_file": "nothing.json",
    "app_id": "app-000000000000",
}
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


@dataclass
class Route:
    method: str
    path: str  # as declared, with {parameters}
    rule: Rule
    handler: Any

    @property
    def concrete(self) -> str:
        return _PARAM.sub(lambda m: SAMPLE_VALUES[m.group(1)], self.path)

    @property
    def takes_json(self) -> bool:
        """Whether the handler takes a JSON body (not a multipart or URL-encoded form)."""
        if "data" not in self.handler.parsed_fn_signature.parameters:
            return False
        body = self.handler.parsed_fn_signature.parameters["data"].kwarg_definition
        media = getattr(getattr(body, "media_type", None), "value", "")
        return not str(media).startswith(("multipart/", "application/x-www-form-urlencoded"))


@dataclass
class SignedIn:
    server: InProcessServer
    client: httpx.Client
    tokens: dict[str, str]
    db_url: str

    def headers_for(self, rule: Rule) -> dict[str, str]:
        """A token of a role the rule admits (an administrator where allowed), none on a public route."""
        if rule.public:
            return {}
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
                return bearer(self.tokens[role])
        return {}

    def as_role(self, role: str) -> dict[str, str]:
        return bearer(self.tokens[role])

    def routes(self) -> Iterator[Route]:
        for route in self.server.app.routes:
            for handler in getattr(route, "route_handlers", ()):
                rule = declared(handler.opt)
                for method in sorted(handler.http_methods):
                    if method != "OPTIONS" and rule is not None:
                        yield Route(method, route.path, rule, handler)


@pytest.fixture
def sms() -> Iterator[SmsProvider]:
    with running_sms_provider() as provider:
        yield provider


@pytest.fixture
def signed_in(db_url: str, tmp_path: Path, sms: SmsProvider) -> Iterator[SignedIn]:
    """The application on a seeded registry, with tokens of a citizen, a department (revenue), an auditor and
    an administrator; generous rate limits."""
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
        yield SignedIn(server, client, tokens, db_url)
