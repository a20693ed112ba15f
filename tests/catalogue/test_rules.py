"""The rule language: every operator, all/any/not under three-valued logic, and rules refused at load."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.rules import OPERATORS, CompiledRule, RuleProblem, compile_rule
from tests.catalogue.samples import rule, text

DISTRICTS = frozenset({"bhopal", "indore", "jabalpur"})
REASON = {"reason": text("Because.", "क्योंकि।")}


def compiled(raw: dict[str, Any], *, top_level: bool = False) -> CompiledRule:
    made, problems = compile_rule(raw, DISTRICTS, top_level=top_level)
    assert not problems, problems
    assert made is not None
    return made


def refused(raw: Any, *, top_level: bool = False) -> list[RuleProblem]:
    made, problems = compile_rule(raw, DISTRICTS, top_level=top_level)
    assert made is None
    assert problems
    return problems


def one_problem(raw: Any, *, top_level: bool = False) -> tuple[str, str]:
    problems = refused(raw, top_level=top_level)
    assert len(problems) == 1, problems
    return problems[0].path, problems[0].message


class TestComparisons:
    """Each operator compares a fact with the rule's value; a missing fact gives None, never a guess."""

    @pytest.mark.parametrize(
        ("fact", "op", "value", "actual", "expected"),
        [
            ("member.age", "==", 60, 60, True),
            ("member.age", "==", 60, 61, False),
            ("member.bpl", "==", True, True, True),
            ("member.bpl", "==", True, False, False),
            ("member.gender", "==", "female", "female", True),
            ("member.gender", "==", "female", "male", False),
            ("member.age", "!=", 60, 61, True),
            ("member.age", "!=", 60, 60, False),
            ("member.gender", "!=", "male", "female", True),
            ("member.age", "<", 18, 17, True),
            ("member.age", "<", 18, 18, False),
            ("member.age", "<=", 18, 18, True),
            ("member.age", "<=", 18, 19, False),
            ("member.age", ">", 59, 60, True),
            ("member.age", ">", 59, 59, False),
            ("member.age", ">=", 60, 60, True),
            ("member.age", ">=", 60, 59, False),
            ("family.annual_income", "<", 250_000, 249_999, True),
            ("family.annual_income", "<", 250_000, 250_000, False),
            ("member.social_category", "in", ["sc", "st"], "st", True),
            ("member.social_category", "in", ["sc", "st"], "obc", False),
            ("member.district", "in", ["bhopal", "indore"], "indore", True),
            ("member.district", "in", ["bhopal", "indore"], "jabalpur", False),
            ("member.social_category", "not in", ["general"], "obc", True),
            ("member.social_category", "not in", ["general"], "general", False),
            ("member.district", "not in", ["bhopal"], "indore", True),
            ("member.age", "between", [18, 40], 18, True),
            ("member.age", "between", [18, 40], 40, True),
            ("member.age", "between", [18, 40], 29, True),
            ("member.age", "between", [18, 40], 17, False),
            ("member.age", "between", [18, 40], 41, False),
        ],
    )
    def test_operator(self, fact: str, op: str, value: Any, actual: Any, expected: bool) -> None:
        """The comparison holds exactly when it should, boundaries included."""
        assert compiled(rule(fact, op, value)).evaluate({fact: actual}) is expected

    @pytest.mark.parametrize(
        ("fact", "op", "value"),
        [
            ("member.age", "==", 60),
            ("member.age", "!=", 60),
            ("member.age", "<", 60),
            ("member.age", "<=", 60),
            ("member.age", ">", 60),
            ("member.age", ">=", 60),
            ("member.gender", "in", ["female"]),
            ("member.gender", "not in", ["female"]),
            ("member.age", "between", [18, 60]),
        ],
    )
    def test_missing_fact_is_unknown(self, fact: str, op: str, value: Any) -> None:
        """Whatever the operator, an absent or None fact gives None: not true, and not false either."""
        made = compiled(rule(fact, op, value))
        assert made.evaluate({}) is None
        assert made.evaluate({fact: None}) is None
        assert made.missing({"member.bpl": True}) == [fact]

    def test_every_operator_is_covered(self) -> None:
        """The operators tested above are all the language has."""
        assert set(OPERATORS) == {"==", "!=", "<", "<=", ">", ">=", "in", "not in", "between"}

    def test_whole_number_written_as_float(self) -> None:
        """``60.0`` is a whole number and is accepted for an integer fact."""
        assert compiled(rule("member.age", ">=", 60.0)).evaluate({"member.age": 60}) is True


# A rule that is True, False or unknown (None) depending on the facts given.
TRUE_WHEN = {True: 30, False: 10, None: None}


def leaf(fact: str) -> dict[str, Any]:
    return rule(fact, ">=", 18)


