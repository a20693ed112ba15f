"""When to try a delivery again: tenacity's exponential back-off with jitter, computed, not slept.

The wait is turned into a ``next_attempt_at`` written to the delivery row, so a retry that was due when
the process died is still due when it starts again. A department's ``Retry-After`` is respected.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenacity import RetryCallState, Retrying, wait_exponential_jitter

__all__ = ["Backoff"]


@dataclass(frozen=True, slots=True)
class Backoff:
    """``initial`` seconds after the first failure, doubling up to ``maximum``, plus up to ``jitter``."""

    initial: float = 1.0
    maximum: float = 300.0
    jitter: float = 1.0

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt (1 for the first)."""
        wait = wait_exponential_jitter(multiplier=self.initial, max=self.maximum, jitter=self.jitter)
        state = RetryCallState(Retrying(), None, (), {})
        state.attempt_number = max(1, attempts)
        seconds = float(wait(state))
        if retry_after is not None:
            seconds = max(seconds, min(retry_after, self.maximum))
        return seconds
