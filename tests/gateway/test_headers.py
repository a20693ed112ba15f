"""The headers on every answer: a Content-Security-Policy without inline script, no framing, nosniff, no
referrer, HSTS when served over HTTPS, and ``Cache-Control: no-store`` wherever personal data or credentials
may be in the answer (the policies' ``personal`` rules and the sign-in routes say which)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.platform.forwarded import ProxyTrust
from gateway.platform.headers import SecurityHeaders
from tests.conftest import InProcessServer
from tests.gateway.signed_in import SignedIn, signed_in, sms

__all__ = ["signed_in", "sms"]

ALWAYS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _policy(answer: Any) -> dict[str, str]:
    text = answer.headers.get("content-security-policy", "")
    return dict(part.strip().split(" ", 1) for part in text.split(";") if part.strip())


def _check_always(answer: Any, where: str) -> list[str]:
    wrong = [
        f"{where}: {name} is {answer.headers.get(name)!r}"
        for name, value in ALWAYS.items()
        if answer.headers.get(name) != value
    ]
    policy = _policy(answer)
    expected = {
        "default-src": "'self'",
        "script-src": "'self'",
        "frame-ancestors": "'none'",
        "object-src": "'none'",
    }
    wrong += [
        f"{where}: CSP {name} is {policy.get(name)!r}"
        for name, value in expected.items()
        if policy.get(name) != value
    ]
    if "unsafe-inline" in answer.headers.get("content-security-policy", ""):
        wrong.append(f"{where}: the policy allows inline code")
    return wrong


class TestEveryAnswer:
    def test_every_route_answers_with_the_security_headers(self, signed_in: SignedIn) -> None:
        """Each route, called as a role its rule admits (and so with every kind of answer: successes,
        refusals, not found), carries the same headers; and so do a static file and an unknown route."""
        wrong: list[str] = []
        for route in signed_in.routes():
            answer = signed_in.client.request(
                route.method, route.concrete, headers=signed_in.headers_for(route.rule),
                json={} if route.takes_json else None,
            )  # fmt: skip
            wrong += _check_always(answer, f"{route.method} {route.path} ({answer.status_code})")
        for path in ("/no/such/route", "/schema/assets/swagger-ui.css", "/schema/assets/swagger-init.js"):
            wrong += _check_always(signed_in.client.get(path), path)
        assert wrong == []

    def test_the_swagger_page_alone_may_show_data_images(self, signed_in: SignedIn) -> None:
        """The API page's only exception is ``data:`` images (Swagger UI's icons); its script is a file."""
        page = signed_in.client.get("/schema/swagger")
        assert page.status_code == 200
        assert _policy(page)["img-src"] == "'self' data:" and _policy(page)["script-src"] == "'self'"
        assert "<script>" not in page.text and "<style" not in page.text and " style=" not in page.text
        assert _policy(signed_in.client.get("/health"))["img-src"] == "'self'"


class TestNoStore:
    def test_personal_and_sign_in_answers_are_never_stored(self, signed_in: SignedIn) -> None:
        """Every route whose rule is personal, or which signs in, answers with ``no-store``, whatever the
        status; so does any answer to a request that carried a token."""
        wrong = []
        for route in signed_in.routes():
            if not (route.rule.personal or route.rule.rate == "signin"):
                continue
            answer = signed_in.client.request(
                route.method, route.concrete, headers=signed_in.headers_for(route.rule),
                json={} if route.takes_json else None,
            )  # fmt: skip
            stored = answer.headers.get("cache-control")
            if stored != "no-store":
                wrong.append(f"{route.method} {route.path} ({answer.status_code}): {stored}")
        assert wrong == []
        me = signed_in.client.get("/api/v1/auth/me", headers=signed_in.as_role("citizen"))
        assert me.status_code == 200 and me.headers["cache-control"] == "no-store"

    def test_the_public_catalogue_may_be_cached(self, signed_in: SignedIn) -> None:
        """An anonymous read of the catalogue holds nothing personal: no ``no-store``."""
        answer = signed_in.client.get("/api/v1/services", params={"q": "pension"})
        assert answer.status_code == 200 and "no-store" not in answer.headers.get("cache-control", "")


class TestHsts:
    def test_not_over_plain_http(self, app_factory: Callable[..., InProcessServer]) -> None:
        with app_factory().client() as client:
            assert "strict-transport-security" not in client.get("/health").headers

    def test_when_the_public_url_is_https(self, app_factory: Callable[..., InProcessServer]) -> None:
        server = app_factory({"SEVA_PUBLIC_URL": "https://seva.example.gov.in"})
        with server.client() as client:
            assert client.get("/health").headers["strict-transport-security"].startswith("max-age=")
            assert "strict-transport-security" in client.get("/no/such/route").headers

    def test_when_the_connection_is_https(self, app_factory: Callable[..., InProcessServer]) -> None:
        server = app_factory()
        server.url = "https://testserver.local"
        with server.client() as client:
            assert "strict-transport-security" in client.get("/health").headers

    def test_when_a_trusted_proxy_received_https_and_not_when_anyone_else_says_so(self) -> None:
        """``X-Forwarded-Proto: https`` counts from a trusted proxy only."""

        def sent(peer: str) -> dict[bytes, bytes]:
            headers = SecurityHeaders(proxies=ProxyTrust.parse("10.0.0.1"), https=False)
            scope = {
                "type": "http", "scheme": "http", "path": "/health", "client": (peer, 1),
                "headers": [(b"x-forwarded-proto", b"https")],
            }  # fmt: skip
            return dict(headers.added(scope))  # type: ignore[arg-type]

        assert b"strict-transport-security" in sent("10.0.0.1")
        assert b"strict-transport-security" not in sent("198.51.100.7")
