"""The auditors' report pages: an auditor signs in on the staff sign-in with a code to their own mobile
and lands on the guarantee's report; both reports show the figures of known rows (an application past its
limit counted as pending past it, grievances graded) in English and Hindi, as charts and as tables, with
no personal data; the period is checked beside its field; citizens and officers are refused, signed-out
visitors sent to the staff sign-in, and an API client's bearer token still reaches the pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import insert

from gateway.audit import Actor
from gateway.deadlines.tables import DeadlineClock, PenaltyRow
from gateway.grievances.tables import GrievanceRow
from gateway.platform.clock import INDIA, MovableClock
from gateway.platform.principal import Principal
from schemas.identity_api import StaffCreate
from tests.conftest import InProcessServer
from tests.grievance_reports.test_reports import GRIEVANCES
from tests.web.support import DHURVE, csrf_token, latest_code, seed_households, sign_in

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=INDIA)  # a Friday; the grading's month is February
AUDITOR = "9000000031"
OFFICER = "9000000032"
OFFICER_NAME = "Ravi Maravi"  # the designated officer named on every clock: never on a report


def _clock(reference: str, started: str, due: str, decided: str | None = None) -> dict[str, Any]:
    return {
        "reference": reference, "service_code": "rev-khasra-copy", "department": "revenue",
        "district": "dindori", "tehsil": "Samnapur", "position": "Tehsildar, Samnapur",
        "designated_officer": OFFICER_NAME, "unit": "working_days", "limit_days": 5, "started_on": started,
        "due_on": due, "state": "settled" if decided else "running", "stage": "department",
        "decided_on": decided, "decision": "approved" if decided else None, "created_at": 0.0,
        "updated_at": 0.0,
    }  # fmt: skip


# Revenue in Dindori on 20 March 2026: one decided in time, one pending within its limit, one past it
# (due on the 10th, undecided), on which a penalty of ₹2,500 was imposed.
CLOCKS = [
    _clock("2603010000011", "2026-03-02", "2026-03-06", decided="2026-03-05"),
    _clock("2603010000022", "2026-03-16", "2026-03-23"),
    _clock("2603010000033", "2026-03-03", "2026-03-10"),
]
PENALTY = {
    "reference": "2603010000033", "appeal_id": 1, "position": "Tehsildar, Samnapur", "officer": OFFICER_NAME,
    "department": "revenue", "district": "dindori", "service_code": "rev-khasra-copy", "days_late": 6,
    "amount_inr": 2500, "imposed_by": "staff:app-1", "imposed_on": "2026-03-19", "created_at": 0.0,
}  # fmt: skip


@pytest.fixture
def server(app_factory: Callable[..., InProcessServer]) -> InProcessServer:
    return app_factory(
        {"SEVA_DEMO": "1", "SEVA_INPROCESS_WORKERS": "0", "SEVA_CATALOGUE_WATCH_SECONDS": "0"},
        clock=MovableClock(NOW),
    )


@pytest.fixture
def seeded(server: InProcessServer) -> Iterator[httpx.Client]:
    """A browser's client over the two households, two staff accounts, the clocks and the grievances."""
    with server.client() as client:
        client.headers["accept"] = "text/html"
        seed_households(server.app.state.settings.database_url)

        async def go() -> None:
            staff = server.seva.identity.service.staff
            for name, mobile, role, more in (
                ("Asha Verma", AUDITOR, "auditor", {}),
                ("Om Joshi", OFFICER, "officer",
                 {"department": "revenue", "designation": "Tehsildar", "district": "dindori"}),
            ):  # fmt: skip
                await staff.create(
                    StaffCreate(name=name, mobile=mobile, role=role, **more), Actor.system("test", "staff")
                )
            async with server.seva.platform.engine.begin() as conn:
                await conn.execute(insert(DeadlineClock.__table__), CLOCKS)  # type: ignore[attr-defined]
                await conn.execute(insert(PenaltyRow.__table__), [PENALTY])  # type: ignore[attr-defined]
                await conn.execute(insert(GrievanceRow.__table__), GRIEVANCES)  # type: ignore[attr-defined]

        client.blocking_portal.call(go)  # type: ignore[attr-defined]
        yield client


