"""seva's compiled rules against CEL: the same rules, the same facts, the same verdicts, timed side by side.

Every rule of the catalogue (the real one, and one of 2,000 services cloned from it) is translated into a
CEL expression and compiled once with each engine:

- ``seva``: ``catalogue.rules.compile_rule``, closures over plain values;
- ``cel-expr-python`` (Google's C++ runtime, ``from cel_expr_python import cel``), with every fact declared
  as a typed variable (``member.age: int``), so expressions are type-checked when compiled;
- ``cel-python`` (``celpy``, pure Python), interpreted and transpiled to Python.

A missing fact makes CEL raise an error, and CEL's ``&&`` and ``||`` absorb errors the way Kleene logic
absorbs "unknown" (``false && error`` is ``false``), so an error result is read as "undetermined". Before
timing, the script checks that every engine gives seva's answer for every rule and several members, some
with missing facts. Then it times one evaluation, and the verdicts of one member across the catalogue
built the way ``catalogue.eligibility.evaluate_all`` builds them (each distinct rule evaluated once).

    .venv/bin/python bench/rules_cel.py [--catalogue catalogue.yaml] [--services 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# First: it makes `catalogue` below the package rather than bench/catalogue.py (see its docstring).
from synthetic_catalogue import FAMILY, MEMBER, generate_yaml, time_calls  # isort: skip

import celpy
from cel_expr_python import cel
from celpy.celparser import CELParser

from catalogue import Catalogue, ServiceVerdict, evaluate_all, load_catalogue
from catalogue.facts import FACTS
from catalogue.models import Text
from catalogue.rules import compile_rule

Facts = Mapping[str, Any]
Result = bool | None


# ---------------------------------------------------------------------------------------------------------
# Translation of seva rules into CEL


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value))
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    raise TypeError(f"no CEL literal for {value!r}")


def to_cel(rule: Mapping[str, Any]) -> str:
    """The CEL expression of one seva rule (without its reason)."""
    if "all" in rule:
        return "(" + " && ".join(to_cel(r) for r in rule["all"]) + ")"
    if "any" in rule:
        return "(" + " || ".join(to_cel(r) for r in rule["any"]) + ")"
    if "not" in rule:
        return f"!({to_cel(rule['not'])})"
    fact, op, value = rule["fact"], rule["op"], rule["value"]
    if op == "in":
        return f"{fact} in {_literal(value)}"
    if op == "not in":
        return f"!({fact} in {_literal(value)})"
    if op == "between":
        low, high = value
        return f"({fact} >= {_literal(low)} && {fact} <= {_literal(high)})"
    return f"{fact} {op} {_literal(value)}"


# ---------------------------------------------------------------------------------------------------------
# The engines: each compiles a CEL text once and evaluates it against one member's facts


_CEL_TYPES = {
    "int": cel.Type.INT,
    "bool": cel.Type.BOOL,
    "enum": cel.Type.STRING,
    "district": cel.Type.STRING,
}


class CelExpr:
    """Google's CEL runtime; facts are typed variables, so a wrong type fails at compile time."""

    name = "cel-expr-python"

    def __init__(self) -> None:
        self.env = cel.NewEnv(variables={name: _CEL_TYPES[fact.kind] for name, fact in FACTS.items()})

    def compile(self, text: str) -> Any:
        return self.env.compile(text)

    def bind(self, facts: Facts) -> Any:
        """One activation per member, shared by every rule evaluated for that member."""
        return self.env.Activation(dict(facts))

    @staticmethod
    def run(program: Any, bound: Any) -> Result:
        value = program.eval(bound).value()  # an error comes back as its message, a str
        return value if value is True or value is False else None


class CelPy:
    """cel-python: parses with Lark, then interprets the tree or transpiles it into Python."""

    def __init__(self, compiled: bool) -> None:
        self.name = "cel-python, transpiled" if compiled else "cel-python, interpreted"
        CELParser.CEL_PARSER = None  # the parser is cached per class with the tree type of its first user
        runner = celpy.CompiledRunner if compiled else celpy.InterpretedRunner
        self.env = celpy.Environment(runner_class=runner)

    def compile(self, text: str) -> Any:
        return self.env.program(self.env.compile(text))

    @staticmethod
    def bind(facts: Facts) -> Any:
        nested: dict[str, dict[str, Any]] = {"member": {}, "family": {}}
        for name, value in facts.items():
            scope, _, field = name.partition(".")
            nested[scope][field] = value
        return {scope: celpy.json_to_cel(values) for scope, values in nested.items()}

    @staticmethod
    def run(program: Any, bound: Any) -> Result:
        try:
            value = program.evaluate(bound)
        except celpy.CELEvalError:
            return None
        return bool(value) if isinstance(value, celpy.celtypes.BoolType) else None


Engine = CelExpr | CelPy


