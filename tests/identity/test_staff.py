"""Staff who sign in as people: officers, CM Helpline agents, Lok Seva Kendra operators and auditors, and
acting for a citizen who confirms with a code sent to their own phone. In-process, with a real SMS
provider."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, InProcessServer
from tests.identity.support import (
    SmsProvider,
    audit_head,
    bearer,
    client_token,
    make_client,
    seal,
    seed_families,
    sign_in,
    sms_env,
)

OFFICER = {
    "role": "officer", "name": "Sunita Verma", "mobile": "9812300001", "department": "revenue",
    "designation": "Tehsildar", "district": "bhopal", "tehsil": "Huzur", "level": 1,
}  # fmt: skip
OPERATOR = {
    "role": "operator", "name": "Imran Khan", "mobile": "9812300002", "district": "bhopal",
    "centre": "Lok Seva Kendra Huzur",
}  # fmt: skip

AUDITOR = {"role": "auditor", "name": "Asha Verma", "mobile": "9812300003"}


@dataclass
class Desk:
    client: httpx.Client
    sms: SmsProvider
    admin: dict[str, str]
    db_url: str
    server: InProcessServer

    def create(self, body: dict[str, Any]) -> httpx.Response:
        return self.client.post("/api/v1/admin/staff", json=body, headers=self.admin)

    def staff_sign_in(self, mobile: str) -> httpx.Response:
        started = self.client.post("/api/v1/auth/staff/otp", json={"mobile": mobile})
        assert started.status_code == 202, started.text
        code = self.sms.last_code(mobile)
        return self.client.post(
            "/api/v1/auth/staff/otp/verify",
            json={"challenge_id": started.json()["challenge_id"], "code": code},
        )


@pytest.fixture
def desk(
    db_url: str, sms_provider: SmsProvider, app_factory: Callable[..., InProcessServer]
) -> Iterator[Desk]:
    seed_families(db_url)
    server = app_factory(sms_env(db_url, sms_provider, SEVA_STAFF_TOKEN_SECONDS="28800"))
    with server.client() as client:
        admin = bearer(client_token(client, *make_client(db_url, "administrator")))
        yield Desk(client, sms_provider, admin, db_url, server)


class TestAccounts:
    def test_an_officer_is_made_signs_in_by_code_and_is_who_the_account_says(self, desk: Desk) -> None:
        """The token names the role, department, designation, jurisdiction and level; it lasts a working
        day and no refresh token comes with it."""
        made = desk.create(OFFICER)
        assert made.status_code == 201, made.text
        assert made.json()["mobile"] == "******0001"
        token = desk.staff_sign_in(OFFICER["mobile"])
        assert token.status_code == 200, token.text
        assert token.json()["expires_in"] == 28800 and "refresh_token" not in token.json()
        me = desk.client.get("/api/v1/auth/me", headers=bearer(token.json()["access_token"])).json()
        assert {k: me[k] for k in ("role", "department", "designation", "district", "tehsil", "level")} == {
            "role": "officer", "department": "revenue", "designation": "Tehsildar", "district": "bhopal",
            "tehsil": "Huzur", "level": 1,
        }  # fmt: skip
        assert me["subject"] == f"staff:{made.json()['staff_id']}"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"department": None}, "department"),
            ({"district": "atlantis"}, "district"),
            ({"department": "no_such_department"}, "department"),
            ({"mobile": "12345"}, "mobile"),
            ({"role": "agent"}, "department"),  # an agent has no department
        ],
    )
    def test_an_account_that_cannot_be_made_is_refused_naming_the_field(
        self, desk: Desk, change: dict[str, Any], field: str
    ) -> None:
        """Each refusal is a 400 problem naming the field, in both languages, and writes nothing."""
        body = {k: v for k, v in {**OFFICER, **change}.items() if v is not None}
        before = audit_head(desk.db_url)
        answer = desk.create(body)
        assert answer.status_code == 400, answer.text
        problem = answer.json()
        assert problem["errors"][0]["field"] == f"body.{field}"
        assert problem["message"]["hi"] and problem["message"]["hi"] != problem["message"]["en"]
        assert audit_head(desk.db_url) == before
        assert desk.client.get("/api/v1/admin/staff", headers=desk.admin).json() == []

    def test_an_auditor_reads_masked_as_an_auditors_client_does_and_changes_nothing(self, desk: Desk) -> None:
        """The rules grant by role: a staff auditor reaches what an auditor's API client reaches, personal
        data masked, and every write is refused. An auditor's account is state-wide: no district, level or
        department."""
        for narrower in ({"district": "bhopal"}, {"level": 1}, {"department": "revenue"}):
            refused = desk.create({**AUDITOR, **narrower})
            assert (
                refused.status_code == 400
                and refused.json()["errors"][0]["field"] == f"body.{next(iter(narrower))}"
            )
        made = desk.create(AUDITOR)
        assert made.status_code == 201 and made.json()["staff_id"].startswith("aud-")
        token = bearer(desk.staff_sign_in(AUDITOR["mobile"]).json()["access_token"])
        me = desk.client.get("/api/v1/auth/me", headers=token).json()
        assert me["role"] == "auditor" and me["subject"] == f"staff:{made.json()['staff_id']}"
        masked = desk.client.get("/api/v1/families/10000001", headers=token)
        plain = desk.client.get("/api/v1/families/10000001", headers=desk.admin)
        assert masked.status_code == plain.status_code == 200
        assert "100000011" in plain.text and "100000011" not in masked.text  # IDs to their last digits
        assert desk.client.get("/api/v1/reports/guarantee", headers=token).status_code == 200
        assert desk.client.get("/api/v1/audit/entries", headers=token).status_code == 200
        writes = [
            ("POST", "/api/v1/applications", {"service_code": "rev-demarcation", "member_id": "100000011"}),
            ("POST", "/api/v1/admin/staff", OFFICER),
            ("POST", "/api/v1/appeals/1/decision", {"outcome": "allowed"}),
            ("POST", "/api/v1/auth/assist", {"mobile": "9876500001"}),
            ("DELETE", f"/api/v1/admin/staff/{made.json()['staff_id']}", None),
        ]
        for method, path, body in writes:
            answer = desk.client.request(method, path, json=body, headers=token)
            assert answer.status_code == 403 and answer.json()["code"] == "forbidden", (path, answer.text)

    def test_one_live_account_per_phone(self, desk: Desk) -> None:
        """A code sent to a phone must name one person: a second live account with it is refused."""
        assert desk.create(OFFICER).status_code == 201
        again = desk.create({**OFFICER, "designation": "Naib Tehsildar"})
        assert again.status_code == 400 and again.json()["errors"][0]["field"] == "body.mobile"

    def test_a_revoked_account_cannot_sign_in_and_its_token_stops_working(self, desk: Desk) -> None:
        made = desk.create(OFFICER).json()
        token = desk.staff_sign_in(OFFICER["mobile"]).json()["access_token"]
        gone = desk.client.delete(f"/api/v1/admin/staff/{made['staff_id']}", headers=desk.admin)
        assert gone.status_code == 204
        assert desk.client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
        received = len(desk.sms.received)
        desk.server.clock.advance(60)  # past the wait before another code may be asked for
        again = desk.client.post("/api/v1/auth/staff/otp", json={"mobile": OFFICER["mobile"]})
        assert again.status_code == 202  # the same answer as for any number
        assert len(desk.sms.received) == received  # but no code is sent

    def test_citizens_and_staff_codes_never_cross(self, desk: Desk) -> None:
        """A citizen's registered number gets no staff code; a staff code does not sign a citizen in, nor a
        citizen's code a member of staff, even on one phone."""
        received = len(desk.sms.received)
        assert desk.client.post("/api/v1/auth/staff/otp", json={"mobile": "9876500001"}).status_code == 202
        assert len(desk.sms.received) == received
        desk.create({**OFFICER, "mobile": "9876500001"})  # the phone of a citizen, now also an officer's
        desk.server.clock.advance(60)
        staff = desk.client.post("/api/v1/auth/staff/otp", json={"mobile": "9876500001"}).json()
        staff_code = desk.sms.last_code("9876500001")
        citizen = desk.client.post("/api/v1/auth/otp", json={"login": "9876500001"}).json()
        citizen_code = desk.sms.last_code("9876500001")
        crossed = [
            desk.client.post(
                "/api/v1/auth/otp/verify", json={"challenge_id": staff["challenge_id"], "code": staff_code}
            ),
            desk.client.post(
                "/api/v1/auth/staff/otp/verify",
                json={"challenge_id": citizen["challenge_id"], "code": citizen_code},
            ),
        ]
        assert [(a.status_code, a.json()["code"]) for a in crossed] == [(400, "otp_unknown")] * 2
        # Each still works where it belongs.
        assert (
            desk.client.post(
                "/api/v1/auth/otp/verify",
                json={"challenge_id": citizen["challenge_id"], "code": citizen_code},
            ).json()["member_id"]
            == "100000011"
        )
        assert (
            desk.client.post(
                "/api/v1/auth/staff/otp/verify",
                json={"challenge_id": staff["challenge_id"], "code": staff_code},
            ).json()["role"]
            == "officer"
        )

    def test_a_code_sent_to_act_for_a_citizen_cannot_sign_in_as_the_citizen(self, desk: Desk) -> None:
        """The code a citizen reads to an operator opens only the marked, short token, never the citizen's
        own sign-in (which would carry no mark of the operator)."""
        assert desk.create(OPERATOR).status_code == 201
        operator = bearer(desk.staff_sign_in(OPERATOR["mobile"]).json()["access_token"])
        started = desk.client.post(
            "/api/v1/auth/assist/", json={"login": "9876500001"}, headers=operator
        ).json()
        code = desk.sms.last_code("9876500001")
        own = desk.client.post(
            "/api/v1/auth/otp/verify", json={"challenge_id": started["challenge_id"], "code": code}
        )
        assert (own.status_code, own.json()["code"]) == (400, "otp_unknown")


