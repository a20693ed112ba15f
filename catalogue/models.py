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
    "AlsoKnownAs",
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
    "Guarantee",
    "GuaranteeAct",
    "RawCatalogue",
    "Service",
    "ServiceKind",
    "State",
    "Text",
    "TimeLimit",
    "TimeUnit",
]

SnakeCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# A name of ``catalogue.registry_held``: what the family registry holds, filled instead of asked.
RegistryName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.]*$", max_length=64)]
ServiceCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]*$", max_length=80)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
Channel = Literal["online", "service_centre", "call_181", "kiosk", "department_office", "whatsapp"]
FieldType = Literal["text", "number", "date", "choice", "boolean", "mobile", "email"]
AdapterKind = Literal["local", "rest", "soap"]
# How a time limit is counted: working days (the Act's usual unit), calendar days, or the same day (0 days).
TimeUnit = Literal["working_days", "calendar_days", "same_day"]
# An application is made through seva; an information service says what a citizen can do instead (check a
# list, complain) where there is nothing to apply for.
ServiceKind = Literal["application", "information"]
Days = Annotated[int, msgspec.Meta(ge=1, le=365)]


class Strict(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True, gc=False):
    """Base of every catalogue struct: keyword-only, immutable, unknown fields rejected.

    Not tracked by the cyclic garbage collector (``gc=False``): the structs hold only text, numbers and
    other structs read from a file, so they can form no cycle, and a catalogue of 2,000 services (tens of
    thousands of structs) is then no work for the collections that follow a load.
    """


class Text(Strict, frozen=True):
    """A text in English and Hindi; both are required."""

    en: NonEmpty
    hi: NonEmpty

    def pick(self, language: str) -> str:
        return self.hi if language == "hi" else self.en


class AlsoKnownAs(Strict, frozen=True):
    """Names citizens use for a service besides its own, searched like its name.

    ``en`` holds names in Latin letters (English, and Hindi as typed in Latin letters: "khasra nakal"),
    ``hi`` names in Devanagari.
    """

    en: tuple[NonEmpty, ...] = ()
    hi: tuple[NonEmpty, ...] = ()


class Department(Strict, frozen=True):
    code: SnakeCode
    name: Text


class Category(Strict, frozen=True):
    code: SnakeCode
    name: Text


class DocumentType(Strict, frozen=True):
    """``from_registry``: a proof of ``catalogue.registry_held.HELD_PROOFS`` the registry stands in for."""

    code: SnakeCode
    name: Text
    issued_by: SnakeCode | None = None
    from_registry: RegistryName | None = None


class District(Strict, frozen=True):
    code: SnakeCode
    name: Text
    division: SnakeCode


class Adapter(Strict, frozen=True):
    code: SnakeCode
    kind: AdapterKind
    description: Text


class State(Strict, frozen=True):
    """The state whose services the catalogue holds; the registry's families must be of the same state."""

    code: SnakeCode
    name: Text


class GuaranteeAct(Strict, frozen=True):
    """The state's public services guarantee law, and the appeal windows it gives every citizen."""

    name: Text
    first_appeal_within_days: Days
    second_appeal_within_days: Days
    sources: tuple[str, ...]
    inferred: tuple[str, ...] = ()


class TimeLimit(Strict, frozen=True):
    """The time limit the Act promises: ``days`` counted in ``unit``; ``same_day`` is written with 0 days."""

    days: Annotated[int, msgspec.Meta(ge=0, le=365)]
    unit: TimeUnit


class Guarantee(Strict, frozen=True):
    """Whether the guarantee Act covers the service, and if so what it promises.

    A covered service names the notification (``service_no``, ``notification``), the ``source`` among the
    service's sources that reports it, and its ``time_limit``. A service the Act does not cover has no
    time limit and no appeals under the Act; ``note`` says so and what governs it instead.
    """

    covered: bool
    time_limit: TimeLimit | None = None
    service_no: str | None = None
    notification: Text | None = None
    source: str | None = None
    note: Text | None = None


class Appeal(Strict, frozen=True):
    """An appeal under the Act: to whom, within how many days the citizen may file it
    (``file_within_days``; the Act's window when left out) and how many days the authority has to decide."""

    officer: Text
    decide_days: Days
    file_within_days: Days | None = None


class Fee(Strict, frozen=True):
    amount_inr: Annotated[float, msgspec.Meta(ge=0)]
    note: Text | None = None


class DocumentRequirement(Strict, frozen=True):
    type: SnakeCode
    required: bool = True


class ChoiceOption(Strict, frozen=True):
    value: NonEmpty
    label: Text


class FormField(Strict, frozen=True):
    """``from_registry``: a value of ``catalogue.registry_held.HELD_VALUES`` that fills the field from the
    family registry instead of asking for it (asked only when the registry lacks it for the member)."""

    name: SnakeCode
    label: Text
    type: FieldType
    required: bool = True
    pattern: str | None = None
    # What the pattern asks for, as an instruction in both languages ("write the 11-character IFSC code
    # printed in the passbook"); needed unless the pattern only bounds the length or counts digits.
    hint: Text | None = None
    min: float | None = None
    max: float | None = None
    choices: tuple[ChoiceOption, ...] | None = None
    from_registry: RegistryName | None = None


class Delivery(Strict, frozen=True):
    adapter: SnakeCode
    operation: SnakeCode


class FeeIncome(Strict, frozen=True):
    amount_inr_per_year: Annotated[float, msgspec.Meta(ge=0)] | None = None
    note: Text | None = None


class Audit(Strict, frozen=True):
    objective: Text
    start_year: Annotated[int, msgspec.Meta(ge=1950, le=2100)]
    fee_income: FeeIncome
    fallback: Text
    feedback: Text


class Service(Strict, kw_only=True, frozen=True):
    """One department service as promised to citizens and reviewed by auditors.

    ``eligibility`` holds the rules as written; the loader compiles them once into
    ``catalogue.rules.CompiledRule`` objects kept beside the service in the ``Catalogue``. An
    ``information`` service has ``steps`` instead of a form, documents and delivery.
    """

    code: ServiceCode
    name: Text
    description: Text
    department: SnakeCode
    category: SnakeCode
    kind: ServiceKind = "application"
    guarantee: Guarantee
    designated_officer: Text
    first_appeal: Appeal | None = None
    second_appeal: Appeal | None = None
    fee: Fee
    documents: tuple[DocumentRequirement, ...] = ()
    form: tuple[FormField, ...] = ()
    eligibility: tuple[dict[str, Any], ...] = ()
    delivery: Delivery | None = None
    steps: tuple[Text, ...] = ()
    channels: tuple[Channel, ...]
    audit: Audit
    also_known_as: AlsoKnownAs | None = None
    inferred: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def time_limit_days(self) -> int | None:
        """Days of the guaranteed time limit (0: the same day); None when the Act promises none."""
        limit = self.guarantee.time_limit
        return limit.days if limit is not None else None


class RawCatalogue(Strict, frozen=True):
    """The top level of ``catalogue.yaml``, with list items still undecoded.

    Each item is decoded on its own so one bad service does not hide the errors of the others.
    """

    version: Literal[1]
    state: State
    guarantee_act: GuaranteeAct
    departments: list[Any]
    categories: list[Any]
    document_types: list[Any]
    districts: list[Any]
    adapters: list[Any]
    services: list[Any]
    # Groups of words or phrases that mean the same to a citizen, for search (catalogue.search).
    synonyms: list[Any] = []
