"""Rules that read the form: ``form.<field>`` facts typed by the field, checked when the catalogue loads,
"undetermined, tell us <label>" before the form is filled, and decided from the submitted answers."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue import evaluate_all, evaluate_service
from catalogue.facts import form_values
from tests.catalogue.samples import Data, dump, line_of, load, problems, rule, text

SONS = {
    "name": "sons",
    "label": text("Number of living sons", "जीवित पुत्रों की संख्या"),
    "type": "number",
    "min": 0,
    "max": 15,
}
CATEGORY = {
    "name": "category",
    "label": text("Category", "श्रेणी"),
    "type": "choice",
    "choices": [
        {"value": "elderly", "label": text("Elderly", "वृद्ध")},
        {"value": "widow", "label": text("Widow", "विधवा")},
    ],
}
DESTITUTE = {"name": "destitute", "label": text("I am destitute", "मैं निराश्रित हूँ"), "type": "boolean"}
LAND = {"name": "land", "label": text("Land (hectare)", "भूमि (हेक्टेयर)"), "type": "number", "min": 0}


def with_form(data: Data, *fields: dict[str, Any], rules: list[dict[str, Any]]) -> Data:
    """The pension service (services[1]) with ``fields`` added to its form and ``rules`` as its rules."""
    pension = data["services"][1]
    pension["form"] = [*pension["form"], *fields]
    pension["eligibility"] = rules
    return data


class TestTyped:
    """A form fact has the kind of its field: number, named values of a choice, or true/false."""

    def test_number_choice_and_boolean_fields(self, data: Data) -> None:
        """Each kind of readable field compiles, and the verdict follows the answers."""
        catalogue = load(
            with_form(
                data,
                SONS,
                CATEGORY,
                DESTITUTE,
                rules=[
                    rule("form.sons", "==", 0, "Daughters only."),
                    rule("form.category", "in", ["elderly"], "Elderly only."),
                    rule("form.destitute", "==", True, "Destitute only."),
                ],
            )
        )
        answers = {"form.sons": 0, "form.category": "elderly", "form.destitute": True}
        assert evaluate_service(catalogue, "sj-old-age-pension", answers).status == "eligible"
        refused = evaluate_service(catalogue, "sj-old-age-pension", {**answers, "form.sons": 1})
        assert [r.en for r in refused.reasons] == ["Daughters only."]

    def test_decimal_numbers(self, data: Data) -> None:
        """Number fields may hold decimals (land in hectares), and so may the rule's value."""
        catalogue = load(with_form(data, LAND, rules=[rule("form.land", "<", 2.0234, "Under five acres.")]))
        assert evaluate_service(catalogue, "sj-old-age-pension", {"form.land": 2.02}).status == "eligible"
        assert evaluate_service(catalogue, "sj-old-age-pension", {"form.land": 8.1}).status == "not_eligible"

    @pytest.mark.parametrize(
        ("field", "raw", "path", "message"),
        [
            (CATEGORY, rule("form.category", "==", "orphan", "x"), ".value",
             "'orphan' is not one of: elderly, widow"),
            (SONS, rule("form.sons", "==", "none", "x"), ".value", "must be a number (fact form.sons)"),
            (SONS, rule("form.sons", "<", -1, "x"), ".value", "must be at least 0 (fact form.sons)"),
            (DESTITUTE, rule("form.destitute", ">", 0, "x"), ".op",
             "'>' compares numbers, but form.destitute is true or false"),
        ],
    )  # fmt: skip
    def test_values_checked_against_the_field(
        self, data: Data, field: dict[str, Any], raw: dict[str, Any], path: str, message: str
    ) -> None:
        """A value outside the field's choices or bounds, or an operator unfit for its kind, is refused."""
        found = problems(with_form(data, field, rules=[raw]))
        assert len(found) == 1
        assert found[0].path == f"services[1].eligibility[0]{path}"
        assert message in found[0].message


