"""One row per measure for the table `make bench` ends with (bench/table.py).

A benchmark calls ``record`` for each figure it judges; when ``SEVA_BENCH_FIGURES`` names a file, the row is
appended to it as one JSON line, so every script of a run adds to the same table. Without the variable,
nothing is written (a script run alone still prints its own report).

``better`` says which way the figure is good: ``"higher"`` (a rate, or a ratio of rates) or ``"lower"`` (a
time, a size, a ratio of times). ``goal`` is compared with the ratio when ``on`` is ``"ratio"``, else with
seva's figure.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Literal

__all__ = ["ENV", "record"]

ENV = "SEVA_BENCH_FIGURES"


def record(
    measure: str,
    seva: float,
    baseline: float | None = None,
    *,
    unit: str = "",
    goal: float | None = None,
    better: Literal["higher", "lower"] = "higher",
    on: Literal["ratio", "seva"] = "ratio",
    source: str = "",
) -> bool | None:
    """Append one row; returns whether the goal is met (None without a goal)."""
    ratio = seva / baseline if baseline else None
    judged = ratio if on == "ratio" else seva
    met = None
    if goal is not None and judged is not None:
        met = judged >= goal if better == "higher" else judged <= goal
    path = os.environ.get(ENV)
    if path:
        row = {
            "measure": measure,
            "seva": seva,
            "baseline": baseline,
            "ratio": ratio,
            "unit": unit,
            "goal": goal,
            "better": better,
            "on": on,
            "met": met,
            "source": source,
            "at": time.time(),
        }
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")
    return met
