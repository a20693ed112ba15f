"""Applications benchmark: submissions per second end to end, what the gateway adds to a proxied call,
and the delivery rate to a fast upstream, all measured in one run against a local REST department.

1. **Proxy overhead** (concurrency 1, interleaved rounds). Baseline: a direct ``httpx`` POST of a
   submission to the department. Then the same upstream through the gateway: ``adapter`` (the REST
   adapter the delivery worker uses: struct encoding, exchange headers, bounded read, decoding) and
   ``delivery`` (a whole delivery: claim the row, read the application, call the adapter, record the
   department's answer, timeline and audit entry in one transaction). Target: the gateway adds under
   2 ms at the median.
2. **Submissions per second**: ``POST /api/v1/applications`` to a real ``seva serve`` (one uvicorn
   worker), each with its own ``Idempotency-Key``, form and eligibility checks, document attachment and
   the write of application, timeline, delivery record and audit entry. Load comes from aiohttp's client
   (httpx collapses under concurrency, see PERFORMANCE.md). Beside it, ``GET /health`` on the same
   server is the ceiling of the HTTP stack alone. Target: 500/s on SQLite, more on PostgreSQL.
3. **Delivery rate**: a queue of submitted applications drained by one worker process's loop.

    .venv/bin/python bench/applications.py [--seconds 5] [--rounds 3] [--database-url postgresql+asyncpg://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and would hide the `adapters` package.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402

import aiohttp  # noqa: E402
import httpx  # noqa: E402
import msgspec  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from adapters import AdapterConfig, EgressPolicy, build_client, default_registry  # noqa: E402
from catalogue import Catalogue, load_catalogue  # noqa: E402
from gateway.applications.service import ApplicationService  # noqa: E402
from gateway.audit.trail import Actor, AuditTrail  # noqa: E402
from gateway.database import create_engine, is_postgres, upgrade  # noqa: E402
from gateway.delivery.backoff import Backoff  # noqa: E402
from gateway.delivery.endpoints import EndpointService  # noqa: E402
from gateway.delivery.resolver import AdapterResolver  # noqa: E402
from gateway.delivery.worker import DeliveryWorker, WorkerOptions  # noqa: E402
from gateway.documents.service import DocumentStore, NewDocument  # noqa: E402
from gateway.documents.storage import DiskStorage  # noqa: E402
from gateway.identity.keys import KeyRing  # noqa: E402
from gateway.identity.principal import Principal  # noqa: E402
from gateway.identity.tokens import TokenService  # noqa: E402
from schemas.applications_api import ApplicationCreate  # noqa: E402
from schemas.endpoints_api import EndpointRegistration  # noqa: E402
from tests.applications.support import LEARNER, LEARNER_DOCS, PDF, learner_form, seed_people  # noqa: E402

PROXY_TARGET_MS = 2.0
LOOPBACK = EgressPolicy.parse("127.0.0.1")  # the bench's department listens there
SUBMIT_TARGET_SQLITE = 500.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{what} did not start")


def start(args: list[str], env: dict[str, str], url: str, what: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(url, process, what)
    return process


class Setup:
    """A migrated, seeded database with one citizen's documents and the REST department registered."""

    def __init__(self, engine: AsyncEngine, catalogue: Catalogue, storage: Path) -> None:
        self.engine = engine
        self.catalogue = catalogue
        self.audit = AuditTrail(engine)
        self.applications = ApplicationService(engine, lambda: catalogue, self.audit)
        self.documents = DocumentStore(
            engine,
            DiskStorage(storage),
            self.audit,
            max_bytes=1 << 20,
            document_types=lambda: catalogue.document_types,
        )
        self.people = None

    async def prepare(self, department_url: str) -> None:
        await upgrade(self.engine)
        self.people = await seed_people(self.engine)
        asha = self.people.asha
        for doc_type in LEARNER_DOCS:
            new = NewDocument(member_id=asha.member_id, doc_type=doc_type)
            await self.documents.upload(asha.family_id, new, PDF, asha.actor)
        endpoints = EndpointService(
            self.engine, lambda: self.catalogue, default_registry(), self.audit, egress=LOOPBACK
        )
        admin = Principal(role="administrator", subject="client:bench", client_id="bench")
        body = EndpointRegistration(kind="rest", endpoint=f"{department_url}/rest", max_concurrency=256)
        await endpoints.register(admin, Actor.system("bench", "set up"), "rest_transport", body)

    async def submit(self, n: int) -> None:
        asha = self.people.asha  # type: ignore[union-attr]
        body = ApplicationCreate(service_code=LEARNER, member_id=asha.member_id, form=learner_form())
        for _ in range(n):
            await self.applications.submit(asha.principal, asha.actor, body, secrets.token_hex(8))

    def worker(self, batch: int) -> DeliveryWorker:
        resolver = AdapterResolver(
            self.engine, lambda: self.catalogue, default_registry(), egress=LOOPBACK, refresh_seconds=3600
        )
        options = WorkerOptions(batch=batch, backoff=Backoff(initial=0.01, maximum=0.1), poll_seconds=3600)
        return DeliveryWorker(self.engine, lambda: self.catalogue, self.audit, resolver, options)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def proxy_overhead(setup: Setup, department_url: str, seconds: float, rounds: int) -> dict[str, float]:
    """Median latency (ms) at concurrency 1 of each way of reaching the department, interleaved."""
    worker = setup.worker(batch=1)
    adapter = await worker.resolver.get("rest_transport")
    await setup.submit(1)
    (item,) = await worker.queue.claim(1)
    rows = await worker.applications([item.reference])
    template = worker.submission_for(item, rows[item.reference])  # what the worker sends, for the baselines
    # The baseline goes through a client built the same way as the adapter's (same transport and pool).
    client = build_client(AdapterConfig(code="direct", kind="rest", endpoint=department_url), egress=LOOPBACK)
    body_headers = {"Content-Type": "application/json"}

    async def direct() -> None:
        key = secrets.token_hex(8)
        headers = {**adapter.exchange(template.operation, key, idempotency_key=key).as_http(), **body_headers}
        request = msgspec.structs.replace(template, reference_number=key)
        answer = await client.post(
            f"{department_url}/rest/applications",
            content=msgspec.json.encode(request.wire()),
            headers=headers,
        )
        answer.raise_for_status()

    async def through_adapter() -> None:
        key = secrets.token_hex(8)
        await adapter.submit(msgspec.structs.replace(template, idempotency_key=key, reference_number=key))

    async def delivery() -> None:
        async with setup.engine.begin() as conn:  # what one worker round does, for one application
            claimed = await worker.queue.claim_in(conn, 1)
            rows = await worker.read_in(conn, [c.reference for c in claimed])
        await worker.deliver_all(claimed, rows)

    runs: dict[str, list[float]] = {"httpx direct (baseline)": [], "adapter": [], "delivery (with DB)": []}
    calls: dict[str, Callable[[], Awaitable[None]]] = dict(
        zip(runs, (direct, through_adapter, delivery), strict=True)
    )
    per_round = max(50, int(seconds * 100))
    await setup.submit(per_round * rounds + 20)
    for call in calls.values():  # warm-up
        for _ in range(10):
            await call()
    for _ in range(rounds):
        for name, call in calls.items():
            latencies = []
            for _ in range(per_round):
                began = time.perf_counter()
                await call()
                latencies.append((time.perf_counter() - began) * 1000)
            runs[name].append(statistics.median(latencies))
    await client.aclose()
    await worker.resolver.aclose()
    return {name: statistics.median(values) for name, values in runs.items()}


