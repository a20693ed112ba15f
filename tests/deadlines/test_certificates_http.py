"""Certificates and department callbacks through the application in-process: the JWKS publishes the
certificate key, a standard JOSE library (joserfc, not the one seva signs with) verifies a certificate
offline and refuses it after one byte is changed, the verify page and ``seva certificate verify`` agree,
revocation shows on the verify page; signed callbacks with a bad signature, an old timestamp or a
replayed body are refused and record nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from gateway.commands.certificate import certificate_group
from gateway.database import create_engine
from gateway.platform.clock import MovableClock
from schemas.guarantee_api import IssueBody
from tests.applications.support import LEARNER, LEARNER_DOCS, learner_form, seed_people
from tests.conftest import InProcessServer, migrated_database
from tests.deadlines.support import START, Guarantee, Staff, _staff, seed_student

SECRET = "a-callback-secret-of-the-transport-department"


async def _seed(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A migrated SQLite file with families, staff, an issued income certificate and a learner's licence
    application waiting at the transport department."""
    from tests.building import build_seva

    async with migrated_database("sqlite", tmp_path) as url:
        pass
    engine = create_engine(url)
    clock = MovableClock(START)
    seva = build_seva(tmp_path / "data", url, engine=engine, clock=clock)
    people = await seed_people(engine)
    await seed_student(engine)
    officer = await _staff(
        seva,
        name="Rekha",
        mobile="9000000001",
        role="officer",
        department="general_administration",
        designation="Tehsildar",
        district="bhopal",
    )
    revenue = await _staff(
        seva,
        name="Amit",
        mobile="9000000002",
        role="officer",
        department="revenue",
        designation="Tehsildar",
        district="bhopal",
    )
    g = Guarantee(
        seva,
        engine,
        clock,
        people,
        people.asha,
        Staff(officer, revenue, revenue, revenue, revenue, revenue, revenue),
    )
    reference = await g.apply_income()
    opened = await seva.desk.service.approve(officer, reference, IssueBody(remarks="For a scholarship"))
    for doc_type in LEARNER_DOCS:
        await g.upload(people.asha, doc_type)
    learner = await g.apply(people.asha, LEARNER, learner_form(), "learner-1")
    await seva.delivery.resolver.aclose()
    await engine.dispose()
    assert opened.certificate_id is not None
    return url, {
        "certificate": opened.certificate_id,
        "reference": reference,
        "learner": learner,
        "officer": officer.signed_in.staff_id or "",
        "revenue": revenue.signed_in.staff_id or "",
    }


@pytest.fixture
async def issued(
    tmp_path: Path, app_factory: Callable[..., InProcessServer]
) -> tuple[InProcessServer, dict[str, str]]:
    url, ids = await _seed(tmp_path)
    return app_factory({"SEVA_DATABASE_URL": url}, clock=MovableClock(START)), ids


def _token(server: InProcessServer, staff_id: str) -> dict[str, str]:
    import asyncio

    principal = asyncio.run(server.seva.identity.service.staff.principal(staff_id))
    token = server.seva.identity.service.tokens.issue(principal).token
    return {"authorization": f"Bearer {token}"}


def _tampered(token: str) -> str:
    head, payload, signature = token.split(".")
    middle = len(payload) // 2
    swapped = "A" if payload[middle] != "A" else "B"
    return ".".join((head, payload[:middle] + swapped + payload[middle + 1 :], signature))


