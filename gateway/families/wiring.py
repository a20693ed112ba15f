"""Everything ``create_app`` needs from the family registry, in one call."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar import Litestar
from litestar.di import Provide
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.aadhaar import AadhaarHasher
from family_registry.eligibility import EligibilityCache
from family_registry.keys import load_or_create_key
from family_registry.keys_check import ensure_key_on
from family_registry.store import Registry
from gateway.families.problems import problem_mappers
from gateway.families.routes import RegistryController
from gateway.problems import ProblemMapper
from gateway.services.holder import CatalogueHolder
from gateway.settings import Settings

__all__ = ["FamiliesWiring", "wire_families"]


@dataclass(slots=True)
class FamiliesWiring:
    registry: Registry
    cache: EligibilityCache
    route_handlers: list[ControllerRouterHandler]
    mappers: dict[type[Exception], ProblemMapper]
    dependencies: dict[str, Provide]

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        # Refuse to serve lookups by Aadhaar that could never succeed (a changed key); after migrations.
        await ensure_key_on(self.registry.engine, self.registry.hasher)
        yield


def wire_families(settings: Settings, engine: AsyncEngine, holder: CatalogueHolder) -> FamiliesWiring:
    hasher = AadhaarHasher(load_or_create_key(settings.aadhaar_key, settings.data_dir))
    registry = Registry(engine, hasher)
    cache = EligibilityCache(settings.eligibility_cache_families)
    holder.on_change(cache.clear)  # verdicts under the old rules are never asked for again: free them
    dependencies = {
        "registry": Provide(lambda: registry, use_cache=True, sync_to_thread=False),
        "eligibility_cache": Provide(lambda: cache, use_cache=True, sync_to_thread=False),
    }
    return FamiliesWiring(registry, cache, [RegistryController], problem_mappers(), dependencies)
