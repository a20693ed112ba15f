"""Routes of the catalogue's history, for auditors: ``/api/v1/catalogue/versions`` (every version served,
and one version's file as it was written), ``/api/v1/services/{code}/versions`` and
``/api/v1/services/{code}/changes`` (what changed in a service between two versions)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter, QueryParameter

from gateway.platform.guard import Caller
from gateway.versions.errors import ServiceNotInVersion, UnknownCatalogueVersion
from gateway.versions.policy import POLICY
from gateway.versions.service import CatalogueVersions
from schemas.identifiers import SERVICE_CODE
from schemas.versions_api import CatalogueVersionPage, ServiceChanges, ServiceVersionPage

__all__ = ["ServiceHistoryController", "VersionController"]

DIGEST = r"^[0-9a-f]{8,64}$"
_DIGEST_WORDS = "The catalogue's digest (SHA-256 of its file, hexadecimal), or its first 8 or more characters"
Digest = Annotated[str, Parameter(description=_DIGEST_WORDS, schema_extra={"pattern": DIGEST})]
ServiceCode = Annotated[str, Parameter(schema_extra={"pattern": SERVICE_CODE})]


class VersionController(Controller):
    path = "/api/v1/catalogue/versions"
    tags = ("catalogue history",)

    @get("/", summary="Every catalogue version seva has served, oldest first", **POLICY.route("versions"))
    async def list_versions(
        self, versions: NamedDependency[CatalogueVersions], caller: NamedDependency[Caller]
    ) -> CatalogueVersionPage:
        return await versions.versions(caller)

    @get(
        "/{digest:str}",
        summary="A catalogue version's file, as it was written",
        media_type="application/yaml",
        **POLICY.route("file", UnknownCatalogueVersion),
    )
    async def version_file(
        self, digest: Digest, versions: NamedDependency[CatalogueVersions], caller: NamedDependency[Caller]
    ) -> Response[bytes]:
        found, content = await versions.file(caller, digest)
        disposition = f'attachment; filename="catalogue-{found[:12]}.yaml"'
        return Response(
            content,
            media_type="application/yaml; charset=utf-8",
            headers={"content-disposition": disposition},
        )


class ServiceHistoryController(Controller):
    path = "/api/v1/services/{code:str}"
    tags = ("catalogue history",)

    @get(
        "/versions",
        summary="The catalogue versions that held a service, and where it changed",
        **POLICY.route("service", ServiceNotInVersion),
    )
    async def service_versions(
        self, code: ServiceCode, versions: NamedDependency[CatalogueVersions], caller: NamedDependency[Caller]
    ) -> ServiceVersionPage:
        return await versions.service_versions(caller, code)

    @get(
        "/changes",
        summary="What changed in a service between two catalogue versions, in English and Hindi",
        **POLICY.route("changes", UnknownCatalogueVersion, ServiceNotInVersion),
    )
    async def service_changes(
        self,
        code: ServiceCode,
        versions: NamedDependency[CatalogueVersions],
        caller: NamedDependency[Caller],
        from_digest: Annotated[
            str, QueryParameter(name="from", description=_DIGEST_WORDS, schema_extra={"pattern": DIGEST})
        ],
        to_digest: Annotated[
            str | None,
            QueryParameter(
                name="to",
                description=f"{_DIGEST_WORDS}; the catalogue served now when left out",
                schema_extra={"pattern": DIGEST},
            ),
        ] = None,
    ) -> ServiceChanges:
        return await versions.changes(caller, code, from_digest, to_digest)
