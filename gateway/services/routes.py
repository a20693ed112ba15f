"""Routes of the catalogue: ``/api/v1/services``, ``/api/v1/departments``, ``/api/v1/categories``, and
``POST /api/v1/eligibility`` (verdicts for facts the caller gives).

A search and a service's detail are answered with JSON the service keeps encoded; the ``Response[...]``
annotation still names the struct, which is what the OpenAPI document describes."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from catalogue.models import Service
from gateway.services.catalogue_service import CatalogueService
from gateway.services.errors import InvalidFact, UnknownService
from gateway.services.policy import POLICY
from schemas.catalogue_api import (
    CategoryOut,
    DepartmentOut,
    EligibilityRequest,
    EligibilityResponse,
    ServicePage,
)
from schemas.identifiers import SERVICE_CODE

__all__ = ["CatalogueController"]


def _encoded(body: bytes) -> Response[Any]:
    return Response(body)  # JSON already: Litestar sends bytes as they are


class CatalogueController(Controller):
    path = "/api/v1"
    tags = ["catalogue"]  # noqa: RUF012 - Litestar reads a plain list here

    @get("/services", summary="Search and list services", **POLICY.route("read"))
    async def list_services(
        self,
        services: NamedDependency[CatalogueService],
        q: Annotated[str | None, Parameter(max_length=200, description="Words in English or Hindi")] = None,
        department: Annotated[str | None, Parameter(max_length=64)] = None,
        category: Annotated[str | None, Parameter(max_length=64)] = None,
        page: Annotated[int, Parameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> Response[ServicePage]:
        return _encoded(services.search_json(q, department, category, page, per_page))

    @get(
        "/services/{code:str}",
        summary="One service with everything the catalogue says of it",
        **POLICY.route("read", UnknownService),
    )
    async def get_service(
        self,
        services: NamedDependency[CatalogueService],
        code: Annotated[str, Parameter(schema_extra={"pattern": SERVICE_CODE})],
    ) -> Response[Service]:
        return _encoded(services.service_json(code))

    @get("/departments", summary="Departments and how many services each offers", **POLICY.route("read"))
    async def list_departments(self, services: NamedDependency[CatalogueService]) -> list[DepartmentOut]:
        return services.departments()

    @get("/categories", summary="Categories of services", **POLICY.route("read"))
    async def list_categories(self, services: NamedDependency[CatalogueService]) -> list[CategoryOut]:
        return services.categories()

    @post(
        "/eligibility",
        status_code=200,
        tags=["eligibility"],
        summary="Check eligibility from facts",
        **POLICY.route("check", InvalidFact, UnknownService),
    )
    async def check_eligibility(
        self, data: JSONBody[EligibilityRequest], services: NamedDependency[CatalogueService]
    ) -> EligibilityResponse:
        """Verdicts with every failing reason in English and Hindi, and the facts that were missing."""
        return services.check(data)
