"""Verdicts are kept per service and shared: the answers stay those of judging every rule afresh.

``evaluate_all`` reuses a service's verdict when its rules come out the same way again. These tests judge
many members with random facts and compare every verdict with a plain evaluation that shares nothing,
and check the sharing never crosses members whose outcomes differ, services, or catalogues.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from catalogue import (
    Catalogue,
    ServiceVerdict,
    evaluate_all,
    evaluate_family,
    evaluate_service,
    load_catalogue,
)
from catalogue.facts import FACTS
from catalogue.models import Text
from tests.catalogue.samples import Data, load, rule, service

ROOT = Path(__file__).resolve().parents[2]


def plainly(catalogue: Catalogue, code: str, facts: dict[str, Any]) -> ServiceVerdict:
    """The verdict as the rules define it: every rule of the service evaluated, nothing shared."""
    reasons: list[Text] = []
    missing: list[str] = []
    ask: list[Text] = []
    for compiled in catalogue.rules[code]:
        result = compiled.evaluate(facts)
        if result is False:
            assert compiled.reason is not None
            reasons.append(compiled.reason)
        elif result is None:
            for name, question in compiled.missing_with_questions(facts):
                if name not in missing:
                    missing.append(name)
                    ask.append(question)
    status = "not_eligible" if reasons else "undetermined" if missing else "eligible"
    return ServiceVerdict(service=code, status=status, reasons=reasons, missing_facts=missing, ask=ask)


def random_facts(rng: random.Random, districts: list[str]) -> dict[str, Any]:
    """Facts of a random member; about one in five is left unknown."""
    facts: dict[str, Any] = {}
    for name, fact in FACTS.items():
        if rng.random() < 0.2:
            continue
        if fact.kind == "bool":
            facts[name] = rng.random() < 0.5
        elif fact.kind == "int":
            facts[name] = rng.randint(
                fact.minimum or 0, fact.maximum if fact.maximum is not None else 500_000
            )
        elif fact.kind == "number":
            facts[name] = round(
                rng.uniform(fact.minimum or 0, fact.maximum if fact.maximum is not None else 50), 2
            )
        elif fact.kind == "enum":
            facts[name] = rng.choice(fact.values)
        else:
            facts[name] = rng.choice(districts)
    return facts


@pytest.fixture(scope="module")
def real() -> Catalogue:
    return load_catalogue(ROOT / "catalogue.yaml")


def test_random_members_get_the_plain_verdicts(real: Catalogue) -> None:
    """300 random members (seeded) against the real catalogue: every verdict is the plain one."""
    rng = random.Random(11)
    districts = list(real.districts)
    for _ in range(300):
        facts = random_facts(rng, districts)
        assert evaluate_all(real, facts) == [plainly(real, code, facts) for code in real.rules]


def test_one_service_and_some_services_agree_with_all(real: Catalogue) -> None:
    """``evaluate_service`` and ``evaluate_all(codes=...)`` give the verdicts of the whole evaluation."""
    rng = random.Random(12)
    codes = list(real.rules)
    for _ in range(50):
        facts = random_facts(rng, list(real.districts))
        everything = {v.service: v for v in evaluate_all(real, facts)}
        some = rng.sample(codes, 7)
        assert evaluate_all(real, facts, codes=some) == [everything[code] for code in some]
        assert all(evaluate_service(real, code, facts) == everything[code] for code in some)


def test_the_same_outcomes_give_the_same_verdict_object() -> None:
    """Asked twice, or for a member whose rules come out alike, a service gives the verdict it gave."""
    real = load_catalogue(ROOT / "catalogue.yaml")
    facts = {"member.age": 70, "family.bpl": True, "member.gender": "female"}
    first = evaluate_all(real, facts)
    again = evaluate_all(real, dict(facts))
    assert all(a is b for a, b in zip(first, again, strict=True))
    older = evaluate_all(real, {**facts, "member.age": 71})
    assert sum(a is b for a, b in zip(first, older, strict=True)) > len(first) // 2


def test_different_outcomes_never_share(real: Catalogue) -> None:
    """A member missing a fact is told which one, right after a member with it known was judged, and
    the other way round."""
    known = {"member.age": 70, "family.bpl": True}
    unknown = {"member.age": 70}
    for facts in (known, unknown, known, unknown):
        assert evaluate_all(real, facts) == [plainly(real, code, facts) for code in real.rules]
    assert any("family.bpl" in v.missing_facts for v in evaluate_all(real, unknown))
    assert not any("family.bpl" in v.missing_facts for v in evaluate_all(real, known))


def test_services_with_the_same_rules_keep_their_own_verdicts(data: Data) -> None:
    """Two services sharing a rule share its evaluation but not their verdicts: each names itself and
    gives its own reason."""
    data["services"] = [
        service(f"svc-{n}", eligibility=[rule("member.age", ">=", 60, f"Reason {n}.", f"कारण {n}।")])
        for n in range(3)
    ]
    verdicts = evaluate_all(load(data), {"member.age": 30})
    assert [(v.service, [r.en for r in v.reasons]) for v in verdicts] == [
        ("svc-0", ["Reason 0."]),
        ("svc-1", ["Reason 1."]),
        ("svc-2", ["Reason 2."]),
    ]


def test_a_reloaded_catalogue_gives_its_own_verdicts(data: Data) -> None:
    """A catalogue loaded again with a changed rule answers by the new rule, never from the old one's
    verdicts, though the service code is the same."""
    data["services"] = [service("svc", eligibility=[rule("member.age", ">=", 60, "Sixty.", "साठ।")])]
    old = load(data)
    assert evaluate_all(old, {"member.age": 50})[0].status == "not_eligible"
    data["services"][0]["eligibility"] = [rule("member.age", ">=", 40, "Forty.", "चालीस।")]
    new = load(data)
    assert evaluate_all(new, {"member.age": 50})[0].status == "eligible"
    assert evaluate_all(old, {"member.age": 50})[0].status == "not_eligible"


def test_a_service_keeps_a_bounded_number_of_verdicts(data: Data) -> None:
    """A service whose missing facts vary widely answers right before and after it stops keeping verdicts."""
    numbers = ["member.age", "family.size", "member.annual_income"]
    flags = ["member.bpl", "family.bpl", "member.ekyc_done"]
    data["services"] = [
        service(
            "svc",
            eligibility=[
                {
                    "all": [rule(name, ">=", 1) for name in numbers]
                    + [rule(name, "==", True) for name in flags],
                    "reason": {"en": "All of them.", "hi": "सभी।"},
                }
            ],
        )
    ]
    catalogue = load(data)
    names = numbers + flags
    every_subset = [
        [name for i, name in enumerate(names) if mask >> i & 1] for mask in range(2 ** len(names))
    ]
    for known in every_subset * 2:  # 64 outcomes, each asked twice
        facts: dict[str, Any] = {name: True if name in flags else 1 for name in known}
        assert evaluate_all(catalogue, facts) == [plainly(catalogue, "svc", facts)]


def test_family_verdicts_are_each_members_own(real: Catalogue) -> None:
    """``evaluate_family`` gives each member the plain verdicts for that member's facts."""
    rng = random.Random(13)
    family = {f"m{n}": random_facts(rng, list(real.districts)) for n in range(6)}
    result = evaluate_family(real, family)
    for member, facts in family.items():
        assert result.members[member] == [plainly(real, code, facts) for code in real.rules]
