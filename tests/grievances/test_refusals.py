"""Each bad input is refused with its problem document (stable code, English and Hindi), and nothing of it
is written: no grievance, no event, no audit entry, no text."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import text

from gateway.database import create_engine
from tests.grievances.support import Desk, complaint


def written(desk: Desk) -> tuple[int, ...]:
    """Rows of every table a grievance step writes."""

    async def run() -> tuple[int, ...]:
        engine = create_engine(desk.url)
        try:
            async with engine.connect() as conn:
                found = []
                for table in ("grievance", "grievance_event", "grievance_notice", "audit_entry"):
                    where = (
                        # Reads, and a citizen's refused reach into another family, which the platform audits
                        # on purpose (access.refused), are not a grievance step.
                        " WHERE action NOT LIKE '%.read'"
                        " AND action NOT IN ('grievance.list', 'access.refused')"
                        if table == "audit_entry"
                        else ""
                    )
                    found.append(
                        int((await conn.execute(text(f"SELECT count(*) FROM {table}{where}"))).scalar_one())  # noqa: S608
                    )
                return tuple(found)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def refused(
    desk: Desk,
    client: httpx.Client,
    method: str,
    path: str,
    auth: dict[str, str],
    status: int,
    code: str,
    **json: Any,
) -> dict[str, Any]:
    before = written(desk)
    answer = client.request(method, path, json=json or None, headers={**auth, "accept-language": "hi"})
    assert answer.status_code == status, answer.text
    problem = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == code and problem["message"]["en"] and problem["message"]["hi"]
    assert problem["detail"] == problem["message"]["hi"]  # asked for in Hindi
    assert written(desk) == before, f"{code}: something was written"
    return dict(problem)


def test_bad_filings_are_refused_whole(desk: Desk) -> None:
    asha = desk.citizen()
    with desk.client() as client:
        p = refused(
            desk,
            client,
            "POST",
            "/api/v1/grievances",
            asha,
            422,
            "unknown_grievance_category",
            **complaint(category="weather"),
        )
        assert "land_records" in p["message"]["en"]
        refused(
            desk,
            client,
            "POST",
            "/api/v1/grievances",
            asha,
            422,
            "unknown_grievance_category",
            **complaint(department="space_research"),
        )
        refused(
            desk,
            client,
            "POST",
            "/api/v1/grievances",
            asha,
            422,
            "district_not_in_state",
            **complaint(district="lucknow"),
        )
        another = complaint(application_reference=desk.meena_application, department=None, category=None)
        refused(desk, client, "POST", "/api/v1/grievances", asha, 422, "application_not_yours", **another)
        # Meena may complain about her own application: its department comes from the application.
        mine = client.post("/api/v1/grievances", json=another, headers=desk.citizen("meena"))
        assert mine.status_code == 201 and mine.json()["department"] == "general_administration"
        refused(
            desk,
            client,
            "POST",
            "/api/v1/grievances",
            asha,
            422,
            "grievance_invalid",
            **complaint(attachments=["f" * 32]),
        )
        refused(
            desk,
            client,
            "POST",
            "/api/v1/grievances",
            asha,
            422,
            "grievance_invalid",
            **complaint(linked_to="2611-4829-1037-5"),
        )


def test_reminders_feedback_and_officers_out_of_place_are_refused(desk: Desk) -> None:
    asha, l1, l2, indore, other = (
        desk.citizen(),
        *(desk.officer(n) for n in ("l1", "l2", "indore", "other_dept")),
    )
    with desk.client() as client:
        number = client.post("/api/v1/grievances", json=complaint(), headers=asha).json()["number"]
        # A reminder is throttled from the filing on: not before 72 hours.
        p = refused(
            desk, client, "POST", f"/api/v1/grievances/{number}/reminders", asha, 429, "reminder_too_soon"
        )
        assert "72" in p["message"]["en"]
        assert client.post(f"/api/v1/grievances/{number}/reminders", headers=asha).headers[
            "retry-after"
        ] == str(72 * 3600)
        desk.clock.advance(72 * 3600)
        assert client.post(f"/api/v1/grievances/{number}/reminders", headers=asha).json()["reminders"] == 1
        refused(
            desk, client, "POST", f"/api/v1/grievances/{number}/reminders", asha, 429, "reminder_too_soon"
        )
        refused(
            desk,
            client,
            "POST",
            f"/api/v1/grievances/{number}/feedback",
            asha,
            409,
            "feedback_not_due",
            rating="satisfied",
        )
        for officer in (l2, indore, other):
            refused(
                desk,
                client,
                "POST",
                f"/api/v1/grievance-inbox/{number}/attend",
                officer,
                403,
                "grievance_outside_jurisdiction",
            )
        # Another family cannot see it, remind it or withdraw it.
        meena = desk.citizen("meena")
        refused(desk, client, "GET", f"/api/v1/grievances/{number}", meena, 404, "unknown_grievance")
        refused(
            desk,
            client,
            "POST",
            f"/api/v1/grievances/{number}/withdraw",
            meena,
            404,
            "unknown_grievance",
            note="not mine",
        )
        # A special closure at level 1 may only be proposed; a force closure is not allowed there at all.
        refused(
            desk,
            client,
            "POST",
            f"/api/v1/grievance-inbox/{number}/special-closure",
            l1,
            409,
            "closure_not_allowed",
            reasons="duplicate",
        )
        refused(
            desk,
            client,
            "POST",
            f"/api/v1/grievance-inbox/{number}/force-closure",
            l1,
            409,
            "closure_not_allowed",
            reasons="no response",
        )
        proposed = client.post(
            f"/api/v1/grievance-inbox/{number}/special-closure",
            json={"reasons": "a duplicate of an earlier one", "propose": True},
            headers=l1,
        )
        assert proposed.json()["status"] == "open"
        assert proposed.json()["timeline"][-1]["kind"] == "special_closure_proposed"
        # The SMS relay needs the provider's token.
        refused(
            desk,
            client,
            "POST",
            "/api/v1/grievance-sms-replies",
            {},
            401,
            "relay_refused",
            sender="9876500001",
            text="1",
        )


def test_transfers_are_capped(desk: Desk) -> None:
    asha, l1 = desk.citizen(), desk.officer("l1")
    with desk.client() as client:
        number = client.post("/api/v1/grievances", json=complaint(), headers=asha).json()["number"]
        for n in range(3):
            moved = client.post(
                f"/api/v1/grievance-inbox/{number}/forward",
                json={
                    "note": "to the right section",
                    "category": ["demarcation", "other", "land_records"][n],
                },
                headers=l1,
            )
            assert moved.status_code == 200 and moved.json()["transfers"] == n + 1
        refused(
            desk,
            client,
            "POST",
            f"/api/v1/grievance-inbox/{number}/forward",
            l1,
            409,
            "transfer_cap_reached",
            note="once more",
            category="other",
        )
