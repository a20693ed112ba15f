"""``GET /health``: is the process up, and which catalogue is it serving."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from gateway.operations.policy import POLICY
from gateway.platform.catalogue import CatalogueHolder
from schemas.catalogue_api import Health

__all__ = ["health"]


@get(
    "/health",
    tags=["operations"],
    summary="Liveness and the catalogue being served",
    **POLICY.route("health"),
)
async def health(holder: NamedDependency[CatalogueHolder]) -> Health:
    return Health(
        status="ok",
        services=len(holder.current.services),
        catalogue_digest=holder.current.digest,
        catalogue_loaded_at=holder.loaded_at.isoformat(),
        last_reload_error=holder.last_error,
    )
