"""The operator's view: /ready beside /health, Prometheus metrics for the operations network only, and JSON
log lines that carry the request ID and no personal data."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from gateway.database import create_engine
from gateway.platform.logs import bind_request, configure_logging
from tests.conftest import InProcessServer, LiveServer


def _sample(metrics: str, name: str, **labels: str) -> float | None:
    """The value of one sample of the text exposition format, or None."""
    for line in metrics.splitlines():
        if not line.startswith(name + "{") and line.split(" ")[0] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


class TestReady:
    def test_ready_when_database_schema_and_catalogue_are(
        self, app_factory: Callable[..., InProcessServer]
    ) -> None:
        with app_factory().client() as client:
            answer = client.get("/ready")
        assert answer.status_code == 200
        assert answer.json() == {"status": "ready", "database": "ok", "migrations": "ok", "catalogue": "ok"}

    async def test_not_ready_when_the_schema_is_behind(
        self, app_factory: Callable[..., InProcessServer], tmp_path: Path
    ) -> None:
        """A database whose schema is not at this code's head (here: its version row gone) is not ready: 503
        naming the migrations, in both languages, with Retry-After; /health still answers."""
        server = app_factory()
        with server.client() as client:
            engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'seva.db'}")
            async with engine.begin() as conn:
                await conn.execute(text("DELETE FROM alembic_version"))
            await engine.dispose()
            answer = client.get("/ready", headers={"accept-language": "hi"})
            health = client.get("/health")
        assert answer.status_code == 503 and answer.json()["code"] == "not_ready"
        assert "migrations" in answer.json()["message"]["en"] and "अभी तैयार नहीं" in answer.json()["detail"]
        assert answer.headers["retry-after"] == "5"
        assert health.status_code == 200

    async def test_not_ready_when_the_database_is_unreachable(
        self, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """The operations service over a PostgreSQL nobody listens for: 503 naming the database."""
        from gateway.operations.errors import NotReady
        from gateway.operations.service import Operations
        from gateway.platform.forwarded import ProxyTrust

        server = app_factory()
        engine = create_engine("postgresql+asyncpg://seva@127.0.0.1:1/nothing")
        operations = Operations(
            engine, server.seva.platform.catalogue, server.seva.platform.metrics,
            proxies=ProxyTrust(), operations_networks="127.0.0.1",
        )  # fmt: skip
        try:
            with pytest.raises(NotReady) as refused:
                await operations.ready()
        finally:
            await engine.dispose()
        assert set(refused.value.failed) == {"database", "migrations"}


class TestMetrics:
    def test_metrics_for_the_operations_network(
        self, tmp_path: Path, server_factory: Callable[..., LiveServer]
    ) -> None:
        """From this machine (the default operations network): requests by route template and status with
        latencies, the queue's depth by department, an escalation counter ready at zero."""
        server = server_factory({"SEVA_DATA_DIR": str(tmp_path / "data")})
        with server.client() as client:
            for _ in range(3):
                assert client.get("/api/v1/services/rev-demarcation").status_code == 200
            assert client.get("/api/v1/families/12345678").status_code == 401
            assert client.get("/no/such/page").status_code == 404
            answer = client.get("/metrics")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
        body = answer.text
        route = "/api/v1/services/{code}"
        assert _sample(body, "seva_http_requests_total", route=route, status="200", method="GET") == 3
        assert (
            _sample(body, "seva_http_requests_total", route="/api/v1/families/{family_id}", status="401") == 1
        )
        assert _sample(body, "seva_http_requests_total", route="unmatched", status="404") == 1
        assert _sample(body, "seva_http_request_duration_seconds_count", route=route, method="GET") == 3
        assert "12345678" not in body and "rev-demarcation" not in body  # templates, never paths
        assert "# TYPE seva_escalations_total counter" in body
        assert "# TYPE seva_delivery_queue_depth gauge" in body
        assert "# TYPE seva_circuit_breaker_state gauge" in body

    def test_refused_outside_the_operations_network(
        self, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """A caller outside the operations network (here the test client's 127.0.0.1, with the network set
        to 10.0.0.0/8) is refused: 403 ``metrics_refused``."""
        with app_factory({"SEVA_OPERATIONS_NETWORKS": "10.0.0.0/8"}).client() as client:
            answer = client.get("/metrics")
        assert answer.status_code == 403 and answer.json()["code"] == "metrics_refused"

    def test_refused_through_a_proxy_that_is_not_trusted(
        self, tmp_path: Path, server_factory: Callable[..., LiveServer]
    ) -> None:
        """A reverse proxy on this machine forwards a stranger: the peer is 127.0.0.1, but the request came
        from elsewhere, and no trusted proxy vouches for it."""
        server = server_factory({"SEVA_DATA_DIR": str(tmp_path / "data")})
        with server.client() as client:
            proxied = client.get("/metrics", headers={"x-forwarded-for": "198.51.100.7"})
            direct = client.get("/metrics")
        assert proxied.status_code == 403 and direct.status_code == 200


class TestLogs:
    def test_lines_are_json_with_the_request_id_and_no_personal_numbers(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        configure_logging("INFO", "json")
        try:
            with bind_request("req-42"):
                logging.getLogger("seva.test").warning(
                    "for %s, member:123456789 of family:12345678, aadhaar 2345 6789 0124", "+91 9876543210"
                )
            logging.getLogger("seva.test").info("outside a request")
        finally:
            logging.getLogger().handlers = [h for h in logging.getLogger().handlers if h.get_name() != "seva"]
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
        inside, outside = lines[-2], lines[-1]
        assert (
            inside["request_id"] == "req-42"
            and inside["logger"] == "seva.test"
            and inside["level"] == "warning"
        )
        assert "9876543210" not in inside["event"] and "******3210" in inside["event"]
        assert "member:******789" in inside["event"] and "family:*****678" in inside["event"]
        assert "2345 6789 0124" not in inside["event"] and "********0124" in inside["event"]
        assert "request_id" not in outside and inside["timestamp"].endswith("Z")

    def test_a_served_request_logs_its_id_on_its_lines(
        self, tmp_path: Path, server_factory: Callable[..., LiveServer]
    ) -> None:
        """A refused request to a real server: its warning line is JSON and carries the request's ID."""
        server = server_factory({"SEVA_DATA_DIR": str(tmp_path / "data")})
        answer = httpx.get(f"{server.url}/api/v1/auth/me", headers={"x-request-id": "trace-me-7"})
        assert answer.status_code == 401
        server.stop()
        lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
        refusals = [line for line in lines if "refused GET /api/v1/auth/me" in line["event"]]
        assert refusals and all(line["request_id"] == "trace-me-7" for line in refusals)