@dataclass(frozen=True, slots=True)
class CelRule:
    """One top-level rule compiled by a CEL engine, with what seva's verdicts need beside it."""

    key: str
    program: Any
    facts: tuple[str, ...]
    reason: Text


def compile_catalogue(engine: Engine, catalogue: Catalogue) -> tuple[dict[str, list[CelRule]], float]:
    """Every rule of every service compiled, as the loader compiles them; and the seconds it took."""
    compiled: dict[str, list[CelRule]] = {}
    start = time.perf_counter()
    for service in catalogue.services:
        rules = []
        for raw, seva_rule in zip(service.eligibility, catalogue.rules[service.code], strict=True):
            text = to_cel(raw)
            assert seva_rule.reason is not None
            rules.append(CelRule(text, engine.compile(text), seva_rule.facts, seva_rule.reason))
        compiled[service.code] = rules
    return compiled, time.perf_counter() - start


def cel_evaluate_all(
    engine: Engine, compiled: dict[str, list[CelRule]], facts: Facts, *, shared: bool = True
) -> list[ServiceVerdict]:
    """``evaluate_all`` with CEL doing the evaluation: the same verdicts, built the same way.

    With ``shared`` each distinct rule is evaluated once, as ``evaluate_all`` does; without, every rule
    of every service is evaluated, which is the cost when no two services share a rule.
    """
    bound = engine.bind(facts)
    run = engine.run
    memo: dict[str, Result] = {}
    verdicts = []
    for code, rules in compiled.items():
        reasons: list[Text] = []
        missing: list[str] = []
        for rule in rules:
            key = rule.key
            if shared and key in memo:
                result = memo[key]
            else:
                result = memo[key] = run(rule.program, bound)
            if result is False:
                reasons.append(rule.reason)
            elif result is None:
                missing.extend(n for n in rule.facts if facts.get(n) is None and n not in missing)
        status = "not_eligible" if reasons else "undetermined" if missing else "eligible"
        verdicts.append(ServiceVerdict(service=code, status=status, reasons=reasons, missing_facts=missing))
    return verdicts


# ---------------------------------------------------------------------------------------------------------
# Members to check agreement with


def sample_members(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """MEMBER, the family of six, and random members with about a fifth of their facts unknown."""
    rng = random.Random(seed)
    members: list[dict[str, Any]] = [dict(MEMBER), *(dict(f) for f in FAMILY.values()), {}]
    for _ in range(count):
        facts: dict[str, Any] = {}
        for name, fact in FACTS.items():
            if rng.random() < 0.2:
                continue
            if fact.kind == "int":
                top = fact.maximum if fact.maximum is not None else 500_000
                facts[name] = rng.randint(fact.minimum or 0, top)
            elif fact.kind == "bool":
                facts[name] = rng.random() < 0.5
            elif fact.kind == "enum":
                facts[name] = rng.choice(fact.values)
            else:
                facts[name] = rng.choice(["bhopal", "indore", "jabalpur", "gwalior", "sagar", "rewa", "dhar"])
        members.append(facts)
    return members


def check_agreement(engine: Engine, catalogue: Catalogue, members: list[dict[str, Any]]) -> int:
    """Compare every distinct rule under every member with seva; return how many results were compared."""
    seen: dict[str, tuple[Any, Callable[[Facts], Result]]] = {}
    for service in catalogue.services:
        for raw, seva_rule in zip(service.eligibility, catalogue.rules[service.code], strict=True):
            text = to_cel(raw)
            if text not in seen:
                seen[text] = (engine.compile(text), seva_rule.evaluate)
    compared = 0
    for facts in members:
        bound = engine.bind(facts)
        for text, (program, seva) in seen.items():
            ours, theirs = seva(facts), engine.run(program, bound)
            if ours is not theirs:
                raise AssertionError(
                    f"{engine.name} disagrees on {text} for {facts}: {ours} against {theirs}"
                )
            compared += 1
    return compared


# ---------------------------------------------------------------------------------------------------------
# Measurements


def per_evaluation(engine: Engine | None, catalogue: Catalogue, rounds: int) -> float:
    """Mean seconds of one evaluation of one rule for MEMBER, over every distinct rule of the catalogue."""
    rules: dict[str, Any] = {}
    for service in catalogue.services:
        for raw, seva_rule in zip(service.eligibility, catalogue.rules[service.code], strict=True):
            text = to_cel(raw)
            if text not in rules:
                rules[text] = seva_rule.evaluate if engine is None else engine.compile(text)
    if engine is None:
        evaluators = list(rules.values())
        start = time.perf_counter()
        for _ in range(rounds):
            for evaluate in evaluators:
                evaluate(MEMBER)
    else:
        programs, run, bound = list(rules.values()), engine.run, engine.bind(MEMBER)
        start = time.perf_counter()
        for _ in range(rounds):
            for program in programs:
                run(program, bound)
    return (time.perf_counter() - start) / (rounds * len(rules))


def seva_evaluate_every_rule(catalogue: Catalogue, facts: Facts) -> list[ServiceVerdict]:
    """``evaluate_all`` without sharing results between services: every rule of every service evaluated."""
    verdicts = []
    for code, rules in catalogue.rules.items():
        reasons: list[Text] = []
        missing: list[str] = []
        for rule in rules:
            result = rule.evaluate(facts)
            if result is False:
                assert rule.reason is not None
                reasons.append(rule.reason)
            elif result is None:
                missing.extend(n for n in rule.missing(facts) if n not in missing)
        status = "not_eligible" if reasons else "undetermined" if missing else "eligible"
        verdicts.append(ServiceVerdict(service=code, status=status, reasons=reasons, missing_facts=missing))
    return verdicts


def seva_compile_seconds(catalogue: Catalogue) -> float:
    districts = catalogue.district_codes()
    start = time.perf_counter()
    for service in catalogue.services:
        for raw in service.eligibility:
            compile_rule(raw, districts)
    return time.perf_counter() - start


@contextlib.contextmanager
def quiet_celpy() -> Iterator[None]:
    """cel-python logs every absorbed error of its transpiled code at ERROR; hush it while timing."""
    logger = logging.getLogger("celpy")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:9.2f} µs"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms"


