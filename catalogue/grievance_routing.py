"""The grievance routing file: who handles a grievance at each level, for how many days, and what each
level may do. Plain data, checked like the catalogue: every problem at once, each with its file and line.

```yaml
version: 1
model: {en: CM Helpline 181, hi: सीएम हेल्पलाइन 181}
reminder_after_hours: 72          # a citizen's reminders are at least this far apart
force_closure_notice_hours: 72    # the citizen is told this long before a force closure
feedback:                         # the citizen's say after "resolved"; a rating not satisfied reopens
  - {code: satisfied, satisfied: true, name: {en: Satisfied, hi: संतुष्ट}}
  - {code: not_satisfied, satisfied: false, name: {en: Not satisfied, hi: असंतुष्ट}}
chains:                           # named chains of levels, shared by departments
  helpline:
    - level: 1
      position: Tehsildar         # the staff designation that holds this level
      title: {en: Level 1 officer, hi: स्तर 1 अधिकारी}
      days: 7
      unit: working_days          # or calendar_days
      jurisdiction: district      # district or state
      on_lapse: escalate          # escalate (the watcher moves it up), manual (an officer may), stay
      special_closure: propose    # none, propose or make
      force_closure: false
      send_back: false            # may send a grievance back to the level below
departments:
  - department: revenue           # a catalogue department
    chain: helpline
    transfer_cap: 3
    categories:
      - {code: land_records, name: {en: Land records, hi: भू-अभिलेख}}
    routing:                      # the level-1 position by category and district; first match wins
      - {category: land_records, district: bhopal, position: Naib Tehsildar}
      - {category: "*", district: "*", position: Tehsildar}
```

``load_routing(path, departments=..., districts=...)`` reads and checks a file and returns ``Routing``;
``RoutingInvalid`` lists every problem. It knows nothing of the gateway.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from catalogue.errors import CatalogueError, CatalogueProblem
from catalogue.loader import ProblemReporter
from catalogue.models import SnakeCode, Strict, Text
from catalogue.recovery import read_recovering
from catalogue.yaml_source import YamlSyntaxError, read_yaml

__all__ = [
    "ANY",
    "GRIEVANCE_TYPES",
    "DepartmentRoute",
    "Level",
    "Rating",
    "Routing",
    "RoutingInvalid",
    "load_routing",
    "parse_routing",
]

ANY = "*"
# The kinds of grievance CM Helpline and CPGRAMS take; fixed in code, as the pages and reports name them.
GRIEVANCE_TYPES = ("complaint", "demand", "suggestion", "information", "corruption", "service_delay")
Days = Annotated[int, msgspec.Meta(ge=1, le=365)]
Hours = Annotated[int, msgspec.Meta(ge=0, le=24 * 60)]
Position = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]


class Level(Strict, frozen=True):
    level: Annotated[int, msgspec.Meta(ge=1, le=5)]
    position: Position
    title: Text
    days: Days
    unit: Literal["working_days", "calendar_days"] = "working_days"
    jurisdiction: Literal["district", "state"] = "district"
    on_lapse: Literal["escalate", "manual", "stay"] = "escalate"
    special_closure: Literal["none", "propose", "make"] = "none"
    force_closure: bool = False
    send_back: bool = False


class Category(Strict, frozen=True):
    code: SnakeCode
    name: Text


class RouteRule(Strict, frozen=True):
    position: Position
    category: str = ANY
    district: str = ANY


class _Department(Strict, frozen=True):
    department: SnakeCode
    chain: SnakeCode
    categories: tuple[Category, ...]
    routing: tuple[RouteRule, ...]
    transfer_cap: Annotated[int, msgspec.Meta(ge=0, le=20)] = 3


class Rating(Strict, frozen=True):
    code: SnakeCode
    satisfied: bool
    name: Text


class _File(Strict, frozen=True):
    version: Literal[1]
    model: Text
    feedback: tuple[Rating, ...]
    chains: dict[str, tuple[Level, ...]]
    departments: tuple[_Department, ...]
    reminder_after_hours: Hours = 72
    force_closure_notice_hours: Hours = 72


@dataclass(frozen=True, slots=True)
class DepartmentRoute:
    """One department's categories, chain of levels and level-1 routing."""

    department: str
    categories: dict[str, Text]
    levels: tuple[Level, ...]
    routing: tuple[RouteRule, ...]
    transfer_cap: int

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    @property
    def top(self) -> int:
        return len(self.levels)

    def first_position(self, category: str, district: str) -> str:
        """The level-1 position for ``category`` in ``district`` (the file ends with a catch-all)."""
        for rule in self.routing:
            if rule.category in (ANY, category) and rule.district in (ANY, district):
                return rule.position
        return self.levels[0].position

    def position(self, level: int, category: str, district: str) -> str:
        return self.first_position(category, district) if level == 1 else self.level(level).position


@dataclass(frozen=True, slots=True)
class Routing:
    """The checked file: the model's name, its limits and its departments by code."""

    model: Text
    reminder_after_hours: int
    force_closure_notice_hours: int
    ratings: dict[str, Rating]
    departments: dict[str, DepartmentRoute]
    source: str = ""

    def department(self, code: str) -> DepartmentRoute | None:
        return self.departments.get(code)


class RoutingInvalid(CatalogueError):
    """The routing file has problems; all of them are listed, in file order."""

    def __init__(self, problems: list[CatalogueProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.path))
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the grievance routing file:\n"
            + "\n".join(str(p) for p in self.problems)
        )


