"""The families capability: the family registry over HTTP, under the families policy."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar import Litestar

from family_registry.aadhaar import AadhaarHasher
from family_registry.eligibility import EligibilityCache
from family_registry.keys import load_or_create_key
from family_registry.keys_check import ensure_key_on
from family_registry.store import Registry
from gateway.families.errors import (
    MAPPERS,
    InvalidAadhaar,
    InvalidId,
    InvalidMobile,
    NotInRegistry,
    UnknownFamily,
    UnknownMember,
)
from gateway.families.policy import POLICY
from gateway.families.routes import RegistryController
from gateway.families.service import Applied, FamilyService
from gateway.platform.capability import Capability, provide
from gateway.platform.root import Platform

__all__ = ["FamiliesBuilt", "build_families"]


@dataclass(slots=True)
class FamiliesBuilt:
    service: FamilyService
    registry: Registry
    capability: Capability


def build_families(platform: Platform, applied: Applied) -> FamiliesBuilt:
    """``applied(family_id, department)``: whether the family applied for one of the department's services."""
    settings = platform.settings
    hasher = AadhaarHasher(load_or_create_key(settings.aadhaar_key, settings.data_dir))
    registry = Registry(platform.engine, hasher)
    cache = EligibilityCache(settings.eligibility_cache_families)
    platform.catalogue.on_change(cache.clear)  # verdicts under the old rules are never asked for again
    service = FamilyService(registry, cache, platform.catalogue, platform.audit, platform.clock, applied)

    @contextlib.asynccontextmanager
    async def key_check(app: Litestar) -> AsyncIterator[None]:
        # Refuse to serve lookups by Aadhaar that could never succeed (a changed key); after migrations.
        await ensure_key_on(registry.engine, registry.hasher)
        yield

    capability = Capability(
        "families",
        route_handlers=[RegistryController],
        dependencies={"families": provide(service)},
        errors=[InvalidId, InvalidAadhaar, InvalidMobile, UnknownFamily, UnknownMember, NotInRegistry],
        mappers=MAPPERS,
        lifespans=[key_check],
        policy=POLICY,
    )
    return FamiliesBuilt(service, registry, capability)
