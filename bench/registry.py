"""What the family registry costs: importing, looking a member up, and judging a whole family.

On a synthetic registry of ``--members`` members (1,000,000 by default), on a SQLite file and on
PostgreSQL (``SEVA_BENCH_POSTGRES_URL``, else ``SEVA_TEST_POSTGRES_URL``, else the local server at
127.0.0.1:5432/test; skipped when none answers):

- import of the CSV through ``family_registry.importer`` (target: 1,000,000 members in under 2 minutes);
- member lookup by ID through ``Registry.member``, one at a time, random members (target: p99 under
  2 ms), beside the same query on the raw driver (aiosqlite / asyncpg) as the baseline of the same run;
- family eligibility: the family in one query and every service of the shipped catalogue for every
  member, uncached (target: median under 20 ms), and then answered from the cache.

The synthetic file is made once (not timed) and imported into each database in turn. Each figure is
printed beside its target. PostgreSQL gets a schema of its own, dropped at the end.

    .venv/bin/python bench/registry.py [--members 1000000] [--lookups 5000] [--families 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosqlite  # noqa: E402
import asyncpg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.figures import record  # noqa: E402
from catalogue import load_catalogue  # noqa: E402
from family_registry.aadhaar import AadhaarHasher  # noqa: E402
from family_registry.csv_format import COLUMNS  # noqa: E402
from family_registry.eligibility import EligibilityCache, family_eligibility  # noqa: E402
from family_registry.importer import import_csv, today_in_india  # noqa: E402
from family_registry.store import Registry  # noqa: E402
from family_registry.synth import Synthesizer  # noqa: E402
from gateway.database import create_engine, upgrade  # noqa: E402

IMPORT_TARGET_SECONDS_PER_MILLION = 120.0
LOOKUP_P99_TARGET_MS = 2.0
ELIGIBILITY_MEDIAN_TARGET_MS = 20.0
KEY = b"bench-registry-aadhaar-key-" + b"b" * 16
MEMBER_SQL = "SELECT * FROM members WHERE member_id = {}"
MEMBER_COLUMN = COLUMNS.index("member_id")


def show(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  meets target" if ok else "  MISSES target")
    print(f"   {label:<52} {value:>16}   {target}{verdict}".rstrip())


def quantiles(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def make_file(
    path: Path, members: int, seed: int, lookups: int, families: int
) -> tuple[list[str], list[str]]:
    """Write a synthetic registry of at least ``members`` members; return samples of member and family IDs."""
    rng = random.Random(seed)
    member_ids: list[str] = []
    family_ids: list[str] = []
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        last_family = ""
        seen_families = 0
        for row in Synthesizer(seed).rows(members):  # never more families than members
            if row[0] != last_family:
                if written >= members:
                    break
                last_family = row[0]
                seen_families += 1
                # Reservoir samples: every member and family equally likely to be asked for.
                if len(family_ids) < families:
                    family_ids.append(row[0])
                elif (j := rng.randrange(seen_families)) < families:
                    family_ids[j] = row[0]
            writer.writerow(row)
            written += 1
            if len(member_ids) < lookups:
                member_ids.append(row[MEMBER_COLUMN])
            elif (j := rng.randrange(written)) < lookups:
                member_ids[j] = row[MEMBER_COLUMN]
    return member_ids, family_ids


async def timed(call: Callable[[Any], Awaitable[object]], keys: list[str], warm: int = 100) -> list[float]:
    for key in keys[:warm]:
        await call(key)
    spent = []
    for key in keys:
        started = time.perf_counter()
        await call(key)
        spent.append(time.perf_counter() - started)
    return spent


async def raw_lookups(url: str, keys: list[str]) -> list[float]:
    """The same lookup on the bare driver: the floor under SQLAlchemy and the registry's code."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        async with aiosqlite.connect(parsed.database or "") as db:

            async def one(key: str) -> object:
                async with db.execute(MEMBER_SQL.format("?"), (key,)) as cursor:
                    return await cursor.fetchone()

            return await timed(one, keys)
    search_path = parsed.query.get("search_path")
    plain = parsed.difference_update_query(["search_path"]).set(drivername="postgresql")
    conn = await asyncpg.connect(
        plain.render_as_string(hide_password=False), server_settings={"search_path": str(search_path)}
    )
    try:
        statement = await conn.prepare(MEMBER_SQL.format("$1"))
        return await timed(statement.fetchrow, keys)
    finally:
        await conn.close()