class TestActingForACitizen:
    def _operator(self, desk: Desk) -> dict[str, str]:
        assert desk.create(OPERATOR).status_code == 201
        return bearer(desk.staff_sign_in(OPERATOR["mobile"]).json()["access_token"])

    def test_an_operator_acts_for_a_citizen_who_gives_the_code_and_both_are_audited(self, desk: Desk) -> None:
        """The code goes to the citizen's own phone naming the centre; the token reaches their family only,
        and the audit trail names the citizen and the operator."""
        operator = self._operator(desk)
        started = desk.client.post("/api/v1/auth/assist/", json={"login": "9876500001"}, headers=operator)
        assert started.status_code == 202, started.text
        text = [m["text"] for m in desk.sms.received if m["to"] == "+919876500001"][-1]
        assert "Lok Seva Kendra Huzur" in text and "आपकी ओर से" in text
        code = desk.sms.last_code("9876500001")
        token = desk.client.post(
            "/api/v1/auth/assist/verify", json={"challenge_id": started.json()["challenge_id"], "code": code},
            headers=operator,
        )  # fmt: skip
        assert token.status_code == 200, token.text
        body = token.json()
        assisted = bearer(body["access_token"])
        assert body["family_id"] == "10000001" and body["assisted_by"].startswith("staff:ope-")
        assert desk.client.get("/api/v1/families/10000001", headers=assisted).status_code == 200
        assert desk.client.get("/api/v1/families/10000002", headers=assisted).status_code == 404
        seal(desk.db_url)
        entries = desk.client.get("/api/v1/audit/entries", params={"limit": 1000}, headers=desk.admin).json()[
            "items"
        ]
        read = [e for e in entries if e["action"] == "family.read"]
        assert read and read[-1]["actor"] == f"member:100000011 via {body['assisted_by']}"

    def test_only_agents_and_operators_may_ask(self, desk: Desk) -> None:
        citizen = bearer(sign_in(desk.client, desk.sms, "9876500001")["access_token"])
        refused = desk.client.post("/api/v1/auth/assist/", json={"login": "9876500002"}, headers=citizen)
        assert refused.status_code == 403

    def test_revoking_the_operator_ends_what_they_were_doing_for_the_citizen(self, desk: Desk) -> None:
        operator = self._operator(desk)
        started = desk.client.post(
            "/api/v1/auth/assist/", json={"login": "9876500001"}, headers=operator
        ).json()
        code = desk.sms.last_code("9876500001")
        assisted = desk.client.post(
            "/api/v1/auth/assist/verify",
            json={"challenge_id": started["challenge_id"], "code": code},
            headers=operator,
        ).json()
        staff_id = assisted["assisted_by"].removeprefix("staff:")
        assert desk.client.delete(f"/api/v1/admin/staff/{staff_id}", headers=desk.admin).status_code == 204
        refused = desk.client.get("/api/v1/families/10000001", headers=bearer(assisted["access_token"]))
        assert refused.status_code == 401


def test_the_command_line_makes_lists_and_revokes_accounts(db_url: str, tmp_path: Path) -> None:
    """``seva staff create``, ``list`` and ``revoke``, as an operator of the state runs them."""
    env = {"SEVA_DATABASE_URL": db_url, "SEVA_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}

    def seva(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway.cli", "staff", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    made = seva("create", "--role", "agent", "--name", "Priya", "--mobile", "9812300009", "--level", "1")
    assert made.returncode == 0, made.stderr
    staff_id = made.stdout.split()[1]
    assert staff_id in seva("list").stdout
    assert seva("revoke", staff_id).returncode == 0
    assert seva("revoke", staff_id).returncode == 1
    refused = seva("create", "--role", "operator", "--name", "X", "--mobile", "9812300008")
    assert refused.returncode == 1 and "centre" in refused.stderr
    auditor = seva("create", "--role", "auditor", "--name", "Asha", "--mobile", "9812300007")
    assert auditor.returncode == 0 and "(auditor, " in auditor.stdout, auditor.stderr
    narrower = seva(
        "create", "--role", "auditor", "--name", "B", "--mobile", "9812300006", "--district", "bhopal"
    )
    assert narrower.returncode == 1 and "whole state" in narrower.stderr
