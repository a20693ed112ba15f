"""The services capability: the catalogue over HTTP (search, detail, departments, categories, eligibility)."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform
from gateway.services.catalogue_service import CatalogueService
from gateway.services.errors import MAPPERS, InvalidFact, UnknownService
from gateway.services.policy import POLICY
from gateway.services.routes import CatalogueController

__all__ = ["ServicesBuilt", "build_services"]


@dataclass(slots=True)
class ServicesBuilt:
    service: CatalogueService
    capability: Capability


def build_services(platform: Platform) -> ServicesBuilt:
    service = CatalogueService(platform.catalogue)

    capability = Capability(
        "services",
        route_handlers=[CatalogueController],
        dependencies={"services": provide(service)},
        errors=[UnknownService, InvalidFact],
        mappers=MAPPERS,
        policy=POLICY,
    )
    return ServicesBuilt(service, capability)
