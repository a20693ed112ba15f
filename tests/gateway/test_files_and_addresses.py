"""Files and addresses: the database and its WAL files private to seva's user, the client's address taken
from forwarded headers only when a trusted proxy sent them, and demo mode kept off the network."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.commands.serve import demo_exposure, is_loopback
from gateway.database import create_engine
from gateway.platform.forwarded import ProxyTrust
from gateway.settings import Settings
from tests.conftest import PATIENCE, ROOT, LiveServer

EVERYWHERE = "0.0.0." + "0"  # every interface: what demo mode must refuse (spelt so the linter lets it be)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask of a shell (022), under which files are readable by everyone unless made private."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


class TestFileModes:
    async def test_the_database_and_its_wal_files_are_0600_in_a_0700_folder(
        self, tmp_path: Path, open_umask: None
    ) -> None:
        """A new SQLite database, its -wal and -shm files are readable by seva's user only, and the folder
        made for it by that user only."""
        path = tmp_path / "data" / "seva.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE t (x TEXT)"))
                await conn.execute(text("INSERT INTO t VALUES ('9876543210')"))
            async with engine.connect() as conn:
                await conn.execute(text("SELECT * FROM t"))
                wal, shm = path.with_name("seva.db-wal"), path.with_name("seva.db-shm")
                assert wal.exists() and shm.exists()
                assert {p.name: _mode(p) for p in (path, wal, shm)} == {
                    "seva.db": 0o600, "seva.db-wal": 0o600, "seva.db-shm": 0o600,
                }  # fmt: skip
        finally:
            await engine.dispose()
        assert _mode(path.parent) == 0o700

    async def test_a_database_left_readable_is_made_private(self, tmp_path: Path, open_umask: None) -> None:
        """A database file another tool left at 0644 is 0600 once seva opens it."""
        path = tmp_path / "old.db"
        sqlite3.connect(path).close()
        path.chmod(0o644)
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await engine.dispose()
        assert _mode(path) == 0o600

    def test_the_whole_data_folder_is_private(
        self, tmp_path: Path, open_umask: None, app_factory: Callable[..., object]
    ) -> None:
        """Built as ``seva serve`` builds it, the data folder is 0700 and every file seva wrote in it 0600."""
        data = tmp_path / "data"
        data.mkdir(mode=0o755)
        data.chmod(0o755)
        server = app_factory({"SEVA_DATA_DIR": str(data)})
        with server.client() as client:  # type: ignore[attr-defined]
            assert client.get("/health").status_code == 200
            assert _mode(data) == 0o700
            files = [p for p in data.rglob("*") if p.is_file()]
            assert {p.name for p in files} >= {"seva.db", "seva.db-wal", "seva.db-shm", "secret.key"}
            assert {str(p.relative_to(data)): _mode(p) for p in files} == {
                str(p.relative_to(data)): 0o600 for p in files
            }


def _scope(peer: str, *headers: tuple[str, str], scheme: str = "http") -> dict[str, object]:
    return {
        "type": "http",
        "scheme": scheme,
        "client": (peer, 5000),
        "headers": [(k.encode(), v.encode()) for k, v in headers],
    }


class TestProxyTrust:
    def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say(self) -> None:
        """No proxy is trusted by default, 127.0.0.1 included."""
        trust = ProxyTrust.parse("")
        scope = _scope("127.0.0.1", ("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https"))
        assert trust.client(scope) == "127.0.0.1"
        assert trust.scheme(scope) == "http"

    def test_a_trusted_proxy_names_the_client_and_a_client_cannot_name_itself(self) -> None:
        """Read from the right: the first address that is not a trusted proxy is the client; whatever the
        client wrote to the left of it is not believed."""
        trust = ProxyTrust.parse("10.0.0.0/8, 127.0.0.1")
        assert trust.client(_scope("10.0.0.5", ("x-forwarded-for", "203.0.113.9"))) == "203.0.113.9"
        spoofed = _scope("127.0.0.1", ("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.7"))
        assert trust.client(spoofed) == "203.0.113.9"
        two_headers = _scope("10.0.0.5", ("x-forwarded-for", "1.2.3.4"), ("x-forwarded-for", "198.51.100.2"))
        assert trust.client(two_headers) == "198.51.100.2"
        assert trust.client(_scope("10.0.0.5")) == "10.0.0.5"
        assert trust.client(_scope("10.0.0.5", ("x-forwarded-for", "not-an-address"))) == "10.0.0.5"
        assert trust.client(_scope("10.0.0.5", ("x-forwarded-for", "[2001:db8::7]:443"))) == "2001:db8::7"

    def test_an_untrusted_peer_is_the_client_even_with_a_trusted_proxy_set(self) -> None:
        """A direct caller from outside the trusted networks cannot pose as a proxy."""
        trust = ProxyTrust.parse("10.0.0.0/8")
        scope = _scope("198.51.100.9", ("x-forwarded-for", "10.0.0.1"), ("x-forwarded-proto", "https"))
        assert trust.client(scope) == "198.51.100.9"
        assert trust.scheme(scope) == "http"

    def test_the_scheme_is_a_trusted_proxys(self) -> None:
        trust = ProxyTrust.parse("10.0.0.5")
        assert trust.scheme(_scope("10.0.0.5", ("x-forwarded-proto", "https"))) == "https"
        assert trust.scheme(_scope("10.0.0.5", ("x-forwarded-proto", "gopher"))) == "http"

    def test_a_bad_setting_is_refused_at_start(self) -> None:
        from gateway.settings import SettingsError

        with pytest.raises(SettingsError, match="SEVA_TRUSTED_PROXIES"):
            Settings.from_env({"SEVA_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example"})


def _audited_addresses(data: Path) -> list[str]:
    with sqlite3.connect(data / "seva.db") as db:
        rows = db.execute("SELECT client_ip FROM audit_entry WHERE action = 'signin.code_sent' ORDER BY id")
        return [row[0] for row in rows]


def _ask_for_codes(server: LiveServer, forwarded: list[str]) -> list[int]:
    with server.client() as client:
        return [
            client.post(
                "/api/v1/auth/otp", json={"login": f"987650000{n}"}, headers={"x-forwarded-for": value}
            ).status_code
            for n, value in enumerate(forwarded)
        ]


class TestForwardedHeadersOverHttp:
    """Against real ``seva serve`` processes: uvicorn's own trust of 127.0.0.1 is what is being replaced."""

    @pytest.mark.parametrize("http_server", ["granian", "uvicorn"])
    def test_from_an_untrusted_peer_the_header_changes_neither_the_audit_nor_the_limit(
        self, tmp_path: Path, server_factory: Callable[..., LiveServer], http_server: str
    ) -> None:
        """A same-host caller that sends X-Forwarded-For is recorded and limited as 127.0.0.1: three
        different forwarded addresses share one sign-in limit of two a minute, under either server."""
        server = server_factory({"SEVA_SIGNIN_PER_MINUTE": "2", "SEVA_SERVER": http_server})
        statuses = _ask_for_codes(server, ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
        assert statuses == [202, 202, 429]
        assert _audited_addresses(tmp_path / "data") == ["127.0.0.1", "127.0.0.1"]

    def test_from_a_trusted_proxy_the_forwarded_client_is_recorded_and_limited(
        self, tmp_path: Path, server_factory: Callable[..., LiveServer]
    ) -> None:
        """With 127.0.0.1 trusted, each forwarded client has a limit of its own and is the address in the
        audit trail; a client's own entry to the left of the proxy's is ignored."""
        server = server_factory(
            {
                "SEVA_SIGNIN_PER_MINUTE": "2",
                "SEVA_OTP_RESEND_SECONDS": "1",
                "SEVA_TRUSTED_PROXIES": "127.0.0.1",
            }
        )
        statuses = _ask_for_codes(server, ["203.0.113.1", "203.0.113.2", "6.6.6.6, 203.0.113.3"])
        assert statuses == [202, 202, 202]
        assert _audited_addresses(tmp_path / "data") == ["203.0.113.1", "203.0.113.2", "203.0.113.3"]


class TestDemoStaysOnThisMachine:
    def test_serve_refuses_demo_mode_on_every_interface(self, tmp_path: Path) -> None:
        """``SEVA_DEMO=1 seva serve --host 0.0.0.0`` exits 2 with the reason, before binding anything."""
        env = {**os.environ, "SEVA_DEMO": "1", "SEVA_DATA_DIR": str(tmp_path / "data")}
        env.pop("SEVA_DEMO_ON_NETWORK", None)
        result = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "serve", "--host", EVERYWHERE, "--port", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=PATIENCE, check=False,
        )  # fmt: skip
        assert result.returncode == 2, result.stdout + result.stderr
        assert "--demo-on-network" in result.stderr and f"not on {EVERYWHERE}" in result.stderr

    @pytest.mark.parametrize(
        ("values", "refused"),
        [
            ({"demo": "1", "host": EVERYWHERE}, True),
            ({"demo": "1", "host": "192.0.2.10"}, True),
            ({"demo": "1", "host": "::"}, True),
            ({"demo": "1", "host": EVERYWHERE, "demo_on_network": "1"}, False),
            ({"demo": "1", "host": "127.0.0.1"}, False),
            ({"demo": "1", "host": "::1"}, False),
            ({"demo": "1", "host": "localhost"}, False),
            ({"demo": "0", "host": EVERYWHERE}, False),
        ],
    )
    def test_which_addresses_demo_mode_may_listen_on(self, values: dict[str, str], refused: bool) -> None:
        settings = Settings.from_env({f"SEVA_{k.upper()}": v for k, v in values.items()})
        assert (demo_exposure(settings) is not None) == refused

    def test_loopback_names(self) -> None:
        assert is_loopback("127.0.0.2") and is_loopback("[::1]") and is_loopback("localhost")
        assert not is_loopback(EVERYWHERE) and not is_loopback("no-such-host.invalid")
