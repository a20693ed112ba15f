"""Closures and the citizen's say outside the web page: a force closure only at the level the file allows
and only after the citizen was told, marked forever and counted as low quality; a special closure made at
level 3; level 4 sends a grievance back to level 3; the citizen answers the "resolved" text by SMS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATABASES, InProcessServer
from tests.grievances.support import Desk, complaint, query, seeded_desk

RELAY = "relay-token-of-the-sms-provider"


@pytest.fixture(params=DATABASES)
def relayed(
    request: pytest.FixtureRequest, tmp_path: Path, app_factory: Callable[..., InProcessServer]
) -> Iterator[Desk]:
    with seeded_desk(request.param, tmp_path, app_factory, SEVA_GRIEVANCE_SMS_REPLY_TOKEN=RELAY) as desk:
        yield desk


def _to_level(desk: Desk, client: httpx.Client, number: str, level: int) -> None:
    """Up the chain by the officers' own hands, as far as ``level``."""
    for at in range(1, level):
        moved = client.post(
            f"/api/v1/grievance-inbox/{number}/escalate", json={"note": "beyond my powers"},
            headers=desk.officer(f"l{at}"),
        )  # fmt: skip
        assert moved.status_code == 200 and moved.json()["level"] == at + 1, moved.text


def test_force_closure_only_after_the_citizen_was_told(relayed: Desk) -> None:
    desk = relayed
    with desk.client() as client:
        number = client.post("/api/v1/grievances", json=complaint(), headers=desk.citizen()).json()["number"]
        _to_level(desk, client, number, 4)
        l4 = desk.officer("l4")
        told = client.post(
            f"/api/v1/grievance-inbox/{number}/force-closure", json={"reasons": "policy matter"}, headers=l4
        )
        assert told.status_code == 200 and told.json()["status"] == "open"
        assert told.json()["timeline"][-1]["kind"] == "force_notice"
        early = client.post(
            f"/api/v1/grievance-inbox/{number}/force-closure", json={"reasons": "again"}, headers=l4
        )
        assert (early.status_code, early.json()["code"]) == (409, "closure_not_allowed")
        desk.clock.advance(72 * 3600)
        closed = client.post(
            f"/api/v1/grievance-inbox/{number}/force-closure", json={"reasons": "no remedy"}, headers=l4
        )
        g = closed.json()
        assert (g["status"], g["closure"], g["force_closed"], g["low_quality"]) == (
            "closed",
            "force",
            True,
            1,
        )
    texts = [
        t
        for (t,) in query(
            desk, "SELECT template FROM grievance_notice WHERE number = :n ORDER BY id", n=number
        )
    ]
    assert texts.index("force_notice") < texts.index("force_closed")


def test_special_closure_send_back_and_an_sms_reply(relayed: Desk) -> None:
    desk = relayed
    with desk.client() as client:
        asha = desk.citizen()
        first = client.post("/api/v1/grievances", json=complaint(), headers=asha).json()["number"]
        _to_level(desk, client, first, 4)
        back = client.post(f"/api/v1/grievance-inbox/{first}/send-back", json={"note": "district can act"},
                           headers=desk.officer("l4"))  # fmt: skip
        assert back.json()["level"] == 3 and back.json()["due_on"] > desk.clock.today().isoformat()
        special = client.post(f"/api/v1/grievance-inbox/{first}/special-closure",
                              json={"reasons": "settled in court"}, headers=desk.officer("l3"))  # fmt: skip
        assert (special.json()["status"], special.json()["closure"]) == ("closed", "special")

        second = client.post("/api/v1/grievances", json=complaint(), headers=asha).json()["number"]
        client.post(
            f"/api/v1/grievance-inbox/{second}/resolve", json={"note": "done"}, headers=desk.officer("l1")
        )
        relay = {"X-Seva-Relay-Token": RELAY}
        answer = client.post(
            "/api/v1/grievance-sms-replies", json={"sender": "+919876500001", "text": "2"}, headers=relay
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"number": second, "rating": "not_satisfied", "status": "open"}
        assert client.get(f"/api/v1/grievances/{second}", headers=asha).json()["level"] == 2
        nothing = client.post(
            "/api/v1/grievance-sms-replies", json={"sender": "9876500001", "text": "1"}, headers=relay
        )
        assert (nothing.status_code, nothing.json()["code"]) == (422, "grievance_invalid")
    assert dt.date.fromisoformat(back.json()["due_on"])


def test_a_link_to_an_earlier_grievance_and_a_withdrawal(desk: Desk) -> None:
    asha, meena = desk.citizen(), desk.citizen("meena")
    with desk.client() as client:
        earlier = client.post("/api/v1/grievances", json=complaint(), headers=asha).json()
        later = client.post(
            "/api/v1/grievances", json=complaint(linked_to=earlier["number_display"]), headers=asha
        ).json()
        assert later["linked_to"] == earlier["number"]
        other = client.post("/api/v1/grievances", json=complaint(linked_to=earlier["number"]), headers=meena)
        assert (other.status_code, other.json()["code"]) == (422, "grievance_invalid")
        gone = client.post(
            f"/api/v1/grievances/{later['number']}/withdraw", json={"note": "settled"}, headers=asha
        )
        assert (gone.json()["status"], gone.json()["closure"]) == ("withdrawn", "withdrawn")
        again = client.post(
            f"/api/v1/grievances/{later['number']}/withdraw", json={"note": "x"}, headers=asha
        )
        assert (again.status_code, again.json()["code"]) == (409, "grievance_state_conflict")
        mine = client.get("/api/v1/grievances", headers=asha).json()["items"]
        assert {g["number"] for g in mine} == {earlier["number"], later["number"]}
