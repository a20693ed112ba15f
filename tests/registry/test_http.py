"""The registry over HTTP (the application in-process), on SQLite and PostgreSQL: family and member
profiles, lookups, whole-family eligibility, problem documents for bad and unknown IDs, who sees what,
and a server log without a clear Aadhaar number."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from family_registry.importer import import_csv
from tests.conftest import DATABASES, InProcessServer, build_in_process, captured_log, migrated_database
from tests.identity.support import (
    SmsProvider,
    bearer,
    client_token,
    make_client,
    running_sms_provider,
    sign_in,
    sms_env,
)
from tests.registry.support import (
    AADHAAR,
    KEY,
    aadhaar_for,
    family_rows,
    hasher,
    member_row,
    write_catalogue,
    write_csv,
)

PROBLEM = "application/problem+json"


@dataclass
class Served:
    server: InProcessServer
    url: str
    folder: Path
    catalogue: Path
    tokens: dict[str, str]
    log: Path  # everything logged while the module ran, as ``seva serve`` writes its log

    def get(
        self, path: str, role: str = "administrator", headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        with self.server.client() as client:
            return client.get(path, headers={**bearer(self.tokens[role]), **(headers or {})}, **kwargs)

    def lookup(self, body: dict[str, Any], role: str = "administrator") -> httpx.Response:
        with self.server.client() as client:
            return client.post("/api/v1/registry/lookup", json=body, headers=bearer(self.tokens[role]))


def rows() -> list[dict[str, str]]:
    """Three families; the third's head shares a mobile number with the second family's head."""
    third = member_row(
        family_id="20000003",
        member_id="200000031",
        mobile="9826002001",
        date_of_birth="1990-01-01",
        residence_years="30",
    )
    return family_rows("20000001") + family_rows("20000002", "indore", bpl="false") + [third]


async def load(url: str, folder: Path, name: str, data: list[dict[str, str]]) -> None:
    from gateway.database import create_engine

    engine = create_engine(url)
    try:
        report = await import_csv(engine, write_csv(folder / f"{name}.csv", data), hasher())
        assert report.rejected == 0
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def sms() -> Iterator[SmsProvider]:
    with running_sms_provider() as provider:
        yield provider


@pytest.fixture(scope="module", params=DATABASES)
async def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sms: SmsProvider
) -> AsyncIterator[Served]:
    folder = tmp_path_factory.mktemp("registry-http")
    catalogue = write_catalogue(folder / "catalogue.yaml")
    async with migrated_database(request.param, folder) as url:
        await load(url, folder, "registry", rows())
        env = sms_env(
            url,
            sms,
            SEVA_DATA_DIR=str(folder / "data"),
            SEVA_CATALOGUE=str(catalogue),
            SEVA_CATALOGUE_WATCH_SECONDS="0.2",
            SEVA_AADHAAR_KEY=KEY,
            SEVA_SIGNIN_PER_MINUTE="100000",
            SEVA_API_PER_MINUTE="100000",
            SEVA_LOG_LEVEL="DEBUG",
        )
        # Every record at DEBUG, SQL with its parameters included (see test_privacy.py).
        with captured_log(folder / "server.log") as log:
            server = build_in_process(env).start()
            try:
                tokens = {}
                with server.client() as client:
                    tokens["citizen"] = sign_in(client, sms, "9826001001")["access_token"]
                    for role, department in (
                        ("administrator", None),
                        ("auditor", None),
                        ("department", "revenue"),
                    ):
                        made = await asyncio.to_thread(make_client, url, role, department)
                        tokens[role] = client_token(client, *made)
                yield Served(server, url, folder, catalogue, tokens, log)
            finally:
                server.stop()


def assert_problem(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body = answer.json()
    assert body["code"] == code and body["type"] == f"urn:seva:problem:{code}" and body["status"] == status
    assert body["message"]["en"] and body["message"]["hi"]
    return body


class TestProfiles:
    def test_a_family_with_every_member(self, served: Served) -> None:
        answer = served.get("/api/v1/families/20000001")
        assert answer.status_code == 200, answer.text
        family = answer.json()
        assert family["family_id"] == "20000001" and family["head_member_id"] == "200000011"
        assert family["district_name"] == {"en": "Bhopal", "hi": "भोपाल"} and family["bpl"] is True
        assert [m["relation"] for m in family["members"]] == ["head", "spouse", "daughter", "grandson"]
        head = family["members"][0]
        assert (
            head["mobile"] == "******1001" and head["aadhaar"] == "********" + aadhaar_for("20000001", 1)[-4:]
        )
        assert head["date_of_birth"] == "1960-05-01" and head["age"] >= 66
        assert family["members"][3]["aadhaar"] is None and family["members"][3]["mobile"] is None

    def test_a_family_shows_what_the_rules_read(self, served: Served) -> None:
        """The family shows its ration card type, tehsil, kind of local body and land; each member whether
        they pay income tax or serve a government, the registry's answers the rules use."""
        family = served.get("/api/v1/families/20000001").json()
        assert family["ration_card_type"] == "priority" and family["tehsil"] == "Huzur"
        assert family["local_body_kind"] == "nagar_nigam" and family["land_hectares"] == 0
        assert family["janpad"] is None
        head = family["members"][0]
        assert head["income_tax_payer"] is False and head["government_service"] == "none"

    def test_a_member(self, served: Served) -> None:
        answer = served.get("/api/v1/members/200000023")
        assert answer.status_code == 200, answer.text
        member = answer.json()
        assert member["family_id"] == "20000002" and member["occupation"] == "student"
        assert member["name_hi"] == "प्रिया यादव"

    def test_a_family_id_in_devanagari_digits(self, served: Served) -> None:
        """२००००००१ is family 20000001."""
        answer = served.get("/api/v1/families/२००००००१")
        assert answer.status_code == 200, answer.text
        assert answer.json()["family_id"] == "20000001"

    @pytest.mark.parametrize("bad", ["2000000", "200000011", "2000000a", "२००००००"])
    def test_a_malformed_family_id_is_a_400(self, served: Served, bad: str) -> None:
        body = assert_problem(served.get(f"/api/v1/families/{bad}"), 400, "invalid_id")
        assert "8 digits" in body["message"]["en"] and "8 अंक" in body["message"]["hi"]

    def test_an_unknown_family_is_a_404(self, served: Served) -> None:
        body = assert_problem(served.get("/api/v1/families/29999999"), 404, "unknown_family")
        assert "29999999" in body["message"]["en"]
        hindi = served.get("/api/v1/families/29999999", headers={"accept-language": "hi"}).json()
        assert hindi["detail"] == body["message"]["hi"]

    def test_member_ids_likewise(self, served: Served) -> None:
        assert_problem(served.get("/api/v1/members/20000001"), 400, "invalid_id")
        assert_problem(served.get("/api/v1/members/299999999"), 404, "unknown_member")
        assert_problem(served.get("/api/v1/families/29999999/eligibility"), 404, "unknown_family")
        assert_problem(served.get("/api/v1/families/2999/eligibility"), 400, "invalid_id")