def _staff_sign_in(client: httpx.Client, mobile: str, goto: str = "") -> httpx.Response:
    form = client.get("/staff/sign-in")
    sent = client.post(
        "/staff/sign-in", data={"mobile": mobile, "next": goto, "_csrf_token": csrf_token(form.text)},
        follow_redirects=True,
    )  # fmt: skip
    assert "/staff/sign-in/code" in str(sent.url), sent.text
    return client.post(
        "/staff/sign-in/code",
        data={"code": latest_code(client, mobile), "next": goto, "_csrf_token": csrf_token(sent.text)},
        follow_redirects=True,
    )


def _main(page: httpx.Response) -> str:
    found = re.search(r"<main[^>]*>(.*)</main>", page.text, re.S)
    assert found, page.text[:500]
    return found.group(1)


def _row(page: httpx.Response, key: str, table: str) -> list[str]:
    """The cells of the row ``key`` of the table ``table`` (its id), as shown."""
    body = re.search(rf'<table class="table figures" id="{table}">(.*?)</table>', page.text, re.S)
    assert body, f"no table {table}"
    row = re.search(rf'<tr><th scope="row">{re.escape(key)}</th>(.*?)</tr>', body.group(1), re.S)
    assert row, f"no row {key} in {table}"
    return re.findall(r'<td class="num">([^<]*)</td>', row.group(1))


def _no_personal_data(page: httpx.Response) -> None:
    for personal in (OFFICER_NAME, "2603010000033", "2603 0100 0003 3", DHURVE.head_name_en, DHURVE.mobile,
                     "a grievance of a test", "somewhere", "Asha Verma", AUDITOR):  # fmt: skip
        assert personal not in page.text, personal


