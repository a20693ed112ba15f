"""Fixtures and helpers of the identity, audit and rate-limit tests: an engine on the shared ``db_url``,
registry rows, a loopback SMS provider, one application per module, and sign-in over HTTP.

Each test folder's ``conftest.py`` imports the fixtures it needs from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.tables import Family, Member
from gateway.database import create_engine
from gateway.identity.keys import KeyRing
from tests.conftest import DATABASES, InProcessServer, build_in_process, migrated_database_sync


@pytest.fixture
def engine(db_engine: AsyncEngine) -> AsyncEngine:
    """An engine on this test's database (``db_engine`` of ``tests/conftest.py``, by its shorter name)."""
    return db_engine


@dataclass
class Person:
    member_id: str
    family_id: str
    mobile: str | None
    relation: str = "head"


async def add_family(
    engine: AsyncEngine, family_id: str, people: list[tuple[str, str | None, str]]
) -> list[Person]:
    """A family with members ``(member_id, mobile, relation)``; the first is the head."""
    now = time.time()
    async with engine.begin() as conn:
        await conn.execute(
            insert(Family.__table__).values(  # type: ignore[attr-defined]
                family_id=family_id,
                head_member_id=people[0][0],
                district="bhopal",
                local_body="Bhopal",
                ward="12",
                village_or_town="Bhopal",
                area="urban",
                social_category="general",
                bpl=False,
                version=1,
                updated_at=now,
            )
        )
        for member_id, mobile, relation in people:
            await conn.execute(
                insert(Member.__table__).values(  # type: ignore[attr-defined]
                    member_id=member_id,
                    family_id=family_id,
                    name_en=f"Member {member_id}",
                    name_hi=f"सदस्य {member_id}",
                    gender="female",
                    date_of_birth=dt.date(1980, 1, 1),
                    relation=relation,
                    marital_status="married",
                    social_category="general",
                    tribe="none",
                    disability_percent=0,
                    occupation="farmer",
                    annual_income=50_000,
                    mobile=mobile,
                    ekyc_done=True,
                    updated_at=now,
                )
            )
    return [Person(m, family_id, mobile, relation) for m, mobile, relation in people]


def seed_families(url: str) -> dict[str, Person]:
    """Two families: Asha (head, 9876500001) with Ravi (no mobile), and Meena (head, 9876500002) whose
    number is also held by a member of a third family."""

    async def go() -> dict[str, Person]:
        engine = create_engine(url)
        try:
            asha, ravi = await add_family(
                engine, "10000001", [("100000011", "9876500001", "head"), ("100000012", None, "son")]
            )
            (meena,) = await add_family(engine, "10000002", [("100000021", "9876500002", "head")])
            (shared,) = await add_family(engine, "10000003", [("100000031", "9876500002", "head")])
        finally:
            await engine.dispose()
        return {"asha": asha, "ravi": ravi, "meena": meena, "shared": shared}

    return asyncio.run(go())


@dataclass
class SmsProvider:
    """A tiny SMS provider on loopback that keeps what it receives; ``status`` is what it answers."""

    url: str = ""
    token: str = "sms-test-token"
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)

    def codes_for(self, mobile: str) -> list[str]:
        return [
            m
            for msg in self.received
            if msg["to"] == f"+91{mobile}"
            for m in re.findall(r"\b(\d{6})\b", msg["text"])
        ]

    def last_code(self, mobile: str, wait: float = 30.0) -> str:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            codes = self.codes_for(mobile)
            if codes:
                return codes[-1]
            time.sleep(0.05)
        raise AssertionError(f"no code reached {mobile[-4:]}")


@contextlib.contextmanager
def running_sms_provider() -> Iterator[SmsProvider]:
    """A ``SmsProvider`` listening on a free loopback port until the block ends."""
    provider = SmsProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            provider.authorizations.append(self.headers.get("authorization", ""))
            if provider.status < 300:
                provider.received.append(json.loads(body))
            self.send_response(provider.status)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"accepted": true}')

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def sms_provider() -> Iterator[SmsProvider]:
    with running_sms_provider() as provider:
        yield provider


def sms_env(db: str, provider: SmsProvider, **more: str) -> dict[str, str]:
    """Server environment: this database, codes sent through ``provider``."""
    return {
        "SEVA_DATABASE_URL": db,
        "SEVA_NOTIFIER": "sms",
        "SEVA_SMS_URL": provider.url,
        "SEVA_SMS_TOKEN": provider.token,
        "SEVA_SECRET_KEY": "test-secret-" + "x" * 32,
        **more,
    }


def sign_in(client: httpx.Client, provider: SmsProvider, mobile: str) -> dict[str, Any]:
    """The whole citizen sign-in over HTTP; returns the token pair."""
    started = client.post("/api/v1/auth/otp", json={"login": mobile})
    assert started.status_code == 202, started.text
    code = provider.last_code(mobile)
    verified = client.post(
        "/api/v1/auth/otp/verify", json={"challenge_id": started.json()["challenge_id"], "code": code}
    )
    assert verified.status_code == 200, verified.text
    return verified.json()


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def key_ring(data_dir: Path) -> KeyRing:
    return KeyRing.open(data_dir / "keys")


