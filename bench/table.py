"""The table `make bench` ends with: every row the benchmarks recorded (bench/figures.py) as measure, seva,
baseline, ratio, goal, met; printed, and written into docs/performance.md between its markers with the
date, the machine (cores, CPU model) and its load average.

    SEVA_BENCH_FIGURES=figures.jsonl .venv/bin/python bench/table.py [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- figures: written by bench/table.py -->"
END = "<!-- end of figures -->"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def goal_text(row: dict[str, object]) -> str:
    goal = row["goal"]
    if goal is None:
        return ""
    sign = ">=" if row["better"] == "higher" else "<="
    what = "ratio" if row["on"] == "ratio" else "seva"
    unit = "" if row["on"] == "ratio" else f" {row['unit']}"
    return f"{what} {sign} {goal:.3g}{unit}"


def met_text(met: object) -> str:
    return {True: "yes", False: "NO", None: ""}[met]  # type: ignore[index]


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def markdown(rows: list[dict[str, object]], started: float | None) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        BEGIN,
        f"Measured {when} at commit {commit()} on {os.cpu_count()} cores ({cpu_model()}), "
        f"Python {platform.python_version()}; load average at the end {load}"
        + (f" (run took {(rows[-1]['at'] - started) / 60:.0f} min)" if started and rows else "")  # type: ignore[operator]
        + ".",
        "",
        "| measure | seva | baseline | ratio | goal | met | from |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        unit = str(row["unit"])
        lines.append(
            f"| {row['measure']} | {number(row['seva'], unit)} | {number(row['baseline'], unit)} "  # type: ignore[arg-type]
            f"| {number(row['ratio'])} | {goal_text(row)} | {met_text(row['met'])} | {row['source']} |"  # type: ignore[arg-type]
        )
    met = sum(1 for r in rows if r["met"] is True)
    judged = sum(1 for r in rows if r["met"] is not None)
    lines += ["", f"{met} of {judged} goals met.", END]
    return "\n".join(lines)


def printed(rows: list[dict[str, object]]) -> str:
    width = max([len(str(r["measure"])) for r in rows] + [7])
    out = [f"{'measure':<{width}}  {'seva':>14} {'baseline':>14} {'ratio':>7}  {'goal':<18} met"]
    for row in rows:
        unit = str(row["unit"])
        out.append(
            f"{row['measure']!s:<{width}}  {number(row['seva'], unit):>14} "  # type: ignore[arg-type]
            f"{number(row['baseline'], unit):>14} {number(row['ratio']):>7}  "  # type: ignore[arg-type]
            f"{goal_text(row):<18} {met_text(row['met'])}"
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--figures", type=Path, default=os.environ.get("SEVA_BENCH_FIGURES"))
    parser.add_argument(
        "--write", type=Path, help="a Markdown file whose table between the markers to replace"
    )
    parser.add_argument("--started", type=float, help="when the run began (seconds since the epoch)")
    args = parser.parse_args()
    if not args.figures or not args.figures.exists():
        print("no figures recorded (set SEVA_BENCH_FIGURES for the benchmarks and this script)")
        return 1
    rows = [json.loads(line) for line in args.figures.read_text(encoding="utf-8").splitlines() if line]
    print(f"\n== every figure of this run ({len(rows)}) ==")
    print(printed(rows))
    if args.write:
        text = args.write.read_text(encoding="utf-8") if args.write.exists() else f"{BEGIN}\n{END}\n"
        if BEGIN not in text or END not in text:
            text = f"{text.rstrip()}\n\n{BEGIN}\n{END}\n"
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        args.write.write_text(head + markdown(rows, args.started) + tail, encoding="utf-8")
        print(f"\nwritten to {args.write}")
    missed = [r["measure"] for r in rows if r["met"] is False]
    print(f"{len(missed)} goal(s) missed" + (f": {'; '.join(map(str, missed))}" if missed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