def measure(label: str, catalogue: Catalogue, quick: bool) -> None:
    rule_count = sum(len(rules) for rules in catalogue.rules.values())
    distinct = len({to_cel(raw) for service in catalogue.services for raw in service.eligibility})
    print(f"\n== {label}: {len(catalogue.services)} services, {rule_count} rules, {distinct} distinct ==")
    engines: list[Engine] = [CelExpr(), CelPy(compiled=False), CelPy(compiled=True)]
    members = sample_members(20 if quick else 60)
    with quiet_celpy():
        for engine in engines:
            sample = members if isinstance(engine, CelExpr) else members[:8]
            compared = check_agreement(engine, catalogue, sample)
            print(f"   {engine.name:<26} agrees with seva on {compared:,} rule results")

        print(f"   {'engine':<26} {'compile all':>12} {'1 evaluation':>13} {'1 member x catalogue':>21} "
              f"{'same, no sharing':>17}")  # fmt: skip
        seva_eval = per_evaluation(None, catalogue, 200)
        seva_all = time_calls(lambda: evaluate_all(catalogue, MEMBER), repeat=101)
        seva_every = time_calls(lambda: seva_evaluate_every_rule(catalogue, MEMBER), repeat=101)
        print(f"   {'seva (closures)':<26} {_ms(seva_compile_seconds(catalogue)):>12} {_us(seva_eval):>13} "
              f"{_ms(seva_all.median):>21} {_ms(seva_every.median):>17}")  # fmt: skip
        expected = evaluate_all(catalogue, MEMBER)
        if seva_evaluate_every_rule(catalogue, MEMBER) != expected:
            raise AssertionError("evaluating every rule gives other verdicts than evaluate_all")
        for engine in engines:
            compiled, compile_seconds = compile_catalogue(engine, catalogue)
            for shared in (True, False):
                if cel_evaluate_all(engine, compiled, MEMBER, shared=shared) != expected:
                    raise AssertionError(f"{engine.name} gives other verdicts than evaluate_all")
            fast = isinstance(engine, CelExpr)
            repeat, warmup = (101, 3) if fast else (3, 1)
            one = per_evaluation(engine, catalogue, 200 if fast else 2)
            whole = time_calls(lambda e=engine, c=compiled: cel_evaluate_all(e, c, MEMBER), repeat, warmup)  # type: ignore[misc]
            every = time_calls(
                lambda e=engine, c=compiled: cel_evaluate_all(e, c, MEMBER, shared=False),  # type: ignore[misc]
                repeat,
                warmup,
            )
            print(f"   {engine.name:<26} {_ms(compile_seconds):>12} {_us(one):>13} {_ms(whole.median):>21} "
                  f"{_ms(every.median):>17}   ({whole.median / seva_all.median:.1f}x and "
                  f"{every.median / seva_every.median:.1f}x seva)")  # fmt: skip
    print("   (whole-catalogue figures are medians: 101 runs for seva and cel-expr-python, 3 for cel-python)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--catalogue", type=Path, default=Path("catalogue.yaml"))
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="fewer members for the agreement check")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    real = load_catalogue(args.catalogue)
    measure(f"{args.catalogue}", real, args.quick)
    with tempfile.TemporaryDirectory() as folder:
        big_path = Path(folder) / "catalogue-large.yaml"
        big_path.write_text(generate_yaml(args.catalogue, args.services), encoding="utf-8")
        big = load_catalogue(big_path)
    measure(f"generated from {args.catalogue}", big, args.quick)
    print("\nVerdicts of every engine were checked equal to evaluate_all's before timing.")


if __name__ == "__main__":
    main()
