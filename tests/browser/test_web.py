"""The citizen's web page in Debian's Chromium, on a real ``seva serve`` in demo mode.

The whole way (search, a service, sign-in through the demo inbox, the family page, apply, check, send, an
issued application) in English and in Hindi at 360 x 740 with no horizontal scrolling; the same way by
keyboard alone; axe-core on every page in both languages at 360 and 1280 px; and with JavaScript off,
sign-in, apply (with an upload) and track.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from tests.conftest import LiveServer
from tests.web.support import DHURVE

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 800}
KHASRA = "rev-khasra-copy"  # a revenue copy the demo office issues
PENSION = "sj-old-age-pension"
WORDS = {
    "en": {"search": "khasra", "issued": "Issued", "sent": "Application sent"},
    "hi": {"search": "खसरा", "issued": "जारी किया गया", "sent": "आवेदन भेज दिया गया"},
}


def _context(browser: Any, server: LiveServer, language: str, **options: Any) -> Any:
    context = browser.new_context(viewport=options.pop("viewport", PHONE), **options)
    context.set_default_timeout(60_000)  # a loaded machine may be slow; conditions are still awaited
    context.add_cookies([{"name": "seva_lang", "value": language, "url": server.url}])
    return context


def _fits(page: Any) -> None:
    """No horizontal scrolling: the page is no wider than the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways: {width} px"


def _code_from_inbox(page: Any, server: LiveServer) -> str:
    """Open the demo inbox (one link away, in the footer), read the newest code, come back."""
    back = page.url
    page.click('footer a[href="/demo/inbox"]')
    page.wait_for_url(re.compile(r"/demo/inbox$"))
    _fits(page)
    codes = re.findall(r"\b(\d{6})\b", page.inner_text("tbody"))
    assert codes, "no code in the demo inbox"
    page.goto(back)
    return codes[0]


def _wait_for_text(page: Any, text: str, seconds: float = 60.0) -> None:
    """Reload until ``text`` shows (the department decides in the background); bounded, not a fixed sleep."""
    deadline = time.monotonic() + seconds
    while text not in page.inner_text("main"):
        assert time.monotonic() < deadline, f"{text!r} never showed on {page.url}"
        page.wait_for_timeout(250)
        page.reload()


@pytest.fixture
def server(web_server: LiveServer) -> Iterator[LiveServer]:
    yield web_server


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_whole_way_on_a_phone(browser: Any, server: LiveServer, language: str) -> None:
    """From the start page to an issued copy of the land record, at 360 x 740, in one language throughout."""
    words = WORDS[language]
    context = _context(browser, server, language)
    page = context.new_page()
    page.goto(server.url + "/")
    assert page.get_attribute("html", "lang") == language
    _fits(page)
    page.fill("#q", words["search"])
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/services\?q="))
    _fits(page)
    page.click(f'main a[href="/services/{KHASRA}"]')
    page.wait_for_url(re.compile(rf"/services/{KHASRA}$"))
    _fits(page)
    page.click(f'a[href="/apply/{KHASRA}"]')
    page.wait_for_url(re.compile(r"/sign-in\?"))  # signed out: sign in first, and come back
    _fits(page)
    page.fill("#login", DHURVE.mobile)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/sign-in/code"))
    _fits(page)
    page.fill("#code", _code_from_inbox(page, server))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/apply/{KHASRA}/{DHURVE.head}$"))
    _fits(page)
    assert page.locator('input[name="f-mobile"]').count() == 0  # the registry's number, never asked
    _ask_for_a_khasra_copy(page)
    _fits(page)
    page.click("#submit")
    page.wait_for_url(re.compile(r"\?submitted$"))
    assert words["sent"] in page.inner_text("h1")
    _fits(page)
    reference = page.inner_text(".reference")
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d", reference), reference
    page.goto(server.url + "/applications")
    _fits(page)
    page.click(f"main a[href='/applications/{reference.replace(' ', '')}']")
    page.wait_for_url(re.compile(r"/applications/\d{13}$"))
    _wait_for_text(page, words["issued"])
    _fits(page)
    page.goto(server.url + "/family")
    _fits(page)
    assert page.get_attribute("html", "lang") == language
    context.close()


