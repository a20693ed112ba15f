"""Ownership over HTTP: a citizen sees their own family only, and another family is answered exactly as
a family that does not exist; auditors see masked data; every read is in the audit trail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.identity.support import SharedServer, bearer, client_token, make_client, seal, sign_in


def _comparable(answer: httpx.Response, *ids: str) -> dict[str, Any]:
    """The problem document without what differs by request (instance, request ID) or by the ID asked."""
    document = {k: v for k, v in answer.json().items() if k not in ("instance", "request_id")}
    text = str(document)
    for value in ids:
        text = text.replace(value, "<id>")
    return {"status": answer.status_code, "document": text}


@pytest.fixture(scope="module")
def citizens(shared: SharedServer) -> dict[str, Any]:
    """Two families, and a signed-in citizen of the first."""
    own, other = shared.citizen(), shared.citizen()
    with shared.client() as client:
        token = sign_in(client, shared.sms, own.mobile or "")["access_token"]
    return {"own": own, "other": other, "headers": bearer(token)}


class TestAnotherFamilyIsNotFound:
    def test_another_familys_profile_is_answered_as_no_family(
        self, shared: SharedServer, citizens: dict[str, Any]
    ) -> None:
        """GET another family: 404 identical to a family ID nobody has, and none of its data."""
        other = citizens["other"]
        with shared.client() as client:
            theirs = client.get(f"/api/v1/families/{other.family_id}", headers=citizens["headers"])
            nobodys = client.get("/api/v1/families/29999999", headers=citizens["headers"])
        assert theirs.status_code == 404 and theirs.json()["code"] == "unknown_family"
        assert _comparable(theirs, other.family_id) == _comparable(nobodys, "29999999")
        rest = theirs.text.replace(other.family_id, "")  # the ID asked for is echoed, nothing else of theirs
        assert "members" not in theirs.json() and other.member_id[-4:] not in rest and "******" not in rest

    def test_another_familys_member_is_answered_as_no_member(
        self, shared: SharedServer, citizens: dict[str, Any]
    ) -> None:
        """GET a member of another family: 404 identical to a member ID nobody has."""
        other = citizens["other"]
        with shared.client() as client:
            theirs = client.get(f"/api/v1/members/{other.member_id}", headers=citizens["headers"])
            nobodys = client.get("/api/v1/members/299999991", headers=citizens["headers"])
        assert theirs.status_code == 404
        assert _comparable(theirs, other.member_id) == _comparable(nobodys, "299999991")

    def test_another_familys_eligibility_is_answered_as_no_family(
        self, shared: SharedServer, citizens: dict[str, Any]
    ) -> None:
        """GET another family's eligibility: 404 identical to a family ID nobody has."""
        other = citizens["other"]
        with shared.client() as client:
            theirs = client.get(
                f"/api/v1/families/{other.family_id}/eligibility", headers=citizens["headers"]
            )
            nobodys = client.get("/api/v1/families/29999999/eligibility", headers=citizens["headers"])
        assert theirs.status_code == 404
        assert _comparable(theirs, other.family_id) == _comparable(nobodys, "29999999")

    def test_looking_up_another_familys_mobile_is_answered_as_unregistered(
        self, shared: SharedServer, citizens: dict[str, Any]
    ) -> None:
        """A lookup by another family's mobile answers like a number nobody holds."""
        other = citizens["other"]
        with shared.client() as client:
            theirs = client.post(
                "/api/v1/registry/lookup", json={"mobile": other.mobile}, headers=citizens["headers"]
            )
            nobodys = client.post(
                "/api/v1/registry/lookup", json={"mobile": "6000000000"}, headers=citizens["headers"]
            )
        assert theirs.status_code == 404
        assert _comparable(theirs, f"******{(other.mobile or '')[-4:]}") == _comparable(nobodys, "******0000")


