"""Filling a form and its documents from what the registry holds, so that no form asks for it again.

A form field that names a registry value (``from_registry`` in the catalogue) is filled from the
applicant's record whatever the caller sent for it; only where the registry lacks the value, or holds one
the field cannot take, is the field asked like any other. A document type the registry stands in for is
attached as ``registry`` instead of being fetched from the store. The API's submission and the web page's
form use the same functions, so both ask exactly the same questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from catalogue import ServiceVerdict
from catalogue.models import DocumentType, FormField, Service
from family_registry.mobile import mask_mobile
from gateway.applications.form import fits
from schemas.documents_api import DocumentOut

__all__ = [
    "FilledField",
    "Preparation",
    "PreparedDocument",
    "asked_fields",
    "fill_from_registry",
    "registry_documents",
    "shown_value",
]


@dataclass(frozen=True, slots=True)
class FilledField:
    """A field the registry fills: the field, the registry value it comes from, and the value as shown
    (a mobile number masked)."""

    spec: FormField
    source: str
    shown: Any


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document the service asks for, and where it stands for this applicant: held by the ``registry``
    (``proof``), already in the member's ``stored`` documents (``document``), or ``missing``."""

    type: str
    required: bool
    status: Literal["registry", "stored", "missing"]
    proof: str | None = None
    document: DocumentOut | None = None


@dataclass(frozen=True, slots=True)
class Preparation:
    """An application about to be made: the service, the applicant, their verdict, the fields the
    registry fills, the fields to ask, the documents, and (when answers were checked) the clean form."""

    service: Service
    member_id: str
    family_id: str
    name_en: str
    name_hi: str
    verdict: ServiceVerdict
    filled: list[FilledField]
    asked: list[FormField]
    documents: list[PreparedDocument]
    form: dict[str, Any] | None = None

    @property
    def missing_documents(self) -> list[str]:
        return [d.type for d in self.documents if d.required and d.status == "missing"]


def shown_value(source: str, value: Any) -> Any:
    """A registry value as a page shows it: a mobile number masked, anything else as it is."""
    return mask_mobile(value) if source == "member.mobile" and isinstance(value, str) else value


def _held(spec: FormField, held: Mapping[str, Any]) -> Any:
    if spec.from_registry is None:
        return None
    value = held.get(spec.from_registry)
    return value if fits(spec, value) else None


def fill_from_registry(
    fields: Iterable[FormField], given: Mapping[str, Any], held: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form with each field the registry holds set from it, and which field came from which value."""
    form = dict(given)
    filled: dict[str, str] = {}
    for spec in fields:
        value = _held(spec, held)
        if value is not None and spec.from_registry is not None:
            form[spec.name] = value
            filled[spec.name] = spec.from_registry
    return form, filled


def asked_fields(fields: Iterable[FormField], held: Mapping[str, Any]) -> list[FormField]:
    """The fields a form must ask: all but those the registry fills for this applicant."""
    return [spec for spec in fields if _held(spec, held) is None]


def registry_documents(
    needed: Iterable[str], document_types: Mapping[str, DocumentType], proofs: frozenset[str]
) -> dict[str, str]:
    """Of the document types ``needed``, those the registry stands in for, with the proof it holds."""
    found: dict[str, str] = {}
    for doc_type in needed:
        declared = document_types.get(doc_type)
        proof = declared.from_registry if declared is not None else None
        if proof is not None and proof in proofs:
            found[doc_type] = proof
    return found
