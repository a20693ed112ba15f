"""The process's Prometheus metrics (``prometheus-client``), in a registry of its own per process.

What is counted where:

- every answer of the HTTP API, by method, route template (``/api/v1/families/{family_id}``, never the
  path itself, which may hold an ID) and status, with its latency from the request reaching seva to its
  answer starting (``gateway.platform.edge`` notes each answer as it is sent, an unknown route's
  included). These two are plain numbers the event loop adds to, turned into Prometheus samples only
  when the metrics are read: a labelled ``Counter`` and ``Histogram`` cost a lock and a label lookup each
  on every request;
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
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import accumulate

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

__all__ = ["BREAKER_STATES", "Metrics"]

BREAKER_STATES = ("closed", "open", "half_open")
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BOUNDS = [*(floatToGoString(b) for b in _LATENCY_BUCKETS), "+Inf"]


class _Callback(Collector):
    """A collector whose samples a function gives when the metrics are read."""

    def __init__(self, collect: Callable[[], Iterable[Metric]]) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        return self._collect()


@dataclass(slots=True)
class _Count:
    value: int = 0
    created: float = field(default_factory=time.time)


@dataclass(slots=True)
class _Latency:
    counts: list[int] = field(default_factory=lambda: [0] * (len(_LATENCY_BUCKETS) + 1))  # the last: +Inf
    total: float = 0.0
    created: float = field(default_factory=time.time)


class Metrics:
    """The metrics of one process. A registry of its own, so that tests may build many applications in one
    process without their counts mixing."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._answers: dict[tuple[str, str, int], _Count] = {}
        self._latencies: dict[tuple[str, str], _Latency] = {}
        self.registry.register(_Callback(self._answer_metrics))
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

    def answered(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answer of the HTTP API and its latency (on the event loop's thread only)."""
        count = self._answers.get((method, route, status))
        if count is None:
            count = self._answers[(method, route, status)] = _Count()
        count.value += 1
        latency = self._latencies.get((method, route))
        if latency is None:
            latency = self._latencies[(method, route)] = _Latency()
        latency.counts[bisect_left(_LATENCY_BUCKETS, seconds)] += 1  # the first bound >= seconds
        latency.total += seconds

    def _answer_metrics(self) -> Iterable[Metric]:
        # The samples a labelled Counter and Histogram would give, _created included.
        answers = CounterMetricFamily(
            "seva_http_requests", "Answers of the HTTP API", labels=["method", "route", "status"]
        )
        for (method, route, status), count in list(self._answers.items()):
            answers.add_metric([method, route, str(status)], count.value, created=count.created)
        latency = HistogramMetricFamily(
            "seva_http_request_duration_seconds",
            "Time from a request reaching seva to its answer starting",
            labels=["method", "route"],
        )
        for (method, route), seen in list(self._latencies.items()):
            cumulative = zip(_BOUNDS, accumulate(seen.counts), strict=True)
            latency.add_metric([method, route], list(cumulative), seen.total)
            latency.add_sample(
                "seva_http_request_duration_seconds_created", {"method": method, "route": route}, seen.created
            )
        return [answers, latency]

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