class TestOwnFamilyAndTheTrail:
    def test_own_family_is_returned_and_the_read_is_audited_with_the_reason(
        self, shared: SharedServer, citizens: dict[str, Any]
    ) -> None:
        """A citizen reads their own family; the trail records who, what, from where and the reason given."""
        own = citizens["own"]
        admin = make_client(shared.db_url, "administrator")
        with shared.client() as client:
            answer = client.get(
                f"/api/v1/families/{own.family_id}",
                headers={**citizens["headers"], "x-seva-reason": "checking my ration card"},
            )
            admin_headers = bearer(client_token(client, *admin))
            seal(shared.db_url)
            entries = client.get(
                "/api/v1/audit/entries", params={"limit": 1000}, headers=admin_headers
            ).json()
        assert answer.status_code == 200 and answer.json()["family_id"] == own.family_id
        reads = [
            e
            for e in entries["items"]
            if e["action"] == "family.read" and e["target"] == f"family:{own.family_id}"
        ]
        assert len(reads) == 1
        entry = reads[0]
        assert entry["actor"] == f"member:{own.member_id}" and entry["role"] == "citizen"
        assert entry["client_ip"] == "127.0.0.1" and entry["reason"] == "checking my ration card"
        assert entry["request_id"] == answer.headers["x-request-id"]

    def test_refused_reads_leave_no_read_entry(self, shared: SharedServer, citizens: dict[str, Any]) -> None:
        """A refused read is not recorded as a read of the other family (only as a refusal)."""
        other = citizens["other"]
        admin = make_client(shared.db_url, "administrator")
        with shared.client() as client:
            client.get(f"/api/v1/families/{other.family_id}", headers=citizens["headers"])
            seal(shared.db_url)
            entries = client.get(
                "/api/v1/audit/entries", params={"limit": 1000}, headers=bearer(client_token(client, *admin))
            ).json()
        about = [e["action"] for e in entries["items"] if e["target"] == f"family:{other.family_id}"]
        assert about and set(about) == {"access.refused"}

    def test_auditors_see_masked_data_and_their_reads_are_audited(
        self, shared: SharedServer, citizens: dict[str, Any]
    ) -> None:
        """An auditor gets names as initials, IDs shortened and no date of birth, and the trail names them."""
        own = citizens["own"]
        auditor_id, secret = make_client(shared.db_url, "auditor")
        with shared.client() as client:
            headers = bearer(client_token(client, auditor_id, secret))
            family = client.get(f"/api/v1/families/{own.family_id}", headers=headers).json()
            seal(shared.db_url)
            entries = client.get("/api/v1/audit/entries", params={"limit": 1000}, headers=headers).json()
        (member,) = family["members"]
        assert family["family_id"] == "*****" + own.family_id[-3:]
        assert member["name_en"] != f"Member {own.member_id}" and member["date_of_birth"] is None
        assert [
            e
            for e in entries["items"]
            if e["actor"] == f"client:{auditor_id}" and e["action"] == "family.read"
        ]
        assert all(e["client_ip"].endswith(".x") or e["client_ip"] in ("", "local") for e in entries["items"])

    def test_the_trail_verifies_after_all_this(self, shared: SharedServer) -> None:
        """Everything the module did left an unbroken chain, checked through the auditor endpoint."""
        auditor = make_client(shared.db_url, "auditor")
        with shared.client() as client:
            report = client.get("/api/v1/audit/verify", headers=bearer(client_token(client, *auditor))).json()
        assert report["ok"] is True and report["entries"] == report["head_seq"] > 10


class TestProbesOfOtherFamiliesAreAudited:
    def test_a_citizens_refused_reaches_are_in_the_trail_masked_for_auditors(
        self, shared: SharedServer
    ) -> None:
        """Another family's profile and member, and a family nobody has: three 404s to the citizen and three
        ``access.refused`` entries, the first two naming the family probed (masked for auditors)."""
        own, other = shared.citizen(), shared.citizen()
        admin, auditor = make_client(shared.db_url, "administrator"), make_client(shared.db_url, "auditor")
        with shared.client() as client:
            headers = bearer(sign_in(client, shared.sms, own.mobile or "")["access_token"])
            statuses = [
                client.get(f"/api/v1/families/{other.family_id}", headers=headers).status_code,
                client.get(f"/api/v1/members/{other.member_id}", headers=headers).status_code,
                client.get("/api/v1/families/29999999", headers=headers).status_code,
            ]
            seal(shared.db_url)
            whole, masked = (
                client.get(
                    "/api/v1/audit/entries",
                    params={"limit": 1000},
                    headers=bearer(client_token(client, *who)),
                ).json()["items"]
                for who in (admin, auditor)
            )
        assert statuses == [404, 404, 404]
        refused = [
            e for e in whole if e["action"] == "access.refused" and e["actor"] == f"member:{own.member_id}"
        ]
        assert [e["target"] for e in refused] == [f"family:{other.family_id}"] * 2 + ["route"]
        assert refused[0]["details"]["probed_family"] == other.family_id
        assert refused[1]["details"]["asked"] == {"member_id": other.member_id}
        assert refused[2]["details"] == {
            "asked": {"family_id": "29999999"},
            "route": "GET /api/v1/families/{family_id}",
        }
        seen = [e for e in masked if e["action"] == "access.refused" and e["seq"] == refused[0]["seq"]]
        assert seen[0]["target"] == f"family:*****{other.family_id[-3:]}"
        assert seen[0]["details"]["probed_family"] == f"*****{other.family_id[-3:]}"
        assert seen[0]["actor"] == f"member:******{own.member_id[-3:]}"
