"""Every public page in both languages; the language switch; errors as pages; the JSON API unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from litestar.testing import RequestFactory

from gateway.platform.problems import InternalError
from tests.conftest import InProcessServer
from tests.web.support import DHURVE, csrf_token, latest_code

PUBLIC = [
    "/", "/services", "/services?q=pension", "/services?q=पेंशन", "/services?department=revenue",
    "/services?event=birth", "/services/sj-widow-pension", "/services/rev-khasra-copy", "/track", "/audit",
    "/audit?department=tribal_affairs&district=dindori", "/audit/services/ta-aahar-anudan", "/sign-in",
    "/audit/services/ta-aahar-anudan/history",
    "/demo/inbox",
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "hi"])
def test_every_public_page_is_a_page_in_the_chosen_language(
    browser_client: httpx.Client, language: str
) -> None:
    browser_client.cookies.set("seva_lang", language)
    for path in PUBLIC:
        page = browser_client.get(path)
        assert page.status_code == 200, path
        assert (
            page.headers["content-type"].startswith("text/html") and f'<html lang="{language}">' in page.text
        )
        assert page.headers["content-language"] == language
        assert "style=" not in page.text and "<script>" not in page.text, path  # nothing inline: strict CSP
        assert re.search(r"<h1[^>]*>[^<]+", page.text), path


def test_the_browsers_language_is_the_first_choice_and_the_switch_is_remembered(
    browser_client: httpx.Client,
) -> None:
    assert '<html lang="hi">' in browser_client.get("/", headers={"accept-language": "hi-IN,hi;q=0.9"}).text
    switched = browser_client.get(
        "/language/en", params={"next": "/services?q=pension"}, follow_redirects=False
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/services?q=pension"
    assert "max-age=31536000" in switched.headers["set-cookie"].lower()
    assert '<html lang="en">' in browser_client.get("/", headers={"accept-language": "hi"}).text
    elsewhere = browser_client.get(
        "/language/hi", params={"next": "//evil.example/x"}, follow_redirects=False
    )
    assert elsewhere.headers["location"] == "/"


def test_the_switch_is_on_every_page_and_keeps_the_place(browser_client: httpx.Client) -> None:
    page = browser_client.get("/services", params={"q": "pension"})
    assert 'href="/language/hi?next=%2Fservices%3Fq%3Dpension"' in page.text


@pytest.mark.parametrize(("language", "title"), [("en", "Page not found"), ("hi", "पन्ना नहीं मिला")])
def test_not_found_is_a_page_in_both_languages(
    browser_client: httpx.Client, language: str, title: str
) -> None:
    browser_client.cookies.set("seva_lang", language)
    for path in ("/no-such-page", "/services/no-such-service"):
        page = browser_client.get(path)
        assert page.status_code == 404 and title in page.text and 'content="' in page.text
        assert page.headers["content-type"].startswith("text/html")


def test_the_json_api_keeps_its_problem_documents_and_needs_no_cookie(browser_client: httpx.Client) -> None:
    """Under /api/ an unknown service is still RFC 9457 JSON, with no CSRF cookie and no compression."""
    answer = browser_client.get(
        "/api/v1/services/no-such", headers={"accept": "*/*", "accept-encoding": "gzip"}
    )
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
    assert "set-cookie" not in answer.headers and "content-encoding" not in answer.headers
    anywhere = browser_client.get("/no-such-page", headers={"accept": "application/json"})
    assert anywhere.headers["content-type"] == "application/problem+json"


def test_a_server_error_is_a_page_in_both_languages_without_details(web: InProcessServer) -> None:
    """What ``WebErrorPages`` draws for an unexpected error on a page, in English and in Hindi."""
    pages = web.seva.web.error_pages
    handler = next(
        h for route in web.app.routes for h in getattr(route, "route_handlers", ()) if route.path == "/family"
        and "GET" in h.http_methods
    )  # fmt: skip
    for language, words in (
        ("en", "Sorry, something went wrong on our side"),
        ("hi", "हमारी ओर से कुछ गड़बड़ हुई"),
    ):
        request = RequestFactory(app=web.app).get(
            "/family",
            headers={"accept": "text/html", "cookie": f"seva_lang={language}"},
            route_handler=handler,
        )
        page = pages(request, InternalError(), RuntimeError("secret detail"))
        assert page is not None and page.status_code == 500
        body = page.content if isinstance(page.content, str) else page.content.decode()
        assert words in body and "secret detail" not in body and "Traceback" not in body


def test_pages_are_compressed_and_the_files_kept_long(browser_client: httpx.Client) -> None:
    page = browser_client.get("/", headers={"accept-encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"
    css = re.search(r'href="(/static/seva\.css\?v=[0-9a-f]+)"', page.text)
    assert css
    sheet = browser_client.get(css.group(1))
    assert sheet.status_code == 200 and "max-age=31536000" in sheet.headers["cache-control"]


def test_pages_with_personal_data_are_never_cached(browser_client: httpx.Client) -> None:
    from tests.web.support import sign_in

    sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
    for path in ("/family", "/applications", "/documents"):
        assert browser_client.get(path).headers["cache-control"] == "no-store", path


def test_over_https_the_cookies_are_secure(app_factory: Callable[..., InProcessServer]) -> None:
    """With a public address on HTTPS, the session, sign-in and CSRF cookies carry ``Secure``."""
    from litestar.testing import TestClient

    from tests.web.support import seed_households

    server = app_factory({"SEVA_DEMO": "1", "SEVA_PUBLIC_URL": "https://seva.example.in"})
    with TestClient(server.app, base_url="https://seva.example.in") as client:
        client.headers["accept"] = "text/html"
        seed_households(server.app.state.settings.database_url)
        form = client.get("/sign-in")
        assert "secure" in form.headers["set-cookie"].lower()  # the CSRF cookie
        sent = client.post(
            "/sign-in",
            data={"login": DHURVE.mobile, "_csrf_token": csrf_token(form.text)},
            follow_redirects=False,
        )
        assert "secure" in sent.headers["set-cookie"].lower()
        code = client.post(
            "/sign-in/code",
            data={"code": latest_code(client, DHURVE.mobile), "_csrf_token": csrf_token(form.text)},
            follow_redirects=False,
        )
        session = [c for c in code.headers.get_list("set-cookie") if c.startswith("seva_session=")]
        assert session and "secure" in session[0].lower()
