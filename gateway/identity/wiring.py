"""Everything ``create_app`` needs from identity, rate limits and audit, in one call."""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler, Guard
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit.routes import AuditController
from gateway.identity.access import BEARER, public
from gateway.identity.admin_routes import ClientAdminController
from gateway.identity.container import Identity
from gateway.identity.guard import enforce_access
from gateway.identity.problems import problem_mappers
from gateway.identity.registry_directory import RegistryDirectory
from gateway.identity.routes import (
    AuthController,
    demo_inbox_json,
    demo_inbox_page,
    identity_dependencies,
    jwks,
)
from gateway.problems import ProblemMapper
from gateway.settings import Settings

__all__ = ["IdentityWiring", "openapi_components", "openapi_router", "wire_identity"]


@dataclass(slots=True)
class IdentityWiring:
    identity: Identity
    route_handlers: list[ControllerRouterHandler]
    mappers: dict[type[Exception], ProblemMapper]
    dependencies: dict[str, Provide]
    guards: list[Guard] = field(default_factory=lambda: [enforce_access])

    def lifespan(self, app: Litestar) -> AbstractAsyncContextManager[None]:
        return self.identity.running()


def wire_identity(
    settings: Settings, engine: AsyncEngine, departments: Callable[[], Collection[str]]
) -> IdentityWiring:
    identity = Identity.build(settings, engine, RegistryDirectory(engine), departments)
    dependencies = {
        **identity_dependencies(),
        "audit": Provide(lambda: identity.audit, use_cache=True, sync_to_thread=False),
    }
    handlers: list[ControllerRouterHandler] = [
        AuthController,
        ClientAdminController,
        AuditController,
        jwks,
        demo_inbox_json,
        demo_inbox_page,
    ]
    return IdentityWiring(identity, handlers, dict(problem_mappers()), dependencies)


def openapi_components() -> Components:
    """The bearer scheme that every non-public route requires in the OpenAPI document."""
    scheme = SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="A token from /api/v1/auth/otp/verify (citizens) or /api/v1/auth/token (API clients).",
    )
    return Components(security_schemes={BEARER: scheme})


def openapi_router(path: str) -> Router:
    """The router Litestar serves the OpenAPI document from, declared public like any other route."""
    return Router(path, route_handlers=[], include_in_schema=False, opt=public("describe the API"))