def test_an_auditor_signs_in_and_reads_both_reports_in_english_and_hindi(seeded: httpx.Client) -> None:
    landed = _staff_sign_in(seeded, AUDITOR)
    grievances = seeded.get("/reports/grievances", params={"by": "district"})
    since = seeded.get("/reports/guarantee", params={"by": "district", "since": "2026-03-10"})
    as_csv = seeded.get("/reports/guarantee/csv", params={"by": "district"})
    grading_csv = seeded.get("/reports/grievances/grading/csv", params={"month": "2026-02"})
    api_by_session = seeded.get("/api/v1/reports/guarantee")  # the API takes tokens, never the cookie
    seeded.cookies.set("seva_lang", "hi", domain="testserver.local")
    hindi = seeded.get("/reports/guarantee")
    hindi_grievances = seeded.get("/reports/grievances", params={"by": "district"})
    hindi_months = seeded.get("/reports/guarantee", params={"by": "month"})
    seeded.cookies.set("seva_lang", "en", domain="testserver.local")
    months = seeded.get("/reports/guarantee", params={"by": "month"})
    services = seeded.get("/reports/guarantee", params={"by": "service"})

    # Signed in, the auditor starts on the guarantee's report, by department.
    assert landed.status_code == 200 and str(landed.url).endswith("/reports/guarantee")
    assert landed.headers["cache-control"] == "private, no-store"
    main = _main(landed)
    assert "Public services guarantee: time limits" in main and "Figures as of 2026-03-20" in main
    # applications, decided within, late, pending within, pending past, appeals (4), penalties, ₹
    revenue = _row(landed, "Revenue Department", "guarantee-figures")
    assert revenue == ["3", "1", "0", "1", "1", "0", "0", "0", "0", "1", "2,500"]
    # The charts scale to the page, are images with a name, and carry the same figures.
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 360 ' in main
    assert 'width="100%"' in main and 'role="img" aria-label="Applications by state"' in main
    assert "<title>Pending past the limit: 1</title>" in main and "₹2,500" in main
    assert 'tabindex="0" role="region" aria-labelledby="guarantee-figures-caption"' in main
    # Links to the other report, the groupings and the same figures as CSV.
    assert 'href="/reports/grievances"' in main and 'href="/reports/guarantee?by=service"' in main
    assert 'href="/reports/guarantee/csv?by=department"' in main and "/api/v1/reports/guarantee/csv" in main
    assert "Time limits under the guarantee Act" in landed.text.split("<main")[0]  # the staff's own links
    _no_personal_data(landed)

    # Applications made from the 10th on: the one pending within its limit only.
    assert _row(since, "Dindori", "guarantee-figures")[:5] == ["1", "0", "0", "1", "0"]
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[1] == "dindori,3,1,0,1,1,0,0,0,0,1,2500"
    assert grading_csv.text.splitlines()[1].startswith("indore,2026-02,4,2,1,")
    assert api_by_session.status_code == 401

    # Grievances by district; February graded by district (tests/grievance_reports: indore 67.5 B).
    text = _main(grievances)
    assert grievances.status_code == 200 and "Grievances: report for auditors" in text
    assert _row(grievances, "Bhopal", "grievance-figures")[:2] == ["4", "2"]  # filed, pending
    grade = _row(grievances, "Indore", "grading-figures")
    assert grade[0] == "1" and grade[-2:] == ["67.5", "B"]  # rank, score, grade
    assert "Monthly grading, 2026-02, by district" in text and 'aria-label="Monthly grading"' in text
    assert 'href="/reports/guarantee"' in text and 'href="/reports/grievances/csv?by=district"' in text
    _no_personal_data(grievances)

    # In Hindi, every word of both pages.
    hindi_main = _main(hindi)
    assert hindi.headers["content-language"] == "hi"
    assert "लोक सेवा गारंटी: समय-सीमा का प्रतिवेदन" in hindi_main and "लंबित, समय-सीमा के बाद" in hindi_main
    assert _row(hindi, "राजस्व विभाग", "guarantee-figures")[:5] == ["3", "1", "0", "1", "1"]
    hindi_text = _main(hindi_grievances)
    # Groups are called by their names in the reader's language (the CSV above keeps the codes).
    assert _row(hindi_grievances, "भोपाल", "grievance-figures")[:2] == ["4", "2"]
    assert _row(hindi_grievances, "इंदौर", "grading-figures")[-2:] == ["67.5", "B"]
    assert '<text x="0" y="16" font-size="16">राजस्व विभाग</text>' in hindi_main
    assert _row(months, "March 2026", "guarantee-figures")[0] == "3"
    assert _row(hindi_months, "मार्च 2026", "guarantee-figures")[0] == "3"
    khasra = _row(services, "Certified copy of khasra / B-1 khatauni / record of rights", "guarantee-figures")
    assert khasra[0] == "3"
    # In the chart, a name too long for its width is cut, and given whole as its tooltip.
    whole = "Certified copy of khasra / B-1 khatauni / record of rights"
    drawn = re.search(rf"<text [^>]*><title>{re.escape(whole)}</title>([^<]*)</text>", services.text)
    assert drawn and drawn.group(1).endswith("…") and whole.startswith(drawn.group(1)[:-1])
    for coded in (hindi_text, _main(months), _main(services)):
        assert 'scope="row">bhopal<' not in coded and 'scope="row">2026-03<' not in coded
        assert 'scope="row">rev-khasra-copy<' not in coded
    assert "मासिक ग्रेडिंग, 2026-02, जिला के अनुसार" in hindi_text
    for page in (hindi_main, hindi_text):
        words = re.sub(r"<[^>]+>", " ", page)
        for english in ("Pending", "Decided", "Figures", "Penalties", "Applications", "Monthly grading",
                        "Closures", "Download", "Group", "Show the"):  # fmt: skip
            assert english not in words and f'aria-label="{english}' not in page, english


