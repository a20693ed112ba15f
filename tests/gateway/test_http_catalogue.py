"""The catalogue and eligibility API over HTTP: the application in-process for what it answers, a real
``seva serve`` on loopback for refusing to start on a bad catalogue and reloading one from disk."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalogue import load_catalogue
from tests.catalogue.samples import dump, rule, service, text
from tests.conftest import CATALOGUE, InProcessServer, LiveServer
from tests.gateway.conftest import served_catalogue

PROBLEM = "application/problem+json"
ALL_CODES = [
    "rev-income-certificate",
    "sj-old-age-pension",
    "rev-domicile-certificate",
    "sj-widow-pension",
    "rev-khasra-copy",
]


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Check that ``response`` is an RFC 9457 problem document with ``status`` and ``code``; return it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    document: dict[str, Any] = response.json()
    assert document["status"] == status
    assert document["code"] == code
    assert document["type"] == f"urn:seva:problem:{code}"
    assert document["message"]["en"] and document["message"]["hi"]
    assert document["title"] and document["detail"]
    return document


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll ``condition`` every 50 ms until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(0.05)


def replace_file(path: Path, content: str) -> None:
    """Swap in new content at once, so the watcher never reads a half-written file."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)


class TestHealth:
    """``GET /health`` says the process is up and which catalogue it serves."""

    def test_health(self, client: httpx.Client, catalogue_file: Path) -> None:
        """Status, service count, the digest of the served file, and no reload error."""
        response = client.get("/health")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["services"] == len(ALL_CODES)
        assert body["catalogue_digest"] == hashlib.sha256(catalogue_file.read_bytes()).hexdigest()
        assert body["last_reload_error"] is None
        loaded = dt.datetime.fromisoformat(body["catalogue_loaded_at"])
        assert loaded <= dt.datetime.now(dt.UTC)


