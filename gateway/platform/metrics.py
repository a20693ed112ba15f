"""The process's Prometheus metrics (``prometheus-client``), in a registry of its own per process.

What is counted where:

- every answer of the HTTP API, by method, route template (``/api/v1/families/{family_id}``, never the
  path itself, which may hold an ID) and status, with its latency (``RequestTimer`` notes when a request
  reaches its route; ``RequestMetrics`` observes each answer as it is sent, an unknown route's included);
- deliveries by department and outcome (``delivered``, ``retry``, ``failed``, ``not_tried``) and circuit
  breaker states, by the delivery worker of the process that delivers (``seva workers`` serves them on
  ``--metrics-port``);
- the queue's depth and age (``gateway.delivery``) and escalations to the appellate authorities
  (``gateway.deadlines``), read from the database when the metrics are asked for, so any gateway process
  reports the shared queue and every watcher's escalations.

Labels never carry personal data: no path, no ID, no number.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = ["BREAKER_STATES", "Metrics", "RequestMetrics", "RequestTimer"]

BREAKER_STATES = ("closed", "open", "half_open")
_STARTED = "metrics_started"  # where a request's start time is kept in its scope's state
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Callback(Collector):
    """A collector whose samples a function gives when the metrics are read."""

    def __init__(self, collect: Callable[[], Iterable[Metric]]) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        return self._collect()


class Metrics:
    """The metrics of one process. A registry of its own, so that tests may build many applications in one
    process without their counts mixing."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "seva_http_requests",
            "Answers of the HTTP API",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "seva_http_request_duration_seconds",
            "Time from a request reaching its route to its answer starting",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "seva_deliveries",
            "Calls to departments to hand over an application, by outcome",
            ["department", "outcome"],
            registry=self.registry,
        )
        self._breakers: list[Callable[[], Mapping[str, str]]] = []
        self.registry.register(_Callback(self._breaker_states))
        self._readers: list[Callable[[], Awaitable[list[Metric]]]] = []
        self._read: list[Metric] = []
        self.registry.register(_Callback(lambda: list(self._read)))

    def watch_breakers(self, states: Callable[[], Mapping[str, str]]) -> None:
        """Report the circuit breakers ``states()`` gives (adapter code -> state) when metrics are read."""
        self._breakers.append(states)

    def read_before_export(self, reader: Callable[[], Awaitable[list[Metric]]]) -> None:
        """Add samples an async ``reader`` gives (from the database, say) each time metrics are exported."""
        self._readers.append(reader)

    async def export(self) -> bytes:
        """The text exposition format, after asking every reader for its samples."""
        found: list[Metric] = []
        for reader in self._readers:
            found.extend(await reader())
        self._read = found
        return generate_latest(self.registry)

    def delivery(self, department: str, outcome: str) -> None:
        self.deliveries.labels(department=department, outcome=outcome).inc()

    def _breaker_states(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "seva_circuit_breaker_state",
            "1 for the state each department adapter's circuit breaker is in (per delivering process)",
            labels=["adapter", "state"],
        )
        for states in self._breakers:
            for adapter, current in sorted(states().items()):
                for state in BREAKER_STATES:
                    family.add_metric([adapter, state], 1.0 if state == current else 0.0)
        return [family]


class RequestTimer:
    """Middleware noting when a request reaches its route (for the latency ``RequestMetrics`` observes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})[_STARTED] = time.perf_counter()
        await self.app(scope, receive, send)


class RequestMetrics:
    """A ``before_send`` hook counting every answer by route template and status, with its latency."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope.get("type") != "http":
            return
        method = str(scope.get("method", ""))
        route = str(scope.get("path_template") or "unmatched")
        self.metrics.requests.labels(method=method, route=route, status=str(message["status"])).inc()
        state: Any = scope.get("state", {})
        started = state.get(_STARTED)
        if started is not None:
            self.metrics.latency.labels(method=method, route=route).observe(time.perf_counter() - started)
