"""Structs of the catalogue and eligibility API."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from catalogue.eligibility import ServiceVerdict
from catalogue.models import Text

__all__ = [
    "CategoryOut",
    "DepartmentOut",
    "EligibilityRequest",
    "EligibilityResponse",
    "Health",
    "ServicePage",
    "ServiceSummary",
]

MAX_FACTS = 200


class ServiceSummary(msgspec.Struct, kw_only=True):
    """A service as listed in search results. ``guaranteed`` says whether the guarantee Act covers it;
    ``time_limit_days`` and ``time_limit_unit`` are its time limit (None when the Act promises none)."""

    code: str
    name: Text
    department: str
    category: str
    kind: str
    guaranteed: bool
    time_limit_days: int | None
    time_limit_unit: str | None
    fee_inr: float
    channels: tuple[str, ...]
    score: float | None = None


class ServicePage(msgspec.Struct, kw_only=True):
    items: list[ServiceSummary]
    total: int
    page: int
    per_page: int


class DepartmentOut(msgspec.Struct, kw_only=True):
    code: str
    name: Text
    services: int


class CategoryOut(msgspec.Struct, kw_only=True):
    code: str
    name: Text
    services: int


class EligibilityRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Facts of one member; ``service`` names one service, or is left out for the whole catalogue."""

    # Far more than the facts there are: a body of thousands of names is refused before any is looked at.
    facts: Annotated[dict[str, Any], msgspec.Meta(max_length=MAX_FACTS)]
    service: Annotated[str, msgspec.Meta(max_length=80)] | None = None


class EligibilityResponse(msgspec.Struct, kw_only=True):
    catalogue_digest: str
    eligible: int
    not_eligible: int
    undetermined: int
    verdicts: list[ServiceVerdict]


class Health(msgspec.Struct, kw_only=True):
    status: str
    services: int
    catalogue_digest: str
    catalogue_loaded_at: str
    last_reload_error: str | None = None
