"""Wire formats of the catalogue's history, for auditors: the catalogue versions seva has served, a
service's versions, what changed between two of them, and the judgement an application was accepted under
(``/api/v1/catalogue/versions``, ``/api/v1/services/{code}/versions``, ``/api/v1/services/{code}/changes``,
``/api/v1/applications/{reference}/judgement``)."""

from __future__ import annotations

from typing import Any

import msgspec

from catalogue.changes import ServiceChange
from catalogue.eligibility import Status
from catalogue.models import Text

__all__ = [
    "CatalogueVersionOut",
    "CatalogueVersionPage",
    "JudgedRule",
    "JudgementOut",
    "ServiceChanges",
    "ServiceVersionOut",
    "ServiceVersionPage",
]


class CatalogueVersionOut(msgspec.Struct, kw_only=True, frozen=True):
    """A catalogue seva has served: its digest (SHA-256 of the file), when it was first served, how big the
    file is and how many services it holds. ``served`` is true for the one served now."""

    digest: str
    first_served_at: str
    size_bytes: int
    services: int
    served: bool


class CatalogueVersionPage(msgspec.Struct, kw_only=True, frozen=True):
    items: list[CatalogueVersionOut]


class ServiceVersionOut(msgspec.Struct, kw_only=True, frozen=True):
    """The service as one catalogue version defined it: ``definition_digest`` is equal between two
    versions exactly when the service did not change; ``changed`` says whether it differs from the
    version before (true for the first version that holds it)."""

    catalogue_digest: str
    first_served_at: str
    definition_digest: str
    changed: bool


class ServiceVersionPage(msgspec.Struct, kw_only=True, frozen=True):
    service_code: str
    items: list[ServiceVersionOut]


class ServiceChanges(msgspec.Struct, kw_only=True, frozen=True):
    """What changed in a service from one catalogue version to another (empty: nothing)."""

    service_code: str
    from_digest: str
    to_digest: str
    changes: list[ServiceChange]


class JudgedRule(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One eligibility rule as it was judged: the rule as written, its reason, the facts it read with their
    values then, and how it came out (``passed``, ``failed`` or ``unknown``)."""

    rule: dict[str, Any]
    reason: Text | None = None
    facts: dict[str, Any] = msgspec.field(default_factory=dict)
    outcome: str


class JudgementOut(msgspec.Struct, kw_only=True, frozen=True):
    """Why an application was accepted: the catalogue it was judged under, the service as that catalogue
    defined it, the facts the rules read, the verdict and each rule's outcome; and what has changed in the
    service since (compared with the catalogue served now)."""

    reference: str
    service_code: str
    member_id: str
    judged_at: str
    catalogue_digest: str
    definition_digest: str
    service: dict[str, Any]
    facts: dict[str, Any]
    verdict: Status
    rules: list[JudgedRule]
    current_digest: str
    changed_since: list[ServiceChange]
