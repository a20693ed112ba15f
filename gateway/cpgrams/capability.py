"""The CPGRAMS capability: grievances exchanged with CPGRAMS through files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalogue import Catalogue
from gateway.cpgrams.errors import CpgramsFileRefused
from gateway.cpgrams.policy import POLICY
from gateway.cpgrams.routes import CpgramsController
from gateway.cpgrams.service import CpgramsExchange, Filing
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["CpgramsBuilt", "build_cpgrams"]


@dataclass(slots=True)
class CpgramsBuilt:
    service: CpgramsExchange
    capability: Capability


def build_cpgrams(platform: Platform, grievances: Filing) -> CpgramsBuilt:
    current: Callable[[], Catalogue] = lambda: platform.catalogue.current  # noqa: E731
    service = CpgramsExchange(platform.engine, platform.audit, platform.clock, grievances, current)
    capability = Capability(
        "cpgrams",
        route_handlers=[CpgramsController],
        dependencies={"cpgrams": provide(service)},
        errors=[CpgramsFileRefused],
        policy=POLICY,
    )
    return CpgramsBuilt(service, capability)
