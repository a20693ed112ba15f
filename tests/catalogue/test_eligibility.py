"""Verdicts: eligible, not eligible with every failing reason in English and Hindi, or undetermined."""

from __future__ import annotations

import re

import pytest

from catalogue import Catalogue, UnknownService, evaluate_all, evaluate_family, evaluate_service
from catalogue.models import Text
from tests.catalogue.samples import Data, load, rule, service, text

AGE = Text(en="Only people aged 60 or more.", hi="केवल 60 वर्ष या अधिक आयु के लोग।")
BPL = Text(en="Only families below the poverty line.", hi="केवल गरीबी रेखा से नीचे के परिवार।")
RESIDENT = Text(en="Must live in the state.", hi="राज्य का निवासी होना चाहिए।")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")

OLD_POOR = {"member.age": 70, "family.bpl": True, "member.district": "bhopal"}


@pytest.fixture
def catalogue(data: Data) -> Catalogue:
    """The mini catalogue with a third district, outside the domicile rule's list."""
    data["districts"].append({"code": "jabalpur", "name": text("Jabalpur", "जबलपुर"), "division": "jabalpur"})
    return load(data)


class TestOneService:
    """``evaluate_service`` gives one verdict for one member's facts."""

    def test_eligible(self, catalogue: Catalogue) -> None:
        """Every rule holds: eligible, with no reasons and nothing missing."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", OLD_POOR)
        assert (verdict.service, verdict.status) == ("sj-old-age-pension", "eligible")
        assert (verdict.reasons, verdict.missing_facts) == ([], [])

    def test_not_eligible_gives_every_failing_reason(self, catalogue: Catalogue) -> None:
        """Both rules fail: both reasons come back, in rule order, in English and Hindi."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", {"member.age": 35, "family.bpl": False})
        assert verdict.status == "not_eligible"
        assert verdict.reasons == [AGE, BPL]
        assert all(DEVANAGARI.search(reason.hi) for reason in verdict.reasons)
        assert verdict.missing_facts == []

    def test_one_failing_rule(self, catalogue: Catalogue) -> None:
        """Only the rule that fails gives its reason."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", {"member.age": 35, "family.bpl": True})
        assert (verdict.status, verdict.reasons) == ("not_eligible", [AGE])

    def test_undetermined_names_the_missing_facts(self, catalogue: Catalogue) -> None:
        """A rule that cannot be decided makes the verdict undetermined, naming the facts to ask for."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", {"member.age": 70})
        assert verdict.status == "undetermined"
        assert verdict.reasons == []
        assert verdict.missing_facts == ["family.bpl"]

    def test_nothing_known(self, catalogue: Catalogue) -> None:
        """With no facts at all, every fact the rules read is named once, in rule order."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", {})
        assert verdict.status == "undetermined"
        assert verdict.missing_facts == ["member.age", "family.bpl"]

    def test_a_failing_rule_outweighs_a_missing_fact(self, catalogue: Catalogue) -> None:
        """One rule fails and another cannot be decided: not eligible, and the missing fact is still named."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", {"member.age": 35})
        assert verdict.status == "not_eligible"
        assert verdict.reasons == [AGE]
        assert verdict.missing_facts == ["family.bpl"]

    def test_any_decided_by_one_known_branch(self, catalogue: Catalogue) -> None:
        """``any`` with a true branch is eligible even when the other branch's fact is missing."""
        verdict = evaluate_service(catalogue, "rev-domicile-certificate", {"member.district": "indore"})
        assert verdict.status == "eligible"

    def test_any_undetermined_names_only_what_is_missing(self, catalogue: Catalogue) -> None:
        """``any`` with a false branch and an unknown one is undetermined, naming just the unknown fact."""
        verdict = evaluate_service(catalogue, "rev-domicile-certificate", {"member.district": "jabalpur"})
        assert verdict.status == "undetermined"
        assert verdict.missing_facts == ["member.residence_years"]

    def test_any_false(self, catalogue: Catalogue) -> None:
        """``any`` with every branch false fails with its reason."""
        facts = {"member.district": "jabalpur", "member.residence_years": 2}
        verdict = evaluate_service(catalogue, "rev-domicile-certificate", facts)
        assert (verdict.status, verdict.reasons) == ("not_eligible", [RESIDENT])

    def test_service_without_rules_is_open_to_all(self, data: Data) -> None:
        """A service with no rules is eligible for anyone, even with no facts."""
        data["services"][0]["eligibility"] = []
        verdict = evaluate_service(load(data), "rev-income-certificate", {})
        assert (verdict.status, verdict.reasons, verdict.missing_facts) == ("eligible", [], [])

    def test_unknown_service(self, catalogue: Catalogue) -> None:
        """A code the catalogue does not hold raises ``UnknownService`` naming it."""
        with pytest.raises(UnknownService) as caught:
            evaluate_service(catalogue, "no-such-service", OLD_POOR)
        assert caught.value.code == "no-such-service"
        assert str(caught.value) == "unknown service 'no-such-service'"
        assert isinstance(caught.value, KeyError)


