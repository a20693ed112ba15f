"""The catalogue's history over HTTP, as an auditor reads it: the server records the catalogue it starts
with and the one a reload swaps in; versions, a version's file, a service's versions and what changed, each
read audited; refusals as problem documents in English and Hindi."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import InProcessServer
from tests.identity.support import bearer, client_token, make_client, seal
from tests.versions.conftest import LEARNER, History, changed_learner


def test_an_auditor_reads_the_versions_served_and_what_changed(
    app_factory: Callable[..., InProcessServer], db_url: str, catalogue_file: Path
) -> None:
    original = catalogue_file.read_bytes()
    server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_CATALOGUE": str(catalogue_file)})
    with server.client() as client:
        auditor = bearer(client_token(client, *make_client(db_url, "auditor")))
        holder = server.seva.platform.catalogue
        first = holder.current.digest
        started = client.get("/api/v1/catalogue/versions", headers=auditor)
        assert started.status_code == 200, started.text
        assert [(v["digest"], v["served"]) for v in started.json()["items"]] == [(first, True)]

        catalogue_file.write_text(changed_learner(original.decode()), encoding="utf-8")
        assert holder.reload()  # as the file watcher does, from a thread other than the server's
        for recording in list(server.seva.versions.service.pending):
            recording.result(timeout=60)
        second = holder.current.digest
        listed = client.get("/api/v1/catalogue/versions", headers=auditor).json()["items"]
        assert [(v["digest"], v["served"]) for v in listed] == [(first, False), (second, True)]
        assert listed[0]["size_bytes"] == len(original)

        file = client.get(f"/api/v1/catalogue/versions/{first[:12]}", headers=auditor)
        assert file.status_code == 200 and file.content == original
        assert file.headers["content-type"].startswith("application/yaml")
        assert f"catalogue-{first[:12]}.yaml" in file.headers["content-disposition"]

        versions = client.get(f"/api/v1/services/{LEARNER}/versions", headers=auditor).json()
        assert [(v["catalogue_digest"], v["changed"]) for v in versions["items"]] == [
            (first, True),
            (second, True),
        ]
        changes = client.get(
            f"/api/v1/services/{LEARNER}/changes", params={"from": first[:12]}, headers=auditor
        )
        assert changes.status_code == 200, changes.text
        body = changes.json()
        assert (body["from_digest"], body["to_digest"]) == (first, second)
        assert [c["aspect"] for c in body["changes"]] == ["fee", "rules"]
        fee = body["changes"][0]
        assert fee["before"]["en"].startswith("Rs 200 (") and fee["after"]["en"].startswith("Rs 250 (")
        assert fee["before"]["hi"].startswith("₹200 (") and fee["after"]["hi"].startswith("₹250 (")
        assert body["changes"][1]["title"] == {"en": "Eligibility rule", "hi": "पात्रता नियम"}

        unknown = client.get(
            f"/api/v1/services/{LEARNER}/changes",
            params={"from": "0123456789ab"},
            headers={**auditor, "accept-language": "hi"},
        )
        assert unknown.status_code == 404
        assert unknown.headers["content-type"].startswith("application/problem+json")
        problem = unknown.json()
        assert problem["code"] == "unknown_catalogue_version"
        assert problem["detail"] == problem["message"]["hi"] and "0123456789ab" in problem["detail"]
        assert problem["title"] and problem["message"]["en"].startswith("seva has served no catalogue")

        absent = client.get("/api/v1/services/no-such-service/versions", headers=auditor)
        assert absent.status_code == 404 and absent.json()["code"] == "service_not_in_version"
        assert "no-such-service" in absent.json()["message"]["hi"]
        not_a_digest = client.get("/api/v1/catalogue/versions/not-hex", headers=auditor)
        assert not_a_digest.status_code == 404 and not_a_digest.json()["code"] == "unknown_catalogue_version"
        no_application = client.get("/api/v1/applications/2611-0000-0000-9/judgement", headers=auditor)
        assert no_application.status_code == 404 and no_application.json()["code"] == "unknown_application"
        assert client.get("/api/v1/catalogue/versions").status_code == 401

        seal(db_url)  # the trail lists what the sealer has chained
        entries = client.get("/api/v1/audit/entries", params={"limit": 500}, headers=auditor).json()
    actions = [entry["action"] for entry in entries["items"]]
    assert actions.count("catalogue.versions") == 2
    assert {"catalogue.version_file", "catalogue.service_versions", "catalogue.service_changes"} <= set(
        actions
    )


@pytest.fixture
async def judged(history: History) -> tuple[str, str]:
    """An application accepted under the catalogue file as it is now: its reference and the digest."""
    return await history.apply("over-http"), history.holder.current.digest


def test_a_judgement_read_over_http_after_a_reload_shows_the_old_rules_and_facts(
    judged: tuple[str, str], app_factory: Callable[..., InProcessServer], db_url: str, catalogue_file: Path
) -> None:
    reference, first = judged
    server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_CATALOGUE": str(catalogue_file)})
    with server.client() as client:
        auditor = bearer(client_token(client, *make_client(db_url, "auditor")))
        administrator = bearer(client_token(client, *make_client(db_url, "administrator")))
        catalogue_file.write_text(
            changed_learner(catalogue_file.read_text(encoding="utf-8")), encoding="utf-8"
        )
        assert server.seva.platform.catalogue.reload()
        second = server.seva.platform.catalogue.current.digest
        masked = client.get(f"/api/v1/applications/{reference}/judgement", headers=auditor)
        whole = client.get(f"/api/v1/applications/{reference}/judgement", headers=administrator)
    assert masked.status_code == 200, masked.text
    body = masked.json()
    assert (body["catalogue_digest"], body["current_digest"]) == (first, second)
    assert body["member_id"] == "******011" and whole.json()["member_id"] == "200000011"
    (rule,) = body["rules"]
    assert rule["rule"]["value"] == 16 and rule["outcome"] == "passed"
    assert rule["facts"] == {"member.age": body["facts"]["member.age"]} and body["facts"]["member.age"] >= 16
    assert rule["reason"]["hi"].startswith("न्यूनतम आयु")
    assert body["service"]["fee"]["amount_inr"] == 200 and body["verdict"] == "eligible"
    assert [c["aspect"] for c in body["changed_since"]] == ["fee", "rules"]
