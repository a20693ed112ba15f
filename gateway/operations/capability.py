"""The operations capability: what the machines that run and watch seva ask of it."""

from __future__ import annotations

from gateway.operations.policy import POLICY
from gateway.operations.routes import health
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["build_operations"]


def build_operations(platform: Platform) -> Capability:
    return Capability(
        "operations",
        route_handlers=[health],
        dependencies={"holder": provide(platform.catalogue)},
        policy=POLICY,
    )
