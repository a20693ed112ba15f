"""The officer's side of the web page: staff sign in with a code to their own mobile, the desk lists what
is due (nearest deadline first), and the officer approves, rejects and returns applications; officers
elsewhere, citizens and forms without their CSRF token are refused; an appellate authority makes an order."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest

from gateway.audit import Actor
from schemas.identity_api import StaffCreate
from tests.conftest import InProcessServer
from tests.web.support import DHURVE, csrf_token, latest_code, seed_households, sign_in
from tests.web.test_appeal import _main, _sweep

KHASRA = "rev-khasra-copy"  # revenue, decided at the desk, one working day under the Act
DAY = 86400
TEHSILDAR = "9000000021"  # revenue, Dindori, tehsil Samnapur
PATWARI = "9000000022"  # revenue, Dindori: the field officer
SHAHPURA = "9000000023"  # revenue, Dindori, another tehsil
OTHER_DEPARTMENT = "9000000024"  # general administration, Dindori
SDO = "9000000025"  # first appellate authority, Dindori


@pytest.fixture
def desk_web(app_factory: Callable[..., InProcessServer]) -> InProcessServer:
    return app_factory(
        {"SEVA_DEMO": "1", "SEVA_INPROCESS_WORKERS": "0", "SEVA_CATALOGUE_WATCH_SECONDS": "0",
         "SEVA_LOCAL_DECISIONS": "desk"}
    )  # fmt: skip


@pytest.fixture
def citizen(desk_web: InProcessServer) -> Iterator[httpx.Client]:
    with desk_web.client() as client:
        client.headers["accept"] = "text/html"
        seed_households(desk_web.app.state.settings.database_url)
        _seed_staff(desk_web, client)
        sign_in(client, DHURVE.mobile, DHURVE.mobile)
        yield client


def _seed_staff(web: InProcessServer, client: httpx.Client) -> None:
    staff = web.seva.identity.service.staff
    accounts = [
        ("Ravi Maravi", TEHSILDAR, "officer", "revenue", "Tehsildar", "Samnapur", None),
        ("Lal Singh", PATWARI, "officer", "revenue", "Patwari", None, None),
        ("Om Joshi", SHAHPURA, "officer", "revenue", "Tehsildar", "Shahpura", None),
        ("Nina Rao", OTHER_DEPARTMENT, "officer", "general_administration", "Naib Tehsildar", None, None),
        ("S. Khan", SDO, "appellate", None, "SDO (Revenue)", None, 1),
    ]

    async def go() -> None:
        for name, mobile, role, department, designation, tehsil, level in accounts:
            await staff.create(
                StaffCreate(name=name, mobile=mobile, role=role, department=department,
                            designation=designation, district="dindori", tehsil=tehsil, level=level),
                Actor.system("test", "staff"),
            )  # fmt: skip

    client.blocking_portal.call(go)  # type: ignore[attr-defined]


def _apply(client: httpx.Client, khasra: str) -> str:
    form = client.get(f"/apply/{KHASRA}/{DHURVE.head}")
    fields = {
        "f-record_type": "khasra",
        "f-village": "Kharidih",
        "f-tehsil": "Samnapur",
        "f-khasra_number": khasra,
    }
    check = client.post(
        f"/apply/{KHASRA}/{DHURVE.head}", data={"_csrf_token": csrf_token(form.text), **fields},
        follow_redirects=True,
    )  # fmt: skip
    sent = client.post(str(check.url), data={"_csrf_token": csrf_token(check.text)}, follow_redirects=True)
    assert "?submitted" in str(sent.url), sent.text
    return str(sent.url).split("/applications/")[1].split("?")[0]


def _text(page: httpx.Response) -> str:
    """The words of the page's main part, without its markup."""
    return re.sub(r"<[^>]+>", " ", _main(page))


