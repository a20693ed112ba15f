"""Fixtures shared by the whole suite: paths, the application served in-process (``app_factory``), real
servers started on loopback where the process is what is tested (``server_factory``), and databases."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient, TestClient
from litestar.testing.transport import TestClientTransport
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "catalogue.yaml"
# Seconds a test waits for a process it started (a CLI command) before calling it hung: a bound only a hung
# process reaches, never a loaded machine (eight Pythons starting at once on two busy cores took a minute).
PATIENCE = 600.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A real ``seva serve`` process listening on loopback."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    env: dict[str, str], log: Path, args: tuple[str, ...] = (), wait: float = 300.0
) -> LiveServer:
    """Start ``seva serve`` with ``env`` added to the environment and wait until /health answers.

    It waits for readiness, not for a set time: ``wait`` only bounds a server that never comes up (a
    loaded machine may take long to start one), and a server that exits is reported at once."""
    port = free_port()
    full_env = {
        **os.environ,
        "SEVA_HOST": "127.0.0.1",
        "SEVA_PORT": str(port),
        "SEVA_LOG_LEVEL": "WARNING",
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(  # our own CLI
            [sys.executable, "-m", "gateway.cli", "serve", *args],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{server.url}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not answer within {wait}s:\n{log.read_text()}")


class _LoopbackTransport(TestClientTransport):  # type: ignore[type-arg]
    """Litestar's test transport, with requests coming from 127.0.0.1 (as from a client on loopback)
    rather than from the host name ``testclient``, so the addresses the application records are addresses."""

    def parse_request(self, request: httpx.Request) -> dict[str, Any]:
        scope = super().parse_request(request)
        scope["client"] = ("127.0.0.1", 50000)
        return scope


class _Client(TestClient):  # type: ignore[type-arg]
    """Litestar's TestClient, from 127.0.0.1. Given the ``portal`` of a running application it shares
    that application: opening and closing it starts and stops nothing."""

    def __init__(self, app: Any, url: str, portal: Any = None, **kwargs: Any) -> None:
        super().__init__(app, base_url=url, timeout=10, **kwargs)
        self._transport = _LoopbackTransport(client=self)  # type: ignore[assignment]  # as Litestar does
        self.shared = portal is not None
        if portal is not None:
            self.blocking_portal = portal

    def __enter__(self) -> _Client:
        return self if self.shared else super().__enter__()

    def __exit__(self, *args: Any) -> None:
        if not self.shared:
            super().__exit__(*args)


class _AsyncClient(AsyncTestClient):  # type: ignore[type-arg]
    """Litestar's AsyncTestClient, from 127.0.0.1, sharing the running application of ``portal``. (Litestar
    runs the application in the portal's thread either way: a request blocks the caller's loop.)"""

    def __init__(self, app: Any, url: str, portal: Any, **kwargs: Any) -> None:
        super().__init__(app, base_url=url, timeout=10, **kwargs)
        self._transport = _LoopbackTransport(client=self)  # type: ignore[assignment]  # as Litestar does
        self.blocking_portal = portal

    async def __aenter__(self) -> _AsyncClient:
        return self

    async def __aexit__(self, *args: Any) -> None:
        pass


@dataclass
class InProcessServer:
    """The application built by ``create_app`` and served in this process through Litestar's test client:
    the same interface as ``LiveServer`` (``url``, ``client()``, ``stop()``), for every test whose subject
    is not the process itself. ``seva`` holds the built capabilities, ``clock`` the clock the application
    runs on (move it instead of sleeping).

    Open ``server.client()`` in a ``with`` block: the application starts (migrations, lifespans) when the
    client opens and stops when it closes. Or ``start()`` it (a module's tests share one application this
    way): it then runs until ``stop()``, and every client shares it. Requests come from 127.0.0.1."""

    app: Any
    clock: Any
    url: str = "http://testserver.local"
    running: _Client | None = field(default=None, init=False, repr=False)

    @property
    def seva(self) -> Any:
        return self.app.state.seva

    def start(self) -> InProcessServer:
        if self.running is None:
            self.running = _Client(self.app, self.url).__enter__()
        return self

    def client(self, **kwargs: Any) -> httpx.Client:
        """A client of the application: of the running one after ``start()``, else one whose ``with``
        block runs the application."""
        portal = self.running.blocking_portal if self.running is not None else None
        return _Client(self.app, self.url, portal, **kwargs)

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """A client for async tests (``async with server.async_client() as client``) of the application,
        started here if it is not running; ``stop()`` it (``app_factory`` does)."""
        portal = self.start().running.blocking_portal  # type: ignore[union-attr]
        return _AsyncClient(self.app, self.url, portal, **kwargs)

    def stop(self) -> None:
        """Stop the application: its lifespans end."""
        if self.running is not None:
            running, self.running = self.running, None
            running.__exit__(None, None, None)


_LOADED: dict[tuple[Path, str], Any] = {}


def _catalogue(path: Path) -> Any:
    """The catalogue in ``path``, loaded once per content for the whole session (the loader is the
    slowest part of building an application, and a catalogue is never changed once loaded)."""
    from catalogue import load_catalogue

    key = (path, hashlib.sha256(path.read_bytes()).hexdigest())
    if key not in _LOADED:
        _LOADED[key] = load_catalogue(path)
    return _LOADED[key]


def build_in_process(env: dict[str, str], clock: Any = None) -> InProcessServer:
    """``create_app`` from ``env`` as ``seva serve`` would read it, on ``clock`` (a ``MovableClock`` by
    default, started at the real time). Raises ``CatalogueInvalid`` as ``create_app`` does."""
    from gateway.app import create_app
    from gateway.platform.catalogue import CatalogueHolder
    from gateway.platform.clock import MovableClock
    from gateway.settings import Settings

    clock = clock or MovableClock()
    settings = Settings.from_env({"SEVA_HOST": "127.0.0.1", "SEVA_LOG_LEVEL": "WARNING", **env})
    holder = CatalogueHolder(settings.catalogue, _catalogue(settings.catalogue), clock=clock)
    return InProcessServer(create_app(settings, clock=clock, catalogue=holder), clock)


@pytest.fixture
def app_factory(tmp_path: Path) -> Iterator[Callable[..., InProcessServer]]:
    """Build applications in this process, like ``server_factory`` starts processes: ``app_factory(env)``.
    Open ``server.client()`` in a ``with`` block (see ``InProcessServer``); one still running at the end of
    the test is stopped."""
    built: list[InProcessServer] = []

    def factory(env: dict[str, str] | None = None, clock: Any = None) -> InProcessServer:
        server = build_in_process({"SEVA_DATA_DIR": str(tmp_path / "data"), **(env or {})}, clock)
        built.append(server)
        return server

    yield factory
    for server in built:
        server.stop()


@contextlib.contextmanager
def captured_log(path: Path, level: int = logging.DEBUG) -> Iterator[Path]:
    """Write every log record of this process at ``level`` or above to ``path`` in the format
    ``seva serve`` logs in, until the block ends: the log of an application served in-process."""
    from gateway.platform.logs import log_formatter

    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(log_formatter())
    handler.setLevel(level)
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield path
    finally:
        root.setLevel(before)
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start real servers; every one is stopped at the end of the test."""
    started: list[LiveServer] = []

    def factory(env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> LiveServer:
        env = {"SEVA_DATA_DIR": str(tmp_path / "data"), **(env or {})}
        server = start_server(env, tmp_path / f"server-{len(started)}.log", args)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


# ------------------------------------------------------------------------------------------------------
# Databases (shared by every package with tables). Each test that asks for ``db_url`` or ``db_engine``
# runs on a fresh SQLite file and, when SEVA_TEST_POSTGRES_URL names a PostgreSQL (``.ci/run`` sets it),
# again on a fresh schema of that server, marked ``postgres``; without the variable the PostgreSQL variant
# is not generated at all. Both are migrated to the newest revision; the schema is dropped afterwards, so
# runs never see each other's rows. Module-scoped fixtures use ``DATABASES`` and ``migrated_database``
# (or ``migrated_database_sync`` outside an event loop) themselves.
# ------------------------------------------------------------------------------------------------------

POSTGRES_URL = os.environ.get("SEVA_TEST_POSTGRES_URL", "")
DATABASES = [pytest.param("sqlite", id="sqlite")]
if POSTGRES_URL:
    DATABASES.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))


