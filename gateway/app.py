"""The one wiring point: ``create_app`` builds the Litestar application from settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Router
from litestar.config.response_cache import ResponseCacheConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin

from catalogue import UnknownService
from catalogue.facts import FactError
from gateway.applications.wiring import wire_applications
from gateway.database import create_engine, upgrade
from gateway.eligibility.routes import check_eligibility, fact_problem
from gateway.families.wiring import wire_families
from gateway.health import health
from gateway.identity.access import declare_preflight, public
from gateway.identity.wiring import openapi_components, openapi_router, wire_identity
from gateway.problems import ProblemMapper, exception_handlers
from gateway.request_id import RequestIdMiddleware
from gateway.services.holder import CatalogueHolder
from gateway.services.routes import CatalogueController, unknown_service_problem
from gateway.settings import Settings

__all__ = ["create_app"]


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # httpx logs every request at INFO, which would dominate the cost of proxying; aiosqlite logs every
    # statement with its parameters at DEBUG, mobile numbers included.
    for noisy in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the application. Raises ``CatalogueInvalid`` when the catalogue does not load."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    holder = CatalogueHolder.load(settings.catalogue)

    @contextlib.asynccontextmanager
    async def watch_catalogue(app: Litestar) -> AsyncIterator[None]:
        task = None
        if settings.catalogue_watch_seconds > 0:
            task = asyncio.create_task(holder.watch(settings.catalogue_watch_seconds))
        try:
            yield
        finally:
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # With SQLAlchemy's default pool, concurrent requests queued for a connection (bench/applications.py:
    # 355 -> 555 submissions/s on SQLite at 20); a SQLite connection is only a thread of this process.
    engine = create_engine(settings.database_url, pool_size=20, max_overflow=20)

    @contextlib.asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        # Every process migrates on start; gateway.database.upgrade serialises concurrent starts.
        await upgrade(engine)
        try:
            yield
        finally:
            await engine.dispose()

    identity = wire_identity(settings, engine, lambda: holder.current.departments)
    applications = wire_applications(settings, engine, lambda: holder.current, identity.identity.audit)
    families = wire_families(settings, engine, holder)
    mappers: dict[type[Exception], ProblemMapper] = {
        UnknownService: unknown_service_problem,
        FactError: fact_problem,
        **identity.mappers,
        **applications.mappers,
        **families.mappers,
    }
    dependencies: dict[str, Any] = {
        "holder": Provide(lambda: holder, use_cache=True, sync_to_thread=False),
        **identity.dependencies,
        **applications.dependencies,
        **families.dependencies,
    }
    # Every route declares who may call it (gateway/identity/access.py); routes of packages that do not
    # declare their own get their rule here.
    catalogue_routes = Router(
        "/",
        route_handlers=[CatalogueController, check_eligibility],
        opt=public("read the service catalogue and check eligibility from facts"),
    )
    operations = Router("/", route_handlers=[health], opt=public("operations: liveness", rate="none"))
    app = Litestar(
        route_handlers=[
            catalogue_routes,
            operations,
            *identity.route_handlers,
            *applications.route_handlers,
            *families.route_handlers,
        ],
        dependencies=dependencies,
        guards=identity.guards,
        exception_handlers=exception_handlers(mappers),
        middleware=[RequestIdMiddleware],
        lifespan=[database, identity.lifespan, applications.lifespan, families.lifespan, watch_catalogue],
        openapi_config=OpenAPIConfig(
            title="seva",
            version="1",
            description="One window to every government service. Errors are RFC 9457 problem documents. "
            "Who may call each route, and how seva stores what it keeps, is in docs/security.md.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            components=openapi_components(),
            openapi_router=openapi_router("/schema"),
        ),
        response_cache_config=ResponseCacheConfig(),
        logging_config=None,
        debug=False,
    )
    declare_preflight(app.routes)
    app.state.settings = settings
    app.state.catalogue = holder
    app.state.engine = engine
    app.state.identity = identity.identity
    return app
