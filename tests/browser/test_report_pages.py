"""The auditors' report pages in Chromium: an auditor signs in on the staff sign-in and lands on the
guarantee's report; axe-core on it (and on its error summary) and on the grievances' report, in both
languages at 360 and 1280 px, none scrolling sideways, the charts' words legible on the phone and the
tables' scroll regions reached by keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from gateway.deadlines.tables import DeadlineClock, PenaltyRow
from gateway.grievances.tables import GrievanceRow
from gateway.identity.tables import StaffMember
from tests.browser.test_desk_pages import _sign_in
from tests.browser.test_web import PHONE, WIDE, _check, _context, _fits
from tests.conftest import LiveServer
from tests.grievance_reports.test_reports import GRIEVANCES
from tests.web.support import insert_rows, seed_households
from tests.web.test_reports import CLOCKS, PENALTY

AUDITOR = "9000000041"


_AUDITOR_ROW = {
    "id": "aud-00000000a1", "role": "auditor", "name": "Asha Verma", "mobile": AUDITOR, "department": None,
    "designation": None, "district": None, "tehsil": None, "level": None, "centre": None, "created_at": 0.0,
    "created_by": "test", "revoked_at": None,
}  # fmt: skip


@pytest.fixture
def report_server(tmp_path: Path, server_factory: Callable[..., LiveServer]) -> LiveServer:
    data = tmp_path / "data"
    server = server_factory(
        {"SEVA_DATA_DIR": str(data), "SEVA_DEMO": "1", "SEVA_API_PER_MINUTE": "100000",
         "SEVA_SIGNIN_PER_MINUTE": "1000", "SEVA_OTP_RESEND_SECONDS": "1", "SEVA_OTP_PER_HOUR": "1000"}
    )  # fmt: skip
    url = f"sqlite+aiosqlite:///{data / 'seva.db'}"
    seed_households(url)
    # An auditor's account, the clocks of tests/web/test_reports.py and the grievances of
    # tests/grievance_reports, straight into the tables (the server runs in another process).
    insert_rows(url, [(StaffMember, [_AUDITOR_ROW]), (DeadlineClock, CLOCKS), (PenaltyRow, [PENALTY]),
                      (GrievanceRow, GRIEVANCES)])  # fmt: skip
    return server


def _legible(page: Any) -> None:
    """The smallest word drawn in a chart is still at least 11 px high on the screen."""
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('svg.chart text')]"
        ".map(t => t.getBoundingClientRect().height))"
    )
    assert smallest >= 11, f"{page.url}: a chart's words are {smallest:.1f} px high"


def _tab_to_a_table(page: Any) -> None:
    """A table's scroll region takes the focus from the keyboard (to scroll it with the arrow keys)."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('role')") == "region":
            return
    raise AssertionError(f"{page.url}: no table's scroll region is reached with Tab")


@pytest.mark.parametrize("language", ["en", "hi"])
def test_axe_on_the_report_pages(browser: Any, report_server: LiveServer, language: str) -> None:
    server = report_server
    axe = Axe()
    serious: list[str] = []

    def both_sizes(page: Any, name: str) -> None:
        for viewport in (WIDE, PHONE):
            page.set_viewport_size(viewport)
            if viewport is PHONE:
                _fits(page)
                if page.query_selector("svg.chart"):
                    _legible(page)
            _check(axe, page, f"{language} {viewport['width']} {name}", serious)

    auditor = _context(browser, server, language).new_page()
    _sign_in(auditor, server, "/staff/sign-in", "#mobile", AUDITOR, r"/reports/guarantee$")
    assert auditor.query_selector("table#guarantee-figures") is not None
    both_sizes(auditor, "guarantee report")
    _tab_to_a_table(auditor)
    auditor.fill("#since", "2026-03-10")
    auditor.fill("#until", "2026-03-01")
    auditor.click("main form button[type=submit]")
    auditor.wait_for_selector(".error-summary")
    both_sizes(auditor, "guarantee report with errors")
    auditor.click("header a[href='/reports/grievances']")
    auditor.wait_for_url(re.compile(r"/reports/grievances$"))
    assert auditor.query_selector("table#grievance-figures") is not None
    both_sizes(auditor, "grievance report")
    _tab_to_a_table(auditor)
    auditor.context.close()
    assert serious == [], "\n".join(serious)