def _staff_sign_in(client: httpx.Client, mobile: str) -> httpx.Response:
    form = client.get("/staff/sign-in")
    sent = client.post(
        "/staff/sign-in", data={"mobile": mobile, "next": "", "_csrf_token": csrf_token(form.text)},
        follow_redirects=True,
    )  # fmt: skip
    assert sent.status_code == 200 and "/staff/sign-in/code" in str(sent.url), sent.text
    return client.post(
        "/staff/sign-in/code",
        data={"code": latest_code(client, mobile), "next": "", "_csrf_token": csrf_token(sent.text)},
        follow_redirects=True,
    )


def _staff_client(web: InProcessServer, mobile: str) -> httpx.Client:
    client = web.client().__enter__()
    client.headers["accept"] = "text/html"
    try:
        landed = _staff_sign_in(client, mobile)
        assert landed.status_code == 200, landed.text
    except BaseException:
        client.__exit__(None, None, None)  # left open, the application would never stop
        raise
    return client


def test_an_officer_signs_in_and_approves_rejects_and_returns(
    desk_web: InProcessServer, citizen: httpx.Client
) -> None:
    first = _apply(citizen, "142/1")
    desk_web.clock.advance(DAY)
    sign_in(citizen, DHURVE.mobile, DHURVE.mobile)  # a day idle ended the session
    second = _apply(citizen, "142/2")
    third = _apply(citizen, "142/3")
    refused_citizen = citizen.get("/desk", follow_redirects=False)

    officer = web_officer = _staff_client(desk_web, TEHSILDAR)
    try:
        desk = officer.get("/desk")
        listed = _main(desk)
        case = officer.get(f"/desk/{first}")
        shown = _main(case)
        token = csrf_token(case.text)
        no_token = officer.post(f"/desk/{first}/approve", data={"remarks": ""})
        approved = officer.post(
            f"/desk/{first}/approve", data={"_csrf_token": token, "remarks": "Copy of the khasra"},
            follow_redirects=True,
        )  # fmt: skip
        english_only = officer.post(
            f"/desk/{second}/reject", data={"_csrf_token": token, "reason-en": "No such khasra in Kharidih"}
        )
        rejected = officer.post(
            f"/desk/{second}/reject",
            data={"_csrf_token": token, "reason-en": "No such khasra in Kharidih",
                  "reason-hi": "खरीडीह में ऐसा खसरा नहीं है"},
            follow_redirects=False,
        )  # fmt: skip
        returned = officer.post(
            f"/desk/{third}/return",
            data={"_csrf_token": token, "message-en": "Attach the B-1 khatauni",
                  "message-hi": "बी-1 खतौनी संलग्न करें", "documents": "khasra_b1"},
            follow_redirects=False,
        )  # fmt: skip
        twice = officer.post(f"/desk/{first}/approve", data={"_csrf_token": token})
        no_officer = officer.post(
            f"/desk/{third}/field-verification", data={"_csrf_token": token, "instructions": ""}
        )
        family_page = officer.get("/family", follow_redirects=False)
        citizen_page = officer.get(f"/applications/{first}", follow_redirects=False)
        officer.cookies.set("seva_lang", "hi", domain="testserver.local")
        hindi_desk = _text(officer.get("/desk"))
        hindi_case = _text(officer.get(f"/desk/{third}"))
        officer.cookies.set("seva_lang", "en", domain="testserver.local")
        signed_out = officer.post(
            "/sign-out",
            data={"_csrf_token": csrf_token(officer.get("/sign-out").text)},
            follow_redirects=False,
        )
        after = officer.get("/desk", follow_redirects=False)
    finally:
        web_officer.__exit__(None, None, None)

    # The citizen's session reaches no desk page; the officer's no family page.
    assert refused_citizen.status_code == 403
    assert family_page.status_code == 403 and citizen_page.status_code == 403
    # The desk, the oldest deadline first, with the time left.
    assert desk.status_code == 200 and "Your desk" in listed
    assert listed.index(first) < listed.index(second) < listed.index(third)
    assert re.search(r"working days? (left|late)", listed)
    assert case.status_code == 200 and "From the Samagra registry" in shown and "142/1" in shown
    assert DHURVE.head_name_en in shown and "Dindori" in shown  # the registry's facts
    assert "Approve and issue" in shown and 'name="reason-hi"' in shown and "Lal Singh" in shown
    # A step without its CSRF token is refused; with it, done, and the citizen sees it.
    assert no_token.status_code == 403
    assert approved.status_code == 200 and str(approved.url).endswith(f"/desk/{first}?done=approved")
    assert "This application is decided." in _main(approved)
    assert (
        english_only.status_code == 400 and '<a href="#reason-hi">Write it in Hindi.</a>' in english_only.text
    )
    assert rejected.status_code == 303 and rejected.headers["location"] == f"/desk/{second}?done=rejected"
    assert returned.status_code == 303
    assert twice.status_code == 400 and 'href="#remarks"' in twice.text  # decided already: said, not done
    assert no_officer.status_code == 400
    assert '<a href="#field-officer">Choose the field officer.</a>' in no_officer.text
    assert '<a href="#instructions">Say what to verify.</a>' in no_officer.text
    issued = _main(citizen.get(f"/applications/{first}"))
    # The khasra copy names no document type of its own: approved, with the signed certificate.
    assert "tag-approved" in issued and "Your certificate" in issued
    assert "tag-rejected" in _main(citizen.get(f"/applications/{second}"))
    asked = _main(citizen.get(f"/applications/{third}"))
    assert "The office returned your application and asks:" in asked and "Attach the B-1 khatauni" in asked
    # In Hindi, every message of the desk.
    assert "आपकी डेस्क" in hindi_desk and f"{third[:4]} {third[4:8]}" in hindi_desk
    for english in ("Your desk", "working day", "Approve", "Reject", "Return", "field verification",
                    "From the Samagra registry", "Documents", "optional"):  # fmt: skip
        assert english not in hindi_desk and english not in hindi_case, english
    # Signed out like a citizen: the desk sends to the staff sign-in.
    assert signed_out.status_code == 303
    assert after.status_code == 303 and after.headers["location"].startswith("/staff/sign-in?next=%2Fdesk")


