"""What grievances cost: filing end to end, and the escalation sweep over many open grievances.

1. **Filing rate**: ``POST /api/v1/grievances`` through the whole application (the ASGI stack with its
   guard, policy, validation, the service's checks, one transaction with the grievance, its event, its
   audit entry and its text queued) on SQLite, beside the same stack answering ``GET /health`` (the
   baseline, measured in the same run), each with 16 requests in flight.
2. **Escalation sweep**: N open grievances (made in the database with one ``INSERT ... SELECT``), their
   next checks spread evenly over ``--days`` days (30: a month of limits), the clock moved so that one
   day's share has lapsed (N / 30); then again with every one lapsed at once (the worst morning).
   Measured: an idle round (an index probe), and the sweep that moves the lapsed ones up a level with
   their timeline events and texts queued, in rounds of ``--batch``, each round one set-based statement
   (PostgreSQL) or a few (SQLite); beside it, the baseline measured in the same run: one bare ``UPDATE``
   of the same rows and columns.

Run on SQLite (a file) and on PostgreSQL when ``SEVA_BENCH_POSTGRES_URL`` or ``SEVA_TEST_POSTGRES_URL`` is
set (a schema of its own, dropped after).

    .venv/bin/python bench/grievances.py [--sizes 100000,1000000] [--batch 100000] [--days 30] [--filings 400]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import record  # noqa: E402
from gateway.bootstrap import build  # noqa: E402
from gateway.database import create_engine, upgrade  # noqa: E402
from gateway.platform.clock import INDIA, MovableClock  # noqa: E402
from gateway.settings import Settings  # noqa: E402
from tests.grievances.support import seed_due  # noqa: E402

START = dt.datetime(2026, 12, 7, 10, 0, tzinfo=INDIA)


def line(label: str, value: float, unit: str, note: str = "") -> None:
    print(f"   {label:<62} {value:12.3f} {unit:<4} {note}".rstrip())


def settings_for(url: str, data_dir: Path, **values: object) -> Settings:
    return Settings.from_env(
        {},
        data_dir=str(data_dir),
        database_url=url,
        catalogue=str(ROOT / "catalogue.yaml"),
        catalogue_watch_seconds=0,
        log_level="WARNING",
        **values,
    )


async def sweep_figures(url: str, n: int, batch: int, days: int, data_dir: Path) -> dict[str, float]:
    """N open grievances whose next checks are spread over ``days`` days; the clock moved so that the
    first day's share has lapsed (all of them when ``days`` is 1), swept, then the same rows moved again
    by one bare UPDATE (the baseline)."""
    postgres = url.startswith("postgresql")
    engine = create_engine(url, pool_size=5, max_overflow=5)
    await upgrade(engine)
    lapsed = START + dt.timedelta(days=10)
    started = time.perf_counter()
    await seed_due(url, n, lapsed.timestamp() - 3600, days=days)
    if postgres:
        async with engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            await conn.execute(text("ANALYZE grievance"))
    seeded = time.perf_counter() - started
    clock = MovableClock(START)
    seva = build(
        settings_for(url, data_dir, grievance_watcher_batch=batch),
        clock=clock,
        engine=engine,
        inprocess_workers=False,
        inprocess_watcher=False,
    )
    watcher = seva.grievances.watcher
    probes = []
    for _ in range(20):
        begin = time.perf_counter()
        assert await watcher.run_once() == 0
        probes.append(time.perf_counter() - begin)
    clock.set(lapsed)
    due = len(range(days, n + 1, days)) if days > 1 else n  # rows 1..n: those with i % days == 0
    begin = time.perf_counter()
    moved = await watcher.sweep()
    swept = time.perf_counter() - begin
    async with engine.connect() as conn:
        at_two = int(
            (await conn.execute(text("SELECT count(*) FROM grievance WHERE level = 2"))).scalar_one()
        )
        queued = int((await conn.execute(text("SELECT count(*) FROM grievance_notice"))).scalar_one())
    assert moved == due == at_two == queued, (moved, due, at_two, queued)
    # The baseline: the same rows moved again by one bare UPDATE of the same columns, found by an index,
    # with no event, no text and no batching (what the database itself costs for touching them here).
    begin = time.perf_counter()
    async with engine.begin() as conn:
        found = await conn.execute(
            text(
                "UPDATE grievance SET level = 3, status = 'open', due_on = '2027-01-15', next_check_at = 1.0 "
                "WHERE department = 'revenue' AND level = 2"
            )
        )
        assert found.rowcount == moved, (found.rowcount, moved)
    floor = time.perf_counter() - begin
    await seva.delivery.resolver.aclose()
    await engine.dispose()
    return {
        "seed": seeded,
        "idle": sorted(probes)[len(probes) // 2],
        "moved": moved,
        "sweep": swept,
        "floor": floor,
    }


async def filing_figures(count: int, concurrency: int, data_dir: Path) -> dict[str, float]:
    from litestar.testing import AsyncTestClient

    from gateway.app import create_app
    from gateway.platform.principal import Principal
    from tests.applications.support import seed_people

    url = f"sqlite+aiosqlite:///{data_dir}/filing.db"
    settings = settings_for(url, data_dir, api_per_minute=10_000_000, inprocess_watcher=False)
    engine = create_engine(url)
    await upgrade(engine)
    await seed_people(engine)
    await engine.dispose()
    app = create_app(settings)
    seva = app.state.seva
    token = seva.identity.service.tokens.issue(Principal.citizen("200000011", "20000001")).token
    auth = {"authorization": f"Bearer {token}"}
    body = {
        "kind": "complaint",
        "department": "revenue",
        "category": "land_records",
        "district": "bhopal",
        "place": "Huzur",
        "text": "The copy of my khasra was not given though I paid the fee.",
    }
    figures: dict[str, list[float]] = {"health": [], "file": []}
    async with AsyncTestClient(app) as client:

        async def rate(call: str) -> float:
            left = count

            async def one() -> None:
                nonlocal left
                while left > 0:
                    left -= 1
                    if call == "file":
                        answer = await client.post("/api/v1/grievances", json=body, headers=auth)
                        assert answer.status_code == 201, answer.text
                    else:
                        answer = await client.get("/health")
                        assert answer.status_code == 200

            begin = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(concurrency)))
            return count / (time.perf_counter() - begin)

        for _ in range(3):  # alternate, so a busy moment of a shared machine does not fall on one side only
            figures["health"].append(await rate("health"))
            figures["file"].append(await rate("file"))
    return {k: sorted(v)[1] for k, v in figures.items()}


async def databases(sizes: list[int], batch: int, days: int, only: str) -> None:
    pg = os.environ.get("SEVA_BENCH_POSTGRES_URL") or os.environ.get("SEVA_TEST_POSTGRES_URL")
    kinds = [k for k in ["sqlite"] + (["postgres"] if pg else []) if k in only.split(",")]
    for kind in kinds:
        print(f"\n== the escalation sweep on {kind} (batch {batch:,})")
        for n in sizes:
            for spread in (days, 1):
                with tempfile.TemporaryDirectory() as folder:
                    if kind == "postgres":
                        assert pg is not None
                        schema = f"bench_{secrets.token_hex(4)}"
                        admin = create_engine(pg)
                        async with admin.begin() as conn:
                            await conn.execute(text(f"CREATE SCHEMA {schema}"))
                        url = f"{pg}?search_path={schema}"
                    else:
                        url = f"sqlite+aiosqlite:///{folder}/bench.db"
                    try:
                        f = await sweep_figures(url, n, batch, spread, Path(folder) / "data")
                    finally:
                        if kind == "postgres":
                            async with admin.begin() as conn:
                                await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                            await admin.dispose()
                share = "all lapsed (worst case)" if spread == 1 else f"one day's lapses (1 in {spread})"
                print(f"  {n:,} open grievances, {share} (made in {f['seed']:.1f} s)")
                line("idle round, nothing due (median of 20)", f["idle"] * 1000, "ms")
                ratio = f["sweep"] / f["floor"]
                line(
                    f"sweep: {int(f['moved']):,} moved up, with event and text queued",
                    f["sweep"],
                    "s",
                    f"{f['moved'] / f['sweep']:,.0f} grievances/s, {ratio:.2f}x the baseline",
                )
                line("baseline: one bare UPDATE of the same rows and columns", f["floor"], "s")
                record(
                    f"{kind}, {n:,} open grievances, {share}: escalation sweep / bare UPDATE of the rows",
                    f["sweep"],
                    f["floor"],
                    unit="s",
                    better="lower",
                    goal=10.0 if kind == "postgres" and n >= 1_000_000 else None,
                    on="seva",
                    source="bench/grievances.py",
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--filings", type=int, default=400)
    parser.add_argument("--days", type=int, default=30, help="next checks spread over this many days")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"seva grievances benchmark: {os.cpu_count()} CPUs")
    if args.filings:
        with tempfile.TemporaryDirectory() as folder:
            f = asyncio.run(filing_figures(args.filings, args.concurrency, Path(folder)))
        print(f"\n== filing end to end, in process, SQLite, {args.concurrency} in flight (median of 3)")
        line("GET /health through the same stack (baseline)", f["health"], "/s")
        line("POST /api/v1/grievances", f["file"], "/s", f"{f['file'] / f['health']:.2f}x the baseline")
        record(
            "grievance filing end to end (SQLite) / GET /health through the same stack",
            f["file"],
            f["health"],
            unit="/s",
            source="bench/grievances.py",
        )
    asyncio.run(databases([int(s) for s in args.sizes.split(",")], args.batch, args.days, args.databases))


if __name__ == "__main__":
    main()
