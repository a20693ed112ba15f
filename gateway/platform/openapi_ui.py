"""The API's pages (Swagger UI at ``/schema/swagger``), served from seva's own files, never from a CDN.

The Swagger UI files (Swagger UI 5, which reads OpenAPI 3.1) come from the ``swagger-ui-bundle-v2``
package and are served under ``/schema/assets``, with seva's own initialiser and style rule for the page
(``openapi_assets/``) beside them. So the page carries no inline script or style and keeps to the
Content-Security-Policy of every answer (``gateway.platform.headers``), with one exception that
``gateway.app`` gives this page alone: Swagger UI's stylesheet draws its icons as ``data:`` images.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import OpenAPIRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

from gateway.platform.policy import public

__all__ = [
    "ASSETS",
    "SWAGGER_PAGE",
    "SevaSwaggerPlugin",
    "openapi_assets_router",
    "openapi_render_plugins",
]

ASSETS = "/schema/assets"
SWAGGER_PAGE = "/swagger"  # under the OpenAPI router's path
_OWN_FILES = Path(__file__).resolve().parent / "openapi_assets"


class SevaSwaggerPlugin(SwaggerRenderPlugin):
    """Swagger UI's page with every script and style in a file of its own (no inline code)."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        spec = html.escape(f"{request.scope.get('root_path', '')}/schema/openapi.json")
        return f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{title}</title>
    <link rel="stylesheet" href="{self.css_url}">
    <link rel="stylesheet" href="{ASSETS}/swagger-page.css">
    <script src="{self.js_url}"></script>
    <script src="{self.standalone_preset_js_url}"></script>
    <script src="{ASSETS}/swagger-init.js"></script>
  </head>
  <body data-spec="{spec}">
    <div id="swagger-container"></div>
  </body>
</html>
""".encode()


def openapi_render_plugins() -> list[OpenAPIRenderPlugin]:
    return [
        SevaSwaggerPlugin(
            js_url=f"{ASSETS}/swagger-ui-bundle.js",
            css_url=f"{ASSETS}/swagger-ui.css",
            standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
            path=SWAGGER_PAGE,
        )
    ]


def openapi_assets_router() -> Router:
    """Swagger UI's files, and seva's own for its page, under one path."""
    return create_static_files_router(
        path=ASSETS,
        directories=[swagger_ui_path, _OWN_FILES],
        name="openapi-assets",
        cache_control=CacheControlHeader(max_age=86400, public=True),
        opt=public("openapi.assets", "the API pages' own files", rate="none").route()["opt"],
    )
