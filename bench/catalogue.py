"""Catalogue benchmark: loading, memory, search and eligibility, for the real catalogue and 2,000 services.

Every figure is printed beside a baseline measured in the same run, as measure, seva, baseline, ratio,
goal, met; the script exits 1 if a goal is missed. What is compared:

- loading and validating (read, parse, check, compile the rules, build the search index): seva's
  ``load_catalogue``, which reads with yaml-rs and falls back to PyYAML only to place a problem, against
  the reference loader alone (PyYAML composing nodes with their lines, the garbage collector running:
  how every load ran before), and
  against parsing alone (``yaml.load`` with libyaml, ``yaml_rs.load``). Wall time (median in this
  process; once in a fresh process, as a server starting), peak of Python allocations (tracemalloc), and
  peak RSS of a fresh process that only loads the file. Goals (issue 11): 2,000 services in under 1 s
  and 150 MB; the real catalogue in under 1 s and 50 MB of Python allocations.
- search: p99 under 10 ms on 2,000 services, for English and Hindi words and for Hindi typed in Latin
  letters and misspelt words (the edit-distance path); the gateway builds the index in a thread right
  after a load (searches meanwhile scan), so its build time is shown apart from the load.
- eligibility of one member and of a family of six across every service (directly, and from a registry
  family record as ``/families/{id}/eligibility`` does), and of a member with new random facts on every
  call, against the evaluation before verdicts were kept (each distinct rule once per member, every
  verdict built afresh), timed in turns so that other load on the machine falls on both alike. Goals
  (issue 11): one member under 5 ms, a family under 20 ms, p99 within 3 times the median. The p99 goal
  is judged in CPU time (the thread's own), which holds what the code causes (garbage collections,
  allocations); the wall-clock ratio is shown beside it, but on a shared machine it mostly measures time
  the process spent waiting for a core (a 2-core machine at a load average of 4 gives a slice of several
  milliseconds to someone else every few calls).

    .venv/bin/python bench/catalogue.py [--catalogue catalogue.yaml] [--services 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import operator
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

# First: it makes `catalogue` below the package rather than this script (see its docstring).
from synthetic_catalogue import (  # isort: skip
    FAMILY,
    LOOSE_QUERIES,
    MEMBER,
    QUERIES,
    Timing,
    generate_yaml,
    new_members,
    time_calls,
)

from figures import record  # isort: skip

from catalogue import Catalogue, ServiceVerdict, evaluate_all, evaluate_family, load_catalogue, loader
from catalogue.models import Text
from catalogue.rules import CompiledRule
from catalogue.search import SearchIndex
from family_registry import eligibility as registry_eligibility
from family_registry.records import FamilyRecord, MemberRecord

_CLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MB = 1024 * 1024


class Report:
    """Figures, each with its goal; remembers whether any was missed."""

    def __init__(self) -> None:
        self.missed: list[str] = []

    title = ""

    def section(self, title: str) -> None:
        self.title = title.split(":")[0]  # "real catalogue ...", "generated catalogue of 2000"
        print(f"\n== {title} ==")
        print(f"   {'measure':<52} {'seva':>10} {'baseline':>10} {'ratio':>7}  {'goal':<10} met")

    def figure(
        self, label: str, value: float, unit: str, target: float | None = None, note: str = ""
    ) -> None:
        self.compare(label, value, None, unit, target, note)

    def compare(
        self,
        label: str,
        seva: float,
        baseline: float | None,
        unit: str,
        goal: float | None = None,
        note: str = "",
    ) -> None:
        """One row: seva's figure, the baseline's (lower is better for both), their ratio, the goal."""
        base = f"{baseline:10.2f}" if baseline is not None else f"{'':>10}"
        ratio = f"{seva / baseline:7.2f}" if baseline else f"{'':>7}"
        met = ""
        if goal is not None:
            met = "yes" if seva < goal else "NO"
            if met == "NO":
                self.missed.append(label)
        target = f"< {goal:g} {unit}" if goal is not None else ""
        record(
            f"{self.title}: {label}",
            seva,
            baseline,
            unit=unit,
            goal=goal,
            better="lower",
            on="seva",
            source="bench/catalogue.py",
        )
        print(
            f"   {f'{label} ({unit})':<52} {seva:10.2f} {base} {ratio}  {target:<10} {met:<3} {note}".rstrip()
        )


def median_seconds(call: Callable[[], object], repeat: int) -> float:
    return time_calls(call, repeat=repeat, warmup=0).median


def peak_memory(call: Callable[[], object]) -> float:
    """Peak of Python allocations, in bytes, while ``call`` runs (the result is kept until the end)."""
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return float(peak)


@contextmanager
def reference_reader_only() -> Iterator[None]:
    """Load as every load ran before the fast reader: PyYAML composing nodes with their lines, with the
    garbage collector running."""
    fast, paused = loader.read_yaml_fast, loader._collector_paused
    loader.read_yaml_fast = lambda source: None  # type: ignore[assignment]
    loader._collector_paused = nullcontext  # type: ignore[assignment]
    try:
        yield
    finally:
        loader.read_yaml_fast, loader._collector_paused = fast, paused  # type: ignore[assignment]


# -- loading ------------------------------------------------------------------------------------------------

_LOADS: dict[str, Callable[[Path], object]] = {
    "seva": load_catalogue,
    "reference": load_catalogue,  # run under reference_reader_only()
    "yaml.load": lambda path: yaml.load(path.read_bytes(), Loader=_CLoader),  # noqa: S506 - a safe loader
    "yaml_rs.load": lambda path: yaml_rs.load(path.read_bytes(), parse_datetime=False),
}


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the
    forking parent into a child, so a child of a large bench process would report the parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(way: str, path: Path) -> None:
    """In a fresh process: load ``path`` one ``way`` once; print wall and CPU seconds and peak RSS."""
    before = peak_rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    if way == "reference":
        with reference_reader_only():
            _LOADS[way](path)
    else:
        _LOADS[way](path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": peak_rss_mb(), "rss_before_mb": before}))


def in_fresh_process(way: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", way, str(path)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


def bench_load(report: Report, label: str, path: Path, repeat: int, limits: tuple[float, float]) -> Catalogue:
    seconds_goal, mb_goal = limits
    catalogue = load_catalogue(path)
    size = path.stat().st_size / MB
    report.section(
        f"{label}: {len(catalogue.services)} services, {len(catalogue.departments)} departments, "
        f"{size:.1f} MB of YAML"
    )
    fast = loader.read_yaml_fast(path.read_bytes()) is not None
    print(f"   (the fast reader {'took' if fast else 'DECLINED'} this file)")

    loads = Samples()
    for _ in range(repeat):
        loads.time(lambda: load_catalogue(path))
    load = Timing(loads.wall).median
    with reference_reader_only():
        reference = median_seconds(lambda: load_catalogue(path), 1 if size > 1 else repeat)
    parse_pyyaml = median_seconds(lambda: _LOADS["yaml.load"](path), 1 if size > 1 else repeat)
    parse_rs = median_seconds(lambda: _LOADS["yaml_rs.load"](path), repeat)
    note = f"median of {repeat}; baseline: the reference (PyYAML) loader alone"
    report.compare(
        "load and validate, this process", load * 1e3, reference * 1e3, "ms", seconds_goal * 1e3, note
    )
    report.compare("  in CPU time", Timing(loads.cpu).median * 1e3, None, "ms")
    report.compare(
        "  parsing alone: yaml_rs.load / PyYAML yaml.load", parse_rs * 1e3, parse_pyyaml * 1e3, "ms"
    )

    seva_child = in_fresh_process("seva", path)
    reference_child = in_fresh_process("reference", path)
    report.compare(
        "load and validate, a fresh process",
        seva_child["wall"] * 1e3,
        reference_child["wall"] * 1e3,
        "ms",
        seconds_goal * 1e3,
        "as a server starting",
    )
    report.compare("  the same in CPU time", seva_child["cpu"] * 1e3, reference_child["cpu"] * 1e3, "ms")
    report.compare(
        "peak RSS of a process that loads it",
        seva_child["rss_mb"],
        reference_child["rss_mb"],
        "MB",
        mb_goal if size > 1 else None,
        f"{seva_child['rss_before_mb']:.0f} MB after imports",
    )

    traced = peak_memory(lambda: load_catalogue(path)) / MB
    traced_floor = peak_memory(lambda: _LOADS["yaml_rs.load"](path)) / MB
    with reference_reader_only():
        traced_reference = peak_memory(lambda: load_catalogue(path)) / MB if size < 1 else None
    baseline = traced_reference if traced_reference is not None else traced_floor
    what = "the reference loader" if traced_reference is not None else "yaml_rs.load alone"
    report.compare(
        "peak Python allocations while loading (tracemalloc)",
        traced,
        baseline,
        "MB",
        None if size > 1 else mb_goal,
        f"baseline: {what}",
    )
    return catalogue


# -- search (unchanged by issue 11's catalogue work) ---------------------------------------------------------


def bench_search(report: Report, catalogue: Catalogue, target_p99_ms: float | None) -> None:
    build = time_calls(lambda: SearchIndex(catalogue), repeat=5, warmup=1)
    report.figure("search index build, in a thread after the load, median", build.median * 1e3, "ms", None,
                  "in a thread after the load; not part of it")  # fmt: skip
    index = catalogue.index
    for label, queries in (("English and Hindi words", QUERIES), ("romanised, misspelt", LOOSE_QUERIES)):
        samples: list[float] = []
        hits = 0
        for query in queries:
            timing = time_calls(lambda q=query: index.search(q), repeat=20, warmup=1)  # type: ignore[misc]
            samples.extend(timing.samples)
            hits += bool(index.search(query))
        timing = Timing(samples)
        note = f"{len(queries)} queries, {hits} with results, x20 each"
        report.figure(f"search, {label}, median", timing.median * 1e3, "ms", None, note)
        report.figure(f"search, {label}, p99", timing.p99 * 1e3, "ms", target_p99_ms)
    # On a machine shared with other work the wall-clock p99 is mostly other processes' time slices; the
    # CPU time of each call is what the search itself costs.
    cpu: list[float] = []
    for query in QUERIES + LOOSE_QUERIES:
        for _ in range(20):
            start = time.process_time()
            index.search(query)
            cpu.append(time.process_time() - start)
    spent = Timing(cpu)
    report.figure("search, all queries, CPU time per call, median", spent.median * 1e3, "ms", None,
                  f"p99 {spent.p99 * 1e3:.2f} ms")  # fmt: skip


# -- eligibility --------------------------------------------------------------------------------------------


def _verdict_before(
    code: str, rules: tuple[CompiledRule, ...], facts: Mapping[str, Any], memo: dict[str, bool | None]
) -> ServiceVerdict:
    """A verdict as it was computed before verdicts were kept: built afresh every time."""
    reasons: list[Text] = []
    missing: list[str] = []
    for rule in rules:
        key = rule.key
        if key in memo:
            result = memo[key]
        else:
            result = memo[key] = rule.evaluate(facts)
        if result is False:
            assert rule.reason is not None
            reasons.append(rule.reason)
        elif result is None:
            missing.extend(name for name in rule.missing(facts) if name not in missing)
    status = "not_eligible" if reasons else "undetermined" if missing else "eligible"
    return ServiceVerdict(service=code, status=status, reasons=reasons, missing_facts=missing)


def evaluate_all_before(
    catalogue: Catalogue, facts: Mapping[str, Any], codes: object = None
) -> list[ServiceVerdict]:
    memo: dict[str, bool | None] = {}
    return [_verdict_before(code, rules, facts, memo) for code, rules in catalogue.rules.items()]


def _plain(verdicts: list[ServiceVerdict]) -> list[tuple[object, ...]]:
    return [(v.service, v.status, v.reasons, v.missing_facts) for v in verdicts]


def evaluate_family_before(catalogue: Catalogue, members: Mapping[str, Mapping[str, Any]]) -> object:
    return {member_id: evaluate_all_before(catalogue, facts) for member_id, facts in members.items()}


class Samples:
    """Wall-clock and CPU seconds of each call."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def time(self, call: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        call()
        self.cpu.append(time.thread_time() - cpu)
        self.wall.append(time.perf_counter() - wall)


