"""Every route against every role: each route declares who may call it, and the server keeps to it.

The table is the application itself: the test walks ``app.routes``, so a route added without an access
rule fails here, and every route is called as each role over HTTP (the application in-process). Path
parameters get a sample value by name (``SAMPLE_VALUES``), or the route gets a whole sample in ``SAMPLES``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.exceptions import LitestarDeprecationWarning

from gateway.app import create_app
from gateway.platform.policy import Rule, declared
from gateway.platform.principal import ROLES as EVERY_ROLE
from gateway.settings import Settings
from gateway.web.policy import WEB
from tests.conftest import CATALOGUE, InProcessServer
from tests.gateway.signed_in import SAMPLE_VALUES
from tests.identity.support import (
    SmsProvider,
    audit_head,
    bearer,
    client_token,
    make_client,
    seed_families,
    sign_in,
    sms_env,
)

ROLES = ("anonymous", "citizen", "department", "auditor", "administrator")


@dataclass(frozen=True)
class Sample:
    """How to call one route: the concrete path, a JSON body, extra headers."""

    path: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


# Routes that need more than a filled-in path: "METHOD /path/as/declared" -> sample.
SAMPLES: dict[str, Sample] = {
    "POST /api/v1/auth/otp": Sample("/api/v1/auth/otp", {"login": "9876500009"}),
    "POST /api/v1/auth/otp/verify": Sample(
        "/api/v1/auth/otp/verify", {"challenge_id": "0" * 32, "code": "000000"}
    ),
    "POST /api/v1/auth/refresh": Sample("/api/v1/auth/refresh", {"refresh_token": "unknown.token"}),
    "POST /api/v1/auth/logout": Sample("/api/v1/auth/logout", {"refresh_token": "unknown.token"}),
    "POST /api/v1/auth/token": Sample("/api/v1/auth/token", {"client_id": "x", "client_secret": "y"}),
    "POST /api/v1/admin/clients": Sample("/api/v1/admin/clients", {"name": "table test", "role": "auditor"}),
    "GET /api/v1/services/{code:str}/changes": Sample(
        f"/api/v1/services/rev-demarcation/changes?from={'0' * 64}"
    ),
    "POST /api/v1/eligibility": Sample("/api/v1/eligibility", {"facts": {"member.age": 70}}),
    "POST /api/v1/auth/staff/otp": Sample("/api/v1/auth/staff/otp", {"mobile": "9812399999"}),
    "POST /api/v1/auth/staff/otp/verify": Sample(
        "/api/v1/auth/staff/otp/verify", {"challenge_id": "0" * 32, "code": "000000"}
    ),
    "POST /api/v1/auth/assist": Sample("/api/v1/auth/assist", {"login": "9876500002"}),
    "POST /api/v1/auth/assist/verify": Sample(
        "/api/v1/auth/assist/verify", {"challenge_id": "0" * 32, "code": "000000"}
    ),
    "POST /api/v1/admin/open311/apps": Sample("/api/v1/admin/open311/apps", {"name": "table test"}),
    "POST /api/v1/admin/staff": Sample(
        "/api/v1/admin/staff", {"role": "agent", "name": "table test", "mobile": "9812399998"}
    ),
}

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def _routes(app: Any) -> Iterator[tuple[str, str, Rule | None]]:
    """(method, declared path, rule) of every handler, Litestar's own OPTIONS handlers included."""
    for method, path, rule, _ in _handlers(app):
        yield method, path, rule


def _handlers(app: Any) -> Iterator[tuple[str, str, Rule | None, bool]]:
    """Also whether the route is a web page (answers people with pages, refuses with a page or a redirect)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in sorted(handler.http_methods):
                yield method, route.path, declared(handler.opt), bool(handler.opt.get(WEB))


def _sample(method: str, path: str) -> Sample:
    given = SAMPLES.get(f"{method} {path}")
    if given is not None:
        return given

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in SAMPLE_VALUES:
            raise AssertionError(f"{method} {path}: add a sample value for '{name}' to SAMPLE_VALUES")
        return SAMPLE_VALUES[name]

    return Sample(_PARAM.sub(fill, path), {} if method in ("POST", "PUT", "PATCH") else None)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The application as ``seva serve`` builds it (Litestar's warnings about other packages' handlers
    are not this test's business)."""
    data = tmp_path_factory.mktemp("app")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LitestarDeprecationWarning)
        return create_app(
            Settings.from_env(
                {"SEVA_DATA_DIR": str(data), "SEVA_CATALOGUE": str(CATALOGUE), "SEVA_LOG_LEVEL": "WARNING"}
            )
        )


def route_table(app: Any) -> list[str]:
    """The rows of the route table in docs/security.md, as the application declares them."""
    rows = set()
    for method, path, rule in _routes(app):
        if method == "OPTIONS" or path.startswith("/schema") or rule is None:
            continue
        scopes = {"all": "", "own_family": " (own family)", "own_department": " (own department)"}
        who = (
            "anyone"
            if rule.public
            else ", ".join(
                f"{r}{scopes[rule.grants[r]]}{' masked' if r in rule.masked else ''}"
                for r in EVERY_ROLE
                if r in rule.roles
            )
        )
        rate = {"api": "API", "signin": "sign-in", "none": "none"}[rule.rate]
        shown = _PARAM.sub(r"{\1}", path)
        rows.add(f"| `{method}` | `{shown}` | {who} | {rate} | {'yes' if rule.personal else ''} |")
    return sorted(rows, key=lambda row: (row.split("`")[3], row))


