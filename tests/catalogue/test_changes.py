"""What changed in a service between two definitions, named in English and Hindi (``catalogue.changes``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from catalogue import Catalogue
from catalogue.changes import definition, definition_digest, definitions, rule_expression, service_changes
from catalogue.models import Text
from tests.building import shipped_catalogue

LEARNER = "tr-learner-licence"


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return shipped_catalogue()


@pytest.fixture
def before(shipped: Catalogue) -> dict[str, Any]:
    return definition(shipped.service(LEARNER))


def _names(shipped: Catalogue) -> dict[str, Text]:
    return {code: kind.name for code, kind in shipped.document_types.items()}


def test_a_service_compared_with_itself_has_no_changes(shipped: Catalogue, before: dict[str, Any]) -> None:
    again = definition(shipped.service(LEARNER))
    assert service_changes(before, again) == []
    assert definition_digest(before) == definition_digest(again) == definitions(shipped)[LEARNER].digest


def test_the_fee_and_the_time_limit_before_and_after_in_both_languages(before: dict[str, Any]) -> None:
    after = copy.deepcopy(before)
    after["fee"] = {"amount_inr": 300}
    after["guarantee"]["time_limit"] = {"days": 7, "unit": "working_days"}
    changes = {c.aspect: c for c in service_changes(before, after)}
    fee, limit = changes["fee"], changes["time_limit"]
    assert fee.before is not None and fee.before.en.startswith("Rs 200") and fee.before.hi.startswith("₹200")
    assert fee.after == Text(en="Rs 300", hi="₹300")
    assert fee.title == Text(en="Fee", hi="शुल्क")
    assert limit.before == Text(en="the same day", hi="उसी दिन")
    assert limit.after == Text(en="7 working days", hi="7 कार्य दिवस")
    assert set(changes) == {"fee", "time_limit"}


def test_a_service_leaving_the_guarantee_act_shows_no_time_limit(before: dict[str, Any]) -> None:
    after = copy.deepcopy(before)
    after["guarantee"] = {"covered": False, "note": {"en": "a scheme", "hi": "एक योजना"}}
    changes = service_changes(before, after)
    limit = next(c for c in changes if c.aspect == "time_limit")
    assert limit.after is not None and "no time limit" in limit.after.en and "गारंटी" in limit.after.hi
    # The note is part of the guarantee but not of its limit: summed up among the other changes.
    assert changes[-1].aspect == "other" and changes[-1].after == Text(en="guarantee", hi="guarantee")


def test_a_rule_changed_under_the_same_reason_is_one_change(before: dict[str, Any]) -> None:
    after = copy.deepcopy(before)
    after["eligibility"][0]["value"] = 18
    (change,) = service_changes(before, after)
    assert change.aspect == "rules"
    assert change.before is not None and change.before.en.startswith("member.age >= 16: ")
    assert change.after is not None and change.after.en.startswith("member.age >= 18: ")
    assert change.after.hi.startswith("member.age >= 18: न्यूनतम आयु")


def test_rules_added_and_removed(before: dict[str, Any]) -> None:
    after = copy.deepcopy(before)
    added = {
        "any": [{"fact": "family.bpl", "op": "==", "value": True}, {"fact": "member.category", "op": "in",
                                                                     "value": ["sc", "st"]}],
        "reason": {"en": "BPL or SC/ST only", "hi": "केवल बीपीएल या अजा/अजजा"},
    }  # fmt: skip
    after["eligibility"] = [added]
    changes = service_changes(before, after)
    assert [(c.before is None, c.after is None) for c in changes] == [(False, True), (True, False)]
    assert changes[1].after == Text(
        en="any(family.bpl == true, member.category in [sc, st]): BPL or SC/ST only",
        hi="any(family.bpl == true, member.category in [sc, st]): केवल बीपीएल या अजा/अजजा",
    )


def test_documents_added_removed_and_made_optional_by_their_names(
    shipped: Catalogue, before: dict[str, Any]
) -> None:
    after = copy.deepcopy(before)
    after["documents"] = [
        {"type": "age_proof", "required": False},
        *[d for d in after["documents"] if d["type"] not in ("aadhaar", "age_proof")],
        {"type": "caste_certificate", "required": True},
    ]
    changes = service_changes(before, after, _names(shipped))
    shown = [(c.before and c.before.en, c.after and c.after.en) for c in changes]
    assert shown == [
        ("Aadhaar card (required)", None),
        (f"{shipped.document_types['age_proof'].name.en} (required)",
         f"{shipped.document_types['age_proof'].name.en} (optional)"),
        (None, "Caste certificate (required)"),
    ]  # fmt: skip
    assert changes[0].before is not None and changes[0].before.hi == "आधार कार्ड (अनिवार्य)"
    assert {c.aspect for c in changes} == {"documents"}


def test_officers_and_appellate_authorities(before: dict[str, Any]) -> None:
    after = copy.deepcopy(before)
    after["designated_officer"] = {"en": "District Transport Officer", "hi": "जिला परिवहन अधिकारी"}
    after["first_appeal"]["decide_days"] = 30
    after["second_appeal"] = None
    changes = service_changes(before, after)
    assert [c.aspect for c in changes] == ["designated_officer", "appellate_authority", "appellate_authority"]
    officer, first, second = changes
    assert officer.after == Text(en="District Transport Officer", hi="जिला परिवहन अधिकारी")
    assert first.after is not None and first.after.en.startswith("Collector, decides within 30 days")
    assert first.after.hi.startswith("कलेक्टर, 30 दिन में निर्णय")
    assert second.title.hi == "द्वितीय अपीलीय अधिकारी" and second.after is None


def test_form_fields_and_other_parts(before: dict[str, Any]) -> None:
    after = copy.deepcopy(before)
    after["form"] = [f for f in after["form"] if f["name"] != "preferred_test_date"]
    after["description"] = {"en": "Changed.", "hi": "बदला।"}
    after["channels"] = ["online"]
    changes = service_changes(before, after)
    assert [c.aspect for c in changes] == ["form", "other"]
    assert changes[0].before == Text(
        en="Preferred test date (date, required)", hi="परीक्षा की पसंदीदा तिथि (date, अनिवार्य)"
    )
    assert changes[1].after == Text(en="channels, description", hi="channels, description")


def test_an_old_definition_without_a_later_field_is_still_compared(before: dict[str, Any]) -> None:
    """A definition kept before a field existed reads as that field being absent, not as an error."""
    old = {k: v for k, v in before.items() if k not in ("also_known_as", "first_appeal")}
    changes = service_changes(old, before)
    assert [c.aspect for c in changes] == ["appellate_authority", "other"]
    assert changes[0].before is None and changes[1].after == Text(en="also_known_as", hi="also_known_as")


def test_rule_expressions_read_like_the_rules() -> None:
    rule = {"not": {"all": [{"fact": "member.age", "op": "between", "value": [18, 60]}]}}
    assert rule_expression(rule) == "not(all(member.age between [18, 60]))"
