"""Shared by the catalogue benchmarks: a large catalogue made from the real one, sample facts, statistics.

The large catalogue clones the real services under new codes and shifts the numbers in their rules
(age limits, income ceilings), so it holds many distinct rules, as a catalogue of thousands of real
services would, rather than the same few rules repeated.

Import this module before ``catalogue``: a script's folder comes first on ``sys.path``, where
``bench/catalogue.py`` would hide the ``catalogue`` package; this module imports the package with the
folder taken off the path, then puts the folder back at the end.
"""

from __future__ import annotations

import copy
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _BENCH]
from catalogue.facts import FACTS  # noqa: E402 - after the path is fixed

sys.path.append(str(_BENCH))

__all__ = [
    "FAMILY",
    "LOOSE_QUERIES",
    "MEMBER",
    "QUERIES",
    "Timing",
    "generate_yaml",
    "new_members",
    "time_calls",
]

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# A member whose every fact is known: a widowed woman of 62 in a BPL family in Bhopal.
MEMBER: dict[str, Any] = {
    "member.age": 62,
    "member.annual_income": 36_000,
    "member.disability_percent": 0,
    "member.residence_years": 40,
    "member.gender": "female",
    "member.social_category": "obc",
    "member.bpl": True,
    "member.ekyc_done": True,
    "member.district": "bhopal",
    "member.relation": "mother",
    "member.marital_status": "widowed",
    "member.occupation": "homemaker",
    "member.tribe": "none",
    "family.annual_income": 96_000,
    "family.size": 6,
    "family.members_under_18": 2,
    "family.bpl": True,
    "family.has_ration_card": True,
    "family.social_category": "obc",
    "family.district": "bhopal",
    "family.area": "rural",
}


def _member(member_id: str, **facts: Any) -> tuple[str, dict[str, Any]]:
    """MEMBER with some member facts replaced; a fact given as None is left out (unknown)."""
    merged = {**MEMBER, **{f"member.{name}": value for name, value in facts.items()}}
    return member_id, {name: value for name, value in merged.items() if value is not None}


# A family of six sharing the family facts of MEMBER; one member has no recorded income.
FAMILY: dict[str, dict[str, Any]] = dict(
    [
        _member("m1", age=45, gender="male", relation="head", marital_status="married", occupation="farmer",
                annual_income=60_000),
        _member("m2", age=41, gender="female", relation="spouse", marital_status="married",
                occupation="homemaker", annual_income=0),
        _member("m3", age=68, gender="female", relation="mother", marital_status="widowed",
                occupation="retired"),
        _member("m4", age=19, gender="male", relation="son", marital_status="unmarried", occupation="student",
                annual_income=None),
        _member("m5", age=16, gender="female", relation="daughter", marital_status="unmarried",
                occupation="student", annual_income=0),
        _member("m6", age=8, gender="female", relation="daughter", marital_status="unmarried",
                occupation="student", annual_income=0, disability_percent=45),
    ]
)  # fmt: skip

# What citizens type, in English and Hindi: whole words, prefixes, several words, misses.
QUERIES: tuple[str, ...] = (
    "income certificate", "income", "certificate", "caste", "domicile", "pension", "old age pension",
    "widow", "scholarship", "ration card", "birth", "death certificate", "land", "khasra", "mutation",
    "electricity", "water connection", "licence", "trade", "marriage", "disability", "ladli",
    "cert", "pens", "schol", "xyzzy",
    "आय प्रमाण पत्र", "आय", "प्रमाण", "जाति", "मूल निवासी", "पेंशन", "वृद्धावस्था", "विधवा",
    "छात्रवृत्ति", "राशन", "जन्म", "मृत्यु", "भूमि", "नामांतरण", "बिजली", "विवाह", "लाइसेंस", "प्रमा",
)  # fmt: skip

