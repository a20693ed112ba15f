"""The facts that eligibility rules may name, with their types.

A fact is a dotted name (``member.age``, ``family.bpl``) whose value comes from the family registry or
from the caller. Rules are checked against this table when the catalogue loads, and facts supplied by a
caller are checked against it at the edge, so a rule never meets a value of the wrong type.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "FACTS",
    "GENDERS",
    "GOVERNMENT_SERVICE",
    "LOCAL_BODY_KINDS",
    "MARITAL_STATUSES",
    "OCCUPATIONS",
    "RATION_CARD_TYPES",
    "RELATIONS",
    "SOCIAL_CATEGORIES",
    "TRIBES",
    "Fact",
    "FactError",
    "check_facts",
    "form_fact",
    "form_facts",
    "form_values",
    "nearest_facts",
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
# The National Food Security Act's two entitlements (Antyodaya, priority household), or none.
RATION_CARD_TYPES = ("aay", "priority", "none")
# Whether a member is a government (central, state, public sector or local body) employee or pensioner.
GOVERNMENT_SERVICE = ("none", "employee", "pensioner")
# The local body a family lives under: a gram panchayat (rural), or an urban body of one of three sizes.
LOCAL_BODY_KINDS = ("gram_panchayat", "nagar_parishad", "nagar_palika", "nagar_nigam")

FactKind = Literal["int", "number", "bool", "enum", "district"]
# Form fields a rule may read, and the kind of fact each becomes.
_FORM_KINDS: dict[str, FactKind] = {"number": "number", "choice": "enum", "boolean": "bool"}


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact: its name, kind, allowed values for an enum, and bounds for a number.

    ``en`` and ``hi`` name the fact for a citizen (what to tell us when it is missing); for a form fact
    they are the field's label.
    """

    name: str
    kind: FactKind
    en: str
    hi: str
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


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
    Fact("member.income_tax_payer", "bool", "pays income tax", "आयकरदाता"),
    _enum(
        "member.government_service",
        "government employee or pensioner",
        "शासकीय कर्मचारी अथवा पेंशनभोगी",
        GOVERNMENT_SERVICE,
    ),
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
    _enum("family.local_body_kind", "kind of local body", "स्थानीय निकाय का प्रकार", LOCAL_BODY_KINDS),
    _enum(
        "family.ration_card_type",
        "ration card (eligibility slip) type",
        "राशन कार्ड (पात्रता पर्ची) का प्रकार",
        RATION_CARD_TYPES,
    ),
    Fact(
        "family.land_hectares",
        "number",
        "agricultural land held by the family (hectares)",
        "परिवार की कृषि भूमि (हेक्टेयर)",
        minimum=0,
    ),
    Fact("family.income_tax_payer", "bool", "someone in the family pays income tax", "परिवार में कोई आयकरदाता"),
    Fact(
        "family.government_employee_or_pensioner",
        "bool",
        "someone in the family is a government employee or pensioner",
        "परिवार में कोई शासकीय कर्मचारी अथवा पेंशनभोगी",
    ),
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
    if fact.kind in ("int", "number"):
        is_number = not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)
        if fact.kind == "int" and (not is_number or value != int(value)):
            return "must be a whole number", "पूर्ण संख्या होनी चाहिए"
        if not is_number:
            return "must be a number", "संख्या होनी चाहिए"
        if fact.minimum is not None and value < fact.minimum:
            return f"must be at least {fact.minimum:g}", f"कम से कम {fact.minimum:g} होना चाहिए"
        if fact.maximum is not None and value > fact.maximum:
            return f"must be at most {fact.maximum:g}", f"अधिकतम {fact.maximum:g} हो सकता है"
        return None
    if not isinstance(value, str):
        return "must be a text code", "पाठ कोड होना चाहिए"
    if fact.kind == "enum" and value not in fact.values:
        allowed = ", ".join(fact.values)
        return f"'{value}' is not one of: {allowed}", f"'{value}' इनमें से नहीं है: {allowed}"
    if fact.kind == "district" and districts is not None and value not in districts:
        return f"'{value}' is not a declared district", f"'{value}' घोषित जिला नहीं है"
    return None


def check_facts(
    facts: Mapping[str, Any],
    districts: frozenset[str] | None = None,
    extra: Mapping[str, Fact] | None = None,
) -> dict[str, Any]:
    """Validate facts supplied from outside; return them with ``None`` values dropped.

    ``extra`` adds facts known only in one context (a service's ``form.*`` facts). Raises ``FactError``
    for the first unknown name or wrong value, naming the fact.
    """
    clean: dict[str, Any] = {}
    for name, value in facts.items():
        fact = FACTS.get(name) or (extra or {}).get(name)
        if fact is None:
            raise FactError(name, "unknown fact", "अज्ञात तथ्य")
        if value is None:
            continue
        problem = check_value(fact, value, districts)
        if problem:
            raise FactError(name, *problem)
        clean[name] = int(value) if fact.kind == "int" else value
    return clean


def nearest_facts(name: str, known: Iterable[str], count: int = 3) -> list[str]:
    """The known fact names closest to ``name``, best first: the "did you mean" of load errors.

    The part after the dot is compared with each known name's part, and with each word of it, so
    ``member.incom`` finds ``member.annual_income``; names of the same scope (``member``, ``family``,
    ``form``) come first.
    """
    scope, _, tail = name.rpartition(".")
    scored: dict[str, float] = {}
    for known_name in known:
        known_scope, _, known_tail = known_name.rpartition(".")
        parts = [known_tail, *known_tail.split("_")]
        score = max(difflib.SequenceMatcher(None, tail, part).ratio() for part in parts)
        words = [word for word in tail.split("_") if len(word) > 2 and word != tail]
        score = max(
            [score, *(0.9 * difflib.SequenceMatcher(None, w, p).ratio() for w in words for p in parts)]
        )
        if score >= 0.7:
            scored[known_name] = score + (0.5 if known_scope == scope else 0.0)
    return sorted(scored, key=lambda n: -scored[n])[:count]


def form_fact(field: Any) -> Fact | None:
    """The fact ``form.<name>`` a rule may read from a form field, or None for a field rules cannot read
    (text, date, mobile, e-mail). ``field`` is a ``catalogue.models.FormField``."""
    kind = _FORM_KINDS.get(field.type)
    if kind is None:
        return None
    values = tuple(choice.value for choice in field.choices or ()) if kind == "enum" else ()
    return Fact(
        f"form.{field.name}", kind, field.label.en, field.label.hi, values=values,
        minimum=field.min if kind == "number" else None, maximum=field.max if kind == "number" else None,
    )  # fmt: skip


def form_facts(fields: Iterable[Any]) -> dict[str, Fact]:
    """The ``form.*`` facts of a service's form fields, by name."""
    facts = (form_fact(field) for field in fields)
    return {fact.name: fact for fact in facts if fact is not None}


def form_values(fields: Iterable[Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The ``form.*`` facts of a filled form: the answers to the fields rules may read, by fact name.

    ``answers`` is the form as checked (``gateway.applications.form.check_form``); an empty answer is
    left out, so a rule that needs it answers "undetermined".
    """
    return {
        f"form.{field.name}": answers[field.name]
        for field in fields
        if field.type in _FORM_KINDS and answers.get(field.name) not in (None, "")
    }


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day``."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
