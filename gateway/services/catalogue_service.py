"""``CatalogueService``: what the catalogue routes answer, from the catalogue being served."""

from __future__ import annotations

from cachetools import LRUCache
from litestar.serialization import encode_json

from catalogue import Catalogue, evaluate_all, evaluate_service
from catalogue.facts import check_facts
from catalogue.models import Service
from catalogue.search import index_ready, search
from gateway.platform.catalogue import CatalogueHolder
from gateway.platform.problems import InvalidRequest
from schemas.catalogue_api import (
    CategoryOut,
    DepartmentOut,
    EligibilityRequest,
    EligibilityResponse,
    ServicePage,
    ServiceSummary,
)
from schemas.problem import FieldError, Message

__all__ = ["CatalogueService"]


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


def _check_code(field: str, value: str | None, known: object) -> None:
    if value is not None and value not in known:  # type: ignore[operator]
        raise InvalidRequest(
            Message(en=f"Unknown {field} '{value}'.", hi=f"अज्ञात {field} '{value}'।"),
            errors=[FieldError(field=f"query.{field}", message="unknown code")],
        )


# Answers kept per catalogue, as the JSON sent: the same few words and services are asked again and again,
# and an answer depends on nothing but the catalogue (by its digest) and the question. Encoding a service's
# detail (6 kB) cost a fifth of its request's CPU.
_SEARCHES_KEPT = 1024
_SERVICES_KEPT = 4096
SearchKey = tuple[str, str, str | None, str | None, int, int]


class CatalogueService:
    def __init__(self, holder: CatalogueHolder) -> None:
        self.holder = holder
        self._searches: LRUCache[SearchKey, ServicePage] = LRUCache(_SEARCHES_KEPT)
        self._search_json: LRUCache[SearchKey, bytes] = LRUCache(_SEARCHES_KEPT)
        self._services: LRUCache[tuple[str, str], bytes] = LRUCache(_SERVICES_KEPT)

    @property
    def current(self) -> Catalogue:
        return self.holder.current

    def search(
        self, q: str | None, department: str | None, category: str | None, page: int, per_page: int
    ) -> ServicePage:
        catalogue = self.current
        key = (catalogue.digest, (q or "").strip(), department, category, page, per_page)
        kept = self._searches.get(key)
        if kept is not None:
            return kept
        _check_code("department", department, catalogue.departments)
        _check_code("category", category, catalogue.categories)
        answer = self._search(catalogue, q, department, category, page, per_page)
        if index_ready(catalogue) or not key[1]:  # not a scan's answer, made while the index is built
            self._searches[key] = answer
        return answer

    def search_json(
        self, q: str | None, department: str | None, category: str | None, page: int, per_page: int
    ) -> bytes:
        """``search``'s page as the JSON the API sends, kept alongside it."""
        key = (self.current.digest, (q or "").strip(), department, category, page, per_page)
        kept = self._search_json.get(key)
        if kept is not None:
            return kept
        answer = self.search(q, department, category, page, per_page)
        encoded = encode_json(answer)
        if self._searches.get(key) is answer:  # kept, so not a scan's answer
            self._search_json[key] = encoded
        return encoded

    @staticmethod
    def _search(
        catalogue: Catalogue,
        q: str | None,
        department: str | None,
        category: str | None,
        page: int,
        per_page: int,
    ) -> ServicePage:
        found: list[tuple[Service, float | None]]
        if q and q.strip():
            found = [(hit.service, hit.score) for hit in search(catalogue, q)]
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

    def service(self, code: str) -> Service:
        return self.current.service(code)

    def service_json(self, code: str) -> bytes:
        """The service ``code`` as the JSON the API sends; ``UnknownService`` if there is none."""
        catalogue = self.current
        key = (catalogue.digest, code)
        kept = self._services.get(key)
        if kept is None:
            kept = self._services[key] = encode_json(catalogue.service(code))
        return kept

    def departments(self) -> list[DepartmentOut]:
        catalogue = self.current
        counts = catalogue.services_per_department()
        return [
            DepartmentOut(code=d.code, name=d.name, services=counts[d.code])
            for d in catalogue.departments.values()
        ]

    def categories(self) -> list[CategoryOut]:
        catalogue = self.current
        counts = dict.fromkeys(catalogue.categories, 0)
        for service in catalogue.services:
            counts[service.category] += 1
        return [
            CategoryOut(code=c.code, name=c.name, services=counts[c.code])
            for c in catalogue.categories.values()
        ]

    def check(self, request: EligibilityRequest) -> EligibilityResponse:
        """Verdicts with every failing reason in English and Hindi, and the facts that were missing."""
        catalogue = self.current
        facts = check_facts(request.facts, catalogue.district_codes())
        if request.service is not None:
            verdicts = [evaluate_service(catalogue, request.service, facts)]
        else:
            verdicts = evaluate_all(catalogue, facts)
        counts = {"eligible": 0, "not_eligible": 0, "undetermined": 0}
        for verdict in verdicts:
            counts[verdict.status] += 1
        return EligibilityResponse(catalogue_digest=catalogue.digest, verdicts=verdicts, **counts)