class TestWhoSeesWhat:
    def test_a_citizen_sees_only_their_own_family(self, served: Served) -> None:
        """Another family, or a member of one, is simply not found."""
        assert served.get("/api/v1/families/20000001", "citizen").status_code == 200
        assert_problem(served.get("/api/v1/families/20000002", "citizen"), 404, "unknown_family")
        assert_problem(served.get("/api/v1/members/200000021", "citizen"), 404, "unknown_member")
        assert_problem(served.get("/api/v1/families/20000002/eligibility", "citizen"), 404, "unknown_family")
        assert_problem(served.lookup({"mobile": "9826002001"}, "citizen"), 404, "not_in_registry")
        assert served.lookup({"family_id": "20000001"}, "citizen").status_code == 200

    def test_an_auditor_sees_masked_names_and_no_birth_dates(self, served: Served) -> None:
        family = served.get("/api/v1/families/20000001", "auditor").json()
        head = family["members"][0]
        assert head["name_en"] == "R***** Y****" and head["date_of_birth"] is None and head["age"] >= 66
        assert head["member_id"] == "******011" and family["family_id"] == "*****001"
        verdicts = served.get("/api/v1/families/20000001/eligibility", "auditor").json()
        assert verdicts["members"][0]["name_en"] == "R***** Y****"

    def test_nobody_signed_out(self, served: Served) -> None:
        with served.server.client() as client:
            assert_problem(client.get("/api/v1/families/20000001"), 401, "unauthorized")
            assert_problem(
                client.post("/api/v1/registry/lookup", json={"mobile": "9826001001"}), 401, "unauthorized"
            )