def make_client(url: str, role: str, department: str | None = None) -> tuple[str, str]:
    """An API client made as the CLI makes it; returns (client_id, secret)."""
    from gateway.audit import Actor, AuditTrail
    from gateway.identity.clients import ClientService

    async def go() -> tuple[str, str]:
        engine = create_engine(url)
        try:
            made = await ClientService(engine, AuditTrail(engine)).create(
                f"test {role}", role, department, Actor.system("test", "test set-up")
            )
        finally:
            await engine.dispose()
        return made.client_id, made.secret

    return asyncio.run(go())


def client_token(client: httpx.Client, client_id: str, secret: str) -> str:
    answer = client.post("/api/v1/auth/token", json={"client_id": client_id, "client_secret": secret})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def seal(url: str) -> int:
    """Chain every audit entry waiting for the sealer now (the application's own sealer runs each second)."""
    from gateway.audit.sealer import AuditSealer

    async def go() -> int:
        engine = create_engine(url)
        try:
            return await AuditSealer(engine).seal_all(wait=True)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def audit_head(url: str) -> int:
    """How many entries the audit trail has, sealed or waiting for the sealer."""
    from gateway.audit import AuditTrail

    async def go() -> int:
        engine = create_engine(url)
        try:
            return sum(await AuditTrail(engine).count())
        finally:
            await engine.dispose()

    return asyncio.run(go())


# Tests that are not about rate limits share 127.0.0.1 and must not trip over each other's counts.
GENEROUS_LIMITS = {"SEVA_SIGNIN_PER_MINUTE": "100000", "SEVA_API_PER_MINUTE": "100000"}


@dataclass
class SharedServer:
    """One application (in-process), database and SMS provider for a whole test module. Each test takes
    citizens of its own (``citizen()``), so that no test sees another's codes, throttles or tokens."""

    server: InProcessServer
    sms: SmsProvider
    db_url: str
    data_dir: Path
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def clock(self) -> Any:
        """The application's clock: it stands still until a test moves it."""
        return self.server.clock

    def client(self) -> httpx.Client:
        return self.server.client()

    def env(self) -> dict[str, str]:
        """The environment of this server: another process given it shares database, keys and secret."""
        return sms_env(self.db_url, self.sms, SEVA_DATA_DIR=str(self.data_dir), **GENEROUS_LIMITS)

    def citizen(self, mobile: str | None = None) -> Person:
        """A new family whose head holds a new mobile number (or ``mobile``)."""
        n = next(self.numbers)

        async def go() -> Person:
            engine = create_engine(self.db_url)
            try:
                head = (f"2{n:07d}1", mobile or f"97{n:08d}", "head")
                (person,) = await add_family(engine, f"2{n:07d}", [head])
            finally:
                await engine.dispose()
            return person

        return asyncio.run(go())


@pytest.fixture(scope="module", params=DATABASES)
def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedServer]:
    """An application for the module, with generous rate limits (the tests of limits build their own)."""
    folder = tmp_path_factory.mktemp("shared")
    with migrated_database_sync(request.param, folder) as url, running_sms_provider() as provider:
        env = sms_env(url, provider, SEVA_DATA_DIR=str(folder / "data"), **GENEROUS_LIMITS)
        server = build_in_process(env).start()
        try:
            yield SharedServer(server, provider, url, folder / "data")
        finally:
            server.stop()


STAFF = {
    "officer": {"role": "officer", "name": "Test Officer", "mobile": "9812311001", "department": "revenue",
                "designation": "Tehsildar", "district": "bhopal", "tehsil": "Huzur", "level": 1},
    "agent": {"role": "agent", "name": "Test Agent", "mobile": "9812311002", "level": 1},
    "operator": {"role": "operator", "name": "Test Operator", "mobile": "9812311003", "district": "bhopal",
                 "centre": "Lok Seva Kendra Huzur"},
    "appellate": {"role": "appellate", "name": "Test Appellate", "mobile": "9812311004", "district": "bhopal",
                  "designation": "SDO",
                  "level": 1},
}  # fmt: skip


def staff_tokens(client: httpx.Client, provider: SmsProvider, admin_token: str) -> dict[str, str]:
    """An officer, an agent and an operator made by the administrator and signed in by code; their tokens."""
    tokens = {}
    for role, body in STAFF.items():
        made = client.post("/api/v1/admin/staff", json=body, headers=bearer(admin_token))
        assert made.status_code == 201, made.text
        started = client.post("/api/v1/auth/staff/otp", json={"mobile": body["mobile"]})
        assert started.status_code == 202, started.text
        code = provider.last_code(str(body["mobile"]))
        verified = client.post(
            "/api/v1/auth/staff/otp/verify",
            json={"challenge_id": started.json()["challenge_id"], "code": code},
        )
        assert verified.status_code == 200, verified.text
        tokens[role] = str(verified.json()["access_token"])
    return tokens
