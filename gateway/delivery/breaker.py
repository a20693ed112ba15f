"""A circuit breaker per adapter: stop calling a department that keeps failing, try again after a pause.

``closed``: calls go through; ``threshold`` failures in a row open it. ``open``: no calls for ``cooldown``
seconds (its deliveries stay pending, so nothing is lost). Then ``half_open``: one trial call; success
closes it, failure opens it again. Kept in memory per worker process: each worker learns on its own,
which costs at most ``threshold`` calls per worker to a department that is down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["BreakerState", "CircuitBreakers"]

BreakerState = Literal["closed", "open", "half_open"]


@dataclass(slots=True)
class _Circuit:
    failures: int = 0
    opened_at: float | None = None
    trial_running: bool = False


@dataclass(slots=True)
class CircuitBreakers:
    threshold: int = 5
    cooldown: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _circuits: dict[str, _Circuit] = field(default_factory=dict)

    def state(self, adapter: str) -> BreakerState:
        circuit = self._circuits.get(adapter)
        if circuit is None or circuit.opened_at is None:
            return "closed"
        if self.clock() - circuit.opened_at < self.cooldown:
            return "open"
        return "half_open"

    def states(self) -> dict[str, BreakerState]:
        """The state of every adapter that has failed since it last succeeded (the others are closed)."""
        return {code: self.state(code) for code in list(self._circuits)}

    def blocked(self) -> list[str]:
        """Adapters not to claim work for now: open ones, and half-open ones whose trial is running."""
        return [
            code
            for code, circuit in self._circuits.items()
            if (state := self.state(code)) == "open" or (state == "half_open" and circuit.trial_running)
        ]

    def allow(self, adapter: str) -> bool:
        """Whether a call may go now; in half-open state only the first caller gets the trial."""
        state = self.state(adapter)
        if state == "closed":
            return True
        if state == "open":
            return False
        circuit = self._circuits[adapter]
        if circuit.trial_running:
            return False
        circuit.trial_running = True
        return True

    def success(self, adapter: str) -> None:
        self._circuits.pop(adapter, None)

    def failure(self, adapter: str) -> None:
        circuit = self._circuits.setdefault(adapter, _Circuit())
        circuit.failures += 1
        circuit.trial_running = False
        if circuit.opened_at is not None or circuit.failures >= self.threshold:
            circuit.opened_at = self.clock()  # a failed trial opens it for another cooldown
