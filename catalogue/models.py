"""Typed, immutable structures of the service catalogue.

Every struct forbids unknown fields, so a misspelt key in ``catalogue.yaml`` is an error with its line,
not a silently ignored value. The structs hold data only; validation across records lives in
``catalogue.loader`` and rule compilation in ``catalogue.rules``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

__all__ = [
    "Adapter",
    "Appeal",
    "Audit",
    "Category",
    "Channel",
    "ChoiceOption",
    "Delivery",
    "Department",
    "District",
    "DocumentRequirement",
    "DocumentType",
    "Fee",
    "FeeIncome",
    "FormField",
    "RawCatalogue",
    "Service",
    "Text",
]

SnakeCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# A name of ``catalogue.registry_held``: what the family registry holds, filled instead of asked.
RegistryName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.]*$", max_length=64)]
ServiceCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]*$", max_length=80)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
Channel = Literal["online", "service_centre", "call_181", "kiosk", "department_office", "whatsapp"]
FieldType = Literal["text", "number", "date", "choice", "boolean", "mobile", "email"]
AdapterKind = Literal["local", "rest", "soap"]


class Strict(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """Base of every catalogue struct: keyword-only, immutable, unknown fields rejected."""


class Text(Strict):
    """A text in English and Hindi; both are required."""

    en: NonEmpty
    hi: NonEmpty

    def pick(self, language: str) -> str:
        return self.hi if language == "hi" else self.en


class Department(Strict):
    code: SnakeCode
    name: Text


class Category(Strict):
    code: SnakeCode
    name: Text


class DocumentType(Strict):
    """``from_registry``: a proof of ``catalogue.registry_held.HELD_PROOFS`` the registry stands in for."""

    code: SnakeCode
    name: Text
    issued_by: SnakeCode | None = None
    from_registry: RegistryName | None = None


class District(Strict):
    code: SnakeCode
    name: Text
    division: SnakeCode


class Adapter(Strict):
    code: SnakeCode
    kind: AdapterKind
    description: Text


class Appeal(Strict):
    officer: Text
    days: Annotated[int, msgspec.Meta(ge=1, le=365)]


class Fee(Strict):
    amount_inr: Annotated[float, msgspec.Meta(ge=0)]
    note: Text | None = None


class DocumentRequirement(Strict):
    type: SnakeCode
    required: bool = True


class ChoiceOption(Strict):
    value: NonEmpty
    label: Text


class FormField(Strict):
    """``from_registry``: a value of ``catalogue.registry_held.HELD_VALUES`` that fills the field from the
    family registry instead of asking for it (asked only when the registry lacks it for the member)."""

    name: SnakeCode
    label: Text
    type: FieldType
    required: bool = True
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    choices: tuple[ChoiceOption, ...] | None = None
    from_registry: RegistryName | None = None


class Delivery(Strict):
    adapter: SnakeCode
    operation: SnakeCode


class FeeIncome(Strict):
    amount_inr_per_year: Annotated[float, msgspec.Meta(ge=0)] | None = None
    note: Text | None = None


class Audit(Strict):
    objective: Text
    start_year: Annotated[int, msgspec.Meta(ge=1950, le=2100)]
    fee_income: FeeIncome
    fallback: Text
    feedback: Text


class Service(Strict):
    """One department service as promised to citizens and reviewed by auditors.

    ``eligibility`` holds the rules as written; the loader compiles them once into
    ``catalogue.rules.CompiledRule`` objects kept beside the service in the ``Catalogue``.
    """

    code: ServiceCode
    name: Text
    description: Text
    department: SnakeCode
    category: SnakeCode
    time_limit_days: Annotated[int, msgspec.Meta(ge=1, le=365)]
    designated_officer: Text
    first_appeal: Appeal
    second_appeal: Appeal
    fee: Fee
    documents: tuple[DocumentRequirement, ...]
    form: tuple[FormField, ...]
    eligibility: tuple[dict[str, Any], ...]
    delivery: Delivery
    channels: tuple[Channel, ...]
    audit: Audit
    lsg_service_no: str | None = None
    inferred: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


class RawCatalogue(Strict):
    """The top level of ``catalogue.yaml``, with list items still undecoded.

    Each item is decoded on its own so one bad service does not hide the errors of the others.
    """

    version: Literal[1]
    departments: list[Any]
    categories: list[Any]
    document_types: list[Any]
    districts: list[Any]
    adapters: list[Any]
    services: list[Any]
