"""The fast evaluation gives the verdicts of evaluating every rule of every service afresh.

``evaluate_all`` keeps the outcomes of rules by the values of the facts they read, and each group of
services with the same rules keeps its verdicts by those outcomes; the verdicts are then put back in
catalogue order. These tests compare every verdict with the plain evaluation (``plainly``) on the
generated catalogue of 2,000 services the benchmark uses (many distinct rules, groups interleaved), for
members judged for the first time and again, and at the edges: values that cannot be keys, values of
different types that are equal, and more values than are kept.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from catalogue import Catalogue, eligibility, evaluate_all, evaluate_family, evaluate_service, load_catalogue
from catalogue.eligibility import evaluate_all_counted
from tests.catalogue.samples import Data, load, rule, service
from tests.catalogue.test_verdict_sharing import plainly, random_facts

ROOT = Path(__file__).resolve().parents[2]


def synthetic() -> ModuleType:
    """``bench/synthetic_catalogue.py``, imported without leaving the bench folder on ``sys.path``."""
    saved = list(sys.path)
    try:
        spec = importlib.util.spec_from_file_location(
            "synthetic_catalogue", ROOT / "bench/synthetic_catalogue.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path[:] = saved


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return synthetic()


@pytest.fixture(scope="module")
def generated(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    path = tmp_path_factory.mktemp("generated") / "catalogue.yaml"
    path.write_text(bench.generate_yaml(ROOT / "catalogue.yaml", 2000), encoding="utf-8")
    return load_catalogue(path)


def test_generated_catalogue_every_verdict_is_the_plain_one(generated: Catalogue, bench: ModuleType) -> None:
    """The bench's member, its family of six and 40 random members, each judged twice (the second time
    from kept outcomes and verdicts): every verdict of the 2,000 services is the plain one, in order."""
    rng = random.Random(21)
    districts = list(generated.districts)
    members = [bench.MEMBER, *bench.FAMILY.values(), *(random_facts(rng, districts) for _ in range(40))]
    codes = list(generated.rules)
    for facts in members:
        plain = [plainly(generated, code, facts) for code in codes]
        assert evaluate_all(generated, facts) == plain
        assert evaluate_all(generated, dict(facts)) == plain


def test_generated_catalogue_family_and_single_services(generated: Catalogue, bench: ModuleType) -> None:
    """``evaluate_family``, ``evaluate_service`` and ``evaluate_all(codes=...)`` agree with the plain
    evaluation on the generated catalogue."""
    family = evaluate_family(generated, bench.FAMILY).members
    codes = list(generated.rules)
    rng = random.Random(22)
    for member, facts in bench.FAMILY.items():
        assert family[member] == [plainly(generated, code, facts) for code in codes]
        some = rng.sample(codes, 25)
        assert evaluate_all(generated, facts, codes=some) == [plainly(generated, c, facts) for c in some]
        assert [evaluate_service(generated, c, facts) for c in some] == [
            plainly(generated, c, facts) for c in some
        ]


def test_counts_are_those_of_the_verdicts(generated: Catalogue, bench: ModuleType) -> None:
    """``evaluate_all_counted`` gives ``evaluate_all``'s verdicts and the count of each status in them."""
    for facts in (bench.MEMBER, *bench.FAMILY.values(), {}):
        verdicts, counts = evaluate_all_counted(generated, facts)
        assert verdicts == evaluate_all(generated, facts)
        statuses = Counter(v.status for v in verdicts)
        assert counts == {status: statuses[status] for status in eligibility.STATUSES}
        assert sum(counts.values()) == len(generated.services)


def gender_and_land(data: Data) -> Catalogue:
    data["services"] = [
        service(
            "svc-women", eligibility=[rule("member.gender", "==", "female", "Women only.", "केवल महिलाएँ।")]
        ),
        service(
            "svc-land",
            eligibility=[
                rule("family.land_hectares", "<=", 2, "Small farmers only.", "केवल लघु कृषक।"),
                rule("family.bpl", "==", True, "BPL only.", "केवल बीपीएल।"),
            ],
        ),
        service("svc-open", eligibility=[]),
    ]
    return load(data)


def test_a_value_that_cannot_be_a_key_is_judged_as_before(data: Data) -> None:
    """A fact given as a list (never valid, but the evaluation does not check) is compared as the plain
    evaluation compares it, rather than failing to be looked up."""
    catalogue = gender_and_land(data)
    facts: dict[str, Any] = {"member.gender": ["female"], "family.land_hectares": 1, "family.bpl": True}
    verdicts = evaluate_all(catalogue, facts)
    assert verdicts == [plainly(catalogue, code, facts) for code in catalogue.rules]
    assert [v.status for v in verdicts] == ["not_eligible", "eligible", "eligible"]


def test_equal_values_of_other_types_share_outcomes_rightly(data: Data) -> None:
    """1, 1.0 and True are one key; each gives the verdicts the plain evaluation gives it."""
    catalogue = gender_and_land(data)
    for value in (2, 2.0, 3, 3.0, 1, True, 1.0, False, 0):
        facts = {"family.land_hectares": value, "family.bpl": value, "member.gender": "female"}
        assert evaluate_all(catalogue, facts) == [plainly(catalogue, code, facts) for code in catalogue.rules]


def test_more_values_than_are_kept(data: Data, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the number of values kept for a set of facts, the evaluation starts keeping afresh and
    still answers right."""
    monkeypatch.setattr(eligibility, "_KEPT_PER_READS", 4)
    data["services"] = [
        service(
            "svc",
            eligibility=[
                rule("member.annual_income", "<", 50_000, "Income under ₹50,000.", "आय ₹50,000 से कम।")
            ],
        )
    ]
    catalogue = load(data)
    for income in [*range(0, 100_000, 5_000), *range(0, 100_000, 5_000)]:
        facts = {"member.annual_income": income}
        assert evaluate_all(catalogue, facts) == [plainly(catalogue, "svc", facts)]
    plan = eligibility._plan(catalogue)
    assert all(len(reads.kept) <= 4 for reads in plan.reads)


def test_groups_interleaved_come_back_in_catalogue_order(data: Data) -> None:
    """Services of the same rules apart in the catalogue are judged together and given back in place."""
    adults = [rule("member.age", ">=", 18, "Adults only.", "केवल वयस्क।")]
    seniors = [rule("member.age", ">=", 60, "Seniors only.", "केवल वरिष्ठ।")]
    data["services"] = [service(f"svc-{n}", eligibility=[adults, seniors, []][n % 3]) for n in range(9)]
    catalogue = load(data)
    verdicts = evaluate_all(catalogue, {"member.age": 30})
    assert [v.service for v in verdicts] == [f"svc-{n}" for n in range(9)]
    assert [v.status for v in verdicts] == ["eligible", "not_eligible", "eligible"] * 3


def test_groups_that_keep_no_more_still_count_right(monkeypatch: pytest.MonkeyPatch) -> None:
    """With each group keeping one set of verdicts, later members' verdicts and counts are built afresh
    and are still the plain ones."""
    monkeypatch.setattr(eligibility, "_KEPT_PER_GROUP", 1)
    real = load_catalogue(ROOT / "catalogue.yaml")
    rng = random.Random(23)
    for _ in range(30):
        facts = random_facts(rng, list(real.districts))
        verdicts, counts = evaluate_all_counted(real, facts)
        assert verdicts == [plainly(real, code, facts) for code in real.rules]
        statuses = Counter(v.status for v in verdicts)
        assert counts == {status: statuses[status] for status in eligibility.STATUSES}
    assert all(len(group.given) <= 1 for group in eligibility._plan(real).groups)
