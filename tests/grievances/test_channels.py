"""Assisted channels and texts: a 181 agent files a grievance and an application for a citizen who gives
the code sent to their own phone, and both identities are audited; every text goes through the outbox,
so a provider that is down delays texts and loses none, by SMS and by the WhatsApp provider alike (both
real HTTP servers on loopback, the WhatsApp one reached through the egress allow-list)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.applications.support import PDF
from tests.conftest import DATABASES, InProcessServer
from tests.deadlines.support import INCOME, income_form
from tests.grievances.support import Desk, complaint, query, seeded_desk
from tests.identity.support import SmsProvider, running_sms_provider


@pytest.fixture(params=DATABASES)
def texting(
    request: pytest.FixtureRequest, tmp_path: Path, app_factory: Callable[..., InProcessServer]
) -> Iterator[tuple[Desk, SmsProvider, SmsProvider]]:
    with running_sms_provider() as sms, running_sms_provider() as whatsapp:
        env = {
            "SEVA_NOTIFIER": "sms",
            "SEVA_SMS_URL": sms.url,
            "SEVA_SMS_TOKEN": sms.token,
            "SEVA_WHATSAPP_URL": whatsapp.url,
            "SEVA_WHATSAPP_TOKEN": "wa-token",
            "SEVA_EGRESS_ALLOW": "127.0.0.1",
        }
        with seeded_desk(request.param, tmp_path, app_factory, **env) as desk:
            yield desk, sms, whatsapp


def test_an_agent_files_a_grievance_and_an_application_for_a_citizen(
    texting: tuple[Desk, SmsProvider, SmsProvider],
) -> None:
    desk, sms, _ = texting
    agent = desk.officer("agent")
    with desk.client() as client:
        started = client.post("/api/v1/auth/assist", json={"login": "9876500001"}, headers=agent)
        assert started.status_code == 202, started.text
        code = sms.last_code("9876500001")
        assert "CM Helpline 181" in [m["text"] for m in sms.received if m["to"] == "+919876500001"][-1]
        verified = client.post(
            "/api/v1/auth/assist/verify",
            json={"challenge_id": started.json()["challenge_id"], "code": code},
            headers=agent,
        )
        assert verified.status_code == 200, verified.text
        helper = verified.json()["assisted_by"]
        assisted = {"authorization": f"Bearer {verified.json()['access_token']}"}

        filed = client.post("/api/v1/grievances", json=complaint(), headers=assisted)
        assert filed.status_code == 201, filed.text
        grievance = filed.json()
        assert grievance["channel"] == "agent"
        assert grievance["timeline"][0]["actor"] == f"member:200000011 via {helper}"

        for doc_type in ("self_declaration", "aadhaar", "samagra_id"):
            uploaded = client.post(
                "/api/v1/documents",
                headers=assisted,
                data={"doc_type": doc_type, "member_id": "200000011"},
                files={"file": (f"{doc_type}.pdf", PDF)},
            )
            assert uploaded.status_code == 201, uploaded.text
        applied = client.post(
            "/api/v1/applications",
            json={"service_code": INCOME, "member_id": "200000011", "form": income_form()},
            headers={**assisted, "Idempotency-Key": "agent-call-1"},
        )
        assert applied.status_code in (201, 202), applied.text
        reference = applied.json()["reference"]

    entries = query(desk, "SELECT action, target, actor FROM audit_entry ORDER BY seq")
    by_target = {(action, target): actor for action, target, actor in entries}
    assert (
        by_target[("grievance.filed", f"grievance:{grievance['number']}")] == f"member:200000011 via {helper}"
    )
    assert any(
        target == f"application:{reference}" and actor == f"member:200000011 via {helper}"
        for (_, target), actor in by_target.items()
    )


def test_texts_wait_while_the_providers_are_down_and_go_when_they_are_up(
    texting: tuple[Desk, SmsProvider, SmsProvider],
) -> None:
    desk, sms, whatsapp = texting
    asha = desk.citizen()
    with desk.client() as client:
        filed = client.post("/api/v1/grievances", json=complaint(language="hi"), headers=asha).json()
    sms.status = 503
    assert desk.flush() == 0
    assert sms.received == []
    sms.status = 200
    whatsapp.status = 502
    desk.clock.advance(61)  # past the claim's lease
    assert desk.flush() == 0  # the SMS went, WhatsApp did not: the text stays to be tried again
    whatsapp.status = 200
    desk.clock.advance(61)
    assert desk.flush() == 1
    assert desk.flush() == 0
    texts = [m["text"] for m in sms.received if m["to"] == "+919876500001"]
    shown = filed["number_display"]
    assert texts and all(shown in t and "शिकायत" in t for t in texts)  # in the citizen's language
    sent = [m for m in whatsapp.received if m.get("messaging_product") == "whatsapp"]
    assert sent and sent[-1]["to"] == "919876500001" and shown in sent[-1]["text"]["body"]
    assert json.dumps(sent[-1]).count("9876500001") == 1  # the number only where it must be


def test_filed_without_signing_in_by_a_code_to_the_phone(
    texting: tuple[Desk, SmsProvider, SmsProvider],
) -> None:
    """A phone not in the registry gets a code, files with it and gets the texts; a wrong code files none."""
    desk, sms, _ = texting
    stranger = "9812345678"
    body = complaint(district="indore", place="Rau")
    with desk.client() as client:
        sent = client.post("/api/v1/grievances-by-phone/code", json={"mobile": stranger})
        assert sent.status_code == 202, sent.text
        code = sms.last_code(stranger)
        challenge = sent.json()["challenge_id"]
        not_it = "000000" if code != "000000" else "111111"
        wrong = client.post(
            "/api/v1/grievances-by-phone", json={"challenge_id": challenge, "code": not_it, "grievance": body}
        )
        assert wrong.status_code == 400 and wrong.json()["code"] == "otp_wrong_code"
        assert query(desk, "SELECT count(*) FROM grievance") == [(0,)]
        filed = client.post(
            "/api/v1/grievances-by-phone",
            json={"challenge_id": sent.json()["challenge_id"], "code": code, "grievance": body},
        )
        assert filed.status_code == 201, filed.text
        g = filed.json()
        assert (g["channel"], g["district"]) == ("phone", "indore")
        assert g["timeline"][0]["actor"] == "mobile:******5678"
        again = client.post(
            "/api/v1/grievances-by-phone",
            json={"challenge_id": sent.json()["challenge_id"], "code": code, "grievance": body},
        )
        assert again.status_code == 400  # a code files once
        assert client.get(f"/api/v1/grievances/{g['number']}/status").json()["status"] == "open"
    assert desk.flush() == 1
    assert any(g["number_display"] in m["text"] for m in sms.received if m["to"] == f"+91{stranger}")
