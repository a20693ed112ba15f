"""A person signs in through the demo inbox page in a real Chromium.

Needs Debian's ``chromium`` at /usr/bin/chromium (or ``SEVA_CHROMIUM``) and the ``playwright`` package;
without them the tests skip, as the README says. ``.ci/run`` installs both, so CI always runs them.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(tmp_path: Path, server_factory: Callable[..., LiveServer]) -> tuple[LiveServer, Path]:
    """A demo-mode server over a small synthetic registry in its own SQLite file."""
    data = tmp_path / "data"
    env = {**os.environ, "SEVA_DATA_DIR": str(data), "SEVA_DEMO": "1"}
    env.pop("SEVA_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "gateway.cli", "registry", "demo", "--families", "20"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    server = server_factory({"SEVA_DATA_DIR": str(data), "SEVA_DEMO": "1", "SEVA_INPROCESS_WORKERS": "0"})
    return server, data / "seva.db"


def _a_head_of_family(db: Path) -> tuple[str, str]:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT mobile, family_id FROM members WHERE relation = 'head' AND mobile IS NOT NULL LIMIT 1"
        ).fetchone()
    assert row, "the demo registry has no head of family with a mobile number"
    return str(row[0]), str(row[1])


def test_citizen_reads_the_code_in_the_inbox_and_signs_in(
    browser: object, demo_server: tuple[LiveServer, Path], tmp_path: Path
) -> None:
    """The code sent by SMS shows on the demo inbox page, and typing it back signs the citizen in."""
    server, db = demo_server
    mobile, family_id = _a_head_of_family(db)
    with server.client() as client:
        sent = client.post("/api/v1/auth/otp", json={"login": mobile})
        assert sent.status_code == 202, sent.text

        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(f"{server.url}/demo/inbox?mobile={mobile}")
        assert "Demo inbox" in page.title() + page.inner_text("h1")
        text = page.inner_text("tbody")
        page.screenshot(path=str(tmp_path / "inbox.png"))
        codes = re.findall(r"\b(\d{6})\b", text)
        assert codes, f"no six-digit code on the inbox page: {text!r}"
        assert mobile not in text, "the inbox must show the number masked"

        verified = client.post(
            "/api/v1/auth/otp/verify", json={"challenge_id": sent.json()["challenge_id"], "code": codes[0]}
        )
        assert verified.status_code == 200, verified.text
        token = verified.json()["access_token"]
        family = client.get(f"/api/v1/families/{family_id}", headers={"Authorization": f"Bearer {token}"})
        assert family.status_code == 200, family.text
        assert family.json()["family_id"] == family_id


def test_inbox_is_absent_outside_demo_mode(
    browser: object, tmp_path: Path, server_factory: Callable[..., LiveServer]
) -> None:
    """Without demo mode the inbox page is the not-found page, not a list of codes."""
    server = server_factory({"SEVA_DATA_DIR": str(tmp_path / "plain")})
    page = browser.new_page()  # type: ignore[attr-defined]
    response = page.goto(f"{server.url}/demo/inbox")
    assert response is not None and response.status == 404
    assert "not_found" in page.content()
