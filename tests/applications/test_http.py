"""Documents, applications and department adapters over HTTP (the application in-process), with a real
department on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from gateway.audit import Actor
from gateway.audit.tables import AuditEntry
from gateway.identity.clients import ClientService
from gateway.identity.keys import KeyRing
from gateway.identity.tokens import TokenService
from gateway.platform.clock import SystemClock
from gateway.platform.principal import Principal
from tests.adapters.mounts import Department
from tests.applications.support import JPEG, LEARNER, LEARNER_DOCS, PDF, Person, World, learner_form
from tests.conftest import InProcessServer, free_port

SECRET = {"SEVA_SECRET_KEY": "applications-test-secret-" + "x" * 32, "SEVA_API_PER_MINUTE": "100000"}


def _token(server: InProcessServer, principal: Principal) -> dict[str, str]:
    """A bearer header signed with the server's own key (the server made it in its data folder), at the
    time of the server's clock."""
    tokens = TokenService(
        KeyRing.open(server.seva.platform.settings.keys_path),
        issuer="seva",
        audience="seva-api",
        lifetime=900,
        clock=server.clock,
    )
    return {"authorization": f"Bearer {tokens.issue(principal).token}"}


def _citizen(server: InProcessServer, person: Person) -> dict[str, str]:
    return _token(server, person.principal)


async def _department(server: InProcessServer, world: World, department: str) -> dict[str, str]:
    """A token of a real API client of ``department`` (the server checks the client is live)."""
    clients = ClientService(world.engine, world.audit)
    made = await clients.create(
        f"{department} system", "department", department, Actor.system("test", "set-up")
    )
    return _token(server, Principal.client(made.client_id, "department", department))


async def _upload(
    client: httpx.AsyncClient, auth: dict[str, str], doc_type: str, data: bytes = PDF
) -> httpx.Response:
    return await client.post(
        "/api/v1/documents",
        headers=auth,
        data={"doc_type": doc_type},
        files={"file": (f"{doc_type}.png", data)},
    )


def _apply(client: httpx.AsyncClient, auth: dict[str, str], key: str | None, body: dict[str, Any]) -> Any:
    headers = {**auth, **({"Idempotency-Key": key} if key else {})}
    return client.post("/api/v1/applications", headers=headers, json=body)


async def _audited(world: World, action: str) -> int:
    entries = AuditEntry.__table__  # type: ignore[attr-defined]
    async with world.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).where(entries.c.action == action)) or 0)


def _learner(person: Person, **form: object) -> dict[str, Any]:
    return {"service_code": LEARNER, "member_id": person.member_id, "form": learner_form(**form)}


def _demo_delivery_env(db_url: str) -> dict[str, str]:
    """A server that delivers in-process and polls the demo departments quickly (the demo offices decide,
    not officers at the desk)."""
    return {"SEVA_DATABASE_URL": db_url, "SEVA_INPROCESS_WORKERS": "1", "SEVA_DELIVERY_POLL_SECONDS": "0.3",
            "SEVA_LOCAL_DECISIONS": "demo",
            "SEVA_DELIVERY_IDLE_SECONDS": "0.1", **SECRET}  # fmt: skip


async def _until_issued(
    client: httpx.AsyncClient, auth: dict[str, str], key: str, person: Person
) -> dict[str, Any]:
    """Apply for a khasra copy and follow it until the demo revenue office issues it. The in-process
    worker (on a server given the machine's clock) and the demo office work on the machine's time: the
    wait is for them, and bounded generously."""
    body = {
        "service_code": "rev-khasra-copy",
        "member_id": person.member_id,
        "form": {"record_type": "khasra", "village": "Berasia", "tehsil": "Berasia",
                 "khasra_number": "123/4", "mobile": "9876500001"},
    }  # fmt: skip
    reference = (await _apply(client, auth, key, body)).json()["reference"]
    deadline, answer = time.monotonic() + 120, {}
    while time.monotonic() < deadline and answer.get("status") != "issued":
        await asyncio.sleep(0.2)
        answer = (await client.get(f"/api/v1/applications/{reference}", headers=auth)).json()
    return answer


