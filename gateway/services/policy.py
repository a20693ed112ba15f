"""The catalogue is public: anyone may read it and check eligibility from facts they give."""

from __future__ import annotations

from gateway.platform.policy import Policy, public

__all__ = ["POLICY"]

POLICY = Policy(
    "services",
    read=public("catalogue.read", "read the service catalogue"),
    check=public("eligibility.check", "check eligibility from facts"),
)