class TestListServices:
    """``GET /api/v1/services`` lists, searches, filters and pages."""

    def test_everything_in_catalogue_order(self, client: httpx.Client) -> None:
        """Without a query every service comes, in file order, unscored."""
        body = client.get("/api/v1/services").json()
        assert [item["code"] for item in body["items"]] == ALL_CODES
        assert (body["total"], body["page"], body["per_page"]) == (5, 1, 20)
        first = body["items"][0]
        assert first["name"] == {"en": "Income certificate", "hi": "आय प्रमाण पत्र"}
        assert (first["department"], first["category"], first["time_limit_days"]) == (
            "revenue",
            "certificates",
            15,
        )
        assert first["fee_inr"] == 0
        assert first["channels"] == ["online", "service_centre"]
        assert first["score"] is None

    def test_english_search(self, client: httpx.Client) -> None:
        """``q`` ranks by relevance and gives each item its score."""
        body = client.get("/api/v1/services", params={"q": "pension"}).json()
        assert [item["code"] for item in body["items"]] == ["sj-widow-pension", "sj-old-age-pension"]
        assert body["total"] == 2
        assert all(item["score"] > 0 for item in body["items"])

    def test_hindi_search(self, client: httpx.Client) -> None:
        """A Hindi query finds services by their Hindi names; the one matching every word comes first."""
        body = client.get("/api/v1/services", params={"q": "विधवा पेंशन"}).json()
        assert [item["code"] for item in body["items"]] == ["sj-widow-pension", "sj-old-age-pension"]
        assert body["items"][0]["score"] > body["items"][1]["score"]

    def test_partial_word_and_case(self, client: httpx.Client) -> None:
        """``KHAS`` finds the khasra copy."""
        body = client.get("/api/v1/services", params={"q": "KHAS"}).json()
        assert [item["code"] for item in body["items"]] == ["rev-khasra-copy"]

    def test_no_match(self, client: httpx.Client) -> None:
        """A query that matches nothing is an empty page, not an error."""
        body = client.get("/api/v1/services", params={"q": "xyzzy"}).json()
        assert (body["items"], body["total"]) == ([], 0)

    def test_blank_query_lists_everything(self, client: httpx.Client) -> None:
        """A query of spaces is no query."""
        assert client.get("/api/v1/services", params={"q": "   "}).json()["total"] == 5

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"department": "social_justice"}, ["sj-old-age-pension", "sj-widow-pension"]),
            (
                {"category": "certificates"},
                ["rev-income-certificate", "rev-domicile-certificate", "rev-khasra-copy"],
            ),
            (
                {"department": "revenue", "q": "certificate"},
                ["rev-income-certificate", "rev-domicile-certificate", "rev-khasra-copy"],
            ),
            ({"department": "social_justice", "q": "certificate"}, []),
            ({"department": "social_justice", "category": "certificates"}, []),
        ],
    )
    def test_filters(self, client: httpx.Client, params: dict[str, str], expected: list[str]) -> None:
        """Department and category filter the list or the search results."""
        body = client.get("/api/v1/services", params=params).json()
        assert [item["code"] for item in body["items"]] == expected
        assert body["total"] == len(expected)

    def test_pagination(self, client: httpx.Client) -> None:
        """Pages of two cover the list once, in order; a page past the end is empty."""
        pages = [
            client.get("/api/v1/services", params={"per_page": 2, "page": n}).json() for n in (1, 2, 3, 4)
        ]
        assert [len(page["items"]) for page in pages] == [2, 2, 1, 0]
        assert [item["code"] for page in pages for item in page["items"]] == ALL_CODES
        assert {page["total"] for page in pages} == {5}
        assert [page["page"] for page in pages] == [1, 2, 3, 4]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"per_page": "abc"}, "query.per_page"),
            ({"per_page": 0}, "query.per_page"),
            ({"per_page": 101}, "query.per_page"),
            ({"page": 0}, "query.page"),
            ({"q": "x" * 201}, "query.q"),
        ],
    )
    def test_bad_query_parameter(self, client: httpx.Client, params: dict[str, Any], field: str) -> None:
        """A parameter of the wrong type or out of range is a problem naming the parameter."""
        document = problem(client.get("/api/v1/services", params=params), 400, "invalid_request")
        assert [error["field"] for error in document["errors"]] == [field]

    @pytest.mark.parametrize("name", ["department", "category"])
    def test_unknown_filter_value(self, client: httpx.Client, name: str) -> None:
        """Filtering by a department or category that does not exist is a problem, not an empty page."""
        document = problem(client.get("/api/v1/services", params={name: "railways"}), 400, "invalid_request")
        assert "'railways'" in document["message"]["en"]


