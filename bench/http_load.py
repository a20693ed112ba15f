"""seva over HTTP at 64 connections, beside bare Litestar on the same server, in one run.

Servers, each one worker, started by this script and stopped at the end:

- seva (``seva serve``), rate limits raised, no delivery workers, over a SQLite file and over PostgreSQL
  (``SEVA_BENCH_POSTGRES_URL``, else ``SEVA_TEST_POSTGRES_URL``, else 127.0.0.1:5432/test; skipped when none
  answers), each holding the demo registry (``seva registry demo``) and one application with its timeline;
- the baseline, ``bench/bare_app.py``: bare Litestar answering ``/hello``, and reading the same member,
  family (one join) and application rows on the raw driver (aiosqlite, asyncpg pool).

Every pair is measured in interleaved rounds (baseline, seva, baseline, seva...) and each figure is the
median of the rounds: requests per second, and the median and 99th percentile latency. The load comes from
wrk (``--latency``) when it is installed, else from an aiohttp client in this process (slower, so its
ratios are lower bounds). What is compared, with the goals of issue 11:

- ``/health`` against ``/hello`` (>= 0.8); catalogue search and a service's detail against ``/hello``
  (>= 0.5), and the catalogue reads' p99 / p50 (<= 3);
- a member, a family and an application read by their citizen (policy, masking, audit entry) against the
  raw driver reading the same rows (>= 0.5), on SQLite and on PostgreSQL;
- the servers: seva on granian against seva on uvicorn, and bare Litestar on each.

    .venv/bin/python bench/http_load.py [--seconds 5] [--rounds 3] [--connections 64]
        [--server granian|uvicorn] [--only sqlite|postgres|catalogue]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds applications.py and catalogue.py, which would hide the packages of the same names.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.figures import record  # noqa: E402
from gateway.applications.reference import new_reference  # noqa: E402
from gateway.database import create_engine  # noqa: E402
from gateway.identity.keys import KeyRing  # noqa: E402
from gateway.identity.tokens import TokenService  # noqa: E402
from gateway.platform.principal import Principal  # noqa: E402

SOURCE = "bench/http_load.py"
SERVICE = "sj-widow-pension"


@dataclass(frozen=True)
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- load ------------------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, connections: int, seconds: float, headers: dict[str, str]) -> Run:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    failed = re.search(r"Socket errors:.*?timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (int(failed.group(1)) if failed else 0)
    return Run(rps, p50, p99, errors)


async def _aiohttp(url: str, connections: int, seconds: float, headers: dict[str, str]) -> Run:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as session:
        deadline = time.monotonic() + seconds

        async def one() -> None:
            nonlocal errors
            while time.monotonic() < deadline:
                started = time.perf_counter()
                async with session.get(url, headers=headers) as answer:
                    await answer.read()
                    errors += answer.status >= 400
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(connections)))
        took = time.perf_counter() - started
    ordered = sorted(latencies)
    return Run(
        len(ordered) / took,
        statistics.median(ordered) * 1e3,
        ordered[int(len(ordered) * 0.99)] * 1e3,
        errors,
    )


def load(url: str, connections: int, seconds: float, headers: dict[str, str]) -> Run:
    if shutil.which("wrk"):
        return wrk(url, connections, seconds, headers)
    return asyncio.run(_aiohttp(url, connections, seconds, headers))


# -- servers ---------------------------------------------------------------------------------------------


def wait_for(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{what} did not start")


@contextmanager
def started(command: list[str], env: dict[str, str], probe: str, what: str) -> Iterator[None]:
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(probe, process, what)
        yield
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def seva_env(data: Path, database_url: str, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "SEVA_DATA_DIR": str(data),
        "SEVA_PORT": str(port),
        "SEVA_LOG_LEVEL": "WARNING",
        "SEVA_API_PER_MINUTE": "1000000000",
        "SEVA_CATALOGUE_WATCH_SECONDS": "0",
        "SEVA_INPROCESS_WORKERS": "0",
        "PYTHONPATH": str(ROOT),
    }
    env["SEVA_DATABASE_URL"] = database_url
    return env


def seva(data: Path, database_url: str, server: str) -> tuple[Callable[[], ExitStack], str]:
    port = free_port()
    command = [sys.executable, "-m", "gateway.cli", "serve", "--server", server]
    env = seva_env(data, database_url, port)
    url = f"http://127.0.0.1:{port}"

    def run() -> ExitStack:
        stack = ExitStack()
        stack.enter_context(started(command, env, f"{url}/health", f"seva on {server}"))
        return stack

    return run, url


def bare(database_url: str, server: str) -> tuple[Callable[[], ExitStack], str]:
    port = free_port()
    target = "bench.bare_app:create_app"
    if server == "granian":
        command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--port", str(port),
                   "--no-ws", "--log-level", "warning", target]  # fmt: skip
    else:
        command = [sys.executable, "-m", "uvicorn", "--factory", "--port", str(port), "--log-level",
                   "warning", "--no-access-log", target]  # fmt: skip
    env = {**os.environ, "BARE_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    url = f"http://127.0.0.1:{port}"

    def run() -> ExitStack:
        stack = ExitStack()
        stack.enter_context(started(command, env, f"{url}/hello", f"bare Litestar on {server}"))
        return stack

    return run, url


# -- data ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    member_id: str
    family_id: str
    reference: str


def prepare(env: dict[str, str]) -> None:
    """The demo registry, through seva's own command and migrations."""
    subprocess.run(
        [sys.executable, "-m", "gateway.cli", "registry", "demo"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def subject(database_url: str) -> Subject:
    """A family of the demo registry, one of its members, and an application of that member with a
    timeline of three events (written directly: submitting needs documents this benchmark does not hold)."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            row = (
                await conn.execute(
                    text("SELECT member_id, family_id FROM members ORDER BY member_id LIMIT 1 OFFSET 5")
                )
            ).one()
            reference = new_reference(dt.date(2026, 12, 1))
            now = time.time()
            await conn.execute(
                text(
                    "INSERT INTO applications (reference, service_code, department, member_id, family_id,"
                    " applicant, form, documents, status, status_message, status_message_hi,"
                    " idempotency_scope, idempotency_key, request_hash, created_by, created_at, updated_at)"
                    " VALUES (:reference, :service, 'social-justice', :member, :family, '{}',"
                    " '{\"purpose\": \"bench\"}', '[]', 'submitted', '', '', :scope, :key, :hash, :scope,"
                    " :now, :now)"
                ),
                {
                    "reference": reference, "service": SERVICE, "member": row.member_id,
                    "family": row.family_id, "scope": f"member:{row.member_id}", "key": secrets.token_hex(8),
                    "hash": "0" * 64, "now": now,
                },
            )  # fmt: skip
            for n, status in enumerate(("submitted", "queued", "delivered")):
                await conn.execute(
                    text(
                        "INSERT INTO application_events (reference, at, kind, status, message, message_hi,"
                        " actor) VALUES (:reference, :at, 'status', :status, '', '', 'bench')"
                    ),
                    {"reference": reference, "at": now + n, "status": status},
                )
        return Subject(row.member_id, row.family_id, reference)
    finally:
        await engine.dispose()


def citizen_token(data: Path, who: Subject) -> str:
    ring = KeyRing.open(data / "keys")
    service = TokenService(ring, issuer="seva", audience="seva-api", lifetime=3 * 3600)
    return service.issue(Principal.citizen(who.member_id, who.family_id)).token


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
        print(f"   PostgreSQL skipped: {type(exc).__name__}: {exc}")
        return None
    finally:
        await engine.dispose()


async def admin(url: str, sql: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql(sql)
    finally:
        await engine.dispose()


# -- measuring -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One URL measured on one server; ``key`` names it across rounds."""

    key: str
    url: str
    headers: dict[str, str]


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.runs: dict[str, list[Run]] = {}

    def rounds(self, cases: list[Case]) -> None:
        """Each case once per round, in turns; a short warm-up of each before the first round."""
        for case in cases:
            load(case.url, self.args.connections, 1, case.headers)
        for n in range(self.args.rounds):
            for case in cases:
                run = load(case.url, self.args.connections, self.args.seconds, case.headers)
                if run.errors:
                    raise SystemExit(f"{case.key}: {run.errors} failed answers from {case.url}")
                self.runs.setdefault(case.key, []).append(run)
            print(
                f"   round {n + 1}: " + ", ".join(f"{c.key} {self.runs[c.key][-1].rps:,.0f}/s" for c in cases)
            )

    def median(self, key: str) -> Run:
        runs = self.runs[key]
        return Run(
            statistics.median(r.rps for r in runs),
            statistics.median(r.p50_ms for r in runs),
            statistics.median(r.p99_ms for r in runs),
            0,
        )

    def compare(self, measure: str, seva: str, baseline: str, goal: float | None) -> None:
        ours, theirs = self.median(seva), self.median(baseline)
        met = record(measure, ours.rps, theirs.rps, unit="req/s", goal=goal, source=SOURCE)
        print(
            f"   {measure:<58} {ours.rps:9,.0f} {theirs.rps:9,.0f} {ours.rps / theirs.rps:6.2f}"
            f"  {'>= ' + format(goal, 'g') if goal else '':<7} {_verdict(met)}"
        )
        print(
            f"   {'':<58} p50 {ours.p50_ms:.1f} / {theirs.p50_ms:.1f} ms, p99 {ours.p99_ms:.1f} / "
            f"{theirs.p99_ms:.1f} ms"
        )

    def tail(self, measure: str, seva: str, baseline: str, goal: float | None) -> None:
        ours, theirs = self.median(seva), self.median(baseline)
        ours_tail, theirs_tail = ours.p99_ms / ours.p50_ms, theirs.p99_ms / theirs.p50_ms
        met = record(
            measure, ours_tail, theirs_tail, unit="x", goal=goal, better="lower", on="seva", source=SOURCE
        )
        print(
            f"   {measure:<58} {ours_tail:9.2f} {theirs_tail:9.2f} {ours_tail / theirs_tail:6.2f}"
            f"  {'<= ' + format(goal, 'g') if goal else '':<7} {_verdict(met)}"
        )


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "NOT met")


def reads(bench: Bench, label: str, data: Path, database_url: str, server: str) -> None:
    """Start seva and the bare app over one database; measure the three personal reads against raw."""
    env = seva_env(data, database_url, 0)
    prepare(env)
    who = asyncio.run(subject(database_url))
    start_seva, seva_url = seva(data, database_url, server)
    start_bare, bare_url = bare(database_url, server)
    with start_seva(), start_bare():
        token = citizen_token(data, who)
        auth = {"authorization": f"Bearer {token}"}
        for path in (f"/api/v1/members/{who.member_id}", f"/api/v1/families/{who.family_id}",
                     f"/api/v1/applications/{who.reference}"):  # fmt: skip
            answer = httpx.get(f"{seva_url}{path}", headers=auth)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        cases = [
            Case(f"{label} member raw", f"{bare_url}/members/{who.member_id}", {}),
            Case(f"{label} member seva", f"{seva_url}/api/v1/members/{who.member_id}", auth),
            Case(f"{label} family raw", f"{bare_url}/families/{who.family_id}", {}),
            Case(f"{label} family seva", f"{seva_url}/api/v1/families/{who.family_id}", auth),
            Case(f"{label} application raw", f"{bare_url}/applications/{who.reference}", {}),
            Case(f"{label} application seva", f"{seva_url}/api/v1/applications/{who.reference}", auth),
        ]
        bench.rounds(cases)
        bench.compare(f"GET /api/v1/members/{{id}}, {label} / raw driver", f"{label} member seva",
                      f"{label} member raw", 0.5)  # fmt: skip
        bench.compare(f"GET /api/v1/families/{{id}}, {label} / raw driver", f"{label} family seva",
                      f"{label} family raw", 0.5)  # fmt: skip
        bench.compare(f"GET /api/v1/applications/{{ref}}, {label} / raw driver", f"{label} application seva",
                      f"{label} application raw", 0.5)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--server", choices=("granian", "uvicorn"), default="granian",
                        help="the server of the main comparisons (both are compared at the end)")  # fmt: skip
    parser.add_argument("--only", choices=("sqlite", "postgres", "catalogue"))
    args = parser.parse_args()
    bench = Bench(args)
    tool = "wrk" if shutil.which("wrk") else "aiohttp (wrk not installed)"
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"seva over HTTP: {args.connections} connections, {args.seconds:g} s x {args.rounds} interleaved "
        f"rounds, load from {tool}, one {args.server} worker each; {os.cpu_count()} CPUs, load {load_avg}"
    )
    print(f"   {'measure':<58} {'seva':>9} {'baseline':>9} {'ratio':>6}  goal")
    with tempfile.TemporaryDirectory(prefix="seva-bench-http-") as folder:
        data = Path(folder) / "sqlite"
        data.mkdir()
        sqlite_url = f"sqlite+aiosqlite:///{data / 'seva.db'}"
        if args.only in (None, "sqlite"):
            print("\n== SQLite: personal reads against the raw driver ==")
            reads(bench, "SQLite", data, sqlite_url, args.server)
        print(f"\n== the catalogue and /health against bare Litestar ({args.server}) ==")
        if args.only in ("postgres", "catalogue"):
            prepare(seva_env(data, sqlite_url, 0))
        start_seva, seva_url = seva(data, sqlite_url, args.server)
        start_bare, bare_url = bare("", args.server)
        with start_seva(), start_bare():
            bench.rounds(
                [
                    Case("hello", f"{bare_url}/hello", {}),
                    Case("health", f"{seva_url}/health", {}),
                    Case("search", f"{seva_url}/api/v1/services?q=income", {}),
                    Case("service", f"{seva_url}/api/v1/services/{SERVICE}", {}),
                ]
            )
        bench.compare("GET /health / bare Litestar", "health", "hello", 0.8)
        bench.compare("GET /api/v1/services?q=income / bare Litestar", "search", "hello", 0.5)
        bench.compare("GET /api/v1/services/{code} / bare Litestar", "service", "hello", 0.5)
        bench.tail("p99 / p50, GET /api/v1/services?q=income", "search", "hello", 3.0)
        bench.tail("p99 / p50, GET /api/v1/services/{code}", "service", "hello", 3.0)

        print("\n== the server: granian against uvicorn, the same applications ==")
        servers = {name: (seva(data, sqlite_url, name), bare("", name)) for name in ("granian", "uvicorn")}
        with ExitStack() as stack:
            for (start_s, _), (start_b, _) in servers.values():
                stack.enter_context(start_s())
                stack.enter_context(start_b())
            bench.rounds(
                [
                    case
                    for name, ((_, s_url), (_, b_url)) in servers.items()
                    for case in (
                        Case(f"{name} hello", f"{b_url}/hello", {}),
                        Case(f"{name} service", f"{s_url}/api/v1/services/{SERVICE}", {}),
                    )
                ]
            )
        bench.compare("bare Litestar /hello, granian / uvicorn", "granian hello", "uvicorn hello", None)
        bench.compare(
            "seva GET /api/v1/services/{code}, granian / uvicorn", "granian service", "uvicorn service", 1.0
        )
        # The goal is the default server's (granian); uvicorn's own /hello has a tail of 6-9 times its median.
        for name, goal in (("granian", 3.0), ("uvicorn", None)):
            bench.tail(f"p99 / p50, GET /api/v1/services/{{code}} on {name}", f"{name} service",
                       f"{name} hello", goal)  # fmt: skip

        if args.only in (None, "postgres"):
            pg = asyncio.run(postgres_url())
            if pg is not None:
                schema = f"bench_http_{secrets.token_hex(4)}"
                asyncio.run(admin(pg, f"CREATE SCHEMA {schema}"))
                try:
                    pg_data = Path(folder) / "postgres"
                    pg_data.mkdir()
                    print("\n== PostgreSQL: personal reads against the raw driver ==")
                    reads(bench, "PostgreSQL", pg_data, f"{pg}?search_path={schema}", args.server)
                finally:
                    asyncio.run(admin(pg, f"DROP SCHEMA {schema} CASCADE"))
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load_avg}")


if __name__ == "__main__":
    main()