def test_the_period_is_checked_beside_its_field(seeded: httpx.Client) -> None:
    _staff_sign_in(seeded, AUDITOR)
    backwards = seeded.get("/reports/guarantee", params={"since": "2026-03-10", "until": "2026-03-01"})
    not_a_day = seeded.get("/reports/guarantee", params={"since": "2026-02-31"})
    not_a_month = seeded.get("/reports/grievances", params={"month": "2026-13"})
    wrong_grouping = seeded.get("/reports/guarantee", params={"by": "officer"})
    csv_not_a_day = seeded.get("/reports/guarantee/csv", params={"until": "2026-02-30"})
    seeded.cookies.set("seva_lang", "hi", domain="testserver.local")
    hindi = seeded.get("/reports/guarantee", params={"since": "2026-03-10", "until": "2026-03-01"})

    assert backwards.status_code == 400
    assert '<a href="#since">The start of the period must be on or before its end.</a>' in backwards.text
    assert 'value="2026-03-10"' in backwards.text and "guarantee-figures" not in backwards.text
    assert not_a_day.status_code == 400 and '<a href="#since">Enter a date as year' in not_a_day.text
    assert not_a_month.status_code == 400 and '<a href="#month">Enter a month as year' in not_a_month.text
    assert wrong_grouping.status_code == 400 and "seva-problem" in wrong_grouping.text
    assert csv_not_a_day.status_code == 400 and "report_refused" in csv_not_a_day.text
    assert hindi.status_code == 400 and "अवधि का आरंभ उसके अंत से पहले" in hindi.text


def test_citizens_and_officers_are_refused_and_signed_out_visitors_sent_to_sign_in(
    server: InProcessServer, seeded: httpx.Client
) -> None:
    signed_out = [
        seeded.get(path, follow_redirects=False)
        for path in ("/reports/guarantee", "/reports/grievances?by=month")
    ]
    sign_in(seeded, DHURVE.mobile, DHURVE.mobile)
    citizen = [seeded.get(path) for path in ("/reports/guarantee", "/reports/grievances")]
    with server.client() as officer:
        officer.headers["accept"] = "text/html"
        assert _staff_sign_in(officer, OFFICER).status_code == 200  # the officer's desk
        refused = [officer.get(path) for path in ("/reports/guarantee", "/reports/guarantee/csv",
                                                  "/reports/grievances")]  # fmt: skip
    # Asked for a report signed out: the staff sign-in, and back to the report afterwards.
    assert [r.status_code for r in signed_out] == [303, 303]
    assert signed_out[0].headers["location"] == "/staff/sign-in?next=%2Freports%2Fguarantee"
    assert signed_out[1].headers["location"] == "/staff/sign-in?next=%2Freports%2Fgrievances%3Fby%3Dmonth"
    for page in (*citizen, *refused):
        assert page.status_code == 403 and '<meta name="seva-problem" content="forbidden">' in page.text
        assert "guarantee-figures" not in page.text


def test_an_api_clients_bearer_token_still_reaches_the_pages(
    server: InProcessServer, seeded: httpx.Client
) -> None:
    identity = server.seva.identity.service

    def token(role: str, department: str | None) -> dict[str, str]:
        portal = seeded.blocking_portal  # type: ignore[attr-defined]
        made = portal.call(
            identity.clients.create, f"{role} client", role, department, Actor.system("t", "t")
        )
        issued = identity.tokens.issue(Principal.client(made.client_id, role, department)).token  # type: ignore[arg-type]
        return {"authorization": f"Bearer {issued}"}

    auditor, administrator = token("auditor", None), token("administrator", None)
    department = token("department", "revenue")
    page = seeded.get("/reports/guarantee", params={"by": "district"}, headers=auditor)
    grievances = seeded.get("/reports/grievances", headers=administrator)
    refused = seeded.get("/reports/grievances", headers=department)
    assert page.status_code == 200 and _row(page, "Dindori", "guarantee-figures")[:5] == [
        "3",
        "1",
        "0",
        "1",
        "1",
    ]
    assert (
        grievances.status_code == 200
        and _row(grievances, "Revenue Department", "grievance-figures")[0] == "4"
    )
    assert refused.status_code == 403
    _no_personal_data(page)
