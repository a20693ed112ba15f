"""``GET /health`` (alive, and which catalogue), ``GET /ready`` (may be sent traffic) and ``GET /metrics``
(Prometheus, for the operations networks)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from prometheus_client import CONTENT_TYPE_LATEST

from gateway.operations.errors import MetricsRefused, NotReady
from gateway.operations.policy import POLICY
from gateway.operations.service import Operations
from gateway.platform.catalogue import CatalogueHolder
from gateway.platform.forwarded import ProxyTrust
from gateway.platform.guard import client_ip
from schemas.catalogue_api import Health
from schemas.operations_api import Readiness

__all__ = ["health", "health_of", "metrics", "ready"]


def health_of(holder: CatalogueHolder) -> Health:
    """What ``/health`` answers; ``gateway.platform.edge`` answers it the short way with the same."""
    return Health(
        status="ok",
        services=len(holder.current.services),
        catalogue_digest=holder.current.digest,
        catalogue_loaded_at=holder.loaded_at.isoformat(),
        last_reload_error=holder.last_error,
    )


@get(
    "/health",
    tags=["operations"],
    summary="Liveness and the catalogue being served",
    **POLICY.route("health"),
)
async def health(holder: NamedDependency[CatalogueHolder]) -> Health:
    return health_of(holder)


@get(
    "/ready",
    tags=["operations"],
    summary="Readiness: the database answers, its schema is current, a catalogue is loaded",
    **POLICY.route("ready", NotReady),
)
async def ready(operations: NamedDependency[Operations]) -> Readiness:
    return await operations.ready()


@get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics of this process (operations networks only)",
    media_type=CONTENT_TYPE_LATEST,
    **POLICY.route("metrics", MetricsRefused),
)
async def metrics(
    request: Request[Any, Any, Any], operations: NamedDependency[Operations]
) -> Response[bytes]:
    forwarded = any(key in request.headers for key in ("x-forwarded-for", "forwarded"))
    text = await operations.metrics_text(ProxyTrust.peer(request.scope), client_ip(request), forwarded)
    return Response(text, media_type=CONTENT_TYPE_LATEST)