def test_officers_of_another_tehsil_or_department_are_refused(
    desk_web: InProcessServer, citizen: httpx.Client
) -> None:
    reference = _apply(citizen, "142/9")
    for mobile in (SHAHPURA, OTHER_DEPARTMENT):
        officer = _staff_client(desk_web, mobile)
        try:
            desk = officer.get("/desk")
            page = officer.get(f"/desk/{reference}")
            token = csrf_token(officer.get("/sign-out").text)
            posted = officer.post(f"/desk/{reference}/approve", data={"_csrf_token": token})
        finally:
            officer.__exit__(None, None, None)
        assert desk.status_code == 200 and reference not in desk.text
        assert page.status_code == 404 and posted.status_code == 404
        assert "Kharidih" not in _main(page) and DHURVE.head_name_en not in _main(page)
    status = citizen.blocking_portal.call(desk_web.seva.applications.service.get, reference).status  # type: ignore[attr-defined]
    assert status not in ("issued", "approved")


def test_an_unknown_mobile_gets_no_session_and_a_wrong_code_is_refused(desk_web: InProcessServer) -> None:
    with desk_web.client() as client:
        client.headers["accept"] = "text/html"
        form = client.get("/staff/sign-in")
        empty = client.post("/staff/sign-in", data={"mobile": "", "_csrf_token": csrf_token(form.text)})
        sent = client.post(
            "/staff/sign-in", data={"mobile": "9000000099", "_csrf_token": csrf_token(form.text)},
            follow_redirects=True,
        )  # fmt: skip
        wrong = client.post(
            "/staff/sign-in/code", data={"code": "000000", "_csrf_token": csrf_token(sent.text)}
        )
        desk = client.get("/desk", follow_redirects=False)
    assert empty.status_code == 400 and '<a href="#mobile">' in empty.text
    assert sent.status_code == 200  # the same answer for a number no account holds
    assert wrong.status_code == 400 and '<a href="#code">' in wrong.text
    assert desk.status_code == 303 and desk.headers["location"].startswith("/staff/sign-in")


