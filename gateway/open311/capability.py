"""The Open311 capability: GeoReport v2 over the grievances, and its client applications."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalogue import Catalogue
from gateway.open311.apps import Open311Apps
from gateway.open311.errors import (
    ApiKeyMissing,
    ApiKeyRefused,
    Open311AppNotFound,
    RequestNotFound,
    RequestRefused,
    ServiceNotFound,
    TokenNotFound,
    UnknownServiceCode,
)
from gateway.open311.policy import POLICY
from gateway.open311.routes import Open311AppController, open311_router
from gateway.open311.service import Filing, Open311
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["Open311Built", "build_open311"]


@dataclass(slots=True)
class Open311Built:
    service: Open311
    capability: Capability


def build_open311(platform: Platform, grievances: Filing) -> Open311Built:
    apps = Open311Apps(platform.engine, platform.audit, platform.clock)
    current: Callable[[], Catalogue] = lambda: platform.catalogue.current  # noqa: E731
    service = Open311(platform.engine, platform.clock, apps, grievances, current)
    capability = Capability(
        "open311",
        route_handlers=[open311_router(), Open311AppController],
        dependencies={"open311": provide(service)},
        errors=[
            ApiKeyMissing,
            ApiKeyRefused,
            Open311AppNotFound,
            RequestNotFound,
            RequestRefused,
            ServiceNotFound,
            TokenNotFound,
            UnknownServiceCode,
        ],
        policy=POLICY,
    )
    return Open311Built(service, capability)