def in_turns(
    seva: Callable[[], object], before: Callable[[], object], repeat: int
) -> tuple[Samples, Samples]:
    """Time ``seva`` and ``before`` alternately, ``repeat`` times each, after a few unmeasured calls."""
    for _ in range(3):
        seva()
        before()
    ours, theirs = Samples(), Samples()
    for _ in range(repeat):
        ours.time(seva)
        theirs.time(before)
    return ours, theirs


def registry_family(catalogue: Catalogue) -> FamilyRecord:
    """A registry record of the bench's family of six, as ``/families/{id}/eligibility`` reads it."""
    on = dt.date(2026, 12, 1)
    district = next(iter(catalogue.districts))
    members = []
    for n, facts in enumerate(FAMILY.values(), start=1):
        age = facts["member.age"]
        members.append(
            MemberRecord(
                member_id=f"M{n}",
                family_id="F1",
                name_en=f"Member {n}",
                name_hi=f"सदस्य {n}",
                gender=facts["member.gender"],
                date_of_birth=on.replace(year=on.year - age) - dt.timedelta(days=1),
                relation=facts["member.relation"],
                marital_status=facts["member.marital_status"],
                social_category=facts["member.social_category"],
                tribe=facts["member.tribe"],
                disability_percent=facts.get("member.disability_percent", 0),
                occupation=facts["member.occupation"],
                annual_income=facts.get("member.annual_income", 0),
                residence_years=facts.get("member.residence_years"),
                income_tax_payer=False,
                government_service="none",
                mobile=None,
                aadhaar_last4=None,
                ekyc_done=True,
            )
        )
    return FamilyRecord(
        family_id="F1",
        head_member_id="M1",
        district=district,
        local_body="Bhopal",
        ward=None,
        village_or_town="Bhopal",
        area="rural",
        social_category="obc",
        bpl=True,
        ration_card="RC1",
        tehsil=None,
        janpad=None,
        local_body_kind=None,
        ration_card_type="priority",
        land_hectares=0.0,
        version=1,
        members=tuple(members),
    )


