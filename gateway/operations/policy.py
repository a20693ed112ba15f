"""Operations endpoints are open to the machines that watch seva, and never rate-limited.

``/health`` and ``/ready`` are public: a load balancer asks them, and they say nothing of anyone.
``/metrics`` takes no token (Prometheus scrapes it unattended, and a 15-minute token would not last), so
its rule is public and the operations service lets in only the operations networks
(``SEVA_OPERATIONS_NETWORKS``, by default this machine).
"""

from __future__ import annotations

from gateway.platform.policy import Policy, public

__all__ = ["POLICY"]

POLICY = Policy(
    "operations",
    health=public("operations.health", "operations: liveness", rate="none"),
    ready=public("operations.ready", "operations: readiness", rate="none"),
    metrics=public("operations.metrics", "operations: metrics", rate="none"),
)