def _ask_for_a_khasra_copy(page: Any) -> None:
    """Fill the khasra copy's form (open on ``page``) and go on to the check page."""
    page.check("#f-record_type")
    page.fill("#f-village", "Kharidih")
    page.fill("#f-tehsil", "Samnapur")
    page.fill("#f-khasra_number", "142/3")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/check$"))


def _tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus, as a person without a mouse does."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


def test_the_same_way_by_keyboard_alone(browser: Any, server: LiveServer) -> None:
    """Tab, type, Space and Enter only: search, a service, sign-in, apply, check, send."""
    page = _context(browser, server, "en").new_page()
    page.goto(server.url + "/")
    keys = page.keyboard
    _tab_to(page, "a.skip")  # the first stop: skip to the content
    _tab_to(page, "#q")
    keys.type("khasra")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/services\?q=khasra"))
    _tab_to(page, f'main a[href="/services/{KHASRA}"]')
    keys.press("Enter")
    page.wait_for_url(re.compile(rf"/services/{KHASRA}$"))
    _tab_to(page, f'a[href="/apply/{KHASRA}"]')
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/sign-in"))
    _tab_to(page, "#login")
    keys.type(DHURVE.mobile)
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/sign-in/code"))
    code = _code_from_inbox(page, server)
    _tab_to(page, "#code")
    keys.type(code)
    keys.press("Enter")
    page.wait_for_url(re.compile(rf"/apply/{KHASRA}/"))
    _tab_to(page, "#f-record_type")
    keys.press("Space")
    for field, text in (("#f-village", "Kharidih"), ("#f-tehsil", "Samnapur"), ("#f-khasra_number", "142/3")):
        _tab_to(page, field)
        keys.type(text)
    _tab_to(page, "main form button[type=submit]")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/check$"))
    _tab_to(page, "#submit")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"\?submitted"))
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d", page.inner_text(".reference"))


