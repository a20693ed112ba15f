"""The edge of every request (``gateway.platform.edge``): the request ID, the security headers and the
metrics around all of Litestar, and ``/health`` answered there the short way with what the route answers."""

from __future__ import annotations

import re
from collections.abc import Callable

from prometheus_client import generate_latest

from gateway.platform.headers import CONTENT_SECURITY_POLICY
from gateway.platform.metrics import Metrics
from tests.conftest import InProcessServer
from tests.gateway.signed_in import SignedIn, signed_in, sms
from tests.gateway.test_operations import _sample

__all__ = ["signed_in", "sms"]

SECURITY = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class TestHealth:
    def test_the_short_way_answers_what_the_route_answers(self, signed_in: SignedIn) -> None:
        """Without a token, /health is answered before the router; with one, by its route (the token is
        checked). Both give the same document, security headers and request ID."""
        short = signed_in.client.get("/health", headers={"x-request-id": "lb-probe-1"})
        routed = signed_in.client.get(
            "/health", headers={"x-request-id": "lb-probe-2", **signed_in.as_role("citizen")}
        )
        assert short.status_code == routed.status_code == 200
        assert short.content == routed.content and short.json()["status"] == "ok"
        assert short.json()["services"] == len(signed_in.server.app.state.catalogue.current.services)
        for answer, request_id in ((short, "lb-probe-1"), (routed, "lb-probe-2")):
            assert answer.headers["x-request-id"] == request_id
            assert answer.headers["content-type"] == "application/json"
            assert {name: answer.headers.get(name) for name in SECURITY} == SECURITY
        assert "cache-control" not in short.headers  # nothing personal: no no-store
        assert routed.headers["cache-control"] == "no-store"  # an answer to a token is that caller's

    def test_a_bad_token_is_still_refused(self, app_factory: Callable[..., InProcessServer]) -> None:
        """A token that is present must be valid, even on /health: that request takes the long way."""
        with app_factory().client() as client:
            answer = client.get("/health", headers={"authorization": "Bearer a.b.c"})
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["request_id"] == answer.headers["x-request-id"]
        assert answer.headers["x-frame-options"] == "DENY"

    def test_other_methods_take_the_long_way(self, app_factory: Callable[..., InProcessServer]) -> None:
        with app_factory().client() as client:
            answer = client.post("/health")
        assert answer.status_code == 405 and answer.headers["x-content-type-options"] == "nosniff"

    def test_counted_in_the_metrics(self, app_factory: Callable[..., InProcessServer]) -> None:
        """Answered the short way, /health is counted by its route, with its latency."""
        with app_factory().client() as client:
            for _ in range(3):
                assert client.get("/health").status_code == 200
            body = client.get("/metrics").text
        assert _sample(body, "seva_http_requests_total", method="GET", route="/health", status="200") == 3
        assert _sample(body, "seva_http_request_duration_seconds_count", method="GET", route="/health") == 3
        assert _sample(body, "seva_http_request_duration_seconds_bucket", route="/health", le="+Inf") == 3
        assert _sample(body, "seva_http_requests_created", route="/health", status="200") is not None


class TestRequestId:
    def test_made_when_missing_or_malformed_and_the_same_in_the_problem(
        self, app_factory: Callable[..., InProcessServer]
    ) -> None:
        with app_factory().client() as client:
            made = client.get("/no/such/route")
            refused = client.get("/no/such/route", headers={"x-request-id": "not ok!"})
            kept = client.get("/api/v1/services", headers={"x-request-id": "trace.7_A-b"})
        for answer in (made, refused):
            assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["x-request-id"])
            assert answer.json()["request_id"] == answer.headers["x-request-id"]
            assert answer.headers["referrer-policy"] == "no-referrer"
        assert made.headers["x-request-id"] != refused.headers["x-request-id"]
        assert kept.status_code == 200 and kept.headers["x-request-id"] == "trace.7_A-b"
        assert [v for k, v in kept.headers.multi_items() if k == "x-request-id"] == ["trace.7_A-b"]


class TestLatencyBuckets:
    def test_each_answer_lands_in_the_first_bucket_that_holds_it(self) -> None:
        metrics = Metrics()
        for seconds in (0.0005, 0.001, 0.004, 20.0):
            metrics.answered("GET", "/x", 200, seconds)
        text = generate_latest(metrics.registry).decode()
        bucket = "seva_http_request_duration_seconds_bucket"
        assert _sample(text, bucket, route="/x", le="0.001") == 2  # a bound holds what equals it
        assert _sample(text, bucket, route="/x", le="0.0025") == 2
        assert _sample(text, bucket, route="/x", le="0.005") == 3
        assert _sample(text, bucket, route="/x", le="10.0") == 3
        assert _sample(text, bucket, route="/x", le="+Inf") == 4
        assert _sample(text, "seva_http_request_duration_seconds_sum", route="/x") == 20.0055
        assert _sample(text, "seva_http_requests_total", route="/x", status="200") == 4
