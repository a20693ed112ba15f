"""Bounded work per request: nesting depth, body size, counts of facts and form fields, and numbers out of
range are each a 400 or 413 problem document, never a 500, on every route that takes them."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.platform.bodies import MAX_JSON_DEPTH, json_depth_exceeds
from tests.gateway.signed_in import SignedIn, signed_in, sms

__all__ = ["signed_in", "sms"]

JSON = {"content-type": "application/json"}


def _nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def _json_routes(world: SignedIn) -> list[Any]:
    found = [route for route in world.routes() if route.takes_json]
    assert len(found) >= 8, [f"{r.method} {r.path}" for r in found]
    return found


class TestNesting:
    def test_ten_thousand_levels_are_a_400_on_every_json_route_in_both_languages(
        self, signed_in: SignedIn
    ) -> None:
        """Every route that takes JSON answers a body nested 10,000 levels deep with ``json_too_deep``,
        titled in the language asked for; never a 500 and a traceback."""
        wrong = []
        for route in _json_routes(signed_in):
            for language, title in (("en", "nested too deeply"), ("hi", "नेस्टेड")):
                headers = {**JSON, **signed_in.headers_for(route.rule), "accept-language": language}
                answer = signed_in.client.request(
                    route.method, route.concrete, content=_nested(10_000), headers=headers
                )
                problem = answer.json()
                if answer.status_code != 400 or problem.get("code") != "json_too_deep":
                    wrong.append(f"{route.method} {route.path}: {answer.status_code} {answer.text[:120]}")
                elif title not in problem["title"] or not problem["message"]["hi"]:
                    wrong.append(f"{route.method} {route.path} ({language}): title {problem['title']!r}")
        assert wrong == []

    def test_a_body_just_past_the_limit_is_refused_and_one_at_it_is_read(self, signed_in: SignedIn) -> None:
        """33 levels are refused; a body of 32 levels gets past the depth check (to the usual checks)."""
        headers = {**JSON, "accept-language": "en"}
        deep = signed_in.client.post(
            "/api/v1/eligibility", content=_nested(MAX_JSON_DEPTH + 1), headers=headers
        )
        assert deep.status_code == 400 and deep.json()["code"] == "json_too_deep"
        at_limit = signed_in.client.post(
            "/api/v1/eligibility", content=_nested(MAX_JSON_DEPTH), headers=headers
        )
        assert at_limit.status_code == 400 and at_limit.json()["code"] == "invalid_request", at_limit.text
        facts = b'{"facts": {"member.age": 70}, "service": null}'
        assert signed_in.client.post("/api/v1/eligibility", content=facts, headers=headers).status_code == 200

    def test_the_depth_is_counted_without_recursion(self) -> None:
        """The walk over decoded JSON handles deep values and wide ones, and stops at the first too deep."""
        deep: Any = []
        for _ in range(50_000):
            deep = [deep]
        assert json_depth_exceeds(deep)
        assert not json_depth_exceeds([[{"a": [1, 2]}] * 1000])
        assert not json_depth_exceeds({"a": 1})
        at_limit: Any = []
        for _ in range(MAX_JSON_DEPTH - 1):
            at_limit = [at_limit]
        assert not json_depth_exceeds(at_limit) and json_depth_exceeds([at_limit])


class TestSize:
    def test_json_routes_take_at_most_a_mebibyte(self, signed_in: SignedIn) -> None:
        """A JSON body over 1 MiB is refused with 413 on every JSON route, before it is read."""
        big = b'{"facts": {}, "service": "' + b"x" * (1024 * 1024) + b'"}'
        wrong = []
        for route in _json_routes(signed_in):
            headers = {**JSON, **signed_in.headers_for(route.rule)}
            answer = signed_in.client.request(route.method, route.concrete, content=big, headers=headers)
            if answer.status_code != 413 or answer.json()["code"] != "payload_too_large":
                wrong.append(f"{route.method} {route.path}: {answer.status_code}")
        assert wrong == []

    def test_the_upload_keeps_its_own_larger_limit(self, signed_in: SignedIn) -> None:
        """A 2 MiB document (over the JSON limit, under the upload limit) is taken by the upload route."""
        pdf = b"%PDF-1.4\n" + b" " * (2 * 1024 * 1024)
        answer = signed_in.client.post(
            "/api/v1/documents",
            files={"file": ("scan.pdf", pdf, "application/pdf")},
            data={"doc_type": "aadhaar"},
            headers=signed_in.as_role("citizen"),
        )
        assert answer.status_code == 201, answer.text


class TestCounts:
    def test_more_facts_than_the_cap_are_refused(self, signed_in: SignedIn) -> None:
        """Eligibility from facts takes at most 200 of them: a body of thousands is a 400 naming ``facts``."""
        facts = {f"member.fact_{i}": i for i in range(5000)}
        answer = signed_in.client.post("/api/v1/eligibility", json={"facts": facts})
        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid_request" and "facts" in answer.text

    def test_more_form_fields_than_the_cap_are_refused(self, signed_in: SignedIn) -> None:
        """An application's form takes at most 100 fields."""
        form = {f"field_{i}": "x" for i in range(1000)}
        answer = signed_in.client.post(
            "/api/v1/applications",
            json={"service_code": "rev-demarcation", "member_id": "100000011", "form": form},
            headers={"idempotency-key": "bounds-1", **signed_in.as_role("citizen")},
        )
        assert answer.status_code == 400 and "form" in answer.text, answer.text


