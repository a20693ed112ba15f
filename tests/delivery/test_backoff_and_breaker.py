"""The retry schedule and the circuit breaker on their own, with time moved by hand."""

from __future__ import annotations

from gateway.delivery.backoff import Backoff
from gateway.delivery.breaker import CircuitBreakers


class TestBackoff:
    def test_waits_double_up_to_the_maximum_with_bounded_jitter(self) -> None:
        """Attempt n waits initial * 2^(n-1) plus at most the jitter, and never more than the maximum."""
        backoff = Backoff(initial=1.0, maximum=30.0, jitter=0.5)
        for attempt, base in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0)):
            delay = backoff.delay(attempt)
            assert base <= delay <= base + 0.5, (attempt, delay)
        assert backoff.delay(20) <= 30.0

    def test_retry_after_is_respected_but_capped(self) -> None:
        """A department's Retry-After lengthens the wait, up to the maximum."""
        backoff = Backoff(initial=1.0, maximum=60.0, jitter=0.0)
        assert backoff.delay(1, retry_after=45) == 45
        assert backoff.delay(1, retry_after=3600) == 60


class TestBreaker:
    def test_opens_after_the_threshold_then_lets_one_trial_through(self) -> None:
        """Two failures open it; after the cooldown exactly one call is let through."""
        now = [0.0]
        breakers = CircuitBreakers(threshold=2, cooldown=10, clock=lambda: now[0])
        breakers.failure("rest_transport")
        assert breakers.allow("rest_transport")
        breakers.failure("rest_transport")
        assert breakers.state("rest_transport") == "open"
        assert breakers.blocked() == ["rest_transport"]
        assert not breakers.allow("rest_transport")
        now[0] = 11
        assert breakers.allow("rest_transport") and not breakers.allow("rest_transport")
        assert breakers.blocked() == ["rest_transport"]  # while its trial runs
        breakers.success("rest_transport")
        assert breakers.state("rest_transport") == "closed" and breakers.blocked() == []

    def test_a_failed_trial_opens_it_for_another_cooldown(self) -> None:
        """A trial that fails opens the circuit again from that moment."""
        now = [0.0]
        breakers = CircuitBreakers(threshold=1, cooldown=10, clock=lambda: now[0])
        breakers.failure("soap_energy")
        now[0] = 10.5
        assert breakers.allow("soap_energy")
        breakers.failure("soap_energy")
        now[0] = 15
        assert breakers.state("soap_energy") == "open"
        assert breakers.state("rest_transport") == "closed"  # other departments are not affected