async def _postgres_admin(sql: str) -> None:
    from gateway.database import create_engine

    engine = create_engine(POSTGRES_URL)
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql(sql)
    finally:
        await engine.dispose()


async def _new_database(kind: str, folder: Path) -> tuple[str, str | None]:
    """The URL of an empty database of ``kind`` (``sqlite`` or ``postgres``), and its PostgreSQL schema."""
    if kind == "postgres":
        schema = f"t_{secrets.token_hex(6)}"
        await _postgres_admin(f"CREATE SCHEMA {schema}")
        return f"{POSTGRES_URL}?search_path={schema}", schema
    return f"sqlite+aiosqlite:///{folder / 'seva.db'}", None


async def _migrate(url: str) -> None:
    from gateway.database import create_engine, upgrade

    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def migrated_database(kind: str, folder: Path) -> AsyncIterator[str]:
    """The URL of an empty, migrated database of ``kind`` (``sqlite`` or ``postgres``) for one block."""
    url, schema = await _new_database(kind, folder)
    try:
        await _migrate(url)
        yield url
    finally:
        if schema:
            await _postgres_admin(f"DROP SCHEMA {schema} CASCADE")


@contextlib.contextmanager
def migrated_database_sync(kind: str, folder: Path) -> Iterator[str]:
    """``migrated_database`` for synchronous fixtures: each step runs in an event loop of its own."""
    url, schema = asyncio.run(_new_database(kind, folder))
    try:
        asyncio.run(_migrate(url))
        yield url
    finally:
        if schema:
            asyncio.run(_postgres_admin(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(params=DATABASES)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh migrated database for this test: SQLite, then PostgreSQL when configured."""
    async with migrated_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def db_engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on ``db_url``, disposed of after the test."""
    from gateway.database import create_engine

    engine = create_engine(db_url)
    yield engine
    await engine.dispose()