class TestOneService:
    """``GET /api/v1/services/{code}`` gives everything the catalogue says of one service."""

    def test_detail(self, client: httpx.Client) -> None:
        """Names, appeals, documents, form and the rules as written."""
        response = client.get("/api/v1/services/sj-old-age-pension")
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == "sj-old-age-pension"
        assert body["name"]["hi"] == "वृद्धावस्था पेंशन"
        assert body["first_appeal"]["officer"]["en"] == "SDO (Revenue)"
        assert (body["second_appeal"]["decide_days"], body["second_appeal"]["file_within_days"]) == (60, 60)
        assert body["guarantee"]["covered"] is True
        assert body["guarantee"]["time_limit"] == {"days": 15, "unit": "working_days"}
        assert body["documents"] == [{"type": "aadhaar", "required": True}]
        assert [rule_["fact"] for rule_ in body["eligibility"]] == ["member.age", "family.bpl"]
        assert body["eligibility"][0]["reason"]["hi"] == "केवल 60 वर्ष या अधिक आयु के लोग।"
        assert body["delivery"] == {"adapter": "sj_portal", "operation": "apply_pension"}

    def test_a_scheme_the_act_does_not_cover_shows_no_guarantee(self, client: httpx.Client) -> None:
        """No time limit and no appeals under the Act, and the note saying why; listed as not guaranteed."""
        body = client.get("/api/v1/services/sj-widow-pension").json()
        assert body["guarantee"]["covered"] is False
        assert body["guarantee"]["time_limit"] is None
        assert body["guarantee"]["note"]["en"] == "A scheme with its own rules."
        assert body["first_appeal"] is None and body["second_appeal"] is None
        items = {i["code"]: i for i in client.get("/api/v1/services").json()["items"]}
        assert (items["sj-widow-pension"]["guaranteed"], items["sj-widow-pension"]["time_limit_days"]) == (
            False,
            None,
        )
        same_day = items["rev-khasra-copy"]
        assert (same_day["guaranteed"], same_day["time_limit_days"], same_day["time_limit_unit"]) == (
            True,
            0,
            "same_day",
        )

    def test_unknown_service(self, client: httpx.Client) -> None:
        """An unknown code is a 404 problem with the code named in both languages."""
        document = problem(client.get("/api/v1/services/no-such-thing"), 404, "unknown_service")
        assert document["message"] == {
            "en": "No service has the code 'no-such-thing'.",
            "hi": "'no-such-thing' कोड की कोई सेवा नहीं है।",
        }
        assert document["instance"] == "/api/v1/services/no-such-thing"

    def test_unknown_service_in_hindi(self, client: httpx.Client) -> None:
        """With ``Accept-Language: hi`` the title and detail are Hindi; the message keeps both languages."""
        response = client.get("/api/v1/services/no-such-thing", headers={"Accept-Language": "hi"})
        document = problem(response, 404, "unknown_service")
        assert response.headers["content-language"] == "hi"
        assert document["title"] == "इस कोड की कोई सेवा नहीं है"
        assert document["detail"] == "'no-such-thing' कोड की कोई सेवा नहीं है।"
        assert document["message"]["en"] == "No service has the code 'no-such-thing'."


class TestDepartmentsAndCategories:
    """``GET /api/v1/departments`` and ``/api/v1/categories`` count the services of each."""

    def test_departments(self, client: httpx.Client) -> None:
        """Each department with its names and number of services."""
        response = client.get("/api/v1/departments")
        assert response.status_code == 200
        assert response.json() == [
            {"code": "revenue", "name": {"en": "Revenue Department", "hi": "राजस्व विभाग"}, "services": 3},
            {
                "code": "social_justice",
                "name": {"en": "Social Justice Department", "hi": "सामाजिक न्याय विभाग"},
                "services": 2,
            },
        ]

    def test_categories(self, client: httpx.Client) -> None:
        """Each category with its number of services."""
        body = client.get("/api/v1/categories").json()
        assert [(c["code"], c["services"]) for c in body] == [("certificates", 3), ("pensions", 2)]


