"""Checks of one decoded service that need more than its types: what the law promises, who hears the
appeals, what kind of service it is, and where its facts come from.

Each check reports through ``report(path, message)``; the loader collects every problem of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import msgspec

from catalogue.models import Appeal, GuaranteeAct, Service, Text
from catalogue.rules import CompiledRule

__all__ = [
    "Report",
    "check_guarantee",
    "check_inferred",
    "check_kind",
    "check_officers",
    "check_rule_fields",
    "check_sources",
    "officer_alternatives",
    "with_appeal_windows",
]

Report = Callable[[str, str], None]
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_SPACES = re.compile(r"\s+")


def with_appeal_windows(service: Service, act: GuaranteeAct) -> Service:
    """The service with the Act's appeal windows filled in where the catalogue gives none."""
    changes: dict[str, Appeal] = {}
    for name, days in (
        ("first_appeal", act.first_appeal_within_days),
        ("second_appeal", act.second_appeal_within_days),
    ):
        appeal: Appeal | None = getattr(service, name)
        if appeal is not None and appeal.file_within_days is None:
            changes[name] = msgspec.structs.replace(appeal, file_within_days=days)
    return msgspec.structs.replace(service, **changes) if changes else service


def check_guarantee(service: Service, path: str, report: Report) -> None:
    """A covered service has a time limit, both appeals and a source; an uncovered one has none of them."""
    guarantee = service.guarantee
    where = f"{path}.guarantee"
    limit = guarantee.time_limit
    if guarantee.covered:
        if limit is None:
            report(where, "a service the Act covers needs its time_limit: {days: N, unit: working_days}")
        for name in ("first_appeal", "second_appeal"):
            if getattr(service, name) is None:
                report(path, f"a service the Act covers needs its {name}: {{officer: ..., decide_days: N}}")
        if guarantee.source is None:
            report(where, "a service the Act covers needs the source that reports its notification (source:)")
        elif guarantee.source not in service.sources:
            report(f"{where}.source", "the source must be one of the service's sources")
    else:
        for name, value in (("time_limit", limit), ("service_no", guarantee.service_no),
                            ("notification", guarantee.notification)):  # fmt: skip
            if value is not None:
                report(f"{where}.{name}", f"a service the Act does not cover has no {name}")
        for name in ("first_appeal", "second_appeal"):
            if getattr(service, name) is not None:
                report(f"{path}.{name}", "appeals under the Act are only for services it covers")
        if guarantee.note is None:
            report(where, "say in a note (en, hi) why the Act does not cover the service and what governs it")
    if limit is not None:
        if limit.unit == "same_day" and limit.days != 0:
            report(f"{where}.time_limit.days", "a same_day limit is written with days: 0")
        elif limit.unit != "same_day" and limit.days == 0:
            report(f"{where}.time_limit.days", "a limit of 0 days is written as unit: same_day")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.casefold()).strip(" .;,")


@lru_cache(maxsize=4096)
def officer_alternatives(officer: Text) -> frozenset[str]:
    """The officers a text names, one per alternative (``A (municipal corporation) / B (municipality)``),
    in English and Hindi, normalised (case, spaces) for comparison. Kept for each text: a catalogue names
    the same few officers in service after service."""
    found: set[str] = set()
    for text in (officer.en, officer.hi):
        found.update(normal for normal in map(_normal, text.split(" / ")) if normal)
    return frozenset(found)


def check_officers(service: Service, path: str, report: Report) -> None:
    """No officer hears an appeal against a decision of their own: no alternative of a level reappears
    at a higher level (``Commissioner (Municipal Corporation)`` deciding and hearing the first appeal)."""
    levels = [officer_alternatives(service.designated_officer)]
    for name, title in (("first_appeal", "first"), ("second_appeal", "second")):
        appeal: Appeal | None = getattr(service, name)
        if appeal is None:
            continue
        officers = officer_alternatives(appeal.officer)
        for depth, earlier in enumerate(levels):
            same = sorted(officers & earlier)
            if same:
                what = "is the designated officer" if depth == 0 else "repeats an earlier level"
                shown = ", ".join(f"'{o}'" for o in same)
                report(
                    f"{path}.{name}.officer",
                    f"the {title} appellate authority {what} ({shown}): an appeal must go to a higher "
                    "officer; where officers differ by local body, write each as 'Officer (where)'",
                )
                break
        levels.append(officers)


def check_kind(service: Service, path: str, report: Report) -> None:
    """An application is delivered to a department; an information service says what to do instead."""
    if service.kind == "application":
        if service.delivery is None:
            report(path, "an application needs delivery: {adapter: ..., operation: ...}")
        return
    if service.delivery is not None:
        report(f"{path}.delivery", "an information service goes to no department; leave delivery out")
    for name in ("form", "documents"):
        if getattr(service, name):
            report(f"{path}.{name}", f"an information service takes no application, so no {name}")
    if not service.steps:
        report(path, "an information service needs steps: what the citizen can do (check a list, complain)")
    if service.guarantee.covered:
        report(f"{path}.guarantee.covered", "an information service takes no application the Act could cover")


def check_sources(sources: Iterable[str], path: str, report: Report) -> None:
    """At least one source; every one a web address, none twice."""
    listed = list(sources)
    if not listed:
        report(path, "no source: add sources (official pages, notifications or news reports of them)")
    seen: set[str] = set()
    for i, source in enumerate(listed):
        if not _URL.match(source):
            report(f"{path}[{i}]", "a source is a web address starting with http:// or https://")
        if source in seen:
            report(f"{path}[{i}]", "this source is listed twice")
        seen.add(source)


def _field_paths(kind: type[msgspec.Struct]) -> set[str]:
    """Every field path of a struct, nested structs included (``guarantee.time_limit.unit``)."""
    paths: set[str] = set()

    def walk(info: object, prefix: str) -> None:
        while isinstance(info, msgspec.inspect.UnionType):
            info = next((t for t in info.types if isinstance(t, msgspec.inspect.StructType)), None)
        if isinstance(info, msgspec.inspect.StructType):
            for f in info.fields:
                name = f"{prefix}{f.encode_name}"
                paths.add(name)
                walk(f.type, f"{name}.")

    walk(msgspec.inspect.type_info(kind), "")
    return paths


_SERVICE_PATHS = _field_paths(Service)


def check_inferred(inferred: Iterable[str], path: str, report: Report) -> None:
    """Every name in ``inferred`` is a field of a service (``guarantee.time_limit``, ``first_appeal``),
    so a misspelt name cannot leave a guessed fact unmarked."""
    for i, name in enumerate(inferred):
        if name not in _SERVICE_PATHS:
            report(
                f"{path}[{i}]",
                f"'{name}' is not a field of a service; name a field such as guarantee.time_limit",
            )


def check_rule_fields(service: Service, rules: Iterable[CompiledRule], path: str, report: Report) -> None:
    """A form field a rule reads must be required: left empty, the rule could not be decided."""
    read = {name.partition(".")[2] for rule in rules for name in rule.facts if name.startswith("form.")}
    for j, field in enumerate(service.form):
        if field.name in read and not field.required:
            report(f"{path}.form[{j}].required", "an eligibility rule reads this field: make it required")
