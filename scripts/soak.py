"""The soak: seva on PostgreSQL as two gateway processes and two ``seva workers``, 10,000 applications
submitted through both gateways while the department fails with 500s, then goes down for a while, a worker
is killed with SIGKILL twice and a gateway once. At the end it counts what must be zero (lost, delivered
twice, stuck) and prints submissions and deliveries per second.

    make soak                          # 10,000 applications against the PostgreSQL of SEVA_SOAK_POSTGRES_URL
    .venv/bin/python scripts/soak.py --applications 2000 --citizens 40

Everything runs on this machine: PostgreSQL (``postgresql+asyncpg://postgres@127.0.0.1:5432/test`` unless
``SEVA_SOAK_POSTGRES_URL`` says otherwise; the soak works in a schema of its own and drops it), the
gateways and workers as real ``seva`` processes, and the department (``tests/adapters/departments.py``,
which files each application once per idempotency key and remembers every filing) on a loopback port
in this process. Citizens are the heads of a synthetic registry; their tokens are signed with the
gateways' own keys (the soak tests delivery, not sign-in), and each uploads the three documents the
service needs once.

A submission that meets a dead gateway or a 5xx is sent again, with the same ``Idempotency-Key``, to the
other gateway, as a client of a load balancer would; so every key ends with exactly one reference.

Counted at the end, from the department's filings and the database:
- lost: an accepted reference the department never filed, or that is not in the database;
- delivered twice: a reference the department filed more than once (two filings, not two requests: a
  retried request with the same key returns the first filing);
- stuck: a delivery not ``done`` when the queue stopped moving.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.database import create_engine  # noqa: E402
from gateway.identity.keys import KeyRing  # noqa: E402
from gateway.identity.tokens import TokenService  # noqa: E402
from gateway.platform.principal import Principal  # noqa: E402
from tests.adapters.departments import DepartmentApp  # noqa: E402

SERVICE = "tr-dl-renewal"  # REST (rest_transport); no eligibility rule; three documents
DOCUMENTS = ("driving_licence", "photo", "aadhaar")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b" " * 200


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Department:
    """The loopback REST department: one app (its filings survive), served by a server that can go down."""

    def __init__(self) -> None:
        self.app = DepartmentApp()
        self.failing_until = 0.0  # until then (monotonic), every request gets a 500
        self.port = free_port()
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        config = uvicorn.Config(
            self.serve, interface="asgi3", host="127.0.0.1", port=self.port, lifespan="off", ws="none",
            log_level="error", access_log=False, timeout_graceful_shutdown=1,
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="department", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the department did not start")
            time.sleep(0.01)

    async def serve(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and time.monotonic() < self.failing_until:
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": b'{"title": "internal error"}'})
            return
        await self.app(scope, receive, send)

    def down(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.server = None

    def filings(self) -> Counter[str]:
        """How many times the department filed each of our reference numbers."""
        files = list(self.app.department._files.values())
        return Counter(file.submission.reference_number for file in files)


@dataclass
class Process:
    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.process = subprocess.Popen(  # our own CLI
            [sys.executable, "-m", "gateway.cli", *self.args], cwd=ROOT, env=self.env, stdout=out, stderr=out
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Gateway(Process):
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, within: float = 120) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready within {within}s; see {self.log}")


@dataclass
class Tally:
    references: dict[str, str] = field(default_factory=dict)  # idempotency key -> reference
    resent: int = 0
    refused: Counter[str] = field(default_factory=Counter)


def run_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # our own CLI
        [sys.executable, "-m", "gateway.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False, timeout=600,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"seva {' '.join(args)}: {result.stdout}\n{result.stderr}")
    return result.stdout


async def query(url: str, sql: str) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(sql))).all())
    finally:
        await engine.dispose()


async def admin(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()


async def submit_one(
    clients: list[httpx.AsyncClient], n: int, token: str, member_id: str, tally: Tally
) -> None:
    """One application; sent again to the other gateway (same key) until one of them accepts it."""
    key = f"soak-{n}"
    body = {
        "service_code": SERVICE,
        "member_id": member_id,
        "form": {"licence_number": f"MP{n:010d}", "date_of_expiry": "2027-01-31", "mobile": "9876543210"},
    }
    headers = {"authorization": f"Bearer {token}", "idempotency-key": key}
    for attempt in range(200):
        client = clients[(n + attempt) % len(clients)]
        try:
            answer = await client.post("/api/v1/applications", json=body, headers=headers)
        except httpx.TransportError:
            tally.resent += 1
            await asyncio.sleep(0.05)
            continue
        if answer.status_code in (200, 201):
            tally.references[key] = answer.json()["reference"]
            return
        if answer.status_code >= 500 or answer.status_code == 429:
            tally.resent += 1
            await asyncio.sleep(0.05)
            continue
        tally.refused[f"{answer.status_code} {answer.json().get('code')}"] += 1
        return
    tally.refused["gave up"] += 1


async def submit_all(
    gateways: list[Gateway], citizens: list[tuple[str, str]], total: int, concurrency: int, tally: Tally
) -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    clients = [httpx.AsyncClient(base_url=g.url, timeout=30, limits=limits) for g in gateways]

    async def lane() -> None:
        while True:
            try:
                n = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            token, member_id = citizens[n % len(citizens)]
            await submit_one(clients, n, token, member_id, tally)

    try:
        await asyncio.gather(*(lane() for _ in range(concurrency)))
    finally:
        for client in clients:
            await client.aclose()


def upload_documents(gateway: Gateway, citizens: list[tuple[str, str]]) -> None:
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        for token, member_id in citizens:
            for doc_type in DOCUMENTS:
                answer = client.post(
                    "/api/v1/documents",
                    files={"file": (f"{doc_type}.pdf", PDF, "application/pdf")},
                    data={"doc_type": doc_type, "member_id": member_id},
                    headers={"authorization": f"Bearer {token}"},
                )
                if answer.status_code != 201:
                    raise RuntimeError(f"upload refused: {answer.status_code} {answer.text[:300]}")


async def delivered_count(url: str) -> tuple[int, int]:
    rows = await query(url, "SELECT state, count(*) FROM deliveries GROUP BY state")
    states = {state: int(count) for state, count in rows}
    return states.get("done", 0), sum(states.values())


async def soak(args: argparse.Namespace) -> int:
    base = os.environ.get("SEVA_SOAK_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    schema = f"soak_{secrets.token_hex(4)}"
    await admin(base, f"CREATE SCHEMA {schema}")
    url = f"{base}?search_path={schema}"
    folder = Path(tempfile.mkdtemp(prefix="seva-soak-"))
    department = Department()
    department.up()
    env = {
        **os.environ,
        "SEVA_DATABASE_URL": url,
        "SEVA_DATA_DIR": str(folder / "data"),  # one machine: the keys folder is shared through it
        "SEVA_SECRET_KEY": secrets.token_hex(32),
        "SEVA_AADHAAR_KEY": secrets.token_hex(32),
        "SEVA_API_PER_MINUTE": "100000000",
        "SEVA_SIGNIN_PER_MINUTE": "100000000",
        "SEVA_LOG_LEVEL": "WARNING",
        "SEVA_CATALOGUE_WATCH_SECONDS": "0",
        "SEVA_INPROCESS_WORKERS": "0",
        "SEVA_DELIVERY_LEASE_SECONDS": "10",
        "SEVA_DELIVERY_BATCH": "64",
        "SEVA_DELIVERY_BACKOFF_INITIAL": "0.5",
        "SEVA_DELIVERY_BACKOFF_MAX": "5",
        "SEVA_BREAKER_COOLDOWN_SECONDS": "3",
        "SEVA_DOCUMENT_QUOTA_BYTES": str(1024 * 1024 * 1024),
        # Department endpoints must be on the operators' allow-list where the egress check has landed.
        "SEVA_EGRESS_ALLOW": "127.0.0.1",
    }
    env.pop("SEVA_DEMO", None)
    processes: list[Process] = []
    try:
        run_cli(env, "db", "upgrade")
        run_cli(env, "registry", "synth", "--families", str(args.citizens), "--seed", "2026")
        gateways = [
            Gateway(f"gateway-{i}", ["serve", "--port", str(port)], {**env, "SEVA_PORT": str(port)},
                    folder / f"gateway-{i}.log", port=port)
            for i, port in enumerate((free_port(), free_port()))
        ]  # fmt: skip
        workers = [Process(f"worker-{i}", ["workers"], env, folder / f"worker-{i}.log") for i in range(2)]
        processes = [*gateways, *workers]
        for gateway in gateways:
            gateway.start()
        for gateway in gateways:
            gateway.wait_ready()
        say(f"two gateways on {gateways[0].port} and {gateways[1].port}; schema {schema}; logs in {folder}")

        # Citizens: heads of families with a mobile number; tokens signed with the gateways' own key.
        heads = await query(
            url, "SELECT member_id, family_id FROM members WHERE relation = 'head' ORDER BY member_id"
        )
        tokens = TokenService(
            KeyRing.open(folder / "data" / "keys"), issuer="seva", audience="seva-api", lifetime=6 * 3600
        )
        citizens = [(tokens.issue(Principal.citizen(m, f)).token, m) for m, f in heads[: args.citizens]]
        administrator = tokens.issue(Principal.client("soak-admin", "administrator", None)).token
        # The administrator's client must exist and be live for its token to pass.
        await admin(
            url,
            "INSERT INTO api_client (id, name, role, department, secret_hash, created_at, revoked_at) "
            f"VALUES ('soak-admin', 'soak', 'administrator', NULL, 'unused', {time.time()}, NULL)",
        )
        registered = httpx.put(
            f"{gateways[0].url}/api/v1/departments/adapters/rest_transport",
            json={"kind": "rest", "endpoint": f"{department.url}/rest", "timeout_seconds": 5},
            headers={"authorization": f"Bearer {administrator}"},
            timeout=30,
        )
        if registered.status_code != 200:
            raise RuntimeError(f"registering the department: {registered.status_code} {registered.text}")
        upload_documents(gateways[0], citizens)
        say(f"{len(citizens)} citizens with their documents; department at {department.url}")

        for worker in workers:
            worker.start()
        tally = Tally()
        load_at_start = os.getloadavg()[0]
        started = time.monotonic()
        submitting = asyncio.create_task(
            submit_all(gateways, citizens, args.applications, args.concurrency, tally)
        )

        async def after(fraction: float) -> None:
            while len(tally.references) < args.applications * fraction and not submitting.done():
                await asyncio.sleep(0.1)

        await after(0.1)
        say(f"the department answers every request with a 500 for {args.failing:g} s")
        department.failing_until = time.monotonic() + args.failing
        await after(0.25)
        say("worker-0 killed with SIGKILL")
        workers[0].kill()
        await asyncio.sleep(1)
        workers[0].start()
        await after(0.4)
        say(f"the department goes down for {args.downtime:g} s")
        department.down()
        await asyncio.sleep(args.downtime)
        department.up()
        say("the department is back")
        await after(0.55)
        say("gateway-1 killed with SIGKILL (its clients go on through gateway-0)")
        gateways[1].kill()
        await asyncio.sleep(3)
        gateways[1].start()
        await after(0.7)
        say("worker-1 killed with SIGKILL")
        workers[1].kill()
        await asyncio.sleep(1)
        workers[1].start()
        await submitting
        submitted_at = time.monotonic()
        say(
            f"{len(tally.references)} applications accepted in {submitted_at - started:.1f} s "
            f"({tally.resent} requests sent again)"
        )

        # Wait until every application is delivered, or the queue stops moving.
        last, still = -1, time.monotonic()
        while True:
            done, total = await delivered_count(url)
            if done == total == len(tally.references):
                finished = time.monotonic()
                break
            if done != last:
                last, still = done, time.monotonic()
            elif time.monotonic() - still > args.settle:
                finished = still
                break
            await asyncio.sleep(0.2)

        references = set(tally.references.values())
        in_database = {row[0] for row in await query(url, "SELECT reference FROM applications")}
        filings = department.filings()
        lost = sorted(r for r in references if r not in in_database or filings.get(r, 0) == 0)
        twice = sorted(r for r, count in filings.items() if count > 1)
        stuck_rows = await query(
            url, "SELECT state, count(*) FROM deliveries WHERE state <> 'done' GROUP BY state"
        )
        stuck = sum(int(count) for _, count in stuck_rows)
        keys_per_reference = Counter(tally.references.values())
        result = {
            "applications": args.applications,
            "accepted": len(references),
            "refused": dict(tally.refused),
            "sent_again": tally.resent,
            "lost": len(lost),
            "delivered_twice": len(twice),
            "stuck": stuck,
            "one_reference_per_key": all(v == 1 for v in keys_per_reference.values()),
            "submission_seconds": round(submitted_at - started, 1),
            "submissions_per_second": round(len(references) / (submitted_at - started), 1),
            "delivery_seconds": round(finished - started, 1),
            "deliveries_per_second": round(len(filings) / (finished - started), 1),
            "last_delivery_after_last_submission_seconds": round(finished - submitted_at, 1),
            "department_filings": sum(filings.values()),
            "load_average_1min_at_start_and_end": [round(load_at_start, 1), round(os.getloadavg()[0], 1)],
        }
        print(json.dumps(result, indent=2))
        if lost:
            say(f"lost, first few: {lost[:5]}")
        if twice:
            say(f"delivered twice, first few: {twice[:5]}")
        ok = not lost and not twice and not stuck and len(references) == args.applications
        say("soak passed" if ok else "soak FAILED")
        return 0 if ok else 1
    finally:
        for process in processes:
            process.stop()
        department.down()
        if not args.keep:
            with contextlib.suppress(Exception):
                await admin(base, f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--failing", type=float, default=10.0, help="seconds the department answers 500")
    parser.add_argument("--downtime", type=float, default=10.0, help="seconds the department is down")
    parser.add_argument(
        "--settle", type=float, default=60.0, help="seconds without progress that end the wait"
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    sys.exit(asyncio.run(soak(parser.parse_args())))


if __name__ == "__main__":
    main()
