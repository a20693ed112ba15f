"""The facts that eligibility rules may name, with their types.

A fact is a dotted name (``member.age``, ``family.bpl``) whose value comes from the family registry or
from the caller. Rules are checked against this table when the catalogue loads, and facts supplied by a
caller are checked against it at the edge, so a rule never meets a value of the wrong type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "FACTS",
    "GENDERS",
    "MARITAL_STATUSES",
    "OCCUPATIONS",
    "RELATIONS",
    "SOCIAL_CATEGORIES",
    "TRIBES",
    "Fact",
    "FactError",
    "check_facts",
]

GENDERS = ("male", "female", "transgender")
SOCIAL_CATEGORIES = ("general", "obc", "sc", "st")
RELATIONS = (
    "head", "spouse", "son", "daughter", "father", "mother", "brother", "sister", "son_in_law",
    "daughter_in_law", "grandson", "granddaughter", "grandfather", "grandmother", "other",
)  # fmt: skip
MARITAL_STATUSES = ("unmarried", "married", "widowed", "divorced", "separated", "abandoned")
OCCUPATIONS = (
    "farmer", "agricultural_labourer", "construction_worker", "unorganised_worker", "salaried",
    "self_employed", "student", "homemaker", "unemployed", "retired", "artisan", "fisher", "other",
)  # fmt: skip
TRIBES = ("baiga", "bharia", "sahariya", "other", "none")
AREAS = ("rural", "urban")

FactKind = Literal["int", "bool", "enum", "district"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact: its name, kind, allowed values for an enum, and bounds for a number."""

    name: str
    kind: FactKind
    en: str
    hi: str
    values: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


def _int(name: str, en: str, hi: str, minimum: int = 0, maximum: int | None = None) -> Fact:
    return Fact(name, "int", en, hi, minimum=minimum, maximum=maximum)


def _enum(name: str, en: str, hi: str, values: tuple[str, ...]) -> Fact:
    return Fact(name, "enum", en, hi, values=values)


_ALL = (
    _int("member.age", "age in years", "आयु (वर्ष)", maximum=130),
    _int("member.annual_income", "annual income of the member (₹)", "सदस्य की वार्षिक आय (₹)"),
    _int("member.disability_percent", "disability (%)", "दिव्यांगता (%)", maximum=100),
    _int("member.residence_years", "years of residence in the state", "राज्य में निवास के वर्ष", maximum=130),
    _enum("member.gender", "gender", "लिंग", GENDERS),
    _enum("member.social_category", "social category", "सामाजिक वर्ग", SOCIAL_CATEGORIES),
    Fact("member.bpl", "bool", "below poverty line", "गरीबी रेखा से नीचे"),
    Fact("member.ekyc_done", "bool", "e-KYC completed", "ई-केवाईसी पूर्ण"),
    Fact("member.district", "district", "district", "जिला"),
    _enum("member.relation", "relation to the head of family", "परिवार के मुखिया से संबंध", RELATIONS),
    _enum("member.marital_status", "marital status", "वैवाहिक स्थिति", MARITAL_STATUSES),
    _enum("member.occupation", "occupation", "व्यवसाय", OCCUPATIONS),
    _enum("member.tribe", "particularly vulnerable tribal group", "विशेष पिछड़ी जनजाति", TRIBES),
    _int("family.annual_income", "annual income of the family (₹)", "परिवार की वार्षिक आय (₹)"),
    _int("family.size", "number of family members", "परिवार के सदस्यों की संख्या", minimum=1),
    _int("family.members_under_18", "members under 18", "18 वर्ष से कम आयु के सदस्य"),
    Fact("family.bpl", "bool", "family below poverty line", "परिवार गरीबी रेखा से नीचे"),
    Fact("family.has_ration_card", "bool", "family holds a ration card", "परिवार के पास राशन कार्ड"),
    _enum(
        "family.social_category", "social category of the family", "परिवार का सामाजिक वर्ग", SOCIAL_CATEGORIES
    ),
    Fact("family.district", "district", "district of the family", "परिवार का जिला"),
    _enum("family.area", "rural or urban area", "ग्रामीण या शहरी क्षेत्र", AREAS),
)

FACTS: Mapping[str, Fact] = {fact.name: fact for fact in _ALL}


class FactError(ValueError):
    """A supplied fact is unknown or has a value of the wrong type; ``field`` names it."""

    def __init__(self, field: str, message: str, message_hi: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.message_hi = message_hi


def check_value(fact: Fact, value: Any, districts: frozenset[str] | None = None) -> tuple[str, str] | None:
    """Why ``value`` cannot be a value of ``fact``, in English and Hindi; None when it can."""
    if fact.kind == "bool":
        return None if isinstance(value, bool) else ("must be true or false", "true या false होना चाहिए")
    if fact.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            return "must be a whole number", "पूर्ण संख्या होनी चाहिए"
        if fact.minimum is not None and value < fact.minimum:
            return f"must be at least {fact.minimum}", f"कम से कम {fact.minimum} होना चाहिए"
        if fact.maximum is not None and value > fact.maximum:
            return f"must be at most {fact.maximum}", f"अधिकतम {fact.maximum} हो सकता है"
        return None
    if not isinstance(value, str):
        return "must be a text code", "पाठ कोड होना चाहिए"
    if fact.kind == "enum" and value not in fact.values:
        allowed = ", ".join(fact.values)
        return f"'{value}' is not one of: {allowed}", f"'{value}' इनमें से नहीं है: {allowed}"
    if fact.kind == "district" and districts is not None and value not in districts:
        return f"'{value}' is not a declared district", f"'{value}' घोषित जिला नहीं है"
    return None


def check_facts(facts: Mapping[str, Any], districts: frozenset[str] | None = None) -> dict[str, Any]:
    """Validate facts supplied from outside; return them with ``None`` values dropped.

    Raises ``FactError`` for the first unknown name or wrong value, naming the fact.
    """
    clean: dict[str, Any] = {}
    for name, value in facts.items():
        fact = FACTS.get(name)
        if fact is None:
            raise FactError(name, "unknown fact", "अज्ञात तथ्य")
        if value is None:
            continue
        problem = check_value(fact, value, districts)
        if problem:
            raise FactError(name, *problem)
        clean[name] = int(value) if fact.kind == "int" else value
    return clean


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day``."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
