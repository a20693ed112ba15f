"""``create_app``: the Litestar application, composed from the capabilities ``gateway.bootstrap`` builds."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Router
from litestar.config.response_cache import ResponseCacheConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.serialization import encode_json

from gateway.bootstrap import Seva, build
from gateway.database import upgrade
from gateway.operations.routes import health_of
from gateway.platform.bodies import SevaRequest
from gateway.platform.capability import Lifespan
from gateway.platform.contract import declare_problem_responses
from gateway.platform.dependencies import resolve_plain_dependencies_in_turn
from gateway.platform.edge import Edge
from gateway.platform.forwarded import STATE_KEY as PROXY_STATE_KEY
from gateway.platform.forwarded import ProxyTrust
from gateway.platform.guard import (
    Guard,
    actor_dependency,
    current_caller,
    guards_without_copies,
    principal_dependency,
)
from gateway.platform.headers import SecurityHeaders, content_security_policy
from gateway.platform.logs import configure_logging
from gateway.platform.openapi_ui import SWAGGER_PAGE, openapi_assets_router, openapi_render_plugins
from gateway.platform.policy import BEARER, declare_preflight, public
from gateway.platform.problems import ErrorMapper
from gateway.platform.responses import exception_handlers
from gateway.platform.root import Platform
from gateway.settings import Settings

__all__ = ["configure_logging", "create_app"]


def _platform_lifespans(platform: Platform) -> list[Lifespan]:
    @contextlib.asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        # Every process migrates on start; gateway.database.upgrade serialises concurrent starts.
        await upgrade(platform.engine)
        try:
            yield
        finally:
            await platform.engine.dispose()

    @contextlib.asynccontextmanager
    async def watch_catalogue(app: Litestar) -> AsyncIterator[None]:
        task = None
        seconds = platform.settings.catalogue_watch_seconds
        if seconds > 0:
            task = asyncio.create_task(platform.catalogue.watch(seconds))
        try:
            yield
        finally:
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return [database, watch_catalogue]


@contextlib.asynccontextmanager
async def _settled(app: Litestar) -> AsyncIterator[None]:
    # Last of the start-up: what start-up made (routes, services, caches, the catalogue) lives as long as
    # the process; out of the collector's reach, a full collection no longer walks it in the middle of a
    # request (the catalogue's loader freezes the catalogue itself the same way).
    gc.collect()
    gc.freeze()
    yield


def _openapi(path: str) -> OpenAPIConfig:
    scheme = SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="A token from /api/v1/auth/otp/verify (citizens) or /api/v1/auth/token (API clients).",
    )
    return OpenAPIConfig(
        title="seva",
        version="1",
        description="One window to every government service. Errors are RFC 9457 problem documents "
        "(application/problem+json) with a stable `code` and the message in English and Hindi. "
        "Who may call each route, and how seva stores what it keeps, is in docs/security.md.",
        path=path,
        render_plugins=openapi_render_plugins(),
        components=Components(security_schemes={BEARER: scheme}),
        # The router the document is served from, declared public like any other route.
        openapi_router=Router(
            path,
            route_handlers=[],
            include_in_schema=False,
            opt=public("openapi.read", "describe the API").route()["opt"],
        ),
    )


def compose(seva: Seva) -> Litestar:
    """The application of built capabilities."""
    platform = seva.platform
    resolve_plain_dependencies_in_turn()
    guards_without_copies()
    capabilities = list(seva.capabilities())
    mappers: dict[type[Exception], ErrorMapper] = {}
    dependencies: dict[str, Provide] = {
        "caller": Provide(current_caller, sync_to_thread=False),
        "principal": Provide(principal_dependency, sync_to_thread=False),
        "actor": Provide(actor_dependency, sync_to_thread=False),
    }
    handlers: list[Any] = [openapi_assets_router()]
    lifespans: list[Lifespan] = _platform_lifespans(platform)
    for capability in capabilities:
        mappers.update(capability.mappers)
        for name in capability.dependencies:
            if name in dependencies:
                raise ValueError(f"capability {capability.name!r} redefines the dependency {name!r}")
        dependencies.update(capability.dependencies)
        handlers.extend(capability.route_handlers)
        lifespans.extend(capability.lifespans)
    lifespans.append(_settled)
    proxies = ProxyTrust.parse(platform.settings.trusted_proxies)
    app = Litestar(
        route_handlers=handlers,
        dependencies=dependencies,
        guards=[Guard(seva.identity.authenticator, seva.ratelimits.limits, seva.web.sessions)],
        exception_handlers=exception_handlers(mappers, seva.web.error_pages),
        template_config=seva.web.templates,
        lifespan=lifespans,
        openapi_config=_openapi("/schema"),
        response_cache_config=ResponseCacheConfig(),
        request_class=SevaRequest,
        request_max_body_size=platform.settings.max_json_bytes,
        logging_config=None,
        debug=False,
    )
    # Request ID, security headers and metrics around everything Litestar does, an unknown route included;
    # /health answered there the short way (gateway.platform.edge).
    app.asgi_handler = Edge(
        app.asgi_handler,
        metrics=platform.metrics,
        headers=SecurityHeaders(
            proxies=proxies,
            https=platform.settings.served_over_https,
            exceptions={f"/schema{SWAGGER_PAGE}": content_security_policy(img_src="'self' data:")},
        ),
        shortcuts={"/health": lambda: encode_json(health_of(platform.catalogue))},
    )
    declare_preflight(app.routes)
    declare_problem_responses(app.routes)
    app.state.seva = seva
    app.state[PROXY_STATE_KEY] = proxies
    app.state.settings = platform.settings
    app.state.catalogue = platform.catalogue
    app.state.engine = platform.engine
    return app


def create_app(settings: Settings | None = None, **parts: Any) -> Litestar:
    """Build the application. ``parts`` go to ``gateway.bootstrap.build`` (a clock, an engine, fakes...).

    Raises ``CatalogueInvalid`` when the catalogue does not load.
    """
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    return compose(build(settings, **parts))
