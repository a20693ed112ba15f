"""Operations endpoints are open to the machines that watch seva, and never rate-limited."""

from __future__ import annotations

from gateway.platform.policy import Policy, public

__all__ = ["POLICY"]

POLICY = Policy("operations", health=public("operations.health", "operations: liveness", rate="none"))