async def submissions(
    server_url: str, token: str, member_id: str, seconds: float, concurrency: int
) -> dict[str, float]:
    """Requests per second and latency of POST /api/v1/applications, and of GET /health beside it."""
    body = msgspec.json.encode({"service_code": LEARNER, "member_id": member_id, "form": learner_form()})
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    results: dict[str, float] = {}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url=server_url, connector=connector) as session:

        async def apply() -> int:
            headers = {**auth, "Idempotency-Key": secrets.token_hex(12)}
            async with session.post("/api/v1/applications", data=body, headers=headers) as answer:
                await answer.read()
                return answer.status

        async def health() -> int:
            async with session.get("/health") as answer:
                await answer.read()
                return answer.status

        for name, call, expected in (("health", health, 200), ("submit", apply, 201)):
            latencies: list[float] = []
            failures = 0
            stop = time.perf_counter() + seconds

            async def one_client(
                call: Callable[[], Awaitable[int]] = call,
                expected: int = expected,
                stop: float = stop,
                latencies: list[float] = latencies,
            ) -> None:
                nonlocal failures
                while (began := time.perf_counter()) < stop:
                    status = await call()
                    latencies.append((time.perf_counter() - began) * 1000)
                    failures += status != expected

            began_all = time.perf_counter()
            await asyncio.gather(*(one_client() for _ in range(concurrency)))
            elapsed = time.perf_counter() - began_all
            results[f"{name}_rps"] = (len(latencies) - failures) / elapsed
            results[f"{name}_p50"] = quantile(latencies, 0.5)
            results[f"{name}_p99"] = quantile(latencies, 0.99)
            results[f"{name}_failures"] = failures
    return results


async def delivery_rate(setup: Setup, n: int, batch: int) -> tuple[float, int]:
    await setup.submit(n)
    worker = setup.worker(batch)
    began = time.perf_counter()
    delivered = 0
    while True:
        handled = await worker.run_once()
        if not handled:
            break
        delivered += handled
    elapsed = time.perf_counter() - began
    await worker.resolver.aclose()
    return delivered / elapsed, delivered


