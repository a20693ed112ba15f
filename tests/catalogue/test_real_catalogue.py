"""The shipped ``catalogue.yaml``: it loads, it is broad enough, and its rules and texts are usable."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import pytest

from catalogue import Catalogue, evaluate_all, evaluate_service, load_catalogue
from catalogue.facts import FACTS, form_facts
from catalogue.models import Service
from tests.conftest import CATALOGUE

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE)


def every_fact_known(catalogue: Catalogue, service: Service | None = None) -> dict[str, Any]:
    """A value for every fact there is (with ``service``, its form facts too): age 62, every flag true, the
    first value of every list, the smallest allowed number."""
    facts = {**FACTS, **(form_facts(service.form) if service else {})}
    values: dict[str, Any] = {}
    for name, fact in facts.items():
        if fact.kind in ("int", "number"):
            values[name] = 62 if name == "member.age" else max(1, fact.minimum or 0)
        elif fact.kind == "bool":
            values[name] = True
        elif fact.kind == "enum":
            values[name] = fact.values[0]
        else:
            values[name] = next(iter(catalogue.districts))
    return values


class TestSize:
    """The catalogue covers the state's departments broadly."""

    def test_at_least_150_services_from_30_departments(self, catalogue: Catalogue) -> None:
        """At least 150 services from at least 30 departments, and no department left empty."""
        counts = catalogue.services_per_department()
        assert len(catalogue.services) >= 150
        assert len(counts) >= 30
        assert min(counts.values()) >= 1
        assert set(counts) == set(catalogue.departments)

    def test_what_the_act_covers_is_told_both_ways(self, catalogue: Catalogue) -> None:
        """Many services are guaranteed by the Act and many schemes are not; both kinds are told truthfully:
        a covered service has a time limit and its notification's source, an uncovered one a note."""
        covered = [s for s in catalogue.services if s.guarantee.covered]
        not_covered = [s for s in catalogue.services if not s.guarantee.covered]
        assert len(covered) >= 60 and len(not_covered) >= 40
        for service in covered:
            assert service.guarantee.time_limit is not None and service.guarantee.source in service.sources
        for service in not_covered:
            assert service.guarantee.note is not None and service.time_limit_days is None, service.code

    def test_information_services_take_no_application(self, catalogue: Catalogue) -> None:
        """Information services (what to do where there is nothing to apply for) have steps, no form."""
        information = [s for s in catalogue.services if s.kind == "information"]
        assert len(information) >= 3
        for service in information:
            assert service.steps and not service.form and service.delivery is None, service.code

    def test_every_declared_record_is_used(self, catalogue: Catalogue) -> None:
        """Every category, adapter and document type declared is used by some service."""
        assert {s.category for s in catalogue.services} == set(catalogue.categories)
        assert {s.delivery.adapter for s in catalogue.services if s.delivery} == set(catalogue.adapters)
        used = {d.type for s in catalogue.services for d in s.documents}
        assert used == set(catalogue.document_types)

    def test_every_kind_of_adapter(self, catalogue: Catalogue) -> None:
        """Services are delivered through local, REST and SOAP adapters."""
        assert {a.kind for a in catalogue.adapters.values()} == {"local", "rest", "soap"}


