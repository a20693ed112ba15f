"""The operations capability: what the machines that run and watch seva ask of it."""

from __future__ import annotations

from gateway.operations.errors import MetricsRefused, NotReady
from gateway.operations.policy import POLICY
from gateway.operations.routes import health, metrics, ready
from gateway.operations.service import Operations
from gateway.platform.capability import Capability, provide
from gateway.platform.forwarded import ProxyTrust
from gateway.platform.root import Platform

__all__ = ["build_operations"]


def build_operations(platform: Platform) -> Capability:
    operations = Operations(
        platform.engine,
        platform.catalogue,
        platform.metrics,
        proxies=ProxyTrust.parse(platform.settings.trusted_proxies),
        operations_networks=platform.settings.operations_networks,
    )
    return Capability(
        "operations",
        route_handlers=[health, ready, metrics],
        dependencies={"holder": provide(platform.catalogue), "operations": provide(operations)},
        errors=[NotReady, MetricsRefused],
        policy=POLICY,
    )
