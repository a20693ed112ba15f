"""The API's pages (Swagger UI at ``/schema/swagger``), served from seva's own files, never from a CDN.

The Swagger UI files come from the ``swagger-ui-bundle`` package and are served under ``/schema/assets``.
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import OpenAPIRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

from gateway.platform.policy import public

__all__ = ["ASSETS", "openapi_assets_router", "openapi_render_plugins"]

ASSETS = "/schema/assets"


def openapi_render_plugins() -> list[OpenAPIRenderPlugin]:
    return [
        SwaggerRenderPlugin(
            js_url=f"{ASSETS}/swagger-ui-bundle.js",
            css_url=f"{ASSETS}/swagger-ui.css",
            standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
            favicon="<link rel='icon' href='data:,'>",  # Litestar's default icon is on a CDN
        )
    ]


def openapi_assets_router() -> Router:
    return create_static_files_router(
        path=ASSETS,
        directories=[swagger_ui_path],
        name="openapi-assets",
        cache_control=CacheControlHeader(max_age=86400, public=True),
        opt=public("openapi.assets", "the API pages' own files", rate="none").route()["opt"],
    )