OUT_OF_RANGE = ["1e23", "99999999999999999999999", str(2**63), str(2**31), "-1", "1.5", "NaN", "Infinity"]


class TestNumbers:
    def test_every_integer_parameter_refuses_values_out_of_range_with_a_400(
        self, signed_in: SignedIn
    ) -> None:
        """Each integer query parameter of the OpenAPI document, given ``1e23`` and its kind, is a 400
        problem, never a 500 (PostgreSQL's columns are 4 or 8 bytes)."""
        schema = signed_in.client.get("/schema/openapi.json").json()
        routes = {(r.method, r.path): r for r in signed_in.routes()}
        tried = 0
        wrong = []
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                route = routes.get((method.upper(), path))
                if route is None:
                    continue
                for parameter in operation.get("parameters", []):
                    if parameter["in"] != "query" or parameter.get("schema", {}).get("type") != "integer":
                        continue
                    for value in OUT_OF_RANGE:
                        tried += 1
                        answer = signed_in.client.request(
                            method.upper(), route.concrete, params={parameter["name"]: value},
                            headers=signed_in.headers_for(route.rule),
                        )  # fmt: skip
                        if answer.status_code != 400:
                            wrong.append(f"{method} {path}?{parameter['name']}={value}: {answer.status_code}")
        assert tried >= 5 * len(OUT_OF_RANGE)
        assert wrong == []

    @pytest.mark.parametrize("number", ["1e400", "1e23", "100000000000000000000000000000", "-1e308"])
    def test_numbers_out_of_range_in_bodies_are_refused(self, signed_in: SignedIn, number: str) -> None:
        """A number too large for its field in a body (a fact, a form value, an adapter's limit) is a 400."""
        admin, citizen = signed_in.as_role("administrator"), signed_in.as_role("citizen")
        calls = [
            ("POST", "/api/v1/eligibility", f'{{"facts": {{"member.age": {number}}}}}', {}),
            (
                "PUT", "/api/v1/departments/adapters/rest_transport",
                f'{{"kind": "rest", "endpoint": "http://127.0.0.1:9/", "max_concurrency": {number}}}', admin,
            ),
            (
                "POST", "/api/v1/applications",
                '{"service_code": "rev-demarcation", "member_id": "100000011", "form": {"area": N}}'.replace(
                    "N", number
                ),
                {**citizen, "idempotency-key": f"n-{number}"},
            ),
        ]  # fmt: skip
        for method, path, body, headers in calls:
            answer = signed_in.client.request(method, path, content=body, headers={**JSON, **headers})
            assert 400 <= answer.status_code < 500, f"{path}: {answer.status_code} {answer.text[:200]}"