def test_a_form_error_is_reached_from_the_summary_by_keyboard(browser: Any, server: LiveServer) -> None:
    """The error summary takes the focus; its link takes the person to the field."""
    page = _context(browser, server, "en").new_page()
    page.goto(server.url + "/track?reference=12")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    _tab_to(page, '.error-summary a[href="#reference"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "reference"


def _signed_in_page(browser: Any, server: LiveServer, language: str, viewport: dict[str, int]) -> Any:
    page = _context(browser, server, language, viewport=viewport).new_page()
    page.goto(server.url + "/sign-in")
    page.fill("#login", DHURVE.mobile)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/sign-in/code"))
    page.fill("#code", _code_from_inbox(page, server))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/family$"))
    return page


PUBLIC_PAGES = [
    "/", "/services?q=pension", f"/services/{PENSION}", "/services?event=birth", "/track",
    "/track?reference=12", "/audit?department=tribal_affairs", "/audit/services/ta-aahar-anudan", "/sign-in",
    "/demo/inbox", "/no-such-page", "/verify", "/verify?token=not.a.certificate",
]  # fmt: skip
CITIZEN_PAGES = ["/family", f"/apply/{PENSION}/{DHURVE.head}", "/applications", "/documents"]


@pytest.mark.parametrize("language", ["en", "hi"])
def test_axe_finds_nothing_serious_on_any_page(browser: Any, server: LiveServer, language: str) -> None:
    """axe-core (the copy shipped in axe-playwright-python, never fetched) on every page, at 360 and
    1280 px: no serious or critical violation; and no page scrolls sideways on a phone."""
    axe = Axe()
    serious: list[str] = []
    for viewport in (PHONE, WIDE):
        page = _signed_in_page(browser, server, language, viewport)
        visits = [*PUBLIC_PAGES, *CITIZEN_PAGES]
        for path in visits:
            page.goto(server.url + path)
            _fits(page)
            _check(axe, page, f"{language} {viewport['width']} {path}", serious)
        # A form with its errors, and the code page.
        page.goto(server.url + f"/apply/{PENSION}/{DHURVE.head}")
        page.click("main form button[type=submit]")
        page.wait_for_selector(".error-summary")
        _check(axe, page, f"{language} {viewport['width']} apply with errors", serious)
        page.context.close()
    assert serious == []


@pytest.mark.parametrize("language", ["en", "hi"])
def test_axe_on_the_pages_on_the_way(browser: Any, server: LiveServer, language: str) -> None:
    """The pages reached only on the way: the code page, the check page, the confirmation, one
    application, the sign-out page; each at 360 and 1280 px, in both languages."""
    axe = Axe()
    serious: list[str] = []

    def both_sizes(name: str) -> None:
        for viewport in (WIDE, PHONE):
            page.set_viewport_size(viewport)
            if viewport is PHONE:
                _fits(page)
            _check(axe, page, f"{language} {viewport['width']} {name}", serious)

    page = _context(browser, server, language).new_page()
    page.goto(server.url + "/sign-in")
    page.fill("#login", DHURVE.mobile)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/sign-in/code"))
    both_sizes("code")
    page.fill("#code", _code_from_inbox(page, server))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/family$"))
    page.goto(server.url + f"/apply/{KHASRA}/{DHURVE.head}")
    _ask_for_a_khasra_copy(page)
    both_sizes("check")
    page.click("#submit")
    page.wait_for_url(re.compile(r"\?submitted$"))
    both_sizes("confirmation")
    reference = page.inner_text(".reference").replace(" ", "")
    page.goto(server.url + f"/applications/{reference}")
    both_sizes("application")
    page.goto(server.url + "/sign-out")
    both_sizes("sign-out")
    page.context.close()
    assert serious == []


def _check(axe: Axe, page: Any, where: str, found: list[str]) -> None:
    results = axe.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            nodes = "; ".join(n["target"][0] for n in violation["nodes"][:3])
            found.append(f"{where}: {violation['id']} ({violation['impact']}) at {nodes}")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 160), (240, 240, 230)).save(out, format="PNG")
    return out.getvalue()


def test_with_javascript_off_sign_in_apply_and_track_still_work(browser: Any, server: LiveServer) -> None:
    """Forms post and redirect: sign-in, the pension with two uploads, the check page, the confirmation,
    and the public tracking page, all without a line of script."""
    context = _context(browser, server, "hi", java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "/sign-in")
    page.fill("#login", DHURVE.mobile)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/sign-in/code"))
    page.fill("#code", _code_from_inbox(page, server))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/family$"))
    page.click(f'a[href="/apply/{PENSION}/{DHURVE.head}"]')
    page.wait_for_url(re.compile(rf"/apply/{PENSION}/"))
    page.fill("#f-bank_account_number", "123456789012")
    page.fill("#f-ifsc", "SBIN0001234")
    for field in ("#d-bank_passbook", "#d-photo"):
        page.set_input_files(field, {"name": "scan.png", "mimeType": "image/png", "buffer": _png()})
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/check$"))
    page.click("#submit")
    page.wait_for_url(re.compile(r"\?submitted$"))
    reference = page.inner_text(".reference")
    context.clear_cookies()  # anyone, signed out
    context.add_cookies([{"name": "seva_lang", "value": "hi", "url": server.url}])
    page.goto(server.url + "/track")
    page.fill("#reference", reference)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/track\?reference="))
    shown = page.inner_text("main")
    assert reference in shown and "इंदिरा गांधी राष्ट्रीय वृद्धावस्था पेंशन" in shown
    assert "सुखिया" not in shown and DHURVE.head not in shown
    context.close()
