"""The whole life of a grievance over HTTP, on SQLite and PostgreSQL: filed, attended, moved up by the
watcher through the levels that climb by themselves as the clock passes their limits, escalated by hand
where the routing file says so, resolved, not satisfied, reopened, resolved, satisfied, closed; every step
on the timeline, in the audit trail and in a text to the citizen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import text

from gateway.database import create_engine
from tests.grievances.support import START, Desk, complaint


def count(desk: Desk, sql: str, **params: object) -> int:
    """A count straight from the database, outside the application."""
    import asyncio

    async def run() -> int:
        engine = create_engine(desk.url)
        try:
            async with engine.connect() as conn:
                return int((await conn.execute(text(sql), params)).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(run())


def act(client: httpx.Client, number: str, step: str, auth: dict[str, str], **body: object) -> dict[str, Any]:
    """An officer's step on the grievance; its answer."""
    answer = client.post(f"/api/v1/grievance-inbox/{number}/{step}", json=body or None, headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def say(client: httpx.Client, number: str, auth: dict[str, str], rating: str) -> dict[str, Any]:
    answer = client.post(f"/api/v1/grievances/{number}/feedback", json={"rating": rating}, headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def inbox(client: httpx.Client, auth: dict[str, str]) -> list[str]:
    return [i["number"] for i in client.get("/api/v1/grievance-inbox", headers=auth).json()["items"]]


def test_the_whole_life_of_a_grievance(desk: Desk) -> None:
    asha, l1, l2, l3, l4 = (desk.citizen(), *(desk.officer(n) for n in ("l1", "l2", "l3", "l4")))
    with desk.client() as client:
        filed = client.post("/api/v1/grievances", json=complaint(), headers=asha)
        assert filed.status_code == 201, filed.text
        g = filed.json()
        number = g["number"]
        assert number.startswith("G") and len(number) == 15 and g["number_display"].count("-") == 2
        # Monday 7 December + 7 working days (the second Saturday, 12 December, and Sundays are off).
        assert (g["level"], g["status"], g["position"], g["due_on"]) == (1, "open", "Tehsildar", "2026-12-16")
        assert client.get(f"/api/v1/grievances/{number}/status").json()["status"] == "open"

        inbox = client.get("/api/v1/grievance-inbox", headers=l1).json()
        assert [i["number"] for i in inbox["items"]] == [number] and inbox["items"][0]["days_left"] == 7
        assert client.get("/api/v1/grievance-inbox", headers=l2).json()["items"] == []
        assert (
            client.post(f"/api/v1/grievance-inbox/{number}/attend", headers=l1).json()["status"] == "attended"
        )

        # Nothing is due before the limit lapses; the day after, the watcher moves it to level 2, once.
        desk.at(dt.date(2026, 12, 16), 23)
        assert desk.sweep() == 0
        desk.at(dt.date(2026, 12, 17))
        assert desk.sweep() == 1
        assert desk.sweep() == 0
        g = client.get(f"/api/v1/grievances/{number}", headers=asha).json()
        assert (g["level"], g["status"], g["position"]) == (2, "open", "SDO (Revenue)")
        assert client.get("/api/v1/grievance-inbox", headers=l1).json()["items"] == []
        assert [i["number"] for i in client.get("/api/v1/grievance-inbox", headers=l2).json()["items"]] == [
            number
        ]

        desk.at(dt.date.fromisoformat(g["due_on"]) + dt.timedelta(days=1))
        assert desk.sweep() == 1
        g = client.get(f"/api/v1/grievances/{number}", headers=asha).json()
        assert (g["level"], g["position"]) == (3, "Collector")

        # From level 3 the routing file says "manual": the lapse is marked once, the level stays.
        desk.at(dt.date.fromisoformat(g["due_on"]) + dt.timedelta(days=2))
        assert desk.sweep() == 1
        assert desk.sweep() == 0
        g = client.get(f"/api/v1/grievances/{number}", headers=asha).json()
        assert g["level"] == 3 and g["timeline"][-1]["kind"] == "lapsed"
        up = client.post(
            f"/api/v1/grievance-inbox/{number}/escalate", json={"note": "A budget matter"}, headers=l3
        )
        assert up.status_code == 200 and up.json()["level"] == 4

        resolved = client.post(
            f"/api/v1/grievance-inbox/{number}/resolve",
            json={"note": "Copy issued at the tehsil"},
            headers=l4,
        )
        assert resolved.json()["status"] == "resolved" and resolved.json()["feedback_due"]
        unhappy = client.post(
            f"/api/v1/grievances/{number}/feedback", json={"rating": "not_satisfied"}, headers=asha
        )
        g = unhappy.json()
        assert (g["status"], g["level"], g["reopened"], g["low_quality"]) == ("open", 4, 1, 1)

        client.post(
            f"/api/v1/grievance-inbox/{number}/resolve", json={"note": "Certified copy sent"}, headers=l4
        )
        closed = client.post(
            f"/api/v1/grievances/{number}/feedback", json={"rating": "satisfied"}, headers=asha
        )
        g = closed.json()
        assert (g["status"], g["closure"], g["force_closed"]) == ("closed", "satisfied", False)

    kinds = [e["kind"] for e in g["timeline"]]
    assert kinds == [
        "filed", "attended", "escalated", "escalated", "lapsed", "escalated", "resolved", "not_satisfied",
        "resolved", "satisfied",
    ]  # fmt: skip
    assert [e["level"] for e in g["timeline"]] == [1, 1, 2, 3, 3, 4, 4, 4, 4, 4]
    # Each step of a person is in the audit trail by name; the watcher's rounds as rounds.
    assert (
        count(
            desk,
            "SELECT count(*) FROM audit_entry WHERE target = :t AND action <> 'grievance.read'",
            t=f"grievance:{number}",
        )
        == 7
    )
    assert count(desk, "SELECT count(*) FROM audit_entry WHERE action = 'grievance.escalation_round'") == 3
    # Every step that concerns the citizen was texted, through the notifier into the outbox.
    queued = count(desk, "SELECT count(*) FROM grievance_notice WHERE number = :n", n=number)
    assert queued == 9
    assert desk.flush() == 9
    assert count(desk, "SELECT count(*) FROM outbox_message WHERE purpose LIKE 'grievance.%'") == 9
    assert desk.flush() == 0
    assert START.date() < dt.date(2026, 12, 17)
