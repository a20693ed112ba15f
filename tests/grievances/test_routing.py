"""The routing file: the state's file and both samples load; a file with many problems names every one
at once, each with its file and line, in the catalogue's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.grievance_routing import RoutingInvalid, load_routing, parse_routing
from tests.conftest import ROOT

SHIPPED = ROOT / "grievances.yaml"
DELHI = ROOT / "samples" / "grievances-delhi.yaml"
CPGRAMS = ROOT / "samples" / "grievances-cpgrams.yaml"


def test_the_state_file_holds_cm_helplines_four_levels() -> None:
    revenue = load_routing(SHIPPED).departments["revenue"]
    assert [(level.level, level.days, level.on_lapse) for level in revenue.levels] == [
        (1, 7, "escalate"),
        (2, 7, "escalate"),
        (3, 14, "manual"),  # L3 to L4 by hand only
        (4, 10, "stay"),
    ]
    assert (
        revenue.level(4).send_back
        and revenue.level(4).force_closure
        and revenue.level(4).jurisdiction == "state"
    )
    assert [level.special_closure for level in revenue.levels] == ["propose", "propose", "make", "make"]
    assert revenue.first_position("land_records", "bhopal") == "Tehsildar"


def test_delhis_three_tiers_are_expressible() -> None:
    routing = load_routing(DELHI)
    tiers = routing.departments["revenue"].levels
    assert [(t.days, t.unit, t.on_lapse) for t in tiers] == [
        (21, "calendar_days", "stay"),
        (10, "calendar_days", "stay"),
        (10, "calendar_days", "stay"),
    ]
    assert sum(t.days for t in tiers) == 41
    assert {r.code: r.satisfied for r in routing.ratings.values()} == {"positive": True, "negative": False}


def test_cpgrams_is_expressible() -> None:
    routing = load_routing(CPGRAMS)
    levels = routing.departments["revenue"].levels
    assert [(level.days, level.unit) for level in levels] == [(21, "calendar_days"), (30, "calendar_days")]
    assert routing.departments["revenue"].transfer_cap == 3
    assert [r.code for r in routing.ratings.values() if not r.satisfied] == ["poor"]


BROKEN = """\
version: 1
model: {en: Test, hi: परीक्षण}
feedback:
  - {code: fine, satisfied: true, name: {en: Fine, hi: ठीक}}
chains:
  short:
    - level: 1
      position: Clerk
      title: {en: One, hi: एक}
      days: 0
    - level: 3
      position: Head
      title: {en: Three, hi: तीन}
      days: 5
      on_lapse: sometimes
departments:
  - department: revenue
    chain: short
    categories:
      - {code: land, name: {en: Land, hi: भूमि}}
    routing:
      - {category: water, district: atlantis, position: Clerk}
  - department: revenue
    chain: long
    categories: []
    routing: []
"""


def test_every_problem_is_named_at_once_with_its_line() -> None:
    with pytest.raises(RoutingInvalid) as caught:
        parse_routing(BROKEN, "broken.yaml", departments={"revenue"}, districts={"bhopal"})
    shown = [str(p) for p in caught.value.problems]
    expected = [
        "broken.yaml:4 feedback: needs at least one rating that is satisfied and one that is not",
        "broken.yaml:10 chains.short[0].days: must be a whole number at least 1",
        "broken.yaml:15 chains.short[1].on_lapse: 'sometimes' is not one of: escalate, manual, stay",
        "broken.yaml:22 departments[0].routing: the routing must end with a catch-all rule",
        "broken.yaml:22 departments[0].routing[0].category: unknown category 'water'",
        "broken.yaml:22 departments[0].routing[0].district: unknown district 'atlantis'",
        "broken.yaml:23 departments[1].department: department 'revenue' is listed twice",
    ]
    for start in expected:
        assert any(s.startswith(start) for s in shown), (start, shown)
    assert len(shown) == len(expected)


def test_an_unreadable_file_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(RoutingInvalid, match="cannot read"):
        load_routing(tmp_path / "missing.yaml")