def facts_for(*values: bool | None) -> dict[str, Any]:
    """Facts making ``leaf(member.age)``, ``leaf(member.residence_years)``, ... take the given values."""
    names = ("member.age", "member.residence_years", "member.disability_percent")
    return {name: TRUE_WHEN[v] for name, v in zip(names, values, strict=False) if v is not None}


T, F, U = True, False, None
PAIRS = [(a, b) for a in (T, F, U) for b in (T, F, U)]


def kleene_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def kleene_or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


class TestCombinations:
    """``all``, ``any`` and ``not`` follow Kleene's three-valued logic: unknown only when it matters."""

    @pytest.mark.parametrize(("a", "b"), PAIRS)
    def test_all(self, a: bool | None, b: bool | None) -> None:
        """``all`` is false if any part is false, unknown if none is false but one is unknown, else true."""
        made = compiled({"all": [leaf("member.age"), leaf("member.residence_years")]})
        assert made.evaluate(facts_for(a, b)) is kleene_and(a, b)

    @pytest.mark.parametrize(("a", "b"), PAIRS)
    def test_any(self, a: bool | None, b: bool | None) -> None:
        """``any`` is true if any part is true, unknown if none is true but one is unknown, else false."""
        made = compiled({"any": [leaf("member.age"), leaf("member.residence_years")]})
        assert made.evaluate(facts_for(a, b)) is kleene_or(a, b)

    @pytest.mark.parametrize(("a", "expected"), [(T, F), (F, T), (U, U)])
    def test_not(self, a: bool | None, expected: bool | None) -> None:
        """``not`` swaps true and false and leaves unknown unknown."""
        assert compiled({"not": leaf("member.age")}).evaluate(facts_for(a)) is expected

    def test_not_in_with_unknown_is_unknown(self) -> None:
        """``!=`` and ``not in`` on a missing fact are unknown, not vacuously true."""
        assert compiled({"not": rule("member.gender", "in", ["male"])}).evaluate({}) is None

    @pytest.mark.parametrize(
        ("a", "b", "c"), [(a, b, c) for a in (T, F, U) for b in (T, F, U) for c in (T, F, U)]
    )
    def test_nested(self, a: bool | None, b: bool | None, c: bool | None) -> None:
        """``any(a, all(b, not c))`` composes the three operators correctly."""
        made = compiled(
            {
                "any": [
                    leaf("member.age"),
                    {"all": [leaf("member.residence_years"), {"not": leaf("member.disability_percent")}]},
                ]
            }
        )
        not_c = None if c is None else not c
        assert made.evaluate(facts_for(a, b, c)) is kleene_or(a, kleene_and(b, not_c))

    def test_facts_are_listed_once_in_order(self) -> None:
        """A combination reads each fact once, in order of first use; ``missing`` names only absent ones."""
        made = compiled(
            {"any": [leaf("member.age"), {"all": [leaf("member.residence_years"), leaf("member.age")]}]}
        )
        assert made.facts == ("member.age", "member.residence_years")
        assert made.missing({"member.age": 20}) == ["member.residence_years"]

    def test_identical_rules_share_a_key(self) -> None:
        """Rules written the same way have the same key (their result is shared); others do not."""
        a = compiled({**rule("member.age", ">=", 60), **REASON}, top_level=True)
        b = compiled({**rule("member.age", ">=", 60), "reason": text("Other.", "अन्य।")}, top_level=True)
        c = compiled(rule("member.age", ">=", 61))
        d = compiled(rule("member.age", ">", 60))
        e = compiled({"not": rule("member.age", ">=", 60)})
        assert a.key == b.key
        assert len({a.key, c.key, d.key, e.key}) == 4

    def test_reason_is_kept_on_top_level_rules(self) -> None:
        """A top-level rule carries its reason in both languages."""
        made = compiled({"all": [leaf("member.age")], **REASON}, top_level=True)
        assert made.reason is not None
        assert (made.reason.en, made.reason.hi) == ("Because.", "क्योंकि।")