class TestLookup:
    def test_by_mobile_finds_every_family_holding_it(self, served: Served) -> None:
        answer = served.lookup({"mobile": "+91 98260 02001"})
        assert answer.status_code == 200, answer.text
        matches = answer.json()["matches"]
        assert {m["family"]["family_id"] for m in matches} == {"20000002", "20000003"}
        assert {tuple(m["matched_member_ids"]) for m in matches} == {("200000021",), ("200000031",)}

    def test_by_aadhaar(self, served: Served) -> None:
        answer = served.lookup({"aadhaar": aadhaar_for("20000002", 3)})
        assert answer.status_code == 200, answer.text
        (match,) = answer.json()["matches"]
        assert match["family"]["family_id"] == "20000002" and match["matched_member_ids"] == ["200000023"]

    def test_by_family_id(self, served: Served) -> None:
        (match,) = served.lookup({"family_id": "20000003"}).json()["matches"]
        assert match["matched_member_ids"] == ["200000031"]

    def test_bad_and_unknown_numbers(self, served: Served) -> None:
        body = assert_problem(served.lookup({"aadhaar": AADHAAR["bad_checksum"]}), 400, "invalid_aadhaar")
        assert "Verhoeff" in body["message"]["en"] and AADHAAR["bad_checksum"] not in answer_text(body)
        assert_problem(served.lookup({"aadhaar": "12345"}), 400, "invalid_aadhaar")
        body = assert_problem(served.lookup({"aadhaar": AADHAAR["uidai"][3]}), 404, "not_in_registry")
        assert AADHAAR["uidai"][3] not in answer_text(body) and "0057" in body["message"]["en"]
        assert_problem(served.lookup({"mobile": "12345"}), 400, "invalid_mobile")
        body = assert_problem(served.lookup({"mobile": "9000000000"}), 404, "not_in_registry")
        assert "******0000" in body["message"]["en"]
        assert_problem(served.lookup({"family_id": "123"}), 400, "invalid_id")
        assert_problem(served.lookup({"family_id": "29999999"}), 404, "unknown_family")

    def test_exactly_one_identifier(self, served: Served) -> None:
        assert_problem(served.lookup({}), 400, "invalid_request")
        assert_problem(
            served.lookup({"mobile": "9826001001", "family_id": "20000001"}), 400, "invalid_request"
        )
        assert_problem(served.lookup({"name": "Ramesh"}), 400, "invalid_request")


def answer_text(body: dict[str, Any]) -> str:
    return repr(body)


def verdicts(body: dict[str, Any], member_id: str) -> dict[str, str]:
    member = next(m for m in body["members"] if m["member_id"] == member_id)
    return {v["service"]: v["status"] for v in member["verdicts"]}


