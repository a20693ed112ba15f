"""Wire formats of applications: ``/api/v1/applications``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from catalogue.models import Text

__all__ = [
    "ApplicationCreate",
    "ApplicationOut",
    "ApplicationPage",
    "ApplicationSummary",
    "AttachedDocument",
    "PublicStatus",
    "TimelineEvent",
]

FormValue = str | int | float | bool | None
MAX_FORM_FIELDS = 100  # fields of one form; a service asks for a handful


class ApplicationCreate(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Body of ``POST /api/v1/applications``; send an ``Idempotency-Key`` header with it."""

    service_code: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    member_id: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    form: Annotated[dict[str, FormValue], msgspec.Meta(max_length=MAX_FORM_FIELDS)] = msgspec.field(
        default_factory=dict
    )


class AttachedDocument(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A document the service asks for: ``fetched`` from the member's store, held by the ``registry``
    (``proof`` names what it holds, from ``catalogue.registry_held``), or ``missing``."""

    type: str
    required: bool
    status: Literal["fetched", "registry", "missing"]
    document_id: str | None = None
    sha256: str | None = None
    proof: str | None = None


class TimelineEvent(msgspec.Struct, kw_only=True, frozen=True):
    """One step of the timeline; ``message`` in English, ``message_hi`` in Hindi."""

    at: str
    kind: str
    status: str
    message: str
    message_hi: str


class ApplicationSummary(msgspec.Struct, kw_only=True, frozen=True):
    reference: str
    reference_display: str
    service_code: str
    member_id: str
    status: str
    created_at: str
    due_on: str | None


class ApplicationOut(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """An application with where it stands and how it got there (``timeline``, oldest first)."""

    reference: str
    reference_display: str
    service_code: str
    department: str
    member_id: str
    family_id: str
    status: str
    status_label: Text
    status_message: str
    status_message_hi: str
    created_at: str
    updated_at: str
    due_on: str | None  # None: the guarantee Act promises no date for this service
    form: dict[str, Any]
    documents: list[AttachedDocument]
    timeline: list[TimelineEvent]
    department_reference: str | None = None
    certificate: dict[str, Any] | None = None


class PublicStatus(msgspec.Struct, kw_only=True, frozen=True):
    """What anyone holding a reference number may learn of it: the service and where it stands, nothing
    about who applied."""

    reference: str
    reference_display: str
    service_code: str
    status: str
    status_label: Text
    updated_at: str
    due_on: str


class ApplicationPage(msgspec.Struct, kw_only=True, frozen=True):
    items: list[ApplicationSummary]
