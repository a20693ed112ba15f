"""The guarantee on the citizen's pages: an application's time limit, the appeal the watcher opened when
it passed, and the citizen's own appeal from a page of its own, in both languages."""

from __future__ import annotations

import re

import httpx

from tests.conftest import InProcessServer
from tests.web.support import DHURVE, SHARMA, csrf_token, seed_households, sign_in

KHASRA = "rev-khasra-copy"  # one working day under the Act; appeals to the SDO, then the Collector
DAY = 86400


def _apply_for_a_khasra_copy(client: httpx.Client) -> str:
    form = client.get(f"/apply/{KHASRA}/{DHURVE.head}")
    fields = {
        "f-record_type": "khasra", "f-village": "Kharidih", "f-tehsil": "Samnapur", "f-khasra_number": "142/3"
    }  # fmt: skip
    check = client.post(
        f"/apply/{KHASRA}/{DHURVE.head}", data={"_csrf_token": csrf_token(form.text), **fields},
        follow_redirects=True,
    )  # fmt: skip
    assert str(check.url).endswith("/check"), check.text
    sent = client.post(str(check.url), data={"_csrf_token": csrf_token(check.text)}, follow_redirects=True)
    assert "?submitted" in str(sent.url)
    return str(sent.url).split("/applications/")[1].split("?")[0]


def _sweep(web: InProcessServer, client: httpx.Client) -> None:
    """Let the deadline watcher act on everything due at the clock's time."""
    while client.blocking_portal.call(web.seva.deadlines.watcher.sweep):  # type: ignore[attr-defined]
        pass


def _main(page: httpx.Response) -> str:
    return re.sub(r"\s+", " ", page.text.split("<main", 1)[1].split("</main>", 1)[0])


def test_a_late_application_is_appealed_for_the_citizen_who_then_appeals_again(
    web: InProcessServer, browser_client: httpx.Client
) -> None:
    client = browser_client
    sign_in(client, DHURVE.mobile, DHURVE.mobile)
    reference = _apply_for_a_khasra_copy(client)
    shown = _main(client.get(f"/applications/{reference}"))
    assert "Time limit under the law" in shown and "left for the decision" in shown
    assert "Appeal" not in shown

    # A week on, the watcher finds the limit passed and appeals to the SDO for her.
    web.clock.advance(7 * DAY)
    _sweep(web, client)
    sign_in(client, DHURVE.mobile, DHURVE.mobile)  # a week idle ended the session
    shown = _main(client.get(f"/applications/{reference}"))
    assert "The time limit passed on" in shown
    assert "First appeal</strong> – SDO (Revenue)" in shown
    assert "Opened for you when the time limit passed" in shown and "Waiting for the order, due by" in shown
    assert f'href="/applications/{reference}/appeal"' not in shown  # the SDO's order is not yet late
    nothing = client.get(f"/applications/{reference}/appeal", follow_redirects=False)
    assert nothing.status_code == 303 and nothing.headers["location"] == f"/applications/{reference}"

    # The SDO's 30 working days pass without an order: she may go to the Collector.
    web.clock.advance(50 * DAY)
    sign_in(client, DHURVE.mobile, DHURVE.mobile)
    shown = _main(client.get(f"/applications/{reference}"))
    assert "You may appeal to the Collector until" in shown
    form = client.get(f"/applications/{reference}/appeal")
    assert form.status_code == 200 and "Second appeal" in form.text

    empty = client.post(
        f"/applications/{reference}/appeal", data={"_csrf_token": csrf_token(form.text), "grounds": "  "}
    )
    assert empty.status_code == 400
    assert '<a href="#grounds">Say why you appeal.</a>' in empty.text and 'id="grounds-error"' in empty.text
    no_token = client.post(f"/applications/{reference}/appeal", data={"grounds": "late"})
    assert no_token.status_code == 403

    filed = client.post(
        f"/applications/{reference}/appeal",
        data={"_csrf_token": csrf_token(form.text), "grounds": "Two months and no copy of my khasra"},
        follow_redirects=True,
    )
    assert filed.status_code == 200 and str(filed.url).endswith(f"/applications/{reference}?appealed")
    shown = _main(filed)
    assert "Your appeal was sent." in shown
    assert "Second appeal</strong> – Collector" in shown and "Filed by you" in shown
    assert "You may appeal" not in shown  # both appeals are filed

    # In Hindi, every word of it, the authorities' titles included.
    client.cookies.set("seva_lang", "hi", domain="testserver.local")
    hindi = _main(client.get(f"/applications/{reference}"))
    assert "कानून के अनुसार समय-सीमा" in hindi and "दूसरी अपील" in hindi and "कलेक्टर" in hindi
    assert "समय-सीमा बीतने पर आपकी ओर से अपने आप दर्ज" in hindi and "आपके द्वारा दर्ज" in hindi
    assert "Collector" not in hindi and "SDO" not in hindi and "appeal" not in hindi.lower()


def test_another_family_cannot_see_or_appeal_the_application(web: InProcessServer) -> None:
    with web.client() as dhurve, web.client() as sharma:
        for client in (dhurve, sharma):
            client.headers["accept"] = "text/html"
        seed_households(web.app.state.settings.database_url)
        sign_in(dhurve, DHURVE.mobile, DHURVE.mobile)
        reference = _apply_for_a_khasra_copy(dhurve)
        sign_in(sharma, SHARMA.mobile, SHARMA.mobile)
        page = sharma.get(f"/applications/{reference}/appeal")
        form = sharma.get("/sign-out")
        posted = sharma.post(
            f"/applications/{reference}/appeal",
            data={"_csrf_token": csrf_token(form.text), "grounds": "not mine"},
        )
    assert page.status_code == 404 and posted.status_code == 404, (page.status_code, posted.status_code)
    for answer in (page, posted):
        assert DHURVE.head_name_en not in _main(answer) and "Kharidih" not in _main(answer)
