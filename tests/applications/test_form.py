"""Form errors a citizen can read, and input read the way citizens type it."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.models import ChoiceOption, FormField, Text
from gateway.applications.errors import NotEligible
from gateway.applications.form import FormInvalid, FormProblem, check_form
from tests.applications.support import World

DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def field(name: str, en: str, hi: str, kind: str = "text", **rest: Any) -> FormField:
    return FormField(name=name, label=Text(en=en, hi=hi), type=kind, **rest)  # type: ignore[arg-type]


ACCOUNT = field("account", "Bank account number", "बैंक खाता संख्या", pattern="^[0-9]{9,18}$")
IFSC = field(
    "ifsc", "IFSC code", "आईएफएससी कोड", pattern="^[A-Z]{4}0[A-Z0-9]{6}$",
    hint=Text(en="write the 11-character IFSC code printed in the passbook",
              hi="पासबुक में छपा 11 अक्षरों का आईएफएससी कोड लिखें"),
)  # fmt: skip
INCOME = field("income", "Annual income (Rs)", "वार्षिक आय (₹)", "number", min=0, max=100000)
CHILDREN = field("children", "Number of children", "बच्चों की संख्या", "number", min=1)
BORN = field("born", "Date of birth", "जन्म तिथि", "date")
MOBILE = field("mobile", "Mobile number", "मोबाइल नंबर", "mobile")
AREA = field(
    "area", "Area", "क्षेत्र", "choice",
    choices=(ChoiceOption(value="rural", label=Text(en="Village", hi="ग्रामीण")),
             ChoiceOption(value="urban", label=Text(en="Town", hi="नगरीय"))),
)  # fmt: skip
DISABLED = field("disabled", "Has a disability", "दिव्यांगता है", "boolean")
ADDRESS = field("address", "Address", "पता", pattern="^.{10,300}$")
NOTE = field("note", "Note", "टिप्पणी", required=False)
ALL = (ACCOUNT, IFSC, INCOME, CHILDREN, BORN, MOBILE, AREA, DISABLED, ADDRESS, NOTE)
GOOD: dict[str, Any] = {
    "account": "123456789012",
    "ifsc": "SBIN0001234",
    "income": 60000,
    "children": 2,
    "born": "1990-05-01",
    "mobile": "9876543210",
    "area": "rural",
    "disabled": False,
    "address": "Ward 12, Bhopal",
}


def refused(**changes: Any) -> dict[str, FormProblem]:
    values = {k: v for k, v in {**GOOD, **changes}.items() if v is not ...}
    with pytest.raises(FormInvalid) as caught:
        check_form(ALL, values)
    return {p.field: p for p in caught.value.problems}


class TestDigitsAsCitizensTypeThem:
    """Devanagari digits are digits wherever digits are expected."""

    def test_every_kind_of_number(self) -> None:
        """An account number, a number, a date and a mobile number in ०-९ are read as 0-9."""
        typed = {
            **GOOD,
            "account": "123456789012".translate(DEVANAGARI),
            "income": "६०,०००",
            "children": "२",
            "born": "०१/०५/१९९०",
            "mobile": "९८७६५ ४३२१०",
        }
        assert check_form(ALL, typed) == GOOD

    def test_free_text_keeps_what_was_typed(self) -> None:
        """Text with no pattern of digits is kept as typed, digits and all."""
        assert check_form(ALL, {**GOOD, "note": "मकान नं. १२"})["note"] == "मकान नं. १२"

    def test_a_number_sent_as_text(self) -> None:
        """ "60000", "60,000" and "2.5" are numbers; "sixty" is not."""
        assert check_form(ALL, {**GOOD, "income": "60,000"})["income"] == 60000
        assert check_form(ALL, {**GOOD, "children": "2.5"})["children"] == 2.5
        assert refused(income="sixty")["form.income"].en == "Annual income (Rs): write a number, such as 42"


class TestReadableInput:
    """Dates, choices, yes and no, and capitals, as people write them."""

    @pytest.mark.parametrize("written", ["1990-05-01", "01/05/1990", "1/5/1990", "01-05-1990", "01.05.1990"])
    def test_dates_day_first_or_year_first(self, written: str) -> None:
        """A date is day/month/year (as written in India) or year-month-day."""
        assert check_form(ALL, {**GOOD, "born": written})["born"] == "1990-05-01"

    def test_a_choice_by_its_label(self) -> None:
        """A choice may be given by its value or by its label in either language."""
        for written in ("rural", "Rural", "Village", "ग्रामीण"):
            assert check_form(ALL, {**GOOD, "area": written})["area"] == "rural"

    @pytest.mark.parametrize(
        ("written", "meant"), [(True, True), ("yes", True), ("हाँ", True), ("नहीं", False)]
    )
    def test_yes_and_no(self, written: object, meant: bool) -> None:
        """A boolean is true or false, or yes or no in either language."""
        assert check_form(ALL, {**GOOD, "disabled": written})["disabled"] is meant

    def test_small_letters_where_capitals_are_asked(self) -> None:
        """An IFSC code typed in small letters is taken in capitals."""
        assert check_form(ALL, {**GOOD, "ifsc": "sbin0001234"})["ifsc"] == "SBIN0001234"


class TestReadableErrors:
    """Each error is led by the field's label and says what to write, in words, in both languages."""

    def test_a_pattern_of_digits_in_words(self) -> None:
        """A digit-count pattern becomes "write 9 to 18 digits"."""
        problem = refused(account="12-34")["form.account"]
        assert problem.en == "Bank account number: write 9 to 18 digits"
        assert problem.hi == "बैंक खाता संख्या: 9 से 18 अंक लिखें"

    def test_a_length_in_words(self) -> None:
        """A length pattern becomes "write 10 to 300 characters"."""
        problem = refused(address="Bhopal")["form.address"]
        assert (problem.en, problem.hi) == ("Address: write 10 to 300 characters", "पता: 10 से 300 अक्षर लिखें")

    def test_any_other_pattern_by_its_hint(self) -> None:
        """Another pattern is explained by the catalogue's hint."""
        problem = refused(ifsc="SBI12345")["form.ifsc"]
        assert problem.en == "IFSC code: write the 11-character IFSC code printed in the passbook"
        assert problem.hi == "आईएफएससी कोड: पासबुक में छपा 11 अक्षरों का आईएफएससी कोड लिखें"

    def test_limits_as_written(self) -> None:
        """Limits read as people write them: 100000, not 1e+05."""
        assert refused(income=250000)["form.income"].en == "Annual income (Rs): write 100000 or less"
        assert refused(children=0)["form.children"].hi == "बच्चों की संख्या: 1 या उससे अधिक लिखें"

    def test_choices_by_their_labels(self) -> None:
        """A wrong choice lists the labels to choose from, in each language."""
        problem = refused(area="city")["form.area"]
        assert problem.en == "Area: choose one of: Village, Town"
        assert problem.hi == "क्षेत्र: इनमें से एक चुनें: ग्रामीण, नगरीय"

    def test_missing_dates_mobiles_and_answers(self) -> None:
        """Each kind of field has its own instruction."""
        found = refused(mobile="12345", born="31/02/1990", disabled="maybe", account=...)
        assert found["form.account"].en == "Bank account number: fill this in"
        assert found["form.mobile"].hi == "मोबाइल नंबर: 6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर लिखें"
        assert found["form.born"].en == "Date of birth: there is no such date; check the day and the month"
        assert found["form.disabled"].hi == "दिव्यांगता है: हाँ या नहीं में उत्तर दें"
        assert refused(born="tomorrow")["form.born"].en.endswith("as day/month/year, such as 31/01/2024")

    def test_no_regular_expression_or_internal_name_in_any_message(self) -> None:
        """Whatever is wrong, no message shows a pattern or a ``form.`` path, and the Hindi is Devanagari."""
        found = refused(
            account="x", ifsc="x", income="x", children=-1, born="x", mobile="x", area="x", disabled="x",
            address="x",
        )  # fmt: skip
        assert len(found) == 9
        for problem in found.values():
            for message in (problem.en, problem.hi):
                assert not any(mark in message for mark in ("^", "$", "[", "{", "form."))
            assert any("\u0900" <= char <= "\u097f" for char in problem.hi)


class TestOrder:
    async def test_eligibility_before_the_form(self, world: World) -> None:
        """An ineligible applicant with a wrong form learns first that they are not eligible."""
        kiran = world.people.kiran  # ten years old: too young for a learner's licence
        with pytest.raises(NotEligible):
            await world.apply(kiran, vehicle_class="rocket", mobile="123")