class TestCitizenOverHttp:
    async def test_upload_apply_follow_and_list(
        self, world: World, db_url: str, tmp_path: Path, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """Upload once, apply with a key, retry safely, follow the timeline; another family sees nothing."""
        server = app_factory({"SEVA_DATABASE_URL": db_url, **SECRET})
        asha, meena = _citizen(server, world.people.asha), _citizen(server, world.people.meena)
        async with server.async_client() as client:
            uploads = [await _upload(client, asha, doc_type) for doc_type in LEARNER_DOCS]
            assert [u.status_code for u in uploads] == [201] * 4
            assert uploads[0].json()["content_type"] == "application/pdf"  # named .png, but a PDF
            first = await _apply(client, asha, "apply-1", _learner(world.people.asha))
            again = await _apply(client, asha, "apply-1", _learner(world.people.asha))
            other = await _apply(client, asha, "apply-1", _learner(world.people.asha, vehicle_class="mcwg"))
            reference = first.json()["reference_display"]
            shown = await client.get(f"/api/v1/applications/{reference}", headers=asha)
            hidden = await client.get(f"/api/v1/applications/{reference}", headers=meena)
            typo = reference[:-1] + str((int(reference[-1]) + 1) % 10)
            mistyped = await client.get(f"/api/v1/applications/{typo}", headers=asha)
            mine = await client.get("/api/v1/applications", headers=asha)
            theirs = await client.get("/api/v1/applications", headers=meena)
            documents = await client.get("/api/v1/documents", headers=asha)
        assert first.status_code == 201 and again.status_code == 200
        assert again.json()["reference"] == first.json()["reference"]
        assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
        assert shown.status_code == 200
        assert [e["status"] for e in shown.json()["timeline"]] == ["submitted"]
        by_status = {d["type"]: d["status"] for d in shown.json()["documents"] if d["required"]}
        # Asha's date of birth is verified by e-KYC: the registry stands in for the uploaded age proof.
        assert by_status == {"aadhaar": "fetched", "age_proof": "registry", "address_proof": "fetched",
                             "photo": "fetched"}  # fmt: skip
        assert hidden.status_code == 404 and hidden.json()["code"] == "unknown_application"
        assert mistyped.status_code == 400 and mistyped.json()["code"] == "invalid_reference"
        assert [i["reference"] for i in mine.json()["items"]] == [first.json()["reference"]]
        assert theirs.json()["items"] == []
        assert len(documents.json()) == 4

    async def test_bad_input_is_refused_with_a_problem_naming_the_cause(
        self, world: World, db_url: str, app_factory: Callable[..., InProcessServer], tmp_path: Path
    ) -> None:
        """Each kind of bad input gets its own problem code and names the field; nothing is left behind."""
        server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_MAX_UPLOAD_BYTES": "4096", **SECRET})
        people = world.people
        asha, kiran = _citizen(server, people.asha), _citizen(server, people.kiran)
        async with server.async_client() as client:
            wrong_type = await _upload(client, asha, "aadhaar", b"plain text, not a scan " * 10)
            too_large = await _upload(client, asha, "aadhaar", JPEG + b"\x00" * 5000)
            far_too_large = await _upload(client, asha, "aadhaar", JPEG + b"\x00" * 200_000)
            no_key = await _apply(client, asha, None, _learner(people.asha))
            unknown = await _apply(client, asha, "k1", {**_learner(people.asha), "service_code": "no-such"})
            bad_form = await _apply(
                client, asha, "k2", _learner(people.asha, vehicle_class="rocket", mobile="123")
            )
            ineligible = await _apply(client, kiran, "k3", _learner(people.kiran))
            missing = await _apply(client, asha, "k4", _learner(people.asha))
            others = await _apply(client, asha, "k5", _learner(people.meena))
            listed = await client.get("/api/v1/applications", headers=asha)

        def fields(answer: httpx.Response) -> list[str]:
            return [e["field"] for e in answer.json()["errors"]]

        assert (wrong_type.status_code, wrong_type.json()["code"], fields(wrong_type)) == (
            415, "unsupported_document", ["file"],
        )  # fmt: skip
        assert (too_large.status_code, too_large.json()["code"]) == (413, "document_too_large")
        assert far_too_large.status_code == 413
        assert (no_key.status_code, no_key.json()["code"]) == (400, "idempotency_key_required")
        assert (unknown.status_code, fields(unknown)) == (404, ["service_code"])
        # The mobile number given is ignored: the registry's is filled in, so only the choice is refused.
        assert bad_form.status_code == 422 and set(fields(bad_form)) == {"form.vehicle_class"}
        hindi = bad_form.json()["message"]["hi"]  # led by the field's Hindi label, never its internal name
        assert "वाहन श्रेणी:" in hindi and "form." not in hindi
        assert (ineligible.status_code, ineligible.json()["code"]) == (422, "not_eligible")
        assert missing.status_code == 422
        assert fields(missing) == [f"documents.{d}" for d in LEARNER_DOCS if d != "age_proof"]
        assert (others.status_code, fields(others)) == (404, ["member_id"])
        assert listed.json()["items"] == []


class TestDemoDelivery:
    async def test_in_process_worker_brings_an_issued_certificate_back(
        self, world: World, db_url: str, tmp_path: Path, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """With in-process workers, an application reaches the demo revenue office and comes back issued."""
        env = _demo_delivery_env(db_url)
        server = app_factory(env, SystemClock())  # the worker polls by the server's clock: the machine's
        asha = _citizen(server, world.people.asha)
        async with server.async_client() as client:
            answer = await _until_issued(client, asha, "khasra-1", world.people.asha)
        assert answer["status"] == "issued"
        assert answer["status_label"] == {"en": "Issued", "hi": "जारी किया गया"}
        assert answer["department_reference"].startswith("MP-REV-")
        assert answer["certificate"]["number"]
        assert answer["timeline"][0]["status"] == "submitted" and answer["timeline"][-1]["status"] == "issued"


class TestDepartmentOverHttp:
    async def test_department_registers_its_adapter_after_a_health_check(
        self,
        world: World,
        db_url: str,
        tmp_path: Path,
        department: Department,
        app_factory: Callable[..., InProcessServer],
    ) -> None:
        """A department moves its own adapter, only to a healthy endpoint the operators allow (here
        loopback, named in SEVA_EGRESS_ALLOW); each move and each refusal is audited."""
        server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_EGRESS_ALLOW": "127.0.0.1", **SECRET})
        transport, revenue = (
            await _department(server, world, "transport"),
            await _department(server, world, "revenue"),
        )
        good = {"kind": "rest", "endpoint": f"{department.url}/rest", "timeout_seconds": 10}
        dead = {"kind": "rest", "endpoint": f"http://127.0.0.1:{free_port()}/rest", "timeout_seconds": 10}
        path = "/api/v1/departments/adapters/rest_transport"
        async with server.async_client() as client:
            first = await client.put(path, json=good, headers=transport)
            second = await client.put(path, json=good, headers=transport)
            unhealthy = await client.put(path, json=dead, headers=transport)
            not_theirs = await client.put(path, json=good, headers=revenue)
            listed = await client.get("/api/v1/departments/adapters", headers=transport)
        assert first.status_code == 200, first.text
        assert first.json()["version"] == 1
        assert second.json()["version"] == 2
        assert (unhealthy.status_code, unhealthy.json()["code"]) == (502, "adapter_unhealthy")
        assert (not_theirs.status_code, not_theirs.json()["code"]) == (404, "unknown_adapter")
        assert [(e["adapter"], e["version"]) for e in listed.json()] == [("rest_transport", 2)]
        assert await _audited(world, "department_endpoint.register") == 2
        assert await _audited(world, "department_endpoint.refused") == 2

    async def test_internal_addresses_are_refused_without_the_allow_list(
        self,
        world: World,
        db_url: str,
        tmp_path: Path,
        department: Department,
        app_factory: Callable[..., InProcessServer],
    ) -> None:
        """With SEVA_EGRESS_ALLOW empty (the default), no internal address can be registered, not even
        through a name; nothing is called, the answer names no resolved address, every refusal is audited."""
        server = app_factory({"SEVA_DATABASE_URL": db_url, **SECRET})
        transport = await _department(server, world, "transport")
        endpoints = [
            f"{department.url}/rest",
            f"http://localhost:{httpx.URL(department.url).port}/rest",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.8/rest",
            "http://192.168.1.1/rest",
            "http://[fc00::1]/rest",
            "http://[::1]:9911/admin",
        ]
        path = "/api/v1/departments/adapters/rest_transport"
        async with server.async_client() as client:
            answers = [
                await client.put(path, json={"kind": "rest", "endpoint": e}, headers=transport)
                for e in endpoints
            ]
            hindi = await client.put(
                path,
                json={"kind": "rest", "endpoint": endpoints[1]},
                headers={**transport, "accept-language": "hi"},
            )
            fragment = await client.put(
                path, json={"kind": "rest", "endpoint": "http://127.0.0.1:9911/admin#"}, headers=transport
            )
        for answer in answers:
            assert (answer.status_code, answer.json()["code"]) == (422, "endpoint_not_allowed"), answer.text
            assert answer.json()["errors"][0]["field"] == "endpoint"
            assert "127.0.0.1" not in answer.text  # localhost's address is not told
        assert "अनुमति-सूची" in hindi.json()["detail"]
        assert (fragment.status_code, fragment.json()["code"]) == (422, "invalid_adapter")
        assert list(department.app.requests) == []
        assert await _audited(world, "department_endpoint.refused") == len(endpoints) + 2
        assert await _audited(world, "department_endpoint.register") == 0

    async def test_a_failed_health_check_never_returns_the_departments_answer(
        self,
        world: World,
        db_url: str,
        tmp_path: Path,
        department: Department,
        app_factory: Callable[..., InProcessServer],
    ) -> None:
        """The 502 says what failed, with the status, in both languages; the page the endpoint served is not
        in it (a gateway that echoed it would read internal pages for whoever registers them)."""
        server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_EGRESS_ALLOW": "127.0.0.1", **SECRET})
        transport = await _department(server, world, "transport")
        page = b"<html><title>Admin</title>db_password=hunter2</html>"
        department.app.fail(2, status=500, body=page, content_type=b"text/html")
        body = {"kind": "rest", "endpoint": f"{department.url}/rest", "timeout_seconds": 2}
        path = "/api/v1/departments/adapters/rest_transport"
        async with server.async_client() as client:
            english = await client.put(path, json=body, headers=transport)
            hindi = await client.put(path, json=body, headers={**transport, "accept-language": "hi"})
        for answer in (english, hindi):
            assert (answer.status_code, answer.json()["code"]) == (502, "adapter_unhealthy")
            assert "hunter2" not in answer.text and "Admin" not in answer.text
            assert "HTTP 500" in answer.json()["detail"]
        assert "failed" in english.json()["detail"]
        assert "विफल" in hindi.json()["detail"]

    async def test_a_department_names_only_its_own_token_variable(
        self,
        world: World,
        db_url: str,
        tmp_path: Path,
        department: Department,
        app_factory: Callable[..., InProcessServer],
    ) -> None:
        """A token_ref other than the adapter's own variable is refused before any call is made."""
        server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_EGRESS_ALLOW": "127.0.0.1", **SECRET})
        transport = await _department(server, world, "transport")
        path = "/api/v1/departments/adapters/rest_transport"
        body = {"kind": "rest", "endpoint": f"{department.url}/rest", "timeout_seconds": 10}
        async with server.async_client() as client:
            stolen = await client.put(path, json={**body, "token_ref": "SEVA_SECRET_KEY"}, headers=transport)
            unset = await client.put(
                path, json={**body, "token_ref": "SEVA_ADAPTER_REST_TRANSPORT_TOKEN"}, headers=transport
            )
        assert stolen.status_code == 422, stolen.text
        assert stolen.json()["errors"][0]["field"].endswith("token_ref")
        assert "SEVA_ADAPTER_REST_TRANSPORT_TOKEN" in stolen.json()["detail"]
        assert (unset.status_code, unset.json()["code"]) == (422, "invalid_adapter")  # the right name, unset
        assert list(department.app.requests) == []  # the department's endpoint was never called

    async def test_a_department_sees_only_applications_for_its_services(
        self, world: World, db_url: str, tmp_path: Path, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """Transport reads a learner's-licence application and its documents; revenue gets 404 for both."""
        for doc_type in LEARNER_DOCS:
            await world.upload(world.people.asha, doc_type)
        reference = await world.apply(world.people.asha)
        server = app_factory({"SEVA_DATABASE_URL": db_url, **SECRET})
        transport, revenue = (
            await _department(server, world, "transport"),
            await _department(server, world, "revenue"),
        )
        async with server.async_client() as client:
            seen = await client.get(f"/api/v1/applications/{reference}", headers=transport)
            unseen = await client.get(f"/api/v1/applications/{reference}", headers=revenue)
            listed = await client.get("/api/v1/applications", headers=revenue)
            document_id = seen.json()["documents"][0]["document_id"]
            fetched = await client.get(f"/api/v1/documents/{document_id}/content", headers=transport)
            refused = await client.get(f"/api/v1/documents/{document_id}/content", headers=revenue)
        assert seen.status_code == 200 and seen.json()["department"] == "transport"
        assert unseen.status_code == 404
        assert listed.json()["items"] == []
        assert fetched.status_code == 200 and fetched.content == PDF
        assert fetched.headers["content-type"] == "application/pdf"
        assert refused.status_code == 404

    async def test_a_department_reads_only_the_families_that_applied_to_it(
        self, world: World, db_url: str, tmp_path: Path, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """A family is 'not found' to a department until a member applies for one of its services."""
        asha = world.people.asha
        server = app_factory({"SEVA_DATABASE_URL": db_url, **SECRET})
        transport = await _department(server, world, "transport")
        family_path, member_path = f"/api/v1/families/{asha.family_id}", f"/api/v1/members/{asha.member_id}"
        async with server.async_client() as client:
            before = await client.get(family_path, headers=transport)
            member_before = await client.get(member_path, headers=transport)
            for doc_type in LEARNER_DOCS:
                await world.upload(asha, doc_type)
            await world.apply(asha)
            after = await client.get(family_path, headers=transport)
            member_after = await client.get(member_path, headers=transport)
            revenue = await _department(server, world, "revenue")
            other_department = await client.get(family_path, headers=revenue)
        assert (before.status_code, before.json()["code"]) == (404, "unknown_family")
        assert member_before.status_code == 404
        assert after.status_code == 200 and after.json()["family_id"] == asha.family_id
        assert member_after.status_code == 200
        assert other_department.status_code == 404


class TestAuditorOverHttp:
    async def test_an_auditor_reads_applications_with_personal_data_masked(
        self, world: World, db_url: str, tmp_path: Path, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """An auditor sees status and timeline, but member IDs shortened and form values withheld."""
        for doc_type in LEARNER_DOCS:
            await world.upload(world.people.asha, doc_type)
        reference = await world.apply(world.people.asha)
        made = await ClientService(world.engine, world.audit).create(
            "audit office", "auditor", None, Actor.system("test", "set-up")
        )
        server = app_factory({"SEVA_DATABASE_URL": db_url, **SECRET})
        auditor = _token(server, Principal.client(made.client_id, "auditor", None))
        async with server.async_client() as client:
            one = (await client.get(f"/api/v1/applications/{reference}", headers=auditor)).json()
            listed = (await client.get("/api/v1/applications", headers=auditor)).json()["items"]
        assert one["status"] == "submitted" and one["timeline"]
        assert one["member_id"] == "******011" and one["family_id"] == "*****001"
        assert "9876500001" not in str(one) and one["form"]["mobile"] == "[10 characters withheld]"
        assert [item["member_id"] for item in listed] == ["******011"]

    async def test_an_auditor_reads_documents_and_certificates_masked(
        self, world: World, db_url: str, tmp_path: Path, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """Document names and issued certificates reach an auditor with IDs shortened and texts withheld."""
        env = _demo_delivery_env(db_url)
        document_id = await world.upload(world.people.asha, "aadhaar")
        made = await ClientService(world.engine, world.audit).create(
            "audit office", "auditor", None, Actor.system("test", "set-up")
        )
        server = app_factory(env, SystemClock())  # the worker polls by the server's clock: the machine's
        auditor = _token(server, Principal.client(made.client_id, "auditor", None))
        asha = _citizen(server, world.people.asha)
        async with server.async_client() as client:
            seen = await _until_issued(client, asha, "khasra-audit", world.people.asha)
            reference = seen["reference"]
            audited = (await client.get(f"/api/v1/applications/{reference}", headers=auditor)).json()
            listed = (await client.get("/api/v1/documents/", headers=auditor)).json()
            one = (await client.get(f"/api/v1/documents/{document_id}", headers=auditor)).json()
        assert seen["status"] == "issued" and seen["certificate"]
        assert "9876500001" not in str(audited["certificate"])
        assert audited["certificate"] != seen["certificate"]  # the citizen sees it whole
        assert all(d["member_id"] == "******011" for d in listed) and listed
        assert one["member_id"] == "******011" and one["filename"].endswith("withheld]")