class TestDeclarations:
    def test_the_security_page_lists_every_route_as_declared(self, app: Any) -> None:
        """docs/security.md's route table is the application's: a changed rule must change the page."""
        page = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
        documented = [line for line in page.splitlines() if re.match(r"^\| `[A-Z]+` \|", line)]
        assert documented == route_table(app), "\n".join(["docs/security.md should list:", *route_table(app)])

    def test_every_route_declares_who_may_call_it(self, app: Any) -> None:
        """No route of the application is without an access rule."""
        undeclared = [f"{method} {path}" for method, path, rule in _routes(app) if rule is None]
        assert undeclared == [], (
            f"routes without an access rule (declare one in the capability's policy.py): {undeclared}"
        )

    def test_only_public_routes_skip_the_bearer_scheme_in_openapi(self, app: Any) -> None:
        """The OpenAPI document asks for a bearer token exactly on the routes that need one."""
        schema = app.openapi_schema.to_schema()
        assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
        for method, path, rule in _routes(app):
            operation = schema["paths"].get(_PARAM.sub(r"{\1}", path), {}).get(method.lower())
            if operation is None or rule is None:
                continue
            assert ("security" in operation) == (not rule.public), f"{method} {path}"

    def test_the_audit_trail_has_no_route_that_changes_it(self, app: Any) -> None:
        """Nobody, an administrator included, can change or remove an audit entry through the API."""
        writes = [
            f"{m} {p}"
            for m, p, _ in _routes(app)
            if p.startswith("/api/v1/audit") and m not in ("GET", "HEAD", "OPTIONS")
        ]
        assert writes == []


def _is_problem(answer: httpx.Response) -> bool:
    return answer.headers.get("content-type") == "application/problem+json"


def _problem_code(answer: httpx.Response) -> str | None:
    """The problem's code: from the JSON API's document, or from the ``meta`` of a web page's error page."""
    if _is_problem(answer):
        return str(answer.json().get("code")) if answer.content else None  # HEAD: no body
    found = re.search(r'<meta name="seva-problem" content="([a-z_]+)">', answer.text)
    return found.group(1) if found else None


def _sent_to_sign_in(answer: httpx.Response) -> bool:
    """A web page's answer to a signed-out person: to sign-in, and back afterwards."""
    return answer.status_code == 303 and answer.headers.get("location", "").startswith(
        ("/sign-in?next=", "/staff/sign-in?next=")
    )


def _expected(rule: Rule, role: str) -> set[int] | str:
    if rule.public or role in rule.roles:
        return "allowed"
    return {401} if role == "anonymous" else {403}


class TestEveryRoleAgainstEveryRoute:
    def test_each_role_is_let_in_or_refused_as_declared(
        self,
        app: Any,
        tmp_path: Path,
        db_url: str,
        sms_provider: SmsProvider,
        app_factory: Callable[..., InProcessServer],
    ) -> None:
        """Allowed roles are never refused, others get 401 (signed out) or 403 (wrong role), nobody a 5xx,
        and every answer with personal data leaves an entry in the audit trail."""
        seed_families(db_url)
        server = app_factory(
            sms_env(
                db_url,
                sms_provider,
                SEVA_API_PER_MINUTE="100000",
                SEVA_SIGNIN_PER_MINUTE="100000",
                SEVA_DEMO="1",
            )
        )
        tokens: dict[str, str | None] = {"anonymous": None}
        with server.client() as client:
            client.follow_redirects = False  # a page's redirect to sign-in is the answer under test
            tokens["citizen"] = sign_in(client, sms_provider, "9876500001")["access_token"]
            for role, department in (("department", "revenue"), ("auditor", None), ("administrator", None)):
                tokens[role] = client_token(client, *make_client(db_url, role, department))
            # The pages' forms carry a CSRF token (the JSON API needs none): send the one the cookie holds.
            client.get("/sign-in", headers={"accept": "text/html"})
            csrf = {"x-csrftoken": client.cookies["seva_csrf"]}
            wrong: list[str] = []
            for method, path, rule, page in _handlers(app):
                assert rule is not None
                sample = _sample(method, path)
                for role in ROLES:
                    headers = {**sample.headers, **(bearer(tokens[role]) if tokens[role] else {})}
                    if page:
                        headers |= {**csrf, "accept": "text/html"}
                    before = audit_head(db_url) if rule.personal else 0
                    answer = client.request(method, sample.path, json=sample.body, headers=headers)
                    if rule.personal and answer.is_success and audit_head(db_url) == before:
                        wrong.append(
                            f"{method} {path} as {role}: personal data returned without an audit entry"
                        )
                    expected = _expected(rule, role)
                    # The access layer refuses with these two codes; a handler may refuse bad credentials
                    # (refresh_invalid, client_invalid) with 401 too, which is not an access decision. A
                    # page sends a signed-out person to sign in instead of answering 401.
                    access_refusal = _problem_code(answer) in ("unauthorized", "forbidden")
                    if page and role == "anonymous" and not rule.public and _sent_to_sign_in(answer):
                        answer, access_refusal = httpx.Response(401), True
                    if answer.status_code >= 500:
                        wrong.append(f"{method} {path} as {role}: {answer.status_code} {answer.text[:200]}")
                    elif expected == "allowed" and access_refusal:
                        wrong.append(f"{method} {path} as {role}: refused with {answer.status_code}")
                    elif expected != "allowed" and not (answer.status_code in expected and access_refusal):
                        wrong.append(f"{method} {path} as {role}: {answer.status_code}, expected {expected}")
        assert wrong == [], "\n".join(wrong)