def test_a_certificate_verified_offline_with_a_standard_jose_library(issued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, ids = issued
    with server.client() as client:
        jwks = client.get("/.well-known/jwks.json").json()
        record = client.get(f"/api/v1/certificates/{ids['certificate']}").json()
        page = client.get(f"/certificates/{ids['certificate']}")
        verified_page = client.get(f"/verify/{ids['certificate']}")
        tampered_answer = client.post(
            "/api/v1/certificates/verify", json={"token": _tampered(record["token"])}
        ).json()
        tampered_page = client.get("/verify", params={"token": _tampered(record["token"])})
    token = record["token"]
    keys = KeySet.import_key_set(jwks)
    checked = jws.deserialize_compact(token, keys, algorithms=["ES256"])
    claims = json.loads(checked.payload)
    assert checked.headers()["kid"] in {k["kid"] for k in jwks["keys"]}
    assert (
        claims["cert"]["type"] == "income_certificate"
        and claims["cert"]["facts"]["declared_annual_income"] == 90000
    )
    assert (
        claims["cert"]["holder"]["member_id"] == "200000011" and claims["cert"]["valid_until"] == "2029-03-01"
    )
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(_tampered(token), keys, algorithms=["ES256"])
    assert record["status"] == "valid" and record["verify_url"].endswith(f"/verify/{ids['certificate']}")
    assert page.status_code == 200 and "<svg" in page.text and token in page.text
    assert "style=" not in page.text and "<font" not in page.text  # nothing the CSP would refuse
    assert page.headers["cache-control"] == "no-store"  # the holder's name and member ID
    assert 'data-verdict="valid"' in verified_page.text
    assert tampered_answer["verdict"] == "invalid"
    assert 'data-verdict="invalid"' in tampered_page.text
    # The command line, offline, with a copy of the published keys.
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    (tmp_path / "cert.html").write_text(page.text)
    (tmp_path / "bad.jws").write_text(_tampered(token))
    runner = CliRunner()
    good = runner.invoke(
        certificate_group, ["verify", str(tmp_path / "cert.html"), "--jwks", str(tmp_path / "jwks.json")]
    )
    bad = runner.invoke(
        certificate_group, ["verify", str(tmp_path / "bad.jws"), "--jwks", str(tmp_path / "jwks.json")]
    )
    assert good.exit_code == 0 and "VALID" in good.output
    assert bad.exit_code == 1 and "NOT VALID" in bad.output


def test_a_revoked_certificate_says_so_on_the_verify_page(issued) -> None:  # type: ignore[no-untyped-def]
    server, ids = issued
    reason = {"reason": {"en": "Issued on a false declaration", "hi": "झूठी घोषणा पर जारी"}}
    with server.client() as client:
        other = client.post(
            f"/api/v1/certificates/{ids['certificate']}/revoke",
            json=reason,
            headers=_token(server, ids["revenue"]),
        )
        revoked = client.post(
            f"/api/v1/certificates/{ids['certificate']}/revoke",
            json=reason,
            headers=_token(server, ids["officer"]),
        )
        again = client.post(
            f"/api/v1/certificates/{ids['certificate']}/revoke",
            json=reason,
            headers=_token(server, ids["officer"]),
        )
        page = client.get(f"/verify/{ids['certificate']}", headers={"accept-language": "hi"})
        anonymous = client.post(f"/api/v1/certificates/{ids['certificate']}/revoke", json=reason)
    assert other.status_code == 404  # another department's officer
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert again.status_code == 409 and again.json()["code"] == "certificate_revoked"
    assert again.json()["message"]["hi"]
    # The verify page is the web page's, in the reader's language: the officer's reason in Hindi.
    assert 'data-verdict="revoked"' in page.text and "झूठी घोषणा पर जारी" in page.text
    assert '<html lang="hi">' in page.text and "निरस्त" in page.text and "false declaration" not in page.text
    assert anonymous.status_code == 401


def _signed(body: dict[str, object], at: float, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    signature = hmac.new(secret.encode(), f"{int(at)}.".encode() + raw, hashlib.sha256).hexdigest()
    return raw, {
        "x-seva-timestamp": str(int(at)),
        "x-seva-signature": f"v1={signature}",
        "content-type": "application/json",
    }


def test_signed_callbacks(issued, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    server, ids = issued
    monkeypatch.setenv("SEVA_ADAPTER_REST_TRANSPORT_CALLBACK_SECRET", SECRET)
    now = START.timestamp()
    decision = {
        "reference_number": ids["learner"],
        "status": "issued",
        "message": "Learner's licence issued",
        "department_reference": "TR-77",
    }
    with server.client() as client:
        raw, headers = _signed(decision, now)
        forged = client.post(
            "/api/v1/departments/callbacks/rest_transport",
            content=raw,
            headers={**headers, "x-seva-signature": "v1=" + "0" * 64},
        )
        old_raw, old_headers = _signed(decision, now - 3600)
        stale = client.post(
            "/api/v1/departments/callbacks/rest_transport", content=old_raw, headers=old_headers
        )
        other = client.post("/api/v1/departments/callbacks/soap_energy", content=raw, headers=headers)
        untouched = client.get("/health")
        accepted = client.post("/api/v1/departments/callbacks/rest_transport", content=raw, headers=headers)
        replayed = client.post("/api/v1/departments/callbacks/rest_transport", content=raw, headers=headers)
        late_raw, late_headers = _signed({**decision, "status": "rejected", "message": "no"}, now + 1)
        late = client.post(
            "/api/v1/departments/callbacks/rest_transport", content=late_raw, headers=late_headers
        )
    assert untouched.status_code == 200
    assert forged.status_code == 401 and forged.json()["code"] == "callback_refused"
    assert stale.status_code == 401 and stale.json()["code"] == "callback_stale"
    assert other.status_code == 401  # no secret is held for that adapter
    assert accepted.status_code == 200 and accepted.json() == {
        "reference": ids["learner"],
        "status": "issued",
    }
    assert replayed.status_code == 409 and replayed.json()["code"] == "callback_replayed"
    assert late.status_code == 409 and late.json()["code"] == "already_decided"
    import asyncio

    application = asyncio.run(server.seva.applications.service.get(ids["learner"]))
    assert application.status == "issued" and application.department_reference == "TR-77"
    assert [e.kind for e in application.timeline][-1] == "callback"
    assert time.time() > 0


def test_the_auditors_report_as_json_csv_and_a_page_of_charts(issued) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from gateway.audit import Actor
    from gateway.platform.principal import Principal

    server, ids = issued
    made = asyncio.run(
        server.seva.identity.service.clients.create("audit", "auditor", None, Actor.system("t", "t"))
    )
    token = server.seva.identity.service.tokens.issue(Principal.client(made.client_id, "auditor", None)).token
    auditor = {"authorization": f"Bearer {token}"}
    with server.client() as client:
        page = client.get("/api/v1/reports/guarantee", params={"by": "service"}, headers=auditor)
        csv = client.get("/api/v1/reports/guarantee/csv", params={"by": "district"}, headers=auditor)
        html = client.get("/reports/guarantee", params={"by": "month"}, headers=auditor)
        wrong = client.get("/api/v1/reports/guarantee", params={"since": "2026-04-01", "until": "2026-03-01"},
                           headers=auditor)  # fmt: skip
        citizen = client.get("/api/v1/reports/guarantee", headers=_token(server, ids["officer"]))
    rows = {r["key"]: r for r in page.json()["rows"]}
    assert rows["gad-income-certificate"]["applications"] == 1
    assert rows["gad-income-certificate"]["decided_within"] == 1
    assert rows["tr-learner-licence"]["pending_within"] == 1
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("key,applications,decided_within")
    assert csv.text.splitlines()[1].startswith("bhopal,2,1,0,1,0")
    assert html.status_code == 200 and "<svg" in html.text and "2026-03" in html.text
    assert wrong.status_code == 400 and wrong.json()["code"] == "report_refused"
    assert citizen.status_code == 403
