"""Signing in on the pages: the code, its refusals, CSRF, sessions kept in the database, signing out."""

from __future__ import annotations

import httpx

from tests.conftest import InProcessServer
from tests.web.support import DHURVE, csrf_token, latest_code, sign_in


def _code_page(client: httpx.Client, login: str) -> httpx.Response:
    form = client.get("/sign-in")
    return client.post(
        "/sign-in", data={"login": login, "next": "/family", "_csrf_token": csrf_token(form.text)},
        follow_redirects=True,
    )  # fmt: skip


def _send(client: httpx.Client, page: httpx.Response, code: str) -> httpx.Response:
    return client.post(
        "/sign-in/code", data={"code": code, "next": "/family", "_csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )  # fmt: skip


class TestCode:
    def test_member_id_works_too_and_the_session_cookie_is_httponly_and_samesite(
        self, browser_client: httpx.Client
    ) -> None:
        """The 9-digit member ID signs in like the mobile number; the session cookie cannot be read by
        scripts and is not sent by other sites' forms."""
        page = _code_page(browser_client, DHURVE.head)
        assert page.status_code == 200 and "200******" not in page.text
        form = browser_client.get("/sign-in/code")
        sent = browser_client.post(
            "/sign-in/code",
            data={"code": latest_code(browser_client, DHURVE.mobile), "next": "/family",
                  "_csrf_token": csrf_token(form.text)},
            follow_redirects=False,
        )  # fmt: skip
        assert sent.status_code == 303 and sent.headers["location"] == "/family"
        cookie = next(c for c in sent.headers.get_list("set-cookie") if c.startswith("seva_session="))
        assert (
            "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()
        )  # plain HTTP here

    def test_a_wrong_code_says_how_many_tries_are_left_then_locks_with_a_clear_message(
        self, browser_client: httpx.Client
    ) -> None:
        page = _code_page(browser_client, DHURVE.mobile)
        first = _send(browser_client, page, "000000")
        assert first.status_code == 400 and "2 attempts left" in first.text and 'href="#code"' in first.text
        _send(browser_client, first, "000001")
        locked = _send(browser_client, first, "000002")
        assert "this code is locked" in locked.text and 'name="code"' not in locked.text
        assert "Send a new code" in locked.text

    def test_a_new_code_only_after_the_wait(self, browser_client: httpx.Client) -> None:
        """Asking again at once says how long to wait, on the code page, in words."""
        page = _code_page(browser_client, DHURVE.mobile)
        again = browser_client.post(
            "/sign-in", data={"login": DHURVE.mobile, "next": "/family", "resend": "1",
                              "_csrf_token": csrf_token(page.text)},
        )  # fmt: skip
        assert again.status_code == 429 and "seconds, then ask for a new code" in again.text
        assert "Enter the code" in again.text

    def test_in_hindi_the_refusal_is_hindi(self, browser_client: httpx.Client) -> None:
        browser_client.cookies.set("seva_lang", "hi")
        page = _code_page(browser_client, DHURVE.mobile)
        wrong = _send(browser_client, page, "000000")
        assert "कोड सही नहीं है" in wrong.text and "not correct" not in wrong.text

    def test_not_a_number_is_said_beside_the_field_and_kept(self, browser_client: httpx.Client) -> None:
        form = browser_client.get("/sign-in")
        answer = browser_client.post(
            "/sign-in", data={"login": "my name", "_csrf_token": csrf_token(form.text)}
        )
        assert (
            answer.status_code == 400 and 'href="#login"' in answer.text and 'value="my name"' in answer.text
        )


class TestCsrf:
    def test_a_form_posted_without_its_token_is_refused(self, browser_client: httpx.Client) -> None:
        """No token, or another token: 403, a page that says what to do; nothing is sent."""
        browser_client.get("/sign-in")
        missing = browser_client.post("/sign-in", data={"login": DHURVE.mobile})
        forged = browser_client.post("/sign-in", data={"login": DHURVE.mobile, "_csrf_token": "0" * 128})
        for answer in (missing, forged):
            assert answer.status_code == 403
            assert "This form has expired" in answer.text and 'content="forbidden"' in answer.text
        messages = browser_client.get("/api/v1/demo/inbox", params={"mobile": DHURVE.mobile}).json()
        assert messages == []

    def test_signed_in_forms_need_it_too(self, browser_client: httpx.Client) -> None:
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        out = browser_client.post("/sign-out")
        assert out.status_code == 403
        assert browser_client.get("/family").status_code == 200  # still signed in

    def test_the_json_api_with_a_bearer_token_needs_no_csrf_token(self, browser_client: httpx.Client) -> None:
        sent = browser_client.post("/api/v1/auth/otp", json={"login": DHURVE.mobile})
        assert sent.status_code == 202, sent.text
        assert "seva_csrf" not in sent.headers.get("set-cookie", "")


class TestSessions:
    def test_signing_out_ends_the_session_everywhere(
        self, web: InProcessServer, browser_client: httpx.Client
    ) -> None:
        """The cookie copied before signing out opens nothing afterwards: the session row is revoked."""
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        copied = browser_client.cookies["seva_session"]
        confirm = browser_client.get("/sign-out")  # the button has a page of its own
        out = browser_client.post(
            "/sign-out", data={"_csrf_token": csrf_token(confirm.text)}, follow_redirects=True
        )
        assert "You have signed out." in out.text
        with web.client() as thief:
            thief.headers["accept"] = "text/html"
            thief.cookies.set("seva_session", copied)
            answer = thief.get("/family", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in?next=%2Ffamily")

    def test_an_idle_session_signs_in_again_and_returns_to_the_same_place(
        self, web: InProcessServer, browser_client: httpx.Client
    ) -> None:
        """Thirty idle minutes end the session; the page asked for sends to sign-in, says why, and after the
        code brings the person back to that page."""
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        web.clock.advance(31 * 60)
        there = "/applications"
        sent_away = browser_client.get(there, follow_redirects=True)
        assert "/sign-in?next=%2Fapplications&ended" in str(sent_away.url)
        assert "You were signed out because the page was left for a while" in sent_away.text
        web.clock.advance(60)  # a new code may be sent
        back = sign_in(browser_client, DHURVE.mobile, DHURVE.mobile, next_page=there)
        assert str(back.url).endswith(there) and back.status_code == 200

    def test_a_new_session_on_every_sign_in(self, browser_client: httpx.Client, web: InProcessServer) -> None:
        """A session cookie set before sign-in (by anyone) is never the one signed in."""
        browser_client.cookies.set("seva_session", "chosen-by-an-attacker", domain="testserver.local")
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        assert browser_client.cookies["seva_session"] != "chosen-by-an-attacker"
