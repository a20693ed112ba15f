"""The citizen's way through the pages, in process."""

from __future__ import annotations

import httpx

from tests.web.support import DHURVE, csrf_token, sign_in


def test_sign_in_then_family(browser_client: httpx.Client) -> None:
    """Signing in lands on the family page with every member."""
    page = sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
    assert page.status_code == 200, page.text
    assert "Sukhiya Dhurve" in page.text and "Gudiya Dhurve" in page.text
    apply = browser_client.get(f"/apply/sj-old-age-pension/{DHURVE.head}")
    assert apply.status_code == 200, apply.text
    print(apply.text)
    token = csrf_token(apply.text)
    sent = browser_client.post(f"/apply/sj-old-age-pension/{DHURVE.head}", data={"_csrf_token": token}, follow_redirects=True)
    print(sent.status_code, sent.text[-3000:])