def test_an_appellate_authority_makes_an_order_on_the_page(
    desk_web: InProcessServer, citizen: httpx.Client
) -> None:
    reference = _apply(citizen, "142/5")
    desk_web.clock.advance(7 * DAY)  # the limit passes: the watcher appeals to the SDO for the citizen
    _sweep(desk_web, citizen)
    sdo = _staff_client(desk_web, SDO)
    try:
        listed = sdo.get("/appeals")
        link = re.search(r'href="/appeals/(\d+)"', listed.text)
        assert link, listed.text
        form = sdo.get(f"/appeals/{link.group(1)}")
        token = csrf_token(form.text)
        nothing = sdo.post(f"/appeals/{link.group(1)}", data={"_csrf_token": token})
        ordered = sdo.post(
            f"/appeals/{link.group(1)}",
            data={"_csrf_token": token, "outcome": "allowed", "order-en": "Provide the copy within 3 days",
                  "order-hi": "3 दिन में प्रति दें", "within-days": "3"},
            follow_redirects=True,
        )  # fmt: skip
        desk = sdo.get("/desk", follow_redirects=False)
    finally:
        sdo.__exit__(None, None, None)
    assert listed.status_code == 200 and f"{reference[:4]} {reference[4:8]}" in listed.text
    assert "working day" in listed.text
    assert form.status_code == 200 and "Order on the first appeal" in form.text
    assert "Penalty" not in form.text  # only at the second appeal
    assert nothing.status_code == 400 and '<a href="#outcome-allowed">' in nothing.text
    assert '<a href="#order-en">Write it in English.</a>' in nothing.text
    assert ordered.status_code == 200 and "The order is made." in _main(ordered)
    assert reference not in _main(ordered)
    assert desk.status_code == 403  # an appellate authority has no desk
    application = citizen.blocking_portal.call(desk_web.seva.applications.service.get, reference)  # type: ignore[attr-defined]
    assert application.status == "in_progress"


def test_a_revoked_staff_account_ends_its_session(desk_web: InProcessServer, citizen: httpx.Client) -> None:
    officer = _staff_client(desk_web, TEHSILDAR)
    try:
        before = officer.get("/desk", follow_redirects=False)
        staff = desk_web.seva.identity.service.staff

        async def revoke() -> None:
            found = [s for s in await staff.list() if s.name == "Ravi Maravi"]
            assert await staff.revoke(found[0].staff_id, Actor.system("test", "revoke"))

        officer.blocking_portal.call(revoke)  # type: ignore[attr-defined]
        desk_web.clock.advance(3)  # past the two seconds a process remembers a live session
        after = officer.get("/desk", follow_redirects=False)
    finally:
        officer.__exit__(None, None, None)
    assert before.status_code == 200
    assert after.status_code == 303 and after.headers["location"].startswith("/staff/sign-in?next=%2Fdesk")


def test_an_application_is_sent_for_field_verification(
    desk_web: InProcessServer, citizen: httpx.Client
) -> None:
    reference = _apply(citizen, "142/7")
    officer = _staff_client(desk_web, TEHSILDAR)
    try:
        page = officer.get(f"/desk/{reference}")
        patwari = re.search(
            r'<option value="([a-z]{3}-[0-9a-f]{10})">Lal Singh \(Patwari\)</option>', page.text
        )
        assert patwari, "the field officer is not offered"
        late = officer.post(
            f"/desk/{reference}/field-verification",
            data={"_csrf_token": csrf_token(page.text), "field-officer": patwari.group(1),
                  "instructions": "Check the boundary stones of 142/7", "days": "99"},
        )  # fmt: skip
        sent = officer.post(
            f"/desk/{reference}/field-verification",
            data={"_csrf_token": csrf_token(page.text), "field-officer": patwari.group(1),
                  "instructions": "Check the boundary stones of 142/7", "days": "5"},
            follow_redirects=True,
        )  # fmt: skip
    finally:
        officer.__exit__(None, None, None)
    assert late.status_code == 400 and '<a href="#days">' in late.text
    assert 'value="Check the boundary stones of 142/7"' not in late.text  # a textarea keeps it as text
    assert ">Check the boundary stones of 142/7</textarea>" in late.text
    assert sent.status_code == 200 and str(sent.url).endswith("?done=verification")
    shown = _main(sent)
    assert "Sent for field verification." in shown and "Check the boundary stones of 142/7" in shown
    status = citizen.blocking_portal.call(desk_web.seva.applications.service.get, reference).status  # type: ignore[attr-defined]
    assert status == "field_verification"


