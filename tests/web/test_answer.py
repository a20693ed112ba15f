"""An application an officer returned for a missing document, answered on the web page: the page says what
the officer asked, takes the document, and the desk's clock runs again."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import httpx
from PIL import Image

from gateway.audit import Actor
from gateway.platform.guard import Caller
from schemas.guarantee_api import IssueBody, Reason, ReturnBody
from schemas.identity_api import StaffCreate
from tests.conftest import InProcessServer
from tests.web.support import DHURVE, csrf_token, seed_households, sign_in
from tests.web.test_appeal import _apply_for_a_khasra_copy, _main

ASKED = Reason(en="Attach the B-1 khatauni of the field", hi="खेत की बी-1 खतौनी संलग्न करें")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 120, 30)).save(out, format="JPEG")
    return out.getvalue()


def _returned(web: InProcessServer, client: httpx.Client, reference: str) -> Caller:
    """The Tehsildar of Dindori returns the application, asking for the khatauni; the Tehsildar."""
    seva = web.seva

    async def go() -> Caller:
        made = await seva.identity.service.staff.create(
            StaffCreate(name="Ravi Maravi", mobile="9000000011", role="officer", department="revenue",
                        designation="Tehsildar", district="dindori"),
            Actor.system("test", "staff"),
        )  # fmt: skip
        principal = await seva.identity.service.staff.principal(made.staff_id)
        officer = Caller(
            principal, Actor(subject=principal.subject, role=principal.role, client_ip="127.0.0.1")
        )
        await seva.desk.service.return_to_citizen(
            officer, reference, ReturnBody(message=ASKED, documents=["khasra_b1"])
        )
        return officer

    return client.blocking_portal.call(go)  # type: ignore[no-any-return, attr-defined]


def test_a_returned_application_is_answered_on_the_page(app_factory: Callable[..., InProcessServer]) -> None:
    web = app_factory(
        {"SEVA_DEMO": "1", "SEVA_INPROCESS_WORKERS": "0", "SEVA_CATALOGUE_WATCH_SECONDS": "0",
         "SEVA_LOCAL_DECISIONS": "desk"}
    )  # fmt: skip
    with web.client() as client:
        client.headers["accept"] = "text/html"
        seed_households(web.app.state.settings.database_url)
        sign_in(client, DHURVE.mobile, DHURVE.mobile)
        reference = _apply_for_a_khasra_copy(client)
        before = client.get(f"/applications/{reference}/answer", follow_redirects=False)
        officer = _returned(web, client, reference)
        shown = _main(client.get(f"/applications/{reference}"))
        client.cookies.set("seva_lang", "hi", domain="testserver.local")
        hindi = _main(client.get(f"/applications/{reference}/answer"))
        client.cookies.set("seva_lang", "en", domain="testserver.local")
        form = client.get(f"/applications/{reference}/answer")
        nothing: dict[str, Any] = {"_csrf_token": csrf_token(form.text), "note": "here it is"}
        refused = client.post(f"/applications/{reference}/answer", data=nothing)
        answered = client.post(
            f"/applications/{reference}/answer", data=nothing,
            files={"d-khasra_b1": ("khatauni.jpg", _jpeg(), "image/jpeg")}, follow_redirects=True,
        )  # fmt: skip
        after = client.get(f"/applications/{reference}/answer", follow_redirects=False)
        application = web.seva.applications.service
        final = client.blocking_portal.call(application.get, reference)  # type: ignore[attr-defined]
        # The Tehsildar issues the copy: the page links the signed certificate, printable.
        client.blocking_portal.call(web.seva.desk.service.approve, officer, reference, IssueBody())  # type: ignore[attr-defined]
        issued = _main(client.get(f"/applications/{reference}"))
        link = re.search(r'href="(/certificates/[0-9a-f]{32})"', issued)
        printable = client.get(link.group(1)) if link else None
    assert before.status_code == 303  # nothing asked yet
    assert "The office returned your application and asks:" in shown and ASKED.en in shown
    assert "B-1" in shown and f'href="/applications/{reference}/answer"' in shown
    assert form.status_code == 200 and 'name="d-khasra_b1"' in form.text and ASKED.en in form.text
    assert "कार्यालय को उत्तर दें" in hindi and ASKED.hi in hindi and ASKED.en not in hindi
    assert refused.status_code == 400
    assert (
        '<a href="#d-khasra_b1">Choose the file for' in refused.text
        and 'value="here it is"' not in refused.text
    )
    assert ">here it is</textarea>" in refused.text  # the note is kept
    assert answered.status_code == 200 and str(answered.url).endswith("?answered")
    assert "Your answer was sent. The time limit runs again." in _main(answered)
    assert "The office returned your application" not in _main(answered)
    assert after.status_code == 303  # answered: nothing more to answer
    assert final.status == "in_progress" and "khasra_b1" in {d.type for d in final.documents}
    assert [e.kind for e in final.timeline][-2:] == ["returned", "answered"]
    assert "Your certificate" in issued and printable is not None and printable.status_code == 200
    assert DHURVE.head_name_en in printable.text and 'id="jws"' in printable.text


def test_a_departments_own_certificate_has_no_page_here(
    web: InProcessServer, browser_client: httpx.Client
) -> None:
    """A department that issues through its own system sends its certificate's number only: the
    application's page shows as issued, with no link to a page seva does not have."""
    from sqlalchemy import update

    from gateway.applications import APPLICATIONS

    client = browser_client
    sign_in(client, DHURVE.mobile, DHURVE.mobile)
    reference = _apply_for_a_khasra_copy(client)

    async def issued_elsewhere() -> None:
        async with web.seva.platform.engine.begin() as conn:
            await conn.execute(
                update(APPLICATIONS)
                .where(APPLICATIONS.c.reference == reference)
                .values(status="issued", certificate='{"number": "RC/2026/118"}')
            )

    client.blocking_portal.call(issued_elsewhere)  # type: ignore[attr-defined]
    page = client.get(f"/applications/{reference}")
    assert page.status_code == 200 and "Issued" in _main(page)
    assert "/certificates/" not in page.text