async def measure(
    name: str, url: str, path: Path, member_ids: list[str], family_ids: list[str], rounds: int
) -> None:
    print(f"\n== {name} ==")
    hasher = AadhaarHasher(KEY)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        report = await import_csv(engine, path, hasher)
        target = IMPORT_TARGET_SECONDS_PER_MILLION * report.rows / 1_000_000
        show(f"import of {report.rows:,} members", f"{report.seconds:.1f} s", f"target < {target:.0f} s",
             report.seconds < target)  # fmt: skip
        show(
            "   rate",
            f"{report.rows / report.seconds:,.0f} rows/s",
            f"target > {1_000_000 / 120:,.0f} rows/s",
        )
        assert report.rejected == 0, f"{report.rejected} synthetic rows rejected"

        registry = Registry(engine, hasher)
        catalogue = load_catalogue(ROOT / "catalogue.yaml")
        today = today_in_india()
        cache = EligibilityCache(families=len(family_ids))

        async def judge(family_id: str) -> object:
            return family_eligibility(catalogue, await registry.family(family_id), today)

        async def cached(family_id: str) -> object:
            return cache.get(catalogue, await registry.family(family_id), today)

        # Interleaved rounds, each figure the median of the rounds: the machine is shared, and a burst
        # of someone else's work then spoils one round, not one kind of measurement.
        kinds: dict[str, tuple[Callable[[Any], Awaitable[object]] | None, list[str]]] = {
            "lookup": (registry.member, member_ids),
            "raw": (None, member_ids),
            "judge": (judge, family_ids),
            "fetch": (registry.family, family_ids),
            "cached": (cached, family_ids),
        }
        figures: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
        for _ in range(rounds):
            for kind, (call, keys) in kinds.items():
                spent = await raw_lookups(url, keys) if call is None else await timed(call, keys)
                figures[kind].append(quantiles(spent))

        def fig(kind: str, which: int) -> float:
            return statistics.median(f[which] for f in figures[kind])

        def spread(kind: str, which: int) -> str:
            values = sorted(f[which] for f in figures[kind])
            return f"(rounds {', '.join(f'{v:.2f}' for v in values)})"

        show("member lookup (Registry.member), median", f"{fig('lookup', 0):.3f} ms")
        show("member lookup (Registry.member), p99", f"{fig('lookup', 1):.3f} ms",
             f"target < {LOOKUP_P99_TARGET_MS} ms", fig("lookup", 1) < LOOKUP_P99_TARGET_MS)  # fmt: skip
        print(f"      p99 {spread('lookup', 1)}")
        show("   baseline: the same query on the raw driver, median", f"{fig('raw', 0):.3f} ms")
        source = "bench/registry.py"
        record(
            f"{name}: import, rows per second",
            report.rows / report.seconds,
            unit="rows/s",
            goal=1_000_000 / IMPORT_TARGET_SECONDS_PER_MILLION,
            on="seva",
            source=source,
        )
        record(
            f"{name}: Registry.member, one at a time, median / raw driver",
            fig("lookup", 0),
            fig("raw", 0),
            unit="ms",
            better="lower",
            source=source,
        )
        record(
            f"{name}: Registry.member, p99",
            fig("lookup", 1),
            fig("raw", 1),
            unit="ms",
            goal=LOOKUP_P99_TARGET_MS,
            better="lower",
            on="seva",
            source=source,
        )
        show("   baseline: the same query on the raw driver, p99", f"{fig('raw', 1):.3f} ms")
        size = statistics.mean([len((await registry.family(f)).members) for f in family_ids[:200]])
        print(f"   family eligibility: {len(catalogue.services)} services x {size:.1f} members a family")
        judged, target_ms = fig("judge", 0), ELIGIBILITY_MEDIAN_TARGET_MS
        show("family eligibility, uncached, median", f"{judged:.3f} ms", f"target < {target_ms} ms",
             judged < target_ms)  # fmt: skip
        show("family eligibility, uncached, p99", f"{fig('judge', 1):.3f} ms")
        record(
            f"{name}: family eligibility from the registry, uncached, median",
            judged,
            unit="ms",
            goal=target_ms,
            better="lower",
            on="seva",
            source=source,
        )
        show("   of which fetching the family (one query), median", f"{fig('fetch', 0):.3f} ms")
        show("family eligibility from the cache, median", f"{fig('cached', 0):.3f} ms")
        show("family eligibility from the cache, p99", f"{fig('cached', 1):.3f} ms")
    finally:
        await engine.dispose()


async def postgres_url() -> str | None:
    url = (
        os.environ.get("SEVA_BENCH_POSTGRES_URL")
        or os.environ.get("SEVA_TEST_POSTGRES_URL")
        or "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    )
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return url
    except Exception as exc:  # any failure means: no PostgreSQL to measure
        print(f"\n== PostgreSQL == skipped: {type(exc).__name__}: {exc}")
        return None
    finally:
        await engine.dispose()


async def on_postgres(url: str, work: Callable[[str], Awaitable[None]]) -> None:
    schema = f"bench_registry_{secrets.token_hex(4)}"
    admin = create_engine(url)
    try:
        async with admin.begin() as conn:
            await conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        try:
            await work(f"{url}?search_path={schema}")
        finally:
            async with admin.begin() as conn:
                await conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000, help="size of the registry")
    parser.add_argument("--lookups", type=int, default=5000, help="member lookups timed")
    parser.add_argument("--families", type=int, default=2000, help="families judged")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the latency figures")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="measure one database only")
    args = parser.parse_args()
    when = f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"registry benchmark: {args.members:,} members, {os.cpu_count()} CPUs, {when}, load {load}")
    with tempfile.TemporaryDirectory(prefix="seva-bench-registry-") as folder:
        path = Path(folder) / "registry.csv"
        started = time.perf_counter()
        member_ids, family_ids = make_file(path, args.members, args.seed, args.lookups, args.families)
        made = time.perf_counter() - started
        print(f"   synthetic file: {path.stat().st_size / 1e6:,.0f} MB in {made:.1f} s (not timed)")
        random.Random(args.seed).shuffle(member_ids)
        if args.only != "postgres":
            url = f"sqlite+aiosqlite:///{Path(folder) / 'registry.db'}"
            await measure("SQLite (WAL)", url, path, member_ids, family_ids, args.rounds)
        if args.only != "sqlite" and (pg := await postgres_url()) is not None:

            async def work(url: str) -> None:
                await measure("PostgreSQL", url, path, member_ids, family_ids, args.rounds)

            await on_postgres(pg, work)


if __name__ == "__main__":
    asyncio.run(main())
