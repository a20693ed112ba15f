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
built the way ``catalogue.eligibility.evaluate_all`` builds them: each distinct rule evaluated once, and
again with every rule of every service evaluated ("no sharing"), the cost when no two services share a
rule. seva and cel-expr-python are timed in turns, so that other load on the machine falls on both.

    .venv/bin/python bench/rules_cel.py [--catalogue catalogue.yaml] [--services 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# First: it makes `catalogue` below the package rather than bench/catalogue.py (see its docstring).
from synthetic_catalogue import FAMILY, MEMBER, Timing, generate_yaml, new_members  # isort: skip
from figures import record  # isort: skip

import celpy
from cel_expr_python import cel
from celpy.celparser import CELParser

from catalogue import Catalogue, ServiceVerdict, evaluate_all, load_catalogue
from catalogue.facts import FACTS, Fact, form_facts
from catalogue.models import Text
from catalogue.rules import FactScope, compile_rule

Facts = Mapping[str, Any]
Result = bool | None
# Every fact a rule may read: the registry's, and the ``form.*`` facts of the catalogue being measured
# (CEL declares each variable once, so a form field read by several services must keep one kind).
KINDS: dict[str, str] = {name: fact.kind for name, fact in FACTS.items()}


def declare_form_facts(catalogue: Catalogue) -> None:
    """Add the form facts the catalogue's rules read to ``KINDS``."""
    for service in catalogue.services:
        facts: dict[str, Fact] = form_facts(service.form)
        read = {name for rule in catalogue.rules[service.code] for name in rule.facts}
        for name in read & set(facts):
            if KINDS.setdefault(name, facts[name].kind) != facts[name].kind:
                raise ValueError(f"{name} is read as two kinds of fact; CEL needs one")


# ---------------------------------------------------------------------------------------------------------
# Translation of seva rules into CEL


def _literal(value: Any, decimal: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if decimal and isinstance(value, int | float):
        return repr(float(value))  # a CEL double compares with doubles only
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
    decimal = KINDS.get(fact) == "number"
    if op == "in":
        return f"{fact} in {_literal(value)}"
    if op == "not in":
        return f"!({fact} in {_literal(value)})"
    if op == "between":
        low, high = value
        return f"({fact} >= {_literal(low, decimal)} && {fact} <= {_literal(high, decimal)})"
    return f"{fact} {op} {_literal(value, decimal)}"


# ---------------------------------------------------------------------------------------------------------
# The engines: each compiles a CEL text once and evaluates it against one member's facts


_CEL_TYPES = {
    "int": cel.Type.INT,
    "number": cel.Type.DOUBLE,
    "bool": cel.Type.BOOL,
    "enum": cel.Type.STRING,
    "district": cel.Type.STRING,
}


class CelExpr:
    """Google's CEL runtime; facts are typed variables, so a wrong type fails at compile time."""

    name = "cel-expr-python"

    def __init__(self) -> None:
        self.env = cel.NewEnv(variables={name: _CEL_TYPES[kind] for name, kind in KINDS.items()})

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
        nested: dict[str, dict[str, Any]] = {"member": {}, "family": {}, "form": {}}
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
    asks: tuple[Text, ...]
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
            rule = CelRule(text, engine.compile(text), seva_rule.facts, seva_rule.asks, seva_rule.reason)
            rules.append(rule)
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
        ask: list[Text] = []
        for rule in rules:
            key = rule.key
            if shared and key in memo:
                result = memo[key]
            else:
                result = memo[key] = run(rule.program, bound)
            if result is False:
                reasons.append(rule.reason)
            elif result is None:
                for name, question in zip(rule.facts, rule.asks, strict=True):
                    if facts.get(name) is None and name not in missing:
                        missing.append(name)
                        ask.append(question)
        status = "not_eligible" if reasons else "undetermined" if missing else "eligible"
        verdicts.append(
            ServiceVerdict(service=code, status=status, reasons=reasons, missing_facts=missing, ask=ask)
        )
    return verdicts


# ---------------------------------------------------------------------------------------------------------
# Members to check agreement with


def sample_members(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """MEMBER, the family of six, and random members with about a fifth of their facts unknown."""
    districts = ["bhopal", "indore", "jabalpur", "gwalior", "sagar", "rewa", "dhar"]
    return [
        dict(MEMBER),
        *(dict(f) for f in FAMILY.values()),
        {},
        *new_members(count, districts, seed, unknown=0.2),
    ]


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


def one_pass(engine: Engine | None, catalogue: Catalogue) -> tuple[Callable[[], object], int]:
    """A call evaluating every distinct rule of the catalogue once for MEMBER, and how many rules that is."""
    rules: dict[str, Any] = {}
    for service in catalogue.services:
        for raw, seva_rule in zip(service.eligibility, catalogue.rules[service.code], strict=True):
            text = to_cel(raw)
            if text not in rules:
                rules[text] = seva_rule.evaluate if engine is None else engine.compile(text)
    if engine is None:
        evaluators = list(rules.values())
        return (lambda: [evaluate(MEMBER) for evaluate in evaluators]), len(rules)
    programs, run, bound = list(rules.values()), engine.run, engine.bind(MEMBER)
    return (lambda: [run(program, bound) for program in programs]), len(rules)


def interleaved(calls: dict[str, Callable[[], object]], repeat: int, warmup: int = 2) -> dict[str, Timing]:
    """Time every call ``repeat`` times, taking turns in a rotating order, so that a change in the load of
    the machine (other processes on its two cores) falls on all of them alike."""
    names = list(calls)
    for _ in range(warmup):
        for name in names:
            calls[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for n in range(repeat):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            start = time.perf_counter()
            calls[name]()
            samples[name].append(time.perf_counter() - start)
    return {name: Timing(values) for name, values in samples.items()}


def seva_evaluate_every_rule(catalogue: Catalogue, facts: Facts) -> list[ServiceVerdict]:
    """``evaluate_all`` without sharing results between services: every rule of every service evaluated."""
    verdicts = []
    for code, rules in catalogue.rules.items():
        reasons: list[Text] = []
        missing: list[str] = []
        ask: list[Text] = []
        for rule in rules:
            result = rule.evaluate(facts)
            if result is False:
                assert rule.reason is not None
                reasons.append(rule.reason)
            elif result is None:
                for name, question in rule.missing_with_questions(facts):
                    if name not in missing:
                        missing.append(name)
                        ask.append(question)
        status = "not_eligible" if reasons else "undetermined" if missing else "eligible"
        verdicts.append(
            ServiceVerdict(service=code, status=status, reasons=reasons, missing_facts=missing, ask=ask)
        )
    return verdicts


def seva_compile_seconds(catalogue: Catalogue) -> float:
    districts = catalogue.district_codes()
    start = time.perf_counter()
    for service in catalogue.services:
        scope = FactScope(districts, service.form)
        for raw in service.eligibility:
            compile_rule(raw, scope)
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
    declare_form_facts(catalogue)
    engines: list[Engine] = [CelExpr(), CelPy(compiled=False), CelPy(compiled=True)]
    members = sample_members(20 if quick else 60)
    with quiet_celpy():
        for engine in engines:
            sample = members if isinstance(engine, CelExpr) else members[:8]
            compared = check_agreement(engine, catalogue, sample)
            print(f"   {engine.name:<26} agrees with seva on {compared:,} rule results")

        expected = evaluate_all(catalogue, MEMBER)
        if seva_evaluate_every_rule(catalogue, MEMBER) != expected:
            raise AssertionError("evaluating every rule gives other verdicts than evaluate_all")
        compile_seconds: dict[str, float] = {"seva (closures)": seva_compile_seconds(catalogue)}
        calls: dict[str, dict[str, Callable[[], object]]] = {"seva (closures)": {}}
        passes: dict[str, tuple[Callable[[], object], int]] = {"seva (closures)": one_pass(None, catalogue)}
        calls["seva (closures)"]["whole"] = lambda: evaluate_all(catalogue, MEMBER)
        calls["seva (closures)"]["every"] = lambda: seva_evaluate_every_rule(catalogue, MEMBER)
        for engine in engines:
            compiled, compile_seconds[engine.name] = compile_catalogue(engine, catalogue)
            for shared in (True, False):
                if cel_evaluate_all(engine, compiled, MEMBER, shared=shared) != expected:
                    raise AssertionError(f"{engine.name} gives other verdicts than evaluate_all")
            calls[engine.name] = {
                "whole": lambda e=engine, c=compiled: cel_evaluate_all(e, c, MEMBER),  # type: ignore[misc]
                "every": lambda e=engine, c=compiled: cel_evaluate_all(e, c, MEMBER, shared=False),  # type: ignore[misc]
            }
            passes[engine.name] = one_pass(engine, catalogue)

        # The catalogue and the compiled programs live as long as the process; keep the cyclic GC from
        # walking them during the timings, which compare engines, not collections (see bench/catalogue.py).
        gc.collect()
        gc.freeze()
        fast = ["seva (closures)", CelExpr.name]
        slow = [engine.name for engine in engines if not isinstance(engine, CelExpr)]
        timings: dict[str, dict[str, Timing]] = {name: {} for name in calls}
        for group, repeat in ((fast, 101), (slow, 3)):
            for kind in ("whole", "every"):
                measured = interleaved(
                    {name: calls[name][kind] for name in group}, repeat, warmup=2 if repeat > 3 else 1
                )
                for name, timing in measured.items():
                    timings[name][kind] = timing
            measured = interleaved(
                {name: passes[name][0] for name in group}, 51 if repeat > 3 else 3, warmup=1
            )
            for name, timing in measured.items():
                timings[name]["pass"] = timing

        print(f"   {'engine':<26} {'compile all':>12} {'1 evaluation':>13} {'1 member x catalogue':>21} "
              f"{'same, no sharing':>17}")  # fmt: skip
        base = timings["seva (closures)"]
        for name in calls:
            t = timings[name]
            one = t["pass"].median / passes[name][1]
            ratio = "" if name == "seva (closures)" else (
                f"   ({t['whole'].median / base['whole'].median:.1f}x and "
                f"{t['every'].median / base['every'].median:.1f}x seva)"
            )  # fmt: skip
            if name != "seva (closures)":
                record(
                    f"{label}: one member x catalogue, seva / {name}",
                    base["whole"].median * 1e3,
                    t["whole"].median * 1e3,
                    unit="ms",
                    better="lower",
                    source="bench/rules_cel.py",
                )
            figures = f"{_ms(compile_seconds[name]):>12} {_us(one):>13} {_ms(t['whole'].median):>21}"
            print(f"   {name:<26} {figures} {_ms(t['every'].median):>17}{ratio}")
        gc.unfreeze()
    print(
        "   (medians after gc.freeze(); seva and cel-expr-python timed in turns, 101 runs each; cel-python 3)"
    )


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
