"""The catalogue as the rest of seva sees it: checked, indexed and with its rules compiled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from catalogue.errors import UnknownService
from catalogue.models import (
    Adapter,
    Category,
    Department,
    District,
    DocumentType,
    GuaranteeAct,
    Service,
    State,
)
from catalogue.rules import CompiledRule
from catalogue.search import SearchHit, SearchIndex

__all__ = ["Catalogue"]


@dataclass(frozen=True, eq=False)
class Catalogue:
    """An immutable, validated catalogue. Build it with ``catalogue.loader.load_catalogue``.

    ``digest`` is the SHA-256 of the source (the file's bytes): caches of eligibility results key on
    it, so a reloaded catalogue never serves verdicts computed under the old rules.
    """

    source: str
    digest: str
    state: State
    guarantee_act: GuaranteeAct
    services: tuple[Service, ...]
    departments: Mapping[str, Department]
    categories: Mapping[str, Category]
    document_types: Mapping[str, DocumentType]
    districts: Mapping[str, District]
    adapters: Mapping[str, Adapter]
    rules: Mapping[str, tuple[CompiledRule, ...]]
    synonyms: tuple[tuple[str, ...], ...] = ()
    # The file's own bytes, kept so that the version served can be stored for auditors as it was written.
    text: bytes = field(default=b"", repr=False)
    by_code: Mapping[str, Service] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_code", {s.code: s for s in self.services})

    @cached_property
    def index(self) -> SearchIndex:
        """The search index, built on first use so that loading does not pay for it."""
        return SearchIndex(self)

    def search(self, query: str) -> list[SearchHit]:
        """Services matching ``query`` (English or Hindi, either script), best first."""
        return self.index.search(query)

    def service(self, code: str) -> Service:
        try:
            return self.by_code[code]
        except KeyError:
            raise UnknownService(code) from None

    def district_codes(self) -> frozenset[str]:
        return frozenset(self.districts)

    def services_per_department(self) -> dict[str, int]:
        counts = dict.fromkeys(self.departments, 0)
        for service in self.services:
            counts[service.department] += 1
        return counts