class TestEligibility:
    """``POST /api/v1/eligibility`` judges one member's facts against one service or all of them."""

    def test_whole_catalogue(self, client: httpx.Client, catalogue_file: Path) -> None:
        """An old widow in a BPL family: a verdict for every service, and the counts."""
        facts = {
            "member.age": 67,
            "member.gender": "female",
            "member.marital_status": "widowed",
            "member.district": "bhopal",
            "family.bpl": True,
        }
        response = client.post("/api/v1/eligibility", json={"facts": facts})
        assert response.status_code == 200
        body = response.json()
        assert [v["service"] for v in body["verdicts"]] == ALL_CODES
        assert {v["status"] for v in body["verdicts"]} == {"eligible"}
        assert (body["eligible"], body["not_eligible"], body["undetermined"]) == (5, 0, 0)
        assert body["catalogue_digest"] == hashlib.sha256(catalogue_file.read_bytes()).hexdigest()

    def test_not_eligible_with_reasons_in_both_languages(self, client: httpx.Client) -> None:
        """A young man is refused the widow pension for both reasons, each in English and Hindi."""
        facts = {"member.gender": "male", "member.marital_status": "married"}
        body = client.post("/api/v1/eligibility", json={"facts": facts, "service": "sj-widow-pension"}).json()
        assert body["verdicts"] == [
            {
                "service": "sj-widow-pension",
                "status": "not_eligible",
                "reasons": [
                    {"en": "Only for women.", "hi": "केवल महिलाओं के लिए।"},
                    {"en": "Only for widows.", "hi": "केवल विधवाओं के लिए।"},
                ],
                "missing_facts": [],
            }
        ]
        assert (body["eligible"], body["not_eligible"], body["undetermined"]) == (0, 1, 0)

    def test_undetermined_names_missing_facts(self, client: httpx.Client) -> None:
        """Without the BPL status of the family the pension is undetermined, naming it; null is unknown."""
        body = client.post(
            "/api/v1/eligibility",
            json={"facts": {"member.age": 70, "family.bpl": None}, "service": "sj-old-age-pension"},
        ).json()
        [verdict] = body["verdicts"]
        assert (verdict["status"], verdict["missing_facts"]) == ("undetermined", ["family.bpl"])

    def test_counts_add_up(self, client: httpx.Client) -> None:
        """With no facts, services with rules are undetermined and the one without rules is eligible."""
        body = client.post("/api/v1/eligibility", json={"facts": {}}).json()
        statuses = {v["service"]: v["status"] for v in body["verdicts"]}
        assert statuses["rev-khasra-copy"] == "eligible"
        assert list(statuses.values()).count("undetermined") == 4
        assert body["eligible"] + body["not_eligible"] + body["undetermined"] == 5

    @pytest.mark.parametrize(
        ("facts", "field", "english"),
        [
            ({"member.salary": 10}, "body.facts.member.salary", "unknown fact"),
            ({"member.age": "old"}, "body.facts.member.age", "must be a whole number"),
            ({"member.bpl": "yes"}, "body.facts.member.bpl", "must be true or false"),
            ({"member.gender": "f"}, "body.facts.member.gender", "'f' is not one of"),
            ({"member.district": "atlantis"}, "body.facts.member.district", "not a declared district"),
        ],
    )
    def test_invalid_fact(
        self, client: httpx.Client, facts: dict[str, Any], field: str, english: str
    ) -> None:
        """An unknown fact or a wrong value is a 400 problem naming the fact, in both languages."""
        document = problem(client.post("/api/v1/eligibility", json={"facts": facts}), 400, "invalid_fact")
        assert [error["field"] for error in document["errors"]] == [field]
        assert english in document["message"]["en"]
        assert document["message"]["hi"].startswith("तथ्य ")

    def test_unknown_service(self, client: httpx.Client) -> None:
        """Asking about a service that does not exist is a 404 problem."""
        response = client.post("/api/v1/eligibility", json={"facts": {}, "service": "nope"})
        problem(response, 404, "unknown_service")

    def test_bad_json(self, client: httpx.Client) -> None:
        """A body that is not JSON is a ``malformed_json`` problem."""
        response = client.post(
            "/api/v1/eligibility", content=b'{"facts": {', headers={"content-type": "application/json"}
        )
        problem(response, 400, "malformed_json")

    @pytest.mark.parametrize(
        "body",
        [{}, {"facts": {}, "colour": "red"}, {"facts": []}, [], {"facts": {}, "service": 5}],
    )
    def test_wrong_body(self, client: httpx.Client, body: Any) -> None:
        """Valid JSON of the wrong shape is an ``invalid_request`` problem naming the body."""
        document = problem(client.post("/api/v1/eligibility", json=body), 400, "invalid_request")
        assert document["errors"]
        assert all(error["field"].startswith("body") for error in document["errors"])


