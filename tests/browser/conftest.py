"""Debian's Chromium through Playwright, and a demo-mode ``seva serve`` over the web tests' households.

Needs ``/usr/bin/chromium`` (or ``SEVA_CHROMIUM``) and the ``playwright`` package; without them the tests
skip, as the README says. ``.ci/run`` installs both, so CI always runs them. No browser is downloaded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer

CHROMIUM = os.environ.get("SEVA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture
def web_server(tmp_path: Path, server_factory: Callable[..., LiveServer]) -> LiveServer:
    """A real ``seva serve`` in demo mode (codes in the demo inbox, departments inside the gateway, delivery
    in the process) over the Dindori and Bhopal households."""
    from tests.web.support import seed_households

    data = tmp_path / "data"
    server = server_factory(
        {"SEVA_DATA_DIR": str(data), "SEVA_DEMO": "1", "SEVA_DELIVERY_POLL_SECONDS": "0.5",
         "SEVA_API_PER_MINUTE": "100000", "SEVA_SIGNIN_PER_MINUTE": "1000", "SEVA_OTP_RESEND_SECONDS": "1",
         "SEVA_OTP_PER_HOUR": "1000"}
    )  # fmt: skip
    seed_households(f"sqlite+aiosqlite:///{data / 'seva.db'}")
    return server
