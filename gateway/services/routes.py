"""Routes of the catalogue: ``/api/v1/services``, ``/api/v1/departments``, ``/api/v1/categories``."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from catalogue import Catalogue, UnknownService
from catalogue.models import Service
from gateway.problems import Problem
from gateway.services.holder import CatalogueHolder
from schemas.catalogue_api import CategoryOut, DepartmentOut, ServicePage, ServiceSummary
from schemas.problem import Message

__all__ = ["CatalogueController", "unknown_service_problem"]


def unknown_service_problem(exc: UnknownService) -> Problem:
    return Problem(
        "unknown_service",
        Message(en=f"No service has the code '{exc.code}'.", hi=f"'{exc.code}' कोड की कोई सेवा नहीं है।"),
    )


def _summary(service: Service, score: float | None = None) -> ServiceSummary:
    return ServiceSummary(
        code=service.code,
        name=service.name,
        department=service.department,
        category=service.category,
        kind=service.kind,
        guaranteed=service.guarantee.covered,
        time_limit_days=service.time_limit_days,
        time_limit_unit=service.guarantee.time_limit.unit if service.guarantee.time_limit else None,
        fee_inr=service.fee.amount_inr,
        channels=service.channels,
        score=score,
    )


def _check_code(catalogue: Catalogue, field: str, value: str | None, known: object) -> None:
    if value is not None and value not in known:  # type: ignore[operator]
        raise Problem(
            "invalid_request",
            Message(en=f"Unknown {field} '{value}'.", hi=f"अज्ञात {field} '{value}'।"),
        )


class CatalogueController(Controller):
    path = "/api/v1"
    tags = ["catalogue"]  # noqa: RUF012 - Litestar reads a plain list here

    @get("/services", summary="Search and list services")
    async def list_services(
        self,
        holder: CatalogueHolder,
        q: Annotated[str | None, Parameter(max_length=200, description="Words in English or Hindi")] = None,
        department: Annotated[str | None, Parameter(max_length=64)] = None,
        category: Annotated[str | None, Parameter(max_length=64)] = None,
        page: Annotated[int, Parameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> ServicePage:
        catalogue = holder.current
        _check_code(catalogue, "department", department, catalogue.departments)
        _check_code(catalogue, "category", category, catalogue.categories)
        if q and q.strip():
            found = [(hit.service, hit.score) for hit in catalogue.index.search(q)]
        else:
            found = [(service, None) for service in catalogue.services]
        rows = [
            (s, score)
            for s, score in found
            if (department is None or s.department == department)
            and (category is None or s.category == category)
        ]
        start = (page - 1) * per_page
        items = [_summary(s, score) for s, score in rows[start : start + per_page]]
        return ServicePage(items=items, total=len(rows), page=page, per_page=per_page)

    @get("/services/{code:str}", summary="One service with everything the catalogue says of it")
    async def get_service(self, holder: CatalogueHolder, code: str) -> Service:
        return holder.current.service(code)

    @get("/departments", summary="Departments and how many services each offers")
    async def list_departments(self, holder: CatalogueHolder) -> list[DepartmentOut]:
        catalogue = holder.current
        counts = catalogue.services_per_department()
        return [
            DepartmentOut(code=d.code, name=d.name, services=counts[d.code])
            for d in catalogue.departments.values()
        ]

    @get("/categories", summary="Categories of services")
    async def list_categories(self, holder: CatalogueHolder) -> list[CategoryOut]:
        catalogue = holder.current
        counts = dict.fromkeys(catalogue.categories, 0)
        for service in catalogue.services:
            counts[service.category] += 1
        return [
            CategoryOut(code=c.code, name=c.name, services=counts[c.code])
            for c in catalogue.categories.values()
        ]