class TestEligibility:
    def test_every_service_for_every_member(self, served: Served) -> None:
        answer = served.get("/api/v1/families/20000001/eligibility")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["family_id"] == "20000001" and len(body["members"]) == 4
        head = verdicts(body, "200000011")
        assert head == {
            "old-age-pension": "eligible",
            "st-scholarship": "not_eligible",
            "domicile-certificate": "eligible",
            "disability-pension": "not_eligible",
            "large-family-aid": "not_eligible",
        }
        assert verdicts(body, "200000012")["domicile-certificate"] == "undetermined"
        member = body["members"][2]
        failed = next(v for v in member["verdicts"] if v["service"] == "st-scholarship")
        assert failed["reasons"] == [{"en": "Only for ST students.", "hi": "केवल अजजा विद्यार्थी।"}]

    def test_age_on_the_day_asked(self, served: Served) -> None:
        """The head, born 1 May 1960, is 59 on 30 April 2019... and may not ask that far back."""
        assert_problem(served.get("/api/v1/families/20000001/eligibility", params={"on": "2019-04-30"}), 400,
                       "invalid_request")  # fmt: skip
        body = served.get("/api/v1/families/20000001/eligibility", params={"on": "2026-04-30"}).json()
        assert body["on"] == "2026-04-30" and body["members"][0]["age"] == 65
        assert_problem(served.get("/api/v1/families/20000001/eligibility", params={"on": "yesterday"}), 400,
                       "invalid_request")  # fmt: skip

    def test_a_changed_family_is_judged_afresh(self, served: Served) -> None:
        """A re-import that takes the BPL card away changes the pension verdict at once."""
        before = served.get("/api/v1/families/20000002/eligibility").json()
        assert verdicts(before, "200000021")["old-age-pension"] == "not_eligible"
        asyncio.run(load(served.url, served.folder, "bpl", family_rows("20000002", "indore", bpl="true")))
        after = served.get("/api/v1/families/20000002/eligibility").json()
        assert after["family_version"] == before["family_version"] + 1
        assert verdicts(after, "200000021")["old-age-pension"] == "eligible"

    def test_a_changed_catalogue_is_seen_at_once(self, served: Served) -> None:
        before = served.get("/api/v1/families/20000001/eligibility").json()
        write_catalogue(served.catalogue, pension_age=70)
        try:
            after = wait_for_digest(served, before["catalogue_digest"])
            assert verdicts(after, "200000011")["old-age-pension"] == "not_eligible"
            assert verdicts(after, "200000011")["domicile-certificate"] == "eligible"
        finally:
            write_catalogue(served.catalogue)
            wait_for_digest(served, after["catalogue_digest"])


def wait_for_digest(served: Served, old: str, wait: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        body = served.get("/api/v1/families/20000001/eligibility").json()
        if body["catalogue_digest"] != old:
            return body
        time.sleep(0.1)
    raise AssertionError("the server did not pick up the changed catalogue")


def test_openapi_documents_the_registry(served: Served) -> None:
    with served.server.client() as client:
        paths = client.get("/schema/openapi.json").json()["paths"]
    for path in ("/api/v1/families/{family_id}", "/api/v1/members/{member_id}", "/api/v1/registry/lookup",
                 "/api/v1/families/{family_id}/eligibility"):  # fmt: skip
        assert path in paths


def test_the_server_log_holds_no_clear_aadhaar_and_no_whole_mobile(served: Served) -> None:
    """After everything above, logged at DEBUG, the digits are nowhere in the log."""
    served.lookup({"aadhaar": aadhaar_for("20000001", 2)})
    served.lookup({"aadhaar": AADHAAR["bad_checksum"]})
    served.lookup({"mobile": "9826001001"})
    log = served.log.read_text(encoding="utf-8", errors="replace")
    assert "seva.catalogue" in log  # the log really is written
    for family_id in ("20000001", "20000002"):
        for k in (1, 2, 3):
            assert aadhaar_for(family_id, k) not in log
    assert AADHAAR["bad_checksum"] not in log and AADHAAR["uidai"][3] not in log
    ours = "\n".join(line for line in log.splitlines() if re.search(r'"logger": "seva', line))
    assert ours  # seva's own lines are there (one JSON object a line), and hold no whole mobile number
    for mobile in ("9826001001", "9826002001", "9826001002"):
        assert mobile not in ours