# Hindi typed in Latin letters, misspelt words and filler: the queries that need the loose matching.
LOOSE_QUERIES: tuple[str, ...] = (
    "vridha pension", "khasra nakal", "khasra ki nakal", "ladli behna", "aay praman patra",
    "jati praman patra",
    "mool niwasi", "ration card me naam jodna", "vrudha pension", "scholorship", "income certficate",
    "ladli bahena", "kasra nakal", "namantran", "व्रद्धावस्था पेंशन", "वृद्धा पेन्शन", "लाडली बहना",
    "आय प्रमाणपत्र", "how to apply for widow pension", "bijli connection naam badalna",
)  # fmt: skip


def new_members(
    count: int, districts: list[str], seed: int = 2026, unknown: float = 0.1
) -> list[dict[str, Any]]:
    """``count`` members unlike each other, as most members asked about are new to the evaluation: every
    fact drawn at random within its bounds (an income up to ₹5 lakh), ``unknown`` of them left out."""
    rng = random.Random(seed)
    members = []
    for _ in range(count):
        facts: dict[str, Any] = {}
        for name, fact in FACTS.items():
            if rng.random() < unknown:
                continue
            if fact.kind == "int":
                top = fact.maximum if fact.maximum is not None else 500_000
                facts[name] = rng.randint(int(fact.minimum or 0), int(top))
            elif fact.kind == "number":
                facts[name] = round(rng.uniform(fact.minimum or 0, fact.maximum or 20), 2)
            elif fact.kind == "bool":
                facts[name] = rng.random() < 0.5
            else:
                facts[name] = rng.choice(fact.values if fact.kind == "enum" else districts)
        members.append(facts)
    return members


def _shift(rule: Any, rng: random.Random) -> Any:
    """The rule with the numbers of some comparisons moved, kept inside the fact's bounds."""
    if not isinstance(rule, dict):
        return rule
    rule = dict(rule)
    for key in ("all", "any"):
        if isinstance(rule.get(key), list):
            rule[key] = [_shift(item, rng) for item in rule[key]]
    if "not" in rule:
        rule["not"] = _shift(rule["not"], rng)
    fact = FACTS.get(rule.get("fact", ""))
    if fact is None or fact.kind != "int" or rng.random() < 0.3:
        return rule

    def move(number: Any) -> Any:
        if not isinstance(number, int) or isinstance(number, bool):
            return number
        step = max(1, abs(number) // 20)
        moved = number + step * rng.randint(-3, 3)
        low = fact.minimum if fact.minimum is not None else 0
        return min(max(moved, low), fact.maximum if fact.maximum is not None else moved)

    value = rule.get("value")
    if isinstance(value, list) and len(value) == 2:
        low, high = sorted(move(v) for v in value)
        rule["value"] = [low, high]
    else:
        rule["value"] = move(value)
    return rule


def generate_yaml(source: Path, count: int, seed: int = 2026) -> str:
    """YAML of a catalogue of ``count`` services cloned from ``source``, with new codes and varied rules."""
    data = yaml.load(source.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
    originals = data["services"]
    rng = random.Random(seed)
    services = []
    for n in range(count):
        service = copy.deepcopy(originals[n % len(originals)])
        variant = n // len(originals)
        if variant:
            service["code"] = f"{service['code']}-v{variant}"[:80]
            service["name"] = {
                "en": f"{service['name']['en']} (variant {variant})",
                "hi": f"{service['name']['hi']} (प्रकार {variant})",
            }
            service["eligibility"] = [_shift(rule, rng) for rule in service.get("eligibility", [])]
        services.append(service)
    data["services"] = services
    return str(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000))


class Timing:
    """Samples of one measurement, in seconds."""

    def __init__(self, samples: list[float]) -> None:
        self.samples = sorted(samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return self.samples[min(len(self.samples) - 1, round(0.99 * (len(self.samples) - 1)))]


def time_calls(call: Callable[[], object], repeat: int, warmup: int = 3) -> Timing:
    """Call ``call`` ``warmup`` times unmeasured, then ``repeat`` times, timing each call."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return Timing(samples)
