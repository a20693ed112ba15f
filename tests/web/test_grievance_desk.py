"""The officer's grievance inbox on the web page: an officer signs in with a code, sees the grievances with
them (the nearest limit first), attends and resolves one with an action note (the citizen's page then asks
for their say), forwards (counted against the cap), and at level 4 is told, in the page's language, that a
force closure must wait for the notice to run. An officer of another district, level or department sees
nothing; a citizen cannot reach the inbox; a form without its CSRF token is refused."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATABASES, InProcessServer
from tests.grievances.support import Desk, complaint, seeded_desk
from tests.web.support import csrf_token, sign_in
from tests.web.test_desk import _staff_sign_in, _text

L1, L2, L4, INDORE, OTHER_DEPARTMENT = "9000000010", "9000000011", "9000000013", "9000000014", "9000000015"
ENGLISH = ("Grievance inbox", "Attend", "Mark resolved", "What has happened", "Forward", "Status")


@pytest.fixture(params=DATABASES)
def demo(
    request: pytest.FixtureRequest, tmp_path: Path, app_factory: Callable[..., InProcessServer]
) -> Iterator[Desk]:
    with seeded_desk(request.param, tmp_path, app_factory, SEVA_DEMO="1") as desk:
        yield desk


def _officer(desk: Desk, mobile: str) -> httpx.Client:
    client = desk.client().__enter__()
    client.headers["accept"] = "text/html"
    landed = _staff_sign_in(client, mobile)
    assert landed.status_code == 200, landed.text
    return client


def _file(desk: Desk, client: httpx.Client, **changes: str) -> str:
    made = client.post("/api/v1/grievances", json=complaint(**changes), headers=desk.citizen())
    assert made.status_code == 201, made.text
    return str(made.json()["number"])


def _step(client: httpx.Client, number: str, action: str, **fields: str) -> httpx.Response:
    page = client.get(f"/grievance-inbox/{number}")
    assert page.status_code == 200, page.text
    return client.post(
        f"/grievance-inbox/{number}/{action}", data={"_csrf_token": csrf_token(page.text), **fields},
        follow_redirects=True,
    )  # fmt: skip


def test_an_officer_works_the_inbox_and_the_citizen_is_asked(demo: Desk) -> None:
    with demo.client() as api:
        first = _file(demo, api)
        demo.clock.advance(2 * 86400)
        second = _file(demo, api, category="demarcation", place="Kolar")
        elsewhere = _file(demo, api, district="indore")
    officer = _officer(demo, L1)
    inbox = officer.get("/grievance-inbox")
    assert inbox.status_code == 200 and 'href="/grievance-inbox"' in inbox.text  # the header's link
    listed = re.findall(r'href="/grievance-inbox/(G\d{14})"', inbox.text)
    assert listed == [first, second]  # the older limit first; Indore's is not here
    assert elsewhere not in inbox.text and "days left" in _text(inbox)

    empty = _step(officer, first, "resolve", **{"resolve-note": ""})
    assert empty.status_code == 400 and 'href="#resolve-note"' in empty.text
    attended = _step(officer, first, "attend")
    assert attended.status_code == 200 and "/grievance-inbox/" in str(attended.url)
    assert "Attended. The citizen is told" in attended.text and 'action="/grievance-inbox/' in attended.text
    assert f"/grievance-inbox/{first}/attend" not in attended.text  # attended once: the form is gone
    again = officer.post(f"/grievance-inbox/{first}/attend", data={"_csrf_token": csrf_token(attended.text)})
    assert (
        again.status_code == 409
        and 'href="#steps"' in again.text
        and "cannot be acted on now" in _text(again)
    )
    note = "The khasra copy was handed over at the tehsil on Monday."
    resolved = _step(officer, first, "resolve", **{"resolve-note": note})
    assert resolved.status_code == 200 and "Resolved. The citizen is asked" in resolved.text
    assert note in resolved.text and "Nothing is left for you to do" in resolved.text

    with demo.client() as citizen:
        sign_in(citizen, "9876500001", "9876500001", "/grievances")
        asked = citizen.get(f"/grievances/{first}")
        assert asked.status_code == 200 and "Are you satisfied with what was done?" in asked.text
        refused = citizen.get("/grievance-inbox", follow_redirects=False)
        assert refused.status_code == 403 and "Grievance inbox" not in _text(refused), refused.status_code

    forwarded = _step(
        officer, second, "forward",
        topic="revenue/land_records", district="bhopal", **{"forward-note": "About the copy, not the survey"},
    )  # fmt: skip
    assert forwarded.status_code == 200 and "Forwarded." in forwarded.text
    assert "1 of at most 3" in _text(forwarded)
    for _ in range(2):
        assert _step(officer, second, "forward", topic="revenue/land_records", district="bhopal",
                     **{"forward-note": "again"}).status_code == 200  # fmt: skip
    capped = _step(
        officer,
        second,
        "forward",
        topic="revenue/land_records",
        district="bhopal",
        **{"forward-note": "once more"},
    )
    assert capped.status_code == 409 and 'href="#forward-note"' in capped.text
    assert "once more" in capped.text  # what was typed is kept
    assert "3 of at most 3" in _text(capped)
    demo.clock.advance(30 * 86400)  # the watcher is off here: the grievance stays, overdue
    _staff_sign_in(officer, L1)  # the idle session ended
    late = officer.get("/grievance-inbox")
    assert "days overdue" in _text(late) and second in late.text


def test_others_see_nothing_and_forms_need_their_token(demo: Desk) -> None:
    with demo.client() as api:
        number = _file(demo, api)
    for mobile in (INDORE, L2, OTHER_DEPARTMENT):
        other = _officer(demo, mobile)
        assert number not in other.get("/grievance-inbox").text
        page = other.get(f"/grievance-inbox/{number}")
        shown = _text(page)
        assert page.status_code == 404 and "khasra" not in shown and "Bairagarh" not in shown
        token = csrf_token(other.get("/staff/sign-in").text)
        refused = other.post(f"/grievance-inbox/{number}/attend", data={"_csrf_token": token})
        said = _text(refused)
        assert refused.status_code == 403 and "not with you now" in said and "Bairagarh" not in said
    with demo.client() as signed_out:
        signed_out.headers["accept"] = "text/html"
        sent = signed_out.get(f"/grievance-inbox/{number}", follow_redirects=False)
        assert sent.status_code in (302, 303) and "/staff/sign-in?next=" in sent.headers["location"]
    officer = _officer(demo, L1)
    no_token = officer.post(f"/grievance-inbox/{number}/attend", data={})
    assert no_token.status_code == 403
    assert "Attended" not in _text(officer.get(f"/grievance-inbox/{number}"))


def test_force_closure_waits_and_the_hindi_page_says_so(demo: Desk) -> None:
    with demo.client() as api:
        number = _file(demo, api)
        for at in range(1, 4):
            moved = api.post(
                f"/api/v1/grievance-inbox/{number}/escalate", json={"note": "beyond my powers"},
                headers=demo.officer(f"l{at}"),
            )  # fmt: skip
            assert moved.status_code == 200, moved.text
    head = _officer(demo, L4)
    page = head.get(f"/grievance-inbox/{number}")
    assert (
        page.status_code == 200
        and "Close without the citizen" in page.text
        and "Tell the citizen" in page.text
    )
    told = _step(head, number, "force-closure", **{"force-closure-note": "A policy matter"})
    assert told.status_code == 200 and "The citizen is told that the grievance may be closed" in told.text
    head.cookies.set("seva_lang", "hi")
    early = _step(head, number, "force-closure", **{"force-closure-note": "फिर से"})
    assert early.status_code == 409 and "घंटे बाद ही बंद किया जा सकता है" in early.text
    words = _text(early)
    assert not [english for english in ENGLISH if english in words], words
    assert "फिर से" in early.text


def test_a_grievance_moved_up_meanwhile_is_said_so(demo: Desk) -> None:
    with demo.client() as api:
        number = _file(demo, api)
    officer = _officer(demo, L1)
    officer.cookies.set("seva_lang", "hi")
    page = officer.get(f"/grievance-inbox/{number}")
    with demo.client() as api:
        moved = api.post(
            f"/api/v1/grievance-inbox/{number}/escalate", json={"note": "beyond my powers"},
            headers=demo.officer("l1"),
        )  # fmt: skip
        assert moved.status_code == 200, moved.text
    late = officer.post(
        f"/grievance-inbox/{number}/reply",
        data={"_csrf_token": csrf_token(page.text), "reply-note": "देख रहे हैं"},
    )
    said = _text(late)
    assert late.status_code == 403 and "यह शिकायत अभी आपके पास नहीं है" in said and "स्तर 2" in said
    assert 'href="#inbox"' in late.text and "Bairagarh" not in said