async def fresh_postgres_schema(url: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))

    async def drop() -> None:
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()

    return f"{url}?search_path={schema}", drop


async def main_async(args: argparse.Namespace, department_url: str, work: Path) -> None:
    drop = None
    if args.database_url:
        url, drop = await fresh_postgres_schema(args.database_url)
    else:
        url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
    catalogue = load_catalogue(ROOT / "catalogue.yaml")
    engine = create_engine(url)
    setup = Setup(engine, catalogue, work / "data" / "documents")
    await setup.prepare(department_url)
    backend = "PostgreSQL" if is_postgres(engine) else "SQLite"

    overhead = await proxy_overhead(setup, department_url, args.seconds, args.rounds)
    rate, delivered = await delivery_rate(setup, args.deliveries, batch=64)

    port = free_port()
    data_dir = work / "data"
    server_env = {
        "SEVA_DATABASE_URL": url,
        "SEVA_DATA_DIR": str(data_dir),
        "SEVA_PORT": str(port),
        "SEVA_HOST": "127.0.0.1",
        "SEVA_LOG_LEVEL": "WARNING",
        "SEVA_API_PER_MINUTE": "100000000",
        "SEVA_INPROCESS_WORKERS": "0",
        "SEVA_CATALOGUE_WATCH_SECONDS": "0",
        "SEVA_SECRET_KEY": "bench-" + "x" * 40,
    }
    server = start(
        ["-m", "gateway.cli", "serve"], server_env, f"http://127.0.0.1:{port}/health", "seva serve"
    )
    try:
        asha = setup.people.asha  # type: ignore[union-attr]
        tokens = TokenService(
            KeyRing.open(data_dir / "keys"), issuer="seva", audience="seva-api", lifetime=3600
        )
        token = tokens.issue(asha.principal).token
        await submissions(f"http://127.0.0.1:{port}", token, asha.member_id, 1.0, args.concurrency)  # warm-up
        submitted = await submissions(
            f"http://127.0.0.1:{port}", token, asha.member_id, args.seconds, args.concurrency
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    await engine.dispose()
    if drop:
        await drop()

    print(f"\nseva applications benchmark: {backend}, {os.cpu_count()} CPUs, one uvicorn worker")
    print(f"load average before and after: {args.load_before:.2f}, {os.getloadavg()[0]:.2f}")
    print("\n1. A proxied call at concurrency 1 (median of per-round medians, ms)")
    base = overhead["httpx direct (baseline)"]
    for name, value in overhead.items():
        added = "" if name.startswith("httpx") else f"  adds {value - base:+.2f} ms"
        print(f"   {name:<26} {value:7.2f}{added}")
    adapter_added = overhead["adapter"] - base
    delivery_added = overhead["delivery (with DB)"] - base
    verdict = {True: "met", False: "NOT met"}
    print(f"   target: the gateway adds < {PROXY_TARGET_MS:g} ms at the median")
    for label, added in (
        ("adapter (the proxied call itself)", adapter_added),
        ("whole delivery, DB included", delivery_added),
    ):
        print(f"     {label:<36} {added:+.2f} ms  {verdict[added < PROXY_TARGET_MS]}")
    print(f"\n2. Submissions end to end, {args.concurrency} concurrent clients, {args.seconds:g} s")
    for label, key in (
        ("GET /health (HTTP stack ceiling)", "health"),
        ("POST /api/v1/applications", "submit"),
    ):
        print(
            f"   {label:<33}{submitted[f'{key}_rps']:8.0f}/s  p50 {submitted[f'{key}_p50']:.1f} ms"
            f"  p99 {submitted[f'{key}_p99']:.1f} ms  failures {submitted[f'{key}_failures']:.0f}"
        )
    if backend == "SQLite":
        met = "met" if submitted["submit_rps"] >= SUBMIT_TARGET_SQLITE else "NOT met"
        print(f"   target: {SUBMIT_TARGET_SQLITE:.0f}/s on SQLite -> {met}")
    else:
        print("   target: more than on SQLite (compare with a run without --database-url)")
    print(
        f"\n3. Delivery rate to a fast upstream: {rate:.0f} applications/s ({delivered} delivered, batch 64)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL URL; a fresh schema is made and dropped"
    )
    args = parser.parse_args()
    args.load_before = os.getloadavg()[0]
    port = free_port()
    department = start(
        ["-m", "tests.adapters.departments", "--port", str(port)],
        {},
        f"http://127.0.0.1:{port}/rest/health",
        "department",
    )
    try:
        with tempfile.TemporaryDirectory(prefix="seva-bench-") as work:
            asyncio.run(main_async(args, f"http://127.0.0.1:{port}", Path(work)))
    finally:
        department.terminate()
        department.wait(timeout=10)


if __name__ == "__main__":
    main()