def _send_to_patwari(desk_web: InProcessServer, asked: dict[str, str]) -> None:
    """Each application of ``asked`` sent by the Tehsildar to the Patwari, with its instructions."""
    officer = _staff_client(desk_web, TEHSILDAR)
    try:
        for reference, instructions in asked.items():
            page = officer.get(f"/desk/{reference}")
            patwari = re.search(r'<option value="([a-z]{3}-[0-9a-f]{10})">Lal Singh', page.text)
            assert patwari, "the field officer is not offered"
            sent = officer.post(
                f"/desk/{reference}/field-verification",
                data={"_csrf_token": csrf_token(page.text), "field-officer": patwari.group(1),
                      "instructions": instructions, "days": "5"},
                follow_redirects=True,
            )  # fmt: skip
            assert str(sent.url).endswith("?done=verification"), sent.text
    finally:
        officer.__exit__(None, None, None)


def test_the_field_officer_reports_on_the_web_page(desk_web: InProcessServer, citizen: httpx.Client) -> None:
    first, second = _apply(citizen, "142/11"), _apply(citizen, "142/12")
    _send_to_patwari(
        desk_web, {first: "Check the boundary stones of 142/11", second: "Measure the well on 142/12"}
    )
    elsewhere = _staff_client(desk_web, OTHER_DEPARTMENT)
    patwari = _staff_client(desk_web, PATWARI)
    try:
        listed = patwari.get("/field-verifications")
        ids = [int(n) for n in re.findall(r'action="/field-verifications/([0-9]+)/report"', listed.text)]
        token = csrf_token(listed.text)
        not_said = patwari.post(f"/field-verifications/{ids[0]}/report", data={"_csrf_token": token})
        no_token = patwari.post(f"/field-verifications/{ids[0]}/report", data={"finding": "confirmed"})
        # Another department's officer: neither the list (nothing assigned) nor the report reaches it.
        theirs = elsewhere.get("/field-verifications")
        not_theirs = elsewhere.post(
            f"/field-verifications/{ids[0]}/report",
            data={
                "_csrf_token": csrf_token(elsewhere.get("/sign-out").text),
                "finding": "confirmed",
                "report": "Seen",
            },
        )
        reported = patwari.post(
            f"/field-verifications/{ids[0]}/report",
            data={"_csrf_token": token, "finding": "not_confirmed", "report": "Two stones are missing"},
            follow_redirects=True,
        )
        again = patwari.post(
            f"/field-verifications/{ids[0]}/report",
            data={"_csrf_token": token, "finding": "confirmed", "report": "All there after all"},
        )
        patwari.cookies.set("seva_lang", "hi", domain="testserver.local")
        hindi = patwari.get("/field-verifications")
    finally:
        for client in (patwari, elsewhere):
            client.__exit__(None, None, None)

    # Both assignments, the nearest report date first, each with what to verify and its own form.
    assert listed.status_code == 200 and 'href="/field-verifications"' in listed.text  # in the staff's links
    text = _text(listed)
    assert "Check the boundary stones of 142/11" in text and "Measure the well on 142/12" in text
    assert len(ids) == 2 and f'href="/desk/{first}"' in listed.text and "working days left" in text
    # Nothing chosen or written: said beside each field, linked from the summary; nothing moved.
    assert not_said.status_code == 400
    assert (
        f'<a href="#finding-{ids[0]}">' in not_said.text and f'<a href="#report-{ids[0]}">' in not_said.text
    )
    assert no_token.status_code == 403
    assert "No field verification is waiting for you." in _text(theirs)
    assert not_theirs.status_code == 404
    # Reported: the page says so and lists only what is left; the application is back at the desk.
    assert reported.status_code == 200 and str(reported.url).endswith("?done=reported")
    assert "Your report is sent." in _text(reported) and "Check the boundary stones" not in _text(reported)
    assert "Measure the well on 142/12" in _text(reported)
    application = citizen.blocking_portal.call(desk_web.seva.applications.service.get, first)  # type: ignore[attr-defined]
    assert application.status == "in_progress"
    # The designated officer sees who found what, in words.
    desk_web.clock.advance(120)  # past the wait before another code goes to the same mobile
    officer = _staff_client(desk_web, TEHSILDAR)
    try:
        desk_case = _text(officer.get(f"/desk/{first}"))
    finally:
        officer.__exit__(None, None, None)
    assert "Lal Singh (Patwari): Check the boundary stones of 142/11" in desk_case
    assert "Not confirmed : Two stones are missing" in desk_case
    # A report is taken once: a second is refused on the page, in words.
    assert again.status_code == 400 and "already reported" in again.text
    # In Hindi, every word of the page.
    hindi_text = _text(hindi)
    assert "मौके पर सत्यापन" in hindi_text and "प्रतिवेदन भेजें" in hindi_text
    for english in ("Field verifications", "What to verify", "Report due by", "Confirmed", "Your report"):
        assert english not in hindi_text, english


