"""Delivery: the queue of applications waiting for their department, and the workers that hand them over,
retry with back-off behind a circuit breaker, and poll for decisions.

``enqueue`` is how the applications capability puts a new application on the queue, in the transaction
that writes the application.
"""

from gateway.delivery.queue import enqueue

__all__ = ["enqueue"]
