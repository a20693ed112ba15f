"""The API's Swagger UI page works in a real Chromium under seva's Content-Security-Policy: every script and
style comes from a file, so the page loads the OpenAPI document and lists the operations with no part of
it refused by the policy.

Needs Debian's ``chromium``; the browser comes from tests/browser/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_swagger_ui_runs_with_no_part_refused_by_the_policy(
    browser: object, tmp_path: Path, server_factory: Callable[..., LiveServer]
) -> None:
    """The page lists the operations; Chromium reports no violation of the Content-Security-Policy."""
    server = server_factory({"SEVA_DATA_DIR": str(tmp_path / "data")})
    page = browser.new_page()  # type: ignore[attr-defined]
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Security Policy" in message.text else None
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{server.url}/schema/swagger")
    assert response is not None and response.status == 200
    assert "'unsafe-inline'" not in (response.headers.get("content-security-policy") or "")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() >= 25, page.content()[:300]
    page.locator(".opblock").first.click()  # opening an operation renders its parameters and schemas
    page.wait_for_selector(".opblock-body", timeout=10_000)
    page.screenshot(path=str(tmp_path / "swagger.png"))
    assert refused == []
