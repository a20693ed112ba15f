"""The staff pages in Chromium: axe-core on the staff sign-in, the desk, an application at the desk (and
its error summary), a field officer's verifications (and their error summary), the grievance inbox and a
grievance there (and its error summary), and the appeals page, in both languages at 360 and 1280 px, none
scrolling sideways."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import insert

from gateway.database import create_engine
from gateway.identity.tables import StaffMember
from tests.browser.test_web import (
    PHONE,
    WIDE,
    _ask_for_a_khasra_copy,
    _check,
    _code_from_inbox,
    _context,
    _fits,
)
from tests.conftest import LiveServer
from tests.web.support import DHURVE, seed_households

TEHSILDAR = "9000000031"
SDO = "9000000032"
PATWARI = "9000000033"


def _seed_staff(url: str) -> None:
    """A Tehsildar of Dindori (revenue), a Patwari (the field officer) and the SDO who hears first appeals
    there, straight into the table (the server runs in another process)."""

    async def go() -> None:
        engine = create_engine(url)
        rows = [
            {"id": "off-00000000a1", "role": "officer", "name": "Ravi Maravi", "mobile": TEHSILDAR,
             "department": "revenue", "designation": "Tehsildar", "district": "dindori", "level": None},
            {"id": "off-00000000a3", "role": "officer", "name": "Lal Singh", "mobile": PATWARI,
             "department": "revenue", "designation": "Patwari", "district": "dindori", "level": None},
            {"id": "app-00000000a2", "role": "appellate", "name": "S. Khan", "mobile": SDO,
             "department": None, "designation": "SDO (Revenue)", "district": "dindori", "level": 1},
        ]  # fmt: skip
        try:
            async with engine.begin() as conn:
                for row in rows:
                    await conn.execute(
                        insert(StaffMember.__table__).values(  # type: ignore[attr-defined]
                            **row, tehsil=None, centre=None, created_at=time.time(), created_by="test",
                            revoked_at=None,
                        )
                    )  # fmt: skip
        finally:
            await engine.dispose()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, go()).result()


@pytest.fixture
def desk_server(tmp_path: Path, server_factory: Callable[..., LiveServer]) -> LiveServer:
    data = tmp_path / "data"
    server = server_factory(
        {"SEVA_DATA_DIR": str(data), "SEVA_DEMO": "1", "SEVA_LOCAL_DECISIONS": "desk",
         "SEVA_API_PER_MINUTE": "100000", "SEVA_SIGNIN_PER_MINUTE": "1000", "SEVA_OTP_RESEND_SECONDS": "1",
         "SEVA_OTP_PER_HOUR": "1000"}
    )  # fmt: skip
    url = f"sqlite+aiosqlite:///{data / 'seva.db'}"
    seed_households(url)
    _seed_staff(url)
    return server


def _sign_in(page: Any, server: LiveServer, path: str, field: str, login: str, lands: str) -> None:
    page.goto(server.url + path)
    page.fill(field, login)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/code"))
    page.fill("#code", _code_from_inbox(page, server))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(lands))


@pytest.mark.parametrize("language", ["en", "hi"])
def test_axe_on_the_staff_pages(browser: Any, desk_server: LiveServer, language: str) -> None:
    server = desk_server
    axe = Axe()
    serious: list[str] = []

    def both_sizes(page: Any, name: str) -> None:
        for viewport in (WIDE, PHONE):
            page.set_viewport_size(viewport)
            if viewport is PHONE:
                _fits(page)
            _check(axe, page, f"{language} {viewport['width']} {name}", serious)

    citizen = _context(browser, server, language).new_page()
    _sign_in(citizen, server, "/sign-in", "#login", DHURVE.mobile, r"/family$")
    citizen.goto(server.url + f"/apply/{'rev-khasra-copy'}/{DHURVE.head}")
    _ask_for_a_khasra_copy(citizen)
    citizen.click("#submit")
    citizen.wait_for_url(re.compile(r"\?submitted$"))
    reference = citizen.inner_text(".reference").replace(" ", "")
    citizen.goto(server.url + "/grievances/new")
    citizen.select_option("#kind", "complaint")
    citizen.select_option("#topic", "revenue/land_records")
    citizen.select_option("#district", "dindori")
    citizen.fill("#place", "Kharidih")
    citizen.fill("#text", "The khasra copy was not given though the fee was paid.")
    citizen.click("main form button[type=submit]")
    citizen.wait_for_url(re.compile(r"/grievances/G\d{14}\?filed$"))
    grievance = citizen.url.split("/grievances/")[1].split("?")[0]
    citizen.context.close()

    officer = _context(browser, server, language).new_page()
    officer.goto(server.url + "/staff/sign-in")
    both_sizes(officer, "staff sign-in")
    _sign_in(officer, server, "/staff/sign-in", "#mobile", TEHSILDAR, r"/desk$")
    both_sizes(officer, "desk")
    officer.click(f"main a[href='/desk/{reference}']")
    officer.wait_for_url(re.compile(r"/desk/\d{13}$"))
    both_sizes(officer, "application at the desk")
    officer.click("#reject + form button[type=submit]")  # no reason in either language
    officer.wait_for_selector(".error-summary")
    both_sizes(officer, "reject with errors")
    officer.select_option("#field-officer", "off-00000000a3")
    officer.fill("#instructions", "Check the boundary stones")
    officer.click("#verify + form button[type=submit]")
    officer.wait_for_url(re.compile(r"\?done=verification$"))
    officer.click("header a[href='/grievance-inbox']")
    officer.wait_for_url(re.compile(r"/grievance-inbox$"))
    both_sizes(officer, "grievance inbox")
    officer.click(f"main a[href='/grievance-inbox/{grievance}']")
    officer.wait_for_url(re.compile(r"/grievance-inbox/G\d{14}$"))
    both_sizes(officer, "grievance at the officer's page")
    officer.click("#resolve + form button[type=submit]")  # no action note
    officer.wait_for_selector(".error-summary")
    both_sizes(officer, "resolve with errors")
    officer.context.close()

    field = _context(browser, server, language).new_page()
    _sign_in(field, server, "/staff/sign-in", "#mobile", PATWARI, r"/desk$")
    field.click("header a[href='/field-verifications']")
    field.wait_for_url(re.compile(r"/field-verifications$"))
    both_sizes(field, "field verifications")
    field.click("main form button[type=submit]")  # nothing found, nothing written
    field.wait_for_selector(".error-summary")
    both_sizes(field, "field report with errors")
    field.context.close()

    sdo = _context(browser, server, language).new_page()
    _sign_in(sdo, server, "/staff/sign-in", "#mobile", SDO, r"/appeals$")
    both_sizes(sdo, "appeals")
    sdo.context.close()
    assert serious == []
