"""The endpoints capability: departments register where their adapters are, checked before switching."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters import AdapterRegistry
from gateway.endpoints.errors import AdapterUnhealthy, EndpointNotAllowed, EndpointRefused, UnknownAdapter
from gateway.endpoints.policy import POLICY
from gateway.endpoints.routes import EndpointController
from gateway.endpoints.service import EndpointService
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["EndpointsBuilt", "build_endpoints"]


@dataclass(slots=True)
class EndpointsBuilt:
    service: EndpointService
    capability: Capability


def build_endpoints(
    platform: Platform, adapters: AdapterRegistry, on_change: Callable[[], None] = lambda: None
) -> EndpointsBuilt:
    service = EndpointService(
        platform.engine,
        lambda: platform.catalogue.current,
        adapters,
        platform.audit,
        egress=platform.settings.egress_policy,
        on_change=on_change,
        clock=platform.clock,
    )
    capability = Capability(
        "endpoints",
        route_handlers=[EndpointController],
        dependencies={"endpoints": provide(service)},
        errors=[UnknownAdapter, EndpointRefused, EndpointNotAllowed, AdapterUnhealthy],
        policy=POLICY,
    )
    return EndpointsBuilt(service, capability)