class TestRefusedAtLoad:
    """A rule that could not be evaluated correctly is refused when compiled, with its path in the rule."""

    @pytest.mark.parametrize(
        ("raw", "path", "message"),
        [
            (rule("member.age", ">=", "sixty"), ".value", "must be a whole number (fact member.age)"),
            (rule("member.age", ">=", 60.5), ".value", "must be a whole number (fact member.age)"),
            (rule("member.age", ">=", True), ".value", "must be a whole number (fact member.age)"),
            (rule("member.age", "<=", 200), ".value", "must be at most 130 (fact member.age)"),
            (rule("member.bpl", "==", "yes"), ".value", "must be true or false (fact member.bpl)"),
            (
                rule("member.gender", "==", "mail"),
                ".value",
                "'mail' is not one of: male, female, transgender",
            ),
            (rule("member.gender", "in", ["female", "f"]), ".value[1]", "'f' is not one of"),
            (
                rule("member.district", "in", ["atlantis"]),
                ".value[0]",
                "'atlantis' is not a declared district",
            ),
            (rule("member.gender", "in", "female"), ".value", "must be a non-empty list"),
            (rule("member.gender", "in", []), ".value", "must be a non-empty list"),
            (rule("member.age", "between", [18]), ".value", "must be a list [low, high]"),
            (rule("member.age", "between", [18, 40, 60]), ".value", "must be a list [low, high]"),
            (rule("member.age", "between", [60, 18]), ".value", "low 60 is above high 18"),
            (rule("member.age", "between", [18, "x"]), ".value[1]", "must be a whole number"),
        ],
    )
    def test_wrong_value(self, raw: dict[str, Any], path: str, message: str) -> None:
        """A value of the wrong type or outside the fact's values is refused, naming where in the rule."""
        found_path, found = one_problem(raw)
        assert found_path == path
        assert message in found

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            (rule("member.age", "=~", 60), "unknown operator '=~'; use one of: ==, !=, <, <=, >, >=, in"),
            ({"fact": "member.age", "value": 60}, "unknown operator 'None'"),
            (
                rule("member.gender", "<", "male"),
                "'<' compares numbers, but member.gender is one of named values; use",
            ),
            (
                rule("member.bpl", "between", [0, 1]),
                "'between' compares numbers, but member.bpl is true or false; use ==",
            ),
            (
                rule("member.age", "in", [60]),
                "'in' needs a fact with named values, but member.age is a whole number",
            ),
        ],
    )
    def test_wrong_operator(self, raw: dict[str, Any], message: str) -> None:
        """An unknown operator, or one that does not fit the fact's type, is refused at ``.op``."""
        path, found = one_problem(raw)
        assert path == ".op"
        assert message in found

    def test_code_in_a_value_is_only_text(self) -> None:
        """A value that looks like Python is only a string, refused as an unknown code, never run."""
        path, message = one_problem(rule("member.gender", "==", "__import__('os').system('true')"))
        assert path == ".value"
        assert "is not one of" in message

    @pytest.mark.parametrize(
        ("raw", "path", "message"),
        [
            (rule("member.salary", ">", 1), ".fact", "unknown fact 'member.salary'"),
            (rule("age", ">", 1), ".fact", "unknown fact 'age'"),
            ({"fact": "member.age", "op": ">"}, ".value", "missing value"),
            ("member.age > 60", "", "a rule must be a mapping"),
            ({"op": ">", "value": 1}, "", "a rule needs exactly one of: fact, all, any, not"),
            ({"all": [leaf("member.age")], "any": [leaf("member.age")]}, "", "exactly one of"),
            ({"all": []}, ".all", "must be a non-empty list of rules"),
            ({"any": leaf("member.age")}, ".any", "must be a non-empty list of rules"),
            ({**rule("member.age", ">", 1), "when": "always"}, ".when", "unknown field 'when'"),
            ({"not": [leaf("member.age")]}, ".not", "a rule must be a mapping"),
        ],
    )
    def test_wrong_shape(self, raw: Any, path: str, message: str) -> None:
        """Unknown facts, missing parts, unknown keys and wrong nesting are refused with their path."""
        found_path, found = one_problem(raw)
        assert found_path == path
        assert message in found

    def test_problem_deep_inside_a_combination(self) -> None:
        """The path leads to the faulty comparison inside ``any`` and ``not``."""
        raw = {"any": [leaf("member.age"), {"not": rule("member.gender", "==", "x")}]}
        assert one_problem(raw)[0] == ".any[1].not.value"

    def test_every_problem_of_a_rule_at_once(self) -> None:
        """Two faulty parts of one combination are both reported."""
        raw = {"all": [rule("member.salary", ">", 1), leaf("member.age"), rule("member.age", "~", 1)]}
        assert [(p.path, p.message.split(" '")[0]) for p in refused(raw)] == [
            (".all[0].fact", "unknown fact"),
            (".all[2].op", "unknown operator"),
        ]

    def test_top_level_rule_needs_a_reason(self) -> None:
        """A top-level rule without a reason is refused; nested rules need none."""
        assert one_problem(leaf("member.age"), top_level=True) == (
            ".reason",
            "a top-level rule needs a reason in en and hi",
        )
        compiled({"all": [leaf("member.age")], **REASON}, top_level=True)

    def test_reason_needs_both_languages(self) -> None:
        """A reason in English only is refused."""
        path, message = one_problem({**leaf("member.age"), "reason": {"en": "Adults."}}, top_level=True)
        assert path == ".reason"
        assert "hi" in message
