"""API clients: made by the CLI or an administrator, secrets kept as scrypt, tokens by client credentials."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from gateway.database import create_engine
from gateway.identity.tables import ApiClient
from gateway.platform.hashing import hash_client_secret, verify_client_secret
from tests.conftest import PATIENCE, ROOT, InProcessServer
from tests.identity.support import bearer, client_token, make_client


def _seva(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )


def _stored_hashes(db_url: str) -> list[str]:
    async def go() -> list[str]:
        engine = create_engine(db_url)
        try:
            async with engine.connect() as conn:
                table = ApiClient.__table__  # type: ignore[attr-defined]
                return [row[0] for row in await conn.execute(select(table.c.secret_hash))]
        finally:
            await engine.dispose()

    return asyncio.run(go())


class TestSecrets:
    def test_scrypt_hash_checks_the_secret_and_nothing_else(self) -> None:
        """A stored hash accepts its secret, refuses another, and survives nothing malformed."""
        stored = hash_client_secret("s3cret")
        assert stored.startswith("scrypt$16384$8$1$") and "s3cret" not in stored
        assert verify_client_secret("s3cret", stored)
        assert not verify_client_secret("s3cret!", stored)
        assert not verify_client_secret("s3cret", "bcrypt$whatever")
        assert not verify_client_secret("s3cret", "scrypt$x$y")
        assert hash_client_secret("s3cret") != stored  # salted


class TestCommand:
    def test_seva_clients_create_prints_the_secret_once(self, tmp_path: Path, db_url: str) -> None:
        """The CLI prints the secret, stores only its scrypt hash, and never shows it in the list."""
        env = {"SEVA_DATABASE_URL": db_url, "SEVA_DATA_DIR": str(tmp_path)}
        made = _seva(
            "clients",
            "create",
            "--role",
            "department",
            "--department",
            "revenue",
            "--name",
            "Revenue",
            env=env,
        )
        assert made.returncode == 0, made.stderr
        secret = made.stdout.split("client_secret:")[1].split()[0]
        listed = _seva("clients", "list", env=env)
        assert "revenue-" in listed.stdout and secret not in listed.stdout
        assert [verify_client_secret(secret, h) for h in _stored_hashes(db_url)] == [True]

    def test_a_department_client_needs_a_known_department(self, tmp_path: Path, db_url: str) -> None:
        """An unknown department, or none for a department client, is refused with exit 1."""
        env = {"SEVA_DATABASE_URL": db_url, "SEVA_DATA_DIR": str(tmp_path)}
        unknown = _seva(
            "clients", "create", "--role", "department", "--department", "nowhere", "--name", "x", env=env
        )
        missing = _seva("clients", "create", "--role", "department", "--name", "x", env=env)
        assert unknown.returncode == 1 and "Unknown department" in unknown.stderr
        assert missing.returncode == 1 and "names its department" in missing.stderr


class TestOverHttp:
    def test_client_credentials_give_a_token_for_the_clients_role(
        self, db_url: str, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """A department client's token names its role and department."""
        client_id, secret = make_client(db_url, "department", "revenue")
        server = app_factory({"SEVA_DATABASE_URL": db_url})
        with server.client() as client:
            me = client.get("/api/v1/auth/me", headers=bearer(client_token(client, client_id, secret))).json()
        assert me == {
            "role": "department",
            "subject": f"client:{client_id}",
            "department": "revenue",
            "client_id": client_id,
        }

    def test_wrong_secret_unknown_client_and_revoked_client_are_refused(
        self, db_url: str, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """Each bad credential gets 401 client_invalid; a revoked client gets no new token."""
        admin_id, admin_secret = make_client(db_url, "administrator")
        auditor_id, auditor_secret = make_client(db_url, "auditor")
        server = app_factory({"SEVA_DATABASE_URL": db_url})
        with server.client() as client:
            wrong = client.post("/api/v1/auth/token", json={"client_id": auditor_id, "client_secret": "nope"})
            unknown = client.post(
                "/api/v1/auth/token", json={"client_id": "auditor-000000", "client_secret": "x"}
            )
            admin = bearer(client_token(client, admin_id, admin_secret))
            revoked = client.delete(f"/api/v1/admin/clients/{auditor_id}", headers=admin)
            again = client.delete(f"/api/v1/admin/clients/{auditor_id}", headers=admin)
            after = client.post(
                "/api/v1/auth/token", json={"client_id": auditor_id, "client_secret": auditor_secret}
            )
        assert [a.status_code for a in (wrong, unknown, after)] == [401, 401, 401]
        assert {a.json()["code"] for a in (wrong, unknown, after)} == {"client_invalid"}
        assert revoked.status_code == 204 and again.status_code == 404

    def test_an_administrator_creates_and_lists_clients(
        self, db_url: str, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """The secret comes back once on creation; the list never shows secrets."""
        admin_id, admin_secret = make_client(db_url, "administrator")
        server = app_factory({"SEVA_DATABASE_URL": db_url})
        with server.client() as client:
            admin = bearer(client_token(client, admin_id, admin_secret))
            made = client.post(
                "/api/v1/admin/clients",
                headers=admin,
                json={"name": "Pension office", "role": "department", "department": "social_justice"},
            )
            bad = client.post(
                "/api/v1/admin/clients",
                headers=admin,
                json={"name": "x", "role": "department", "department": "atlantis"},
            )
            listed = client.get("/api/v1/admin/clients", headers=admin)
            token = client_token(client, made.json()["client_id"], made.json()["client_secret"])
        assert made.status_code == 201 and len(made.json()["client_secret"]) >= 40
        assert bad.status_code == 400
        assert made.json()["client_secret"] not in listed.text
        assert {c["client_id"] for c in listed.json()} == {admin_id, made.json()["client_id"]}
        assert token

    def test_a_revoked_clients_token_stops_working(
        self, db_url: str, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """Once revoked, a client's unexpired token is refused (at once here; within 30 s elsewhere)."""
        admin_id, admin_secret = make_client(db_url, "administrator")
        auditor_id, auditor_secret = make_client(db_url, "auditor")
        server = app_factory({"SEVA_DATABASE_URL": db_url})
        with server.client() as client:
            auditor = bearer(client_token(client, auditor_id, auditor_secret))
            before = client.get("/api/v1/auth/me", headers=auditor)
            client.delete(
                f"/api/v1/admin/clients/{auditor_id}",
                headers=bearer(client_token(client, admin_id, admin_secret)),
            )
            after = client.get("/api/v1/auth/me", headers=auditor)
        assert before.status_code == 200
        assert after.status_code == 401 and after.json()["code"] == "token_invalid"
        assert "revoked" in after.json()["detail"]
