"""Open311 over HTTP in this process, on SQLite and PostgreSQL: posting with and without a key, refusals
in the standard's shape (JSON and XML) with nothing written, reading and filtering requests, tokens, and
the administrators' routes for client applications."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from defusedxml import ElementTree as SafeET
from sqlalchemy import text

from gateway.audit import Actor, AuditTrail
from gateway.database import create_engine
from gateway.open311 import Open311Apps
from gateway.platform.clock import SystemClock
from tests.conftest import InProcessServer
from tests.identity.support import bearer, client_token, make_client

PENSION = "social_justice.pension"


def make_key(url: str) -> str:
    async def go() -> str:
        engine = create_engine(url)
        try:
            clock = SystemClock()
            made = await Open311Apps(engine, AuditTrail(engine, clock=clock), clock).create(
                "test app", Actor.system("test", "set-up")
            )
        finally:
            await engine.dispose()
        return made.api_key

    return asyncio.run(go())


def count_grievances(url: str) -> int:
    async def go() -> int:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return int((await conn.execute(text("SELECT count(*) FROM grievance"))).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(go())


def form(key: str | None, **changes: str) -> dict[str, str]:
    values = {
        "service_code": PENSION,
        "description": "Pension not paid since August, please help.",
        "attribute[district]": "bhopal",
        "phone": "9876500123",
        "address_string": "Ward 3, Berasia",
        **changes,
    }
    if key is not None:
        values["api_key"] = key
    return values


@pytest.fixture
def site(db_url: str, app_factory: Callable[..., InProcessServer]) -> Iterator[tuple[httpx.Client, str, str]]:
    server = app_factory({"SEVA_DATABASE_URL": db_url})
    with server.client() as client:
        yield client, make_key(db_url), db_url


def _errors(answer: httpx.Response) -> list[dict[str, Any]]:
    assert answer.headers["content-type"].startswith("application/json"), answer.headers
    body = answer.json()
    assert isinstance(body, list) and set(body[0]) == {"code", "description"}, body
    return body


class TestPosting:
    def test_a_post_files_a_grievance_and_its_token_finds_it(
        self, site: tuple[httpx.Client, str, str]
    ) -> None:
        client, key, url = site
        answer = client.post("/open311/v2/requests.json", data=form(key))
        assert answer.status_code == 201, answer.text
        made = answer.json()[0]
        assert made["service_request_id"].startswith("G") and len(made["service_request_id"]) == 15
        again = client.get(f"/open311/v2/tokens/{made['token']}.xml")
        root = SafeET.fromstring(again.content)
        assert root.findtext("request/service_request_id") == made["service_request_id"]
        assert count_grievances(url) == 1

    def test_without_a_key_refused_in_the_standards_shape(self, site: tuple[httpx.Client, str, str]) -> None:
        client, _, url = site
        answer = client.post("/open311/v2/requests.json", data=form(None))
        assert answer.status_code == 400
        [error] = _errors(answer)
        assert error["code"] == 400 and "api_key" in error["description"]
        as_xml = client.post("/open311/v2/requests.xml", data=form(None))
        root = SafeET.fromstring(as_xml.content)
        assert as_xml.status_code == 400 and root.tag == "errors" and root.findtext("error/code") == "400"
        assert count_grievances(url) == 0

    def test_an_unknown_key_is_forbidden(self, site: tuple[httpx.Client, str, str]) -> None:
        client, _, url = site
        answer = client.post("/open311/v2/requests.json", data=form("o311_not-a-key"))
        assert answer.status_code == 403 and _errors(answer)[0]["code"] == 403
        assert count_grievances(url) == 0

    def test_an_unknown_service_code_is_refused(self, site: tuple[httpx.Client, str, str]) -> None:
        client, key, url = site
        answer = client.post("/open311/v2/requests.json", data=form(key, service_code="potholes.deep"))
        assert answer.status_code == 400
        assert "potholes.deep" in _errors(answer)[0]["description"]
        assert count_grievances(url) == 0

    def test_every_missing_field_is_named_at_once(self, site: tuple[httpx.Client, str, str]) -> None:
        client, key, url = site
        bad = form(key, description="short", phone="12345", **{"attribute[district]": "lahore"})
        answer = client.post("/open311/v2/requests.json", data=bad)
        assert answer.status_code == 400
        said = _errors(answer)[0]["description"]
        assert all(name in said for name in ("description", "phone", "attribute[district]")), said
        assert count_grievances(url) == 0

    def test_hindi_when_asked(self, site: tuple[httpx.Client, str, str]) -> None:
        client, _, _ = site
        answer = client.post("/open311/v2/requests.json", data=form(None), headers={"accept-language": "hi"})
        assert "api_key" in answer.json()[0]["description"] and "आवश्यक" in answer.json()[0]["description"]


class TestReading:
    def test_requests_filtered_by_status_code_and_ids(self, site: tuple[httpx.Client, str, str]) -> None:
        client, key, _ = site
        first = client.post("/open311/v2/requests.json", data=form(key)).json()[0]["service_request_id"]
        other = form(key, service_code="revenue.land_records")
        second = client.post("/open311/v2/requests.json", data=other).json()[0]["service_request_id"]
        listed = client.get("/open311/v2/requests.json").json()
        assert {r["service_request_id"] for r in listed} == {first, second}
        pension = client.get("/open311/v2/requests.json", params={"service_code": PENSION}).json()
        assert [r["service_request_id"] for r in pension] == [first]
        assert client.get("/open311/v2/requests.json", params={"status": "closed"}).json() == []
        both = client.get(
            "/open311/v2/requests.json", params={"service_request_id": f"{second},{first}"}
        ).json()
        assert len(both) == 2
        root = SafeET.fromstring(client.get(f"/open311/v2/requests/{first}.xml").content)
        assert root.tag == "service_requests" and root.findtext("request/status") == "open"

    def test_unknown_things_are_not_found_in_the_standards_shape(
        self, site: tuple[httpx.Client, str, str]
    ) -> None:
        client, _, _ = site
        for path in (
            "/open311/v2/requests/G26120000000000.json",
            "/open311/v2/tokens/nothing.json",
            "/open311/v2/services/nothing.here.json",
            "/open311/v2/services/x.yaml",
        ):
            answer = client.get(path)
            assert answer.status_code == 404 and _errors(answer)[0]["code"] == 404, path

    def test_a_window_wider_than_ninety_days_is_refused(self, site: tuple[httpx.Client, str, str]) -> None:
        client, _, _ = site
        window = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}
        answer = client.get("/open311/v2/requests.json", params=window)
        assert answer.status_code == 400 and "end_date" in _errors(answer)[0]["description"]


class TestClientApplications:
    def test_an_administrator_makes_lists_and_revokes_an_application(
        self, site: tuple[httpx.Client, str, str]
    ) -> None:
        client, _, url = site
        admin = bearer(client_token(client, *make_client(url, "administrator")))
        made = client.post("/api/v1/admin/open311/apps", json={"name": "Ward app"}, headers=admin)
        assert made.status_code == 201, made.text
        key, app_id = made.json()["api_key"], made.json()["app_id"]
        assert client.post("/open311/v2/requests.json", data=form(key)).status_code == 201
        listed = client.get("/api/v1/admin/open311/apps", headers=admin).json()
        assert any(a["app_id"] == app_id and a["revoked_at"] is None for a in listed)
        assert key not in str(listed)
        assert client.delete(f"/api/v1/admin/open311/apps/{app_id}", headers=admin).status_code == 204
        assert client.post("/open311/v2/requests.json", data=form(key)).status_code == 403
        again = client.delete(f"/api/v1/admin/open311/apps/{app_id}", headers=admin)
        assert again.status_code == 404 and again.headers["content-type"].startswith(
            "application/problem+json"
        )

    def test_only_an_administrator_may(self, site: tuple[httpx.Client, str, str]) -> None:
        client, _, url = site
        auditor = bearer(client_token(client, *make_client(url, "auditor")))
        assert (
            client.post("/api/v1/admin/open311/apps", json={"name": "x"}, headers=auditor).status_code == 403
        )
        assert client.get("/api/v1/admin/open311/apps").status_code == 401


def test_service_discovery_names_the_endpoint(site: tuple[httpx.Client, str, str]) -> None:
    client, _, _ = site
    found = client.get("/open311/discovery.json").json()
    [endpoint] = found["endpoints"]
    assert endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = SafeET.fromstring(client.get("/open311/discovery.xml").content)
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/formats/format") == "application/json"