class TestProblems:
    """Every error is a problem document: unknown routes and methods too, in the language asked for."""

    def test_unknown_route(self, client: httpx.Client) -> None:
        """A path nothing serves is a ``not_found`` problem with the path as instance."""
        document = problem(client.get("/api/v1/nothing-here"), 404, "not_found")
        assert document["instance"] == "/api/v1/nothing-here"

    def test_unknown_route_carries_the_request_id(self, client: httpx.Client) -> None:
        """A 404 keeps the client's X-Request-ID in its header and document, or makes one."""
        response = client.get("/nowhere", headers={"X-Request-ID": "trace-181-42"})
        assert response.headers["x-request-id"] == "trace-181-42"
        assert problem(response, 404, "not_found")["request_id"] == "trace-181-42"
        made = client.get("/nowhere")
        assert len(made.headers["x-request-id"]) == 32
        assert made.json()["request_id"] == made.headers["x-request-id"]

    def test_unknown_route_in_hindi(self, client: httpx.Client) -> None:
        """The title of a 404 follows ``Accept-Language: hi``."""
        response = client.get("/nothing", headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"})
        document = problem(response, 404, "not_found")
        assert document["title"] == "इस पते पर कुछ नहीं मिला"
        assert response.headers["content-language"] == "hi"

    def test_method_not_allowed(self, client: httpx.Client) -> None:
        """A known path with the wrong method is a 405 problem."""
        problem(client.delete("/api/v1/services"), 405, "method_not_allowed")

    @pytest.mark.parametrize(
        ("header", "language"),
        [(None, "en"), ("hi", "hi"), ("en-IN", "en"), ("hi;q=0.2, en;q=0.9", "en"), ("fr, hi;q=0.5", "hi")],
    )
    def test_language_negotiation(self, client: httpx.Client, header: str | None, language: str) -> None:
        """Hindi is used when ``Accept-Language`` prefers it over English, honouring quality values."""
        headers = {"Accept-Language": header} if header else {}
        response = client.get("/api/v1/services", params={"department": "x"}, headers=headers)
        document = problem(response, 400, "invalid_request")
        assert response.headers["content-language"] == language
        expected = document["message"][language]
        assert document["detail"] == expected

    def test_request_id_is_echoed(self, client: httpx.Client) -> None:
        """A well-formed ``X-Request-ID`` comes back in the header and in the problem document."""
        response = client.get("/api/v1/services/nope", headers={"X-Request-ID": "call-181-0042"})
        assert response.headers["x-request-id"] == "call-181-0042"
        assert problem(response, 404, "unknown_service")["request_id"] == "call-181-0042"

    def test_unsafe_request_id_is_replaced(self, client: httpx.Client) -> None:
        """A request ID with unsafe characters is replaced by a fresh one."""
        response = client.get("/health", headers={"X-Request-ID": "<script>"})
        assert response.headers["x-request-id"] != "<script>"
        assert len(response.headers["x-request-id"]) == 32


class TestOpenAPI:
    """The OpenAPI document describes the catalogue and eligibility endpoints."""

    def test_lists_the_endpoints(self, client: httpx.Client) -> None:
        """Every endpoint of the catalogue API is in ``/schema/openapi.json`` with its method."""
        response = client.get("/schema/openapi.json")
        assert response.status_code == 200
        paths = response.json()["paths"]
        expected = {
            "/api/v1/services": "get",
            "/api/v1/services/{code}": "get",
            "/api/v1/departments": "get",
            "/api/v1/categories": "get",
            "/api/v1/eligibility": "post",
            "/health": "get",
        }
        for path, method in expected.items():
            assert method in paths[path], path
        parameters = {p["name"] for p in paths["/api/v1/services"]["get"]["parameters"]}
        assert parameters == {"q", "department", "category", "page", "per_page"}


def invalid_catalogue() -> str:
    data = served_catalogue()
    data["services"][1]["department"] = "railways"
    data["services"][3]["eligibility"][0]["fact"] = "member.salary"
    return dump(data)


class TestStartAndReload:
    """The server refuses a bad catalogue at start, and keeps the last good one when a reload fails."""

    def test_refuses_to_start_on_an_invalid_catalogue(
        self, server_factory: Callable[..., LiveServer], tmp_path: Path
    ) -> None:
        """``seva serve`` exits with 1 and prints every problem as ``file:line path: message``."""
        path = tmp_path / "bad.yaml"
        path.write_text(invalid_catalogue(), encoding="utf-8")
        with pytest.raises(RuntimeError, match="server exited with 1") as caught:
            server_factory({"SEVA_CATALOGUE": str(path)})
        output = str(caught.value)
        assert "services[1].department: unknown department 'railways'" in output
        assert "services[3].eligibility[0].fact: unknown fact 'member.salary'" in output
        assert "bad.yaml:" in output
        assert "The catalogue is invalid; the server was not started." in output

    def test_serves_the_shipped_catalogue(self, app_factory: Callable[..., InProcessServer]) -> None:
        """The real ``catalogue.yaml`` is served whole."""
        server = app_factory({"SEVA_CATALOGUE": str(CATALOGUE)})
        with server.client() as http:
            health = http.get("/health").json()
            assert health["services"] == len(load_catalogue(CATALOGUE).services)
            assert http.get("/api/v1/services", params={"q": "आय प्रमाण पत्र"}).json()["total"] >= 1

    def test_reload_keeps_the_last_good_catalogue(
        self, server_factory: Callable[..., LiveServer], tmp_path: Path
    ) -> None:
        """A bad file is refused and shown in /health while the old one is served; a good one is then used."""
        path = tmp_path / "catalogue.yaml"
        good = served_catalogue()
        path.write_text(dump(good), encoding="utf-8")
        server = server_factory({"SEVA_CATALOGUE": str(path), "SEVA_CATALOGUE_WATCH_SECONDS": "0.2"})
        with server.client() as http:
            first = http.get("/health").json()
            assert first["last_reload_error"] is None

            replace_file(path, invalid_catalogue())
            wait_for(lambda: http.get("/health").json()["last_reload_error"] is not None)
            health = http.get("/health").json()
            assert "unknown department 'railways'" in health["last_reload_error"]
            assert health["catalogue_digest"] == first["catalogue_digest"]
            assert http.get("/api/v1/services").json()["total"] == 5
            widow = http.get("/api/v1/services/sj-widow-pension")
            assert widow.status_code == 200
            # Searches and details are answered from kept JSON; asked again after the reload, they must
            # see the new file.
            assert http.get("/api/v1/services", params={"q": "marriage daughters"}).json()["total"] == 0

            (widow_entry,) = [s for s in good["services"] if s["code"] == "sj-widow-pension"]
            widow_entry["name"] = text("Widow pension, renamed", "विधवा पेंशन, नया नाम")
            good["services"].append(
                service(
                    "sj-kanya-vivah",
                    name=text("Marriage assistance for daughters", "कन्या विवाह सहायता"),
                    department="social_justice",
                    category="pensions",
                    eligibility=[rule("family.bpl", "==", True, "BPL families only.", "केवल बीपीएल परिवार।")],
                )
            )
            replace_file(path, dump(good))
            wait_for(lambda: http.get("/health").json()["catalogue_digest"] != first["catalogue_digest"])
            health = http.get("/health").json()
            assert health["last_reload_error"] is None
            assert health["services"] == 6
            assert http.get("/api/v1/services").json()["total"] == 6
            found = http.get("/api/v1/services", params={"q": "marriage daughters"}).json()
            assert [item["code"] for item in found["items"]] == ["sj-kanya-vivah"]
            assert health["catalogue_digest"] == hashlib.sha256(path.read_bytes()).hexdigest()
            assert http.get("/api/v1/services/sj-kanya-vivah").json()["name"]["hi"] == "कन्या विवाह सहायता"
            renamed = http.get("/api/v1/services/sj-widow-pension").json()
            assert renamed["name"]["en"] == "Widow pension, renamed"
            assert {**renamed, "name": widow.json()["name"]} == widow.json()  # nothing else changed
            verdicts = http.post("/api/v1/eligibility", json={"facts": {"family.bpl": False}}).json()[
                "verdicts"
            ]
            assert verdicts[-1] == {
                "service": "sj-kanya-vivah",
                "status": "not_eligible",
                "reasons": [{"en": "BPL families only.", "hi": "केवल बीपीएल परिवार।"}],
                "missing_facts": [],
            }
