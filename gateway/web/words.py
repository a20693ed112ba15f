"""Plain words for what the catalogue holds as codes: eligibility rules, the values of facts, life events.

Every text here is an English message marked for the gettext catalogues (``N_``) and translated when a
page is rendered; the names of facts and districts are the catalogue's own, in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalogue.facts import FACTS
from catalogue.models import District
from gateway.web.i18n import N_

__all__ = ["LIFE_EVENTS", "LifeEvent", "RuleWords", "fact_name", "rule_in_words", "value_word"]

Translate = Callable[[str], str]

# The values of the registry's named facts, as a citizen says them.
VALUE_WORDS: Mapping[str, str] = {
    "male": N_("male"),
    "female": N_("female"),
    "transgender": N_("transgender"),
    "general": N_("General"),
    "obc": N_("Other Backward Classes (OBC)"),
    "sc": N_("Scheduled Caste (SC)"),
    "st": N_("Scheduled Tribe (ST)"),
    "unmarried": N_("unmarried"),
    "married": N_("married"),
    "widowed": N_("widowed"),
    "divorced": N_("divorced"),
    "separated": N_("separated"),
    "abandoned": N_("abandoned"),
    "head": N_("head of family"),
    "spouse": N_("husband or wife"),
    "son": N_("son"),
    "daughter": N_("daughter"),
    "father": N_("father"),
    "mother": N_("mother"),
    "brother": N_("brother"),
    "sister": N_("sister"),
    "son_in_law": N_("son-in-law"),
    "daughter_in_law": N_("daughter-in-law"),
    "grandson": N_("grandson"),
    "granddaughter": N_("granddaughter"),
    "grandfather": N_("grandfather"),
    "grandmother": N_("grandmother"),
    "other": N_("other"),
    "farmer": N_("farmer"),
    "agricultural_labourer": N_("farm labourer"),
    "construction_worker": N_("construction worker"),
    "unorganised_worker": N_("unorganised worker"),
    "salaried": N_("salaried"),
    "self_employed": N_("self-employed"),
    "student": N_("student"),
    "homemaker": N_("homemaker"),
    "unemployed": N_("without work"),
    "retired": N_("retired"),
    "artisan": N_("artisan"),
    "fisher": N_("fisher"),
    "baiga": N_("Baiga"),
    "bharia": N_("Bharia"),
    "sahariya": N_("Sahariya"),
    "none": N_("none"),
    "rural": N_("village (rural)"),
    "urban": N_("town or city (urban)"),
}

_COMPARISONS: Mapping[str, str] = {
    "==": N_("%(fact)s is %(value)s"),
    "!=": N_("%(fact)s is not %(value)s"),
    ">=": N_("%(fact)s is at least %(value)s"),
    ">": N_("%(fact)s is more than %(value)s"),
    "<=": N_("%(fact)s is at most %(value)s"),
    "<": N_("%(fact)s is less than %(value)s"),
    "in": N_("%(fact)s is one of: %(value)s"),
    "not in": N_("%(fact)s is none of: %(value)s"),
}
_BETWEEN = N_("%(fact)s is between %(low)s and %(high)s")
_YES = N_("%(fact)s: yes")
_NO = N_("%(fact)s: no")
_ALL = N_("all of these:")
_ANY = N_("at least one of these:")
_NOT = N_("not this:")


@dataclass(frozen=True, slots=True)
class RuleWords:
    """A rule in words: its own line and, for ``all``/``any``/``not``, the lines of its parts."""

    text: str
    parts: tuple[RuleWords, ...] = ()


def fact_name(name: str, language: str) -> str:
    """A fact's name in the reader's language (``age in years`` / ``आयु (वर्ष)``)."""
    fact = FACTS.get(name)
    if fact is None:
        return name
    return fact.hi if language == "hi" else fact.en


def value_word(value: Any, translate: Translate, districts: Mapping[str, District], language: str) -> str:
    if isinstance(value, str) and value in districts:
        name = districts[value].name
        return name.hi if language == "hi" else name.en
    if isinstance(value, str) and value in VALUE_WORDS:
        return translate(VALUE_WORDS[value])
    if isinstance(value, bool):
        return translate(N_("yes") if value else N_("no"))
    if isinstance(value, int | float):
        return f"{value:,}" if abs(value) >= 10_000 else f"{value:g}"
    return str(value)


def rule_in_words(
    rule: Mapping[str, Any], translate: Translate, districts: Mapping[str, District], language: str
) -> RuleWords:
    """A rule as written in the catalogue, in words; the catalogue checked it when it loaded."""

    def word(value: Any) -> str:
        return value_word(value, translate, districts, language)

    def parts(key: str) -> tuple[RuleWords, ...]:
        return tuple(rule_in_words(part, translate, districts, language) for part in rule[key])

    if "all" in rule:
        return RuleWords(translate(_ALL), parts("all"))
    if "any" in rule:
        return RuleWords(translate(_ANY), parts("any"))
    if "not" in rule:
        return RuleWords(translate(_NOT), (rule_in_words(rule["not"], translate, districts, language),))
    name, op, value = rule["fact"], rule["op"], rule["value"]
    fact = fact_name(name, language)
    if isinstance(value, bool) and op in ("==", "!="):
        yes = value if op == "==" else not value
        return RuleWords(translate(_YES if yes else _NO) % {"fact": fact})
    if op == "between":
        return RuleWords(translate(_BETWEEN) % {"fact": fact, "low": word(value[0]), "high": word(value[1])})
    shown = ", ".join(word(v) for v in value) if isinstance(value, list) else word(value)
    return RuleWords(translate(_COMPARISONS[op]) % {"fact": fact, "value": shown})


@dataclass(frozen=True, slots=True)
class LifeEvent:
    """A moment of life and the services people look for then (codes the catalogue lacks are skipped)."""

    code: str
    name: str
    services: tuple[str, ...] = field(default=())


LIFE_EVENTS: tuple[LifeEvent, ...] = (
    LifeEvent(
        "birth",
        N_("A child is born"),
        (
            "prd-birth-certificate",
            "ud-birth-certificate",
            "hfw-janani-suraksha",
            "wcd-matru-vandana",
            "wcd-ladli-laxmi",
        ),
    ),
    LifeEvent(
        "school",
        N_("School and college"),
        (
            "edu-rte-admission",
            "ta-post-matric-scholarship",
            "ta-awas-sahayata",
            "he-gaon-ki-beti",
            "he-pratibha-kiran",
            "edu-duplicate-marksheet",
            "gad-caste-certificate",
            "gad-income-certificate",
            "gad-domicile-certificate",
        ),
    ),
    LifeEvent(
        "farming",
        N_("Farming and land"),
        (
            "rev-khasra-copy",
            "rev-naksha-copy",
            "rev-demarcation",
            "rev-mutation-undisputed",
            "rev-partition-undisputed",
            "rev-land-rights-booklet",
            "rev-land-no-dues",
            "ta-forest-rights-claim",
        ),
    ),
    LifeEvent(
        "old-age",
        N_("Old age"),
        (
            "sj-old-age-pension",
            "sj-social-security-pension",
            "sj-old-age-home-pension",
            "hfw-ayushman-card",
            "sj-disability-pension",
        ),
    ),
    LifeEvent(
        "death",
        N_("When someone dies"),
        (
            "prd-death-certificate",
            "ud-death-certificate",
            "sj-family-benefit",
            "sj-widow-pension",
            "rev-mutation-undisputed",
            "home-postmortem-copy",
        ),
    ),
)