def load_routing(
    path: str | Path, *, departments: set[str] | None = None, districts: set[str] | None = None
) -> Routing:
    """Read and check the routing file at ``path``; ``departments`` and ``districts`` (when given) are the
    codes a department or a routing district must be one of."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RoutingInvalid([CatalogueProblem(path.name, 1, "", f"cannot read the file: {exc}")]) from None
    return parse_routing(text, path.name, departments=departments, districts=districts)


def parse_routing(
    text: str,
    filename: str = "grievances.yaml",
    *,
    departments: set[str] | None = None,
    districts: set[str] | None = None,
) -> Routing:
    reporter = ProblemReporter(filename)
    try:
        recovered = read_recovering(text, read_yaml)
    except YamlSyntaxError as exc:
        raise RoutingInvalid([CatalogueProblem(filename, exc.line, "", exc.message)]) from None
    reporter.problems.extend(CatalogueProblem(filename, line, "", m) for line, m in recovered.slips)
    reporter.lines = recovered.lines
    for dup, _line in recovered.lines.duplicates:
        reporter.report(dup, "duplicate key: the later value would silently replace the earlier one")
    data = recovered.data
    if not isinstance(data, dict):
        raise RoutingInvalid([*reporter.problems, CatalogueProblem(filename, 1, "", "must be a mapping")])
    routing = _check(reporter, data, departments, districts)
    if reporter.problems or routing is None:
        raise RoutingInvalid(reporter.problems)
    return dataclasses.replace(routing, source=filename)


def _check(
    reporter: ProblemReporter,
    data: dict[str, Any],
    known_departments: set[str] | None,
    known: set[str] | None,
) -> Routing | None:
    # Decode section by section so one bad department does not hide the problems of the others.
    head = {k: v for k, v in data.items() if k not in ("chains", "departments")}
    top = reporter.decode({**head, "chains": {}, "departments": []}, _File, "")
    chains: dict[str, tuple[Level, ...]] = {}
    raw_chains = data.get("chains")
    if not isinstance(raw_chains, dict) or not raw_chains:
        reporter.report("chains", "must name at least one chain of levels")
        raw_chains = {}
    for name, raw in raw_chains.items():
        where = f"chains.{name}"
        if not isinstance(raw, list) or not raw:
            reporter.report(where, "a chain is a list of at least one level")
            continue
        # Level by level, so every bad level is named, not only the first.
        decoded = [reporter.decode(item, Level, f"{where}[{i}]") for i, item in enumerate(raw)]
        for i, level in enumerate(decoded):
            if level is not None and level.level != i + 1:
                reporter.report(f"{where}[{i}].level", f"must be {i + 1}: levels are numbered in order")
        if decoded[0] is not None and decoded[0].send_back:
            reporter.report(f"{where}[0].send_back", "level 1 has no level below to send back to")
        if all(level is not None for level in decoded):
            chains[str(name)] = tuple(level for level in decoded if level is not None)
    raw_departments = data.get("departments")
    if not isinstance(raw_departments, list) or not raw_departments:
        reporter.report("departments", "must list at least one department")
        raw_departments = []
    result: dict[str, DepartmentRoute] = {}
    seen: set[str] = set()
    for i, raw in enumerate(raw_departments):
        path = f"departments[{i}]"
        department = reporter.decode(raw, _Department, path)
        if department is None:
            continue
        code = department.department
        if code in seen:
            reporter.report(f"{path}.department", f"department '{code}' is listed twice")
            continue
        seen.add(code)
        if known_departments is not None and code not in known_departments:
            reporter.report(f"{path}.department", f"unknown department '{code}' (not in the catalogue)")
        categories: dict[str, Text] = {}
        for j, category in enumerate(department.categories):
            if category.code in categories:
                reporter.report(f"{path}.categories[{j}].code", f"category '{category.code}' is listed twice")
            categories[category.code] = category.name
        if not categories:
            reporter.report(f"{path}.categories", "a department needs at least one category")
        for j, rule in enumerate(department.routing):
            if rule.category != ANY and rule.category not in categories:
                reporter.report(
                    f"{path}.routing[{j}].category", f"unknown category '{rule.category}' of {code}"
                )
            if rule.district != ANY and known is not None and rule.district not in known:
                reporter.report(f"{path}.routing[{j}].district", f"unknown district '{rule.district}'")
        if not any(r.category == ANY and r.district == ANY for r in department.routing):
            reporter.report(
                f"{path}.routing", "the routing must end with a catch-all rule (category '*', district '*')"
            )
        levels = chains.get(department.chain)
        if levels is None:
            if department.chain not in raw_chains:
                reporter.report(f"{path}.chain", f"unknown chain '{department.chain}'")
            continue
        result[code] = DepartmentRoute(code, categories, levels, department.routing, department.transfer_cap)
    if top is None:
        return None
    ratings: dict[str, Rating] = {}
    for i, rating in enumerate(top.feedback):
        if rating.code in ratings:
            reporter.report(f"feedback[{i}].code", f"rating '{rating.code}' is listed twice")
        ratings[rating.code] = rating
    if not any(r.satisfied for r in top.feedback) or all(r.satisfied for r in top.feedback):
        reporter.report("feedback", "needs at least one rating that is satisfied and one that is not")
    return Routing(
        model=top.model,
        reminder_after_hours=top.reminder_after_hours,
        force_closure_notice_hours=top.force_closure_notice_hours,
        ratings=ratings,
        departments=result,
    )