class TestRefusedAtLoad:
    """A rule naming a form field the service does not have, or cannot read, stops the load at its line."""

    def test_unknown_form_field(self, data: Data) -> None:
        """``form.sons`` on a service without that field: file, line, and the form facts there are."""
        data = with_form(data, DESTITUTE, rules=[rule("form.sons", "==", 0, "Daughters only.")])
        text_ = dump(data)
        found = problems(text_)
        assert len(found) == 1
        assert (found[0].path, found[0].line) == (
            "services[1].eligibility[0].fact",
            line_of(text_, "form.sons"),
        )
        assert found[0].message == (
            "unknown fact 'form.sons': the service's form has no such field that rules can read "
            "(facts of its form: form.destitute)"
        )

    def test_another_services_field_is_unknown(self, data: Data) -> None:
        """Form facts belong to their own service: another service's field is not one."""
        data = with_form(data, SONS, rules=[rule("form.sons", "==", 0, "Daughters only.")])
        data["services"][0]["eligibility"] = [rule("form.sons", "==", 0, "Daughters only.")]
        assert [p.path for p in problems(data)] == ["services[0].eligibility[0].fact"]

    def test_text_field_cannot_be_read(self, data: Data) -> None:
        """Text fields hold free text, not facts; the message says which fields rules read."""
        data = with_form(data, rules=[rule("form.purpose", "==", "x", "Purpose.")])
        message = problems(data)[0].message
        assert message == (
            "unknown fact 'form.purpose': rules read number, choice and yes/no (boolean) fields, "
            "and this field is a text field"
        )

    def test_a_field_read_by_a_rule_is_required(self, data: Data) -> None:
        """Left empty, the rule could not be decided, so the field must be required."""
        data = with_form(
            data, {**SONS, "required": False}, rules=[rule("form.sons", "==", 0, "Daughters only.")]
        )
        found = problems(data)
        assert [(p.path, p.message) for p in found] == [
            ("services[1].form[1].required", "an eligibility rule reads this field: make it required")
        ]


class TestBeforeAndAfterTheForm:
    """Before the form is filled the verdict asks for the answer, by the field's label; after, it decides."""

    @pytest.fixture
    def catalogue(self, data: Data) -> Any:
        rules = [
            rule("member.age", ">=", 60, "Sixty or more."),
            rule("form.sons", "==", 0, "Daughters only.", "केवल पुत्रियाँ।"),
        ]
        return load(with_form(data, SONS, rules=rules))

    def test_undetermined_tells_us_the_label(self, catalogue: Any) -> None:
        """Registry facts pass, the form is not filled: undetermined, asking for the field by its label."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", {"member.age": 66})
        assert verdict.status == "undetermined"
        assert verdict.missing_facts == ["form.sons"]
        assert [(a.en, a.hi) for a in verdict.ask] == [("Number of living sons", "जीवित पुत्रों की संख्या")]

    def test_registry_facts_are_asked_by_their_description(self, catalogue: Any) -> None:
        """A missing registry fact is asked for in words too, beside the form's."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", {})
        assert verdict.missing_facts == ["member.age", "form.sons"]
        assert [a.en for a in verdict.ask] == ["age in years", "Number of living sons"]

    def test_a_failing_registry_fact_settles_it(self, catalogue: Any) -> None:
        """Too young: not eligible, whatever the form would say."""
        verdict = evaluate_service(catalogue, "sj-old-age-pension", {"member.age": 40})
        assert verdict.status == "not_eligible"

    def test_the_submitted_form_decides(self, catalogue: Any) -> None:
        """The answers of a checked form become facts; a son makes the applicant ineligible."""
        service = catalogue.service("sj-old-age-pension")
        facts = {"member.age": 66, **form_values(service.form, {"purpose": "pension", "sons": 1})}
        assert facts == {"member.age": 66, "form.sons": 1}
        verdict = evaluate_service(catalogue, service.code, facts)
        assert [r.hi for r in verdict.reasons] == ["केवल पुत्रियाँ।"]
        assert evaluate_service(catalogue, service.code, {**facts, "form.sons": 0}).status == "eligible"

    def test_whole_catalogue_without_a_form(self, catalogue: Any) -> None:
        """The family page judges every service from the registry alone: form facts stay unknown."""
        verdicts = {v.service: v for v in evaluate_all(catalogue, {"member.age": 70, "family.bpl": True})}
        assert verdicts["sj-old-age-pension"].status == "undetermined"
        assert verdicts["sj-old-age-pension"].missing_facts == ["form.sons"]


def test_form_values_keep_only_readable_answers(data: Data) -> None:
    """Text answers and empty answers are no facts."""
    service = load(with_form(data, SONS, DESTITUTE, rules=[])).service("sj-old-age-pension")
    values = form_values(service.form, {"purpose": "help", "sons": 2, "destitute": ""})
    assert values == {"form.sons": 2}