def test_the_second_appellate_authority_imposes_the_penalty(
    desk_web: InProcessServer, citizen: httpx.Client
) -> None:
    reference = _apply(citizen, "142/8")
    desk_web.clock.advance(7 * DAY)  # the limit passes: the watcher files the first appeal
    _sweep(desk_web, citizen)
    desk_web.clock.advance(50 * DAY)  # the SDO makes no order in time: the citizen goes to the Collector
    sign_in(citizen, DHURVE.mobile, DHURVE.mobile)
    form = citizen.get(f"/applications/{reference}/appeal")
    filed = citizen.post(
        f"/applications/{reference}/appeal",
        data={"_csrf_token": csrf_token(form.text), "grounds": "Two months and no copy"},
        follow_redirects=False,
    )
    assert filed.status_code == 303, filed.text
    staff = desk_web.seva.identity.service.staff
    citizen.blocking_portal.call(  # type: ignore[attr-defined]
        staff.create,
        StaffCreate(name="P. Das", mobile="9000000026", role="appellate", designation="Collector",
                    district="dindori", level=2),
        Actor.system("test", "staff"),
    )  # fmt: skip
    collector = _staff_client(desk_web, "9000000026")
    try:
        listed = collector.get("/appeals")
        link = re.search(r'href="/appeals/(\d+)"', listed.text)
        assert link, listed.text
        page = collector.get(f"/appeals/{link.group(1)}")
        ordered = collector.post(
            f"/appeals/{link.group(1)}",
            data={"_csrf_token": csrf_token(page.text), "outcome": "allowed", "penalty": "yes",
                  "order-en": "Provide the copy in 3 days; penalty on the post",
                  "order-hi": "3 दिन में प्रति दें; पद पर शास्ति", "within-days": "3"},
            follow_redirects=False,
        )  # fmt: skip
    finally:
        collector.__exit__(None, None, None)
    assert "Order on the second appeal" in page.text and 'name="penalty"' in page.text
    assert "Two months and no copy" in page.text  # the citizen's grounds
    assert ordered.status_code == 303 and ordered.headers["location"] == f"/appeals?decided={link.group(1)}"
    shown = _main(citizen.get(f"/applications/{reference}"))
    assert re.search(r"Compensation due to you: Rs [1-9][0-9]* for [1-9][0-9]* days of delay", shown), shown