class TestRules:
    """Every service's rules compile, read known facts and explain a refusal in both languages."""

    def test_every_service_has_its_rules_compiled(self, catalogue: Catalogue) -> None:
        """Each service has one compiled rule per rule written, with a reason."""
        for service in catalogue.services:
            compiled = catalogue.rules[service.code]
            assert len(compiled) == len(service.eligibility), service.code
            assert all(rule.reason is not None for rule in compiled), service.code

    def test_schemes_have_rules(self, catalogue: Catalogue) -> None:
        """Pensions and welfare schemes all have eligibility rules; at least 20 services do."""
        with_rules = [s for s in catalogue.services if s.eligibility]
        assert len(with_rules) >= 20
        for service in catalogue.services:
            if service.category in ("pensions", "welfare_schemes"):
                assert service.eligibility, service.code

    def test_reasons_are_bilingual(self, catalogue: Catalogue) -> None:
        """Every reason has Hindi in Devanagari that differs from its English."""
        for code, rules in catalogue.rules.items():
            for rule in rules:
                assert rule.reason is not None
                assert DEVANAGARI.search(rule.reason.hi), code
                assert rule.reason.hi != rule.reason.en, code

    def test_decided_when_every_fact_is_known(self, catalogue: Catalogue) -> None:
        """With every fact known (the service's form answered too) no verdict is undetermined, and every
        refusal has a reason."""
        for service in catalogue.services:
            verdict = evaluate_service(catalogue, service.code, every_fact_known(catalogue, service))
            assert verdict.status != "undetermined", verdict
            assert (verdict.status == "not_eligible") == bool(verdict.reasons), verdict

    def test_undetermined_when_nothing_is_known(self, catalogue: Catalogue) -> None:
        """With no facts, a service is eligible exactly when it has no rules, else undetermined."""
        for verdict in evaluate_all(catalogue, {}):
            has_rules = bool(catalogue.service(verdict.service).eligibility)
            assert verdict.status == ("undetermined" if has_rules else "eligible"), verdict
            assert bool(verdict.missing_facts) == has_rules

    def test_old_poor_people_get_a_pension(self, catalogue: Catalogue) -> None:
        """A 70-year-old of a BPL family who pays no tax is eligible for at least one pension."""
        facts = {
            **every_fact_known(catalogue),
            "member.age": 70, "family.bpl": True, "member.bpl": True, "member.income_tax_payer": False,
            "family.income_tax_payer": False, "member.government_service": "none",
        }  # fmt: skip
        eligible = {v.service for v in evaluate_all(catalogue, facts) if v.status == "eligible"}
        assert any(catalogue.service(code).category == "pensions" for code in eligible)


class TestTexts:
    """What the catalogue says of a service is complete and checkable."""

    def test_inferred_names_real_fields(self, catalogue: Catalogue) -> None:
        """Every field marked as inferred (not from a source) is a field of a service."""
        fields = {f.encode_name for f in msgspec.structs.fields(Service)}
        for service in catalogue.services:
            for name in service.inferred:
                assert name.split(".")[0] in fields, (service.code, name)

    def test_sources_are_web_addresses(self, catalogue: Catalogue) -> None:
        """Every service has at least one source, and every source is an http(s) address."""
        for service in catalogue.services:
            assert service.sources, service.code
            for source in service.sources:
                assert re.match(r"^https?://\S+$", source), (service.code, source)

    def test_names_descriptions_and_steps_are_bilingual(self, catalogue: Catalogue) -> None:
        """Every name, description, officer, note and step has Hindi in Devanagari that differs from its
        English."""
        for service in catalogue.services:
            texts = [service.name, service.description, service.designated_officer, *service.steps]
            if service.guarantee.note is not None:
                texts.append(service.guarantee.note)
            for text in texts:
                assert DEVANAGARI.search(text.hi) and text.hi != text.en, (service.code, text.en)
        for record in (*catalogue.departments.values(), *catalogue.categories.values()):
            assert DEVANAGARI.search(record.name.hi), record.code

    def test_codes_are_unique_and_named_after_nothing_else(self, catalogue: Catalogue) -> None:
        """Service codes are unique and distinct from department codes."""
        codes = [s.code for s in catalogue.services]
        assert len(codes) == len(set(codes))
        assert not set(codes) & set(catalogue.departments)


class TestSearch:
    """Citizens find common services in English and in Hindi."""

    @pytest.mark.parametrize(
        ("query", "category"),
        [
            ("income certificate", "certificates"),
            ("आय प्रमाण पत्र", "certificates"),
            ("pension", "pensions"),
            ("पेंशन", "pensions"),
            ("caste", "certificates"),
            ("जाति", "certificates"),
        ],
    )
    def test_best_hit_is_in_the_expected_category(
        self, catalogue: Catalogue, query: str, category: str
    ) -> None:
        """The best hit for a common query belongs where a citizen would expect."""
        hits = catalogue.index.search(query)
        assert hits, query
        assert hits[0].service.category == category

    @pytest.mark.parametrize(("english", "hindi"), [("pension", "पेंशन"), ("birth", "जन्म")])
    def test_both_languages_find_the_same_best_hits(
        self, catalogue: Catalogue, english: str, hindi: str
    ) -> None:
        """A word and its Hindi translation find the same top two services."""
        top = [hit.service.code for hit in catalogue.index.search(english)[:2]]
        assert top == [hit.service.code for hit in catalogue.index.search(hindi)[:2]]
