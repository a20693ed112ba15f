"""The audit trail over HTTP: auditors page through it and check it; a tampered trail is named."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from gateway.audit import Actor, AuditTrail
from gateway.audit.sealer import AuditSealer, HeadFile
from gateway.database import create_engine
from tests.audit.tampering import rewrite_from, tamper
from tests.conftest import InProcessServer
from tests.identity.support import bearer, client_token, make_client


def _fill(db_url: str, count: int) -> None:
    async def go() -> None:
        engine = create_engine(db_url)
        try:
            actor = Actor(subject="member:100000011", role="citizen", client_ip="203.0.113.7", reason="test")
            for n in range(count):
                await AuditTrail(engine).record(
                    actor, "family.read", f"family:1000000{n % 10}", {"member_id": "100000012"}
                )
            await AuditSealer(engine).seal_all()
        finally:
            await engine.dispose()

    asyncio.run(go())


def _tamper(db_url: str, statement: str) -> None:
    async def go() -> None:
        engine = create_engine(db_url)
        try:
            await tamper(engine, statement)
        finally:
            await engine.dispose()

    asyncio.run(go())


def test_auditors_page_through_the_trail_with_addresses_masked(
    db_url: str, app_factory: Callable[..., InProcessServer]
) -> None:
    """Pages follow one another by ``next_after``; auditors see addresses and member and family IDs masked
    (actor, target, details), administrators see them whole."""
    _fill(db_url, 7)
    auditor, admin = make_client(db_url, "auditor"), make_client(db_url, "administrator")
    server = app_factory({"SEVA_DATABASE_URL": db_url})
    with server.client() as client:
        headers = bearer(client_token(client, *auditor))
        first = client.get("/api/v1/audit/entries", params={"limit": 4}, headers=headers).json()
        second = client.get(
            "/api/v1/audit/entries", params={"after": first["next_after"], "limit": 4}, headers=headers
        ).json()
        whole = client.get(
            "/api/v1/audit/entries", params={"limit": 3}, headers=bearer(client_token(client, *admin))
        ).json()
    assert [e["seq"] for e in first["items"]] == [1, 2, 3, 4] and first["next_after"] == 4
    assert [e["seq"] for e in second["items"]][:3] == [5, 6, 7]
    assert {e["client_ip"] for e in first["items"]} == {"203.0.113.x"}
    assert {e["actor"] for e in first["items"]} == {"member:******011"}
    assert [e["target"] for e in first["items"]] == [f"family:*****00{n}" for n in range(4)]
    assert {e["details"]["member_id"] for e in first["items"]} == {"******012"}
    assert whole["items"][0]["client_ip"] == "203.0.113.7"
    assert (whole["items"][0]["actor"], whole["items"][0]["target"]) == (
        "member:100000011",
        "family:10000000",
    )
    assert whole["items"][0]["details"] == {"member_id": "100000012"}


def test_the_auditor_endpoint_names_an_edited_and_a_deleted_entry(
    db_url: str, app_factory: Callable[..., InProcessServer]
) -> None:
    """GET /api/v1/audit/verify is ok on a whole trail, then names the entry edited, then the one removed."""
    _fill(db_url, 6)
    auditor = make_client(db_url, "auditor")
    server = app_factory({"SEVA_DATABASE_URL": db_url})
    with server.client() as client:
        headers = bearer(client_token(client, *auditor))
        whole = client.get("/api/v1/audit/verify", headers=headers).json()
        _tamper(db_url, "UPDATE audit_entry SET target = 'family:99999999' WHERE seq = 5")
        edited = client.get("/api/v1/audit/verify", headers=headers).json()
        _tamper(db_url, "DELETE FROM audit_entry WHERE seq = 3")
        deleted = client.get("/api/v1/audit/verify", headers=headers).json()
    assert whole["ok"] is True and whole["entries"] >= 6
    assert edited["ok"] is False and edited["first_broken"] == 5 and "changed" in edited["problem"]
    assert deleted["ok"] is False and deleted["first_broken"] == 3 and "removed" in deleted["problem"]
    # every break, not only the first: the removal at 3 and the edit at 5
    assert [b["seq"] for b in deleted["breaks"]] == [3, 5] and "changed" in deleted["breaks"][1]["problem"]


def test_nobody_can_change_the_trail_over_http(
    db_url: str, app_factory: Callable[..., InProcessServer]
) -> None:
    """An administrator's PUT, PATCH, DELETE or POST on the trail gets 405, and nothing changes."""
    _fill(db_url, 2)
    admin = make_client(db_url, "administrator")
    server = app_factory({"SEVA_DATABASE_URL": db_url})
    with server.client() as client:
        headers = bearer(client_token(client, *admin))
        answers = [
            client.request(method, "/api/v1/audit/entries", headers=headers, json={"seq": 1})
            for method in ("PUT", "PATCH", "DELETE", "POST")
        ]
        report = client.get("/api/v1/audit/verify", headers=headers).json()
    assert {a.status_code for a in answers} == {405}
    assert report["ok"] is True


def test_the_auditor_endpoint_holds_the_trail_against_the_published_heads(
    db_url: str, app_factory: Callable[..., InProcessServer], tmp_path: Path
) -> None:
    """A tail rewritten and rechained passes the chain alone; the endpoint names it from the heads the
    sealer published to SEVA_AUDIT_HEAD_FILE."""
    heads = tmp_path / "heads.jsonl"

    async def sealed_with_heads() -> None:
        engine = create_engine(db_url)
        try:
            actor = Actor(subject="member:100000011", role="citizen", client_ip="203.0.113.7", reason="test")
            for n in range(5):
                await AuditTrail(engine).record(actor, "family.read", f"family:1000000{n}")
            await AuditSealer(engine, heads=HeadFile(heads)).seal_all()
            await rewrite_from(engine, 3)
        finally:
            await engine.dispose()

    asyncio.run(sealed_with_heads())
    auditor = make_client(db_url, "auditor")
    server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_AUDIT_HEAD_FILE": str(heads)})
    with server.client() as client:
        report = client.get("/api/v1/audit/verify", headers=bearer(client_token(client, *auditor))).json()
    assert report["ok"] is False and report["first_broken"] == 5
    assert "published" in report["problem"] and report["published_checked"] >= 1
