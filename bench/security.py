"""What identity, rate limiting and the audit trail cost a request.

Components, in process, on a real database (a SQLite file, and PostgreSQL when ``SEVA_BENCH_POSTGRES_URL``
or ``SEVA_TEST_POSTGRES_URL`` is set):

- checking an access token (ES256 through python-jose);
- the batched API limiter's hit (memory only) and its once-a-second sync;
- the exact sign-in limiter's hit (one upsert in its own transaction);
- an audit append of a read, one at a time and 640 at once (committed together, unchained: see
  gateway/audit/trail.py; bench/audit.py measures what it costs a read).

Then end to end, over HTTP against a real ``seva serve``, one request at a time on a kept-alive
connection: ``/health`` (guarded, no limit) as the baseline measured in the same run, a public catalogue
route (rate limited), and the same route with a citizen's token (token check + limit).

    .venv/bin/python bench/security.py [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import record  # noqa: E402
from gateway.audit import Actor, AuditTrail  # noqa: E402
from gateway.audit.sealer import AuditSealer  # noqa: E402
from gateway.database import create_engine, upgrade  # noqa: E402
from gateway.identity.keys import KeyRing  # noqa: E402
from gateway.identity.tokens import TokenService  # noqa: E402
from gateway.platform.principal import Principal  # noqa: E402
from gateway.ratelimit.counter import Limit  # noqa: E402
from gateway.ratelimit.limiters import BatchedLimiter, ExactLimiter  # noqa: E402

ACTOR = Actor(
    subject="member:100000011", role="citizen", client_ip="127.0.0.1", reason="bench", request_id="b"
)


def line(label: str, value: float, unit: str, note: str = "") -> None:
    print(f"   {label:<58} {value:10.3f} {unit:<3}  {note}".rstrip())


def micro(label: str, call: Callable[[], object], repeat: int = 5000) -> None:
    call()
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    line(label, (time.perf_counter() - start) / repeat * 1e6, "µs")


async def timed(call: Callable[[], Awaitable[object]], repeat: int) -> list[float]:
    await call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return samples


def summary(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    line(label, statistics.median(samples) * 1e3, "ms", f"p99 {p99 * 1e3:.2f} ms, n={len(samples)}")


async def database_costs(name: str, url: str) -> None:
    print(f"\n== {name} ==")
    engine = create_engine(url)
    await upgrade(engine)
    exact = ExactLimiter(engine)
    limit = Limit("bench", 10**9, 60)
    summary("exact limiter hit (upsert + commit)", await timed(lambda: exact.hit([(limit, "k")]), 500))
    trail = AuditTrail(engine)
    summary(
        "audit append, own transaction, one at a time",
        await timed(lambda: trail.record(ACTOR, "family.read", "family:10000001"), 500),
    )
    start = time.perf_counter()
    await asyncio.gather(*(trail.record(ACTOR, "family.read", f"family:{n}") for n in range(640)))
    elapsed = time.perf_counter() - start
    line(
        "audit appends, 640 at once: throughput",
        640 / elapsed,
        "/s",
        f"{elapsed / 640 * 1e3:.2f} ms each on average",
    )
    batched = BatchedLimiter(engine, Limit("api", 10**9, 60), 1.0)
    await batched.hit("ip:bench")
    start = time.perf_counter()
    for _ in range(20000):
        await batched.hit("ip:bench")
    line("batched limiter hit (memory)", (time.perf_counter() - start) / 20000 * 1e6, "µs")
    samples = []
    for _ in range(20):
        for n in range(1000):
            await batched.hit(f"ip:{n}")
        start = time.perf_counter()
        await batched.sync()
        samples.append(time.perf_counter() - start)
    summary("batched limiter sync of 1,000 active keys (once a second)", samples)
    await AuditSealer(engine).seal_all()
    start = time.perf_counter()
    verdict = await trail.verify()
    elapsed = time.perf_counter() - start
    per_entry = elapsed / max(verdict.entries, 1) * 1e6
    line(
        f"verify the whole trail ({verdict.entries} entries)",
        elapsed * 1e3,
        "ms",
        f"{per_entry:.1f} µs per entry",
    )
    await engine.dispose()


def http_costs(requests: int) -> None:
    print("\n== over HTTP, one request at a time on a kept-alive connection (client: httpx) ==")
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "SEVA_DATA_DIR": data,
            "SEVA_PORT": "8799",
            "SEVA_LOG_LEVEL": "WARNING",
            "SEVA_API_PER_MINUTE": "100000000",
            "SEVA_CATALOGUE_WATCH_SECONDS": "0",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = "http://127.0.0.1:8799"
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            ring = KeyRing.open(Path(data) / "keys")
            token = (
                TokenService(ring, issuer="seva", audience="seva-api", lifetime=3600)
                .issue(Principal.citizen("100000011", "10000001"))
                .token
            )
            with httpx.Client(base_url=base) as client:
                cases = [
                    ("/health: guard, no limit (baseline)", "/health", {}),
                    ("/api/v1/departments: guard + API limit", "/api/v1/departments", {}),
                    (
                        "/api/v1/departments with a citizen token",
                        "/api/v1/departments",
                        {"authorization": f"Bearer {token}"},
                    ),
                ]
                results = {}
                for label, path, headers in cases * 2:  # interleaved: each measured twice, the second kept
                    for _ in range(50):
                        client.get(path, headers=headers)
                    samples = []
                    for _ in range(requests):
                        start = time.perf_counter()
                        client.get(path, headers=headers)
                        samples.append(time.perf_counter() - start)
                    results[label] = samples
                for label, samples in results.items():
                    summary(label, samples)
                health = statistics.median(results[cases[0][0]])
                for label, _, _ in cases[1:]:
                    record(
                        f"one request at a time: {label.split(':')[0]} / /health",
                        statistics.median(results[label]) * 1e3,
                        health * 1e3,
                        unit="ms",
                        better="lower",
                        source="bench/security.py",
                    )
        finally:
            server.terminate()
            server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    print("== in process ==")
    with tempfile.TemporaryDirectory() as keys:
        ring = KeyRing.open(Path(keys))
        tokens = TokenService(ring, issuer="seva", audience="seva-api", lifetime=900)
        token = tokens.issue(Principal.citizen("100000011", "10000001")).token
        micro("access token check (ES256, python-jose), first sight", lambda: tokens._verify(token))
        micro("access token check, seen in the last 30 s (cached)", lambda: tokens.verify(token))
        micro("access token issue", lambda: tokens.issue(Principal.citizen("100000011", "10000001")), 2000)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(database_costs("SQLite (WAL) file", f"sqlite+aiosqlite:///{folder}/bench.db"))
    postgres = os.environ.get("SEVA_BENCH_POSTGRES_URL") or os.environ.get("SEVA_TEST_POSTGRES_URL")
    if postgres:
        schema = f"bench_{os.getpid()}"

        async def admin(sql: str) -> None:
            engine = create_engine(postgres)
            async with engine.begin() as conn:
                await conn.execute(text(sql))
            await engine.dispose()

        asyncio.run(admin(f"CREATE SCHEMA {schema}"))
        try:
            asyncio.run(database_costs("PostgreSQL", f"{postgres}?search_path={schema}"))
        finally:
            asyncio.run(admin(f"DROP SCHEMA {schema} CASCADE"))
    http_costs(args.requests)


if __name__ == "__main__":
    main()