def evaluate_all_counted_before(
    catalogue: Catalogue, facts: Mapping[str, Any]
) -> tuple[list[ServiceVerdict], Counter[str]]:
    """The verdicts as built before, counted verdict by verdict as the registry counted them."""
    verdicts = evaluate_all_before(catalogue, facts)
    return verdicts, Counter(map(operator.attrgetter("status"), verdicts))


@contextmanager
def registry_evaluating_before() -> Iterator[None]:
    saved = registry_eligibility.evaluate_all_counted
    registry_eligibility.evaluate_all_counted = evaluate_all_counted_before  # type: ignore[assignment]
    try:
        yield
    finally:
        registry_eligibility.evaluate_all_counted = saved


def bench_eligibility(
    report: Report, catalogue: Catalogue, member_ms: float | None, family_ms: float | None
) -> None:
    rules = sum(len(r) for r in catalogue.rules.values())
    distinct = len({rule.key for r in catalogue.rules.values() for rule in r})
    # The same verdicts both ways; what to ask for a missing fact (``ask``) came later, and is left aside.
    assert _plain(evaluate_all(catalogue, MEMBER)) == _plain(evaluate_all_before(catalogue, MEMBER))
    family, before = evaluate_family(catalogue, FAMILY).members, evaluate_family_before(catalogue, FAMILY)
    assert {m: _plain(v) for m, v in family.items()} == {m: _plain(v) for m, v in before.items()}  # type: ignore[attr-defined]
    print(
        f"   ({len(catalogue.rules)} services, {rules} rules, {distinct} distinct; same verdicts both ways)"
    )
    record = registry_family(catalogue)
    on = dt.date(2026, 12, 1)

    def from_registry_before() -> object:
        with registry_evaluating_before():
            return registry_eligibility.family_eligibility(catalogue, record, on)

    # A new member on every call (the same ones for both sides, in the same order): the same member asked
    # again finds every outcome kept; a new one only those of the facts it shares with earlier members.
    strangers = new_members(1000, list(catalogue.districts))
    for facts in strangers[-20:]:  # checked on members the timing does not reach
        assert _plain(evaluate_all(catalogue, facts)) == _plain(evaluate_all_before(catalogue, facts))
    to_seva, to_before = itertools.cycle(strangers), itertools.cycle(strangers)
    cases = [
        (
            "one member x every service",
            lambda: evaluate_all(catalogue, MEMBER),
            lambda: evaluate_all_before(catalogue, MEMBER),
            member_ms,
            301,
        ),
        (
            "a new member each time x every service",
            lambda: evaluate_all(catalogue, next(to_seva)),
            lambda: evaluate_all_before(catalogue, next(to_before)),
            member_ms,
            301,
        ),
        (
            f"family of {len(FAMILY)} x every service",
            lambda: evaluate_family(catalogue, FAMILY),
            lambda: evaluate_family_before(catalogue, FAMILY),
            family_ms,
            101,
        ),
        (
            f"family of {len(record.members)} from a registry record",
            lambda: registry_eligibility.family_eligibility(catalogue, record, on),
            from_registry_before,
            family_ms,
            101,
        ),
    ]
    for label, seva, before, goal, repeat in cases:
        ours, theirs = in_turns(seva, before, repeat)
        wall, wall_before = Timing(ours.wall), Timing(theirs.wall)
        cpu, cpu_before = Timing(ours.cpu), Timing(theirs.cpu)
        report.compare(
            f"{label}, median",
            wall.median * 1e3,
            wall_before.median * 1e3,
            "ms",
            goal,
            f"{repeat} runs in turns with the evaluation before",
        )
        report.compare(f"{label}, p99", wall.p99 * 1e3, wall_before.p99 * 1e3, "ms")
        if goal is not None:
            report.compare(
                f"{label}, p99 / median in CPU time",
                cpu.p99 / cpu.median,
                cpu_before.p99 / cpu_before.median,
                "x",
                3.0,
                "our own tail: collections, allocations",
            )
            report.compare(
                f"{label}, p99 / median in wall time",
                wall.p99 / wall.median,
                wall_before.p99 / wall_before.median,
                "x",
                None,
                "adds time the process waited for a core",
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--catalogue", type=Path, default=Path("catalogue.yaml"))
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--child", nargs=2, metavar=("WAY", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    report = Report()
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(
        f"Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"load average {load}"
    )

    real = bench_load(report, f"real catalogue {args.catalogue}", args.catalogue, repeat=7, limits=(1.0, 50))
    bench_search(report, real, None)
    bench_eligibility(report, real, None, None)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalogue-large.yaml"
        start = time.perf_counter()
        path.write_text(generate_yaml(args.catalogue, args.services), encoding="utf-8")
        took = time.perf_counter() - start
        print(f"\n(generated {args.services} services from {args.catalogue} in {took:.1f} s)")
        big = bench_load(report, f"generated catalogue of {args.services}", path, repeat=5, limits=(1.0, 150))
    bench_search(report, big, 10.0)
    bench_eligibility(report, big, 5.0, 20.0)

    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"\nload average at the end: {load}")
    if report.missed:
        print(f"MISSED {len(report.missed)} goal(s): {'; '.join(report.missed)}")
        return 1
    print("every goal met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