class TestWholeCatalogue:
    """``evaluate_all`` gives one verdict per service, in catalogue order, for one member."""

    def test_one_verdict_per_service_in_order(self, catalogue: Catalogue) -> None:
        """Each service is judged on its own rules."""
        verdicts = evaluate_all(catalogue, {"member.age": 35, "member.district": "bhopal"})
        assert [(v.service, v.status) for v in verdicts] == [
            ("rev-income-certificate", "eligible"),
            ("sj-old-age-pension", "not_eligible"),
            ("rev-domicile-certificate", "eligible"),
        ]
        assert verdicts[1].reasons == [AGE]
        assert verdicts[1].missing_facts == ["family.bpl"]

    def test_only_the_codes_asked_for(self, catalogue: Catalogue) -> None:
        """``codes`` limits the verdicts to those services, in the order asked."""
        verdicts = evaluate_all(catalogue, OLD_POOR, codes=["sj-old-age-pension", "rev-income-certificate"])
        assert [v.service for v in verdicts] == ["sj-old-age-pension", "rev-income-certificate"]

    def test_unknown_code_among_those_asked_for(self, catalogue: Catalogue) -> None:
        """An unknown code in ``codes`` raises ``UnknownService``."""
        with pytest.raises(UnknownService):
            evaluate_all(catalogue, OLD_POOR, codes=["rev-income-certificate", "nope"])

    def test_shared_rules_keep_their_own_reasons(self, data: Data) -> None:
        """Two services with the same rule but different reasons each give their own reason."""
        data["services"][0]["eligibility"] = [
            rule("member.age", ">=", 60, "Seniors only (A).", "केवल वरिष्ठ (अ)।")
        ]
        data["services"][2]["eligibility"] = [
            rule("member.age", ">=", 60, "Seniors only (B).", "केवल वरिष्ठ (ब)।")
        ]
        verdicts = evaluate_all(load(data), {"member.age": 20, "family.bpl": True})
        assert [[r.en for r in v.reasons] for v in verdicts] == [
            ["Seniors only (A)."],
            ["Only people aged 60 or more."],
            ["Seniors only (B)."],
        ]

    def test_results_are_not_shared_between_members(self, catalogue: Catalogue) -> None:
        """A second member's verdicts do not reuse the first member's rule results."""
        young = evaluate_all(catalogue, {"member.age": 20, "family.bpl": True})
        old = evaluate_all(catalogue, {"member.age": 70, "family.bpl": True})
        assert [v.status for v in young] != [v.status for v in old]

    def test_many_services(self, data: Data) -> None:
        """A catalogue of many services with shared and distinct rules gives the right verdict for each."""
        data["services"] = [
            service(
                f"svc-{n}",
                eligibility=[rule("member.age", ">=", n, f"Age {n} or more.", f"{n} वर्ष या अधिक।")],
            )
            for n in range(100)
        ]
        verdicts = evaluate_all(load(data), {"member.age": 42})
        assert [v.status for v in verdicts] == ["eligible"] * 43 + ["not_eligible"] * 57
        assert verdicts[43].reasons[0].en == "Age 43 or more."


class TestFamily:
    """``evaluate_family`` gives every member's verdicts, keyed by member ID."""

    def test_each_member_judged_on_their_own_facts(self, catalogue: Catalogue) -> None:
        """A grandmother gets the pension, her grandson does not, a member of unknown age is undetermined."""
        family = {
            "m1": {"member.age": 68, "family.bpl": True, "member.district": "bhopal"},
            "m2": {"member.age": 12, "family.bpl": True, "member.district": "bhopal"},
            "m3": {"family.bpl": True},
        }
        result = evaluate_family(catalogue, family)
        assert list(result.members) == ["m1", "m2", "m3"]
        pension = {member: verdicts[1] for member, verdicts in result.members.items()}
        assert pension["m1"].status == "eligible"
        assert (pension["m2"].status, pension["m2"].reasons) == ("not_eligible", [AGE])
        assert (pension["m3"].status, pension["m3"].missing_facts) == ("undetermined", ["member.age"])
        assert all(len(verdicts) == 3 for verdicts in result.members.values())

    def test_empty_family(self, catalogue: Catalogue) -> None:
        """No members, no verdicts."""
        assert evaluate_family(catalogue, {}).members == {}
