"""A real Open311 client library (``georeport`` from PyPI) reads seva's services, service definitions and
requests, in JSON and in XML, from a ``seva serve`` process on loopback: the process boundary is what is
tested (the library calls ``requests`` itself and accepts no transport)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from georeport import GeoReport

from tests.conftest import ROOT, LiveServer


def _create_app(env: dict[str, str]) -> str:
    """An Open311 client application made with the administrator's command; its API key."""
    import os

    done = subprocess.run(  # our own CLI
        [sys.executable, "-m", "gateway.cli", "open311", "create-app", "--name", "Ward app"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("api_key: "))
    return line.removeprefix("api_key: ").strip()


@pytest.fixture
def served(db_url: str, tmp_path: Path, server_factory: Callable[..., LiveServer]) -> tuple[LiveServer, str]:
    env = {"SEVA_DATABASE_URL": db_url, "SEVA_DATA_DIR": str(tmp_path / "data")}
    key = _create_app(env)
    return server_factory(env), key


def test_georeport_reads_services_and_requests(served: tuple[LiveServer, str]) -> None:
    server, key = served
    with server.client() as http:
        posted = http.post(
            "/open311/v2/requests.json",
            data={
                "api_key": key,
                "service_code": "social_justice.pension",
                "description": "My old-age pension has not come for three months.",
                "attribute[district]": "bhopal",
                "phone": "9876500123",
                "address_string": "Ward 12, Bairagarh",
            },
        )
        assert posted.status_code == 201, posted.text
        created = posted.json()[0]
        number, token = created["service_request_id"], created["token"]
        by_token = http.get(f"/open311/v2/tokens/{token}.json").json()
    assert by_token == [{"service_request_id": number, "token": token}]

    root = f"{server.url}/open311/v2"
    for fmt in ("json", "xml"):
        client = GeoReport(root, api_key=key, output_format=fmt)
        services = client.get_service_list()
        codes = {s["service_code"] for s in services}
        assert {"social_justice.pension", "revenue.land_records"} <= codes, fmt
        definition = client.get_service_definition("social_justice.pension")
        assert definition["service_code"] == "social_justice.pension"
        attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
        district = next(a for a in attributes if a["code"] == "district")
        values = district["values"] if fmt == "json" else district["values"]["value"]
        assert str(district["required"]).lower() == "true" and any(v["key"] == "bhopal" for v in values)
        found = client.get_service_requests(service_code="social_justice.pension", status="open")
        found = found if isinstance(found, list) else [found]
        assert [r["service_request_id"] for r in found] == [number], fmt
        one = client.get_service_request(number)
        assert one["service_request_id"] == number and one["status"] == "open", fmt
        assert one["service_code"] == "social_justice.pension" and one["address"] == "Bhopal", fmt
        # What anyone may read names nothing of the citizen: no text, no place, no number.
        assert not one.get("description") and "Bairagarh" not in str(one) and "9876500123" not in str(one)


def test_the_xml_is_well_formed_and_declares_utf8(served: tuple[LiveServer, str]) -> None:
    server, _ = served
    with server.client() as http:
        answer = http.get("/open311/v2/services.xml")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/xml")
    assert answer.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = SafeET.fromstring(answer.content)  # refuses entities and DTDs
    assert root.tag == "services" and root.find("service/service_code") is not None
