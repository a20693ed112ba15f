"""API clients of departments, auditors and administrators: a client ID and a secret stored with scrypt."""

from __future__ import annotations

import asyncio
import functools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit import Actor, AuditTrail
from gateway.identity.errors import ClientInvalid, ClientRefused
from gateway.identity.tables import ApiClient
from gateway.platform.hashing import hash_client_secret, verify_client_secret
from gateway.platform.principal import Principal, Role

__all__ = ["CLIENT_ROLES", "ClientCreated", "ClientInvalid", "ClientService", "ClientView"]

_TABLE = ApiClient.__table__  # type: ignore[attr-defined]
CLIENT_ROLES: tuple[Role, ...] = ("department", "auditor", "administrator")
LIVE_SECONDS = 30.0


@functools.cache
def _decoy_hash() -> str:
    """Checked when the client ID is unknown, so an unknown ID takes as long to refuse as a wrong secret."""
    return hash_client_secret(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class ClientCreated:
    """A new client; ``secret`` exists only here and is never stored or shown again."""

    client_id: str
    secret: str
    name: str
    role: Role
    department: str | None


@dataclass(frozen=True, slots=True)
class ClientView:
    client_id: str
    name: str
    role: str
    department: str | None
    created_at: float
    revoked_at: float | None


class ClientService:
    def __init__(
        self, engine: AsyncEngine, audit: AuditTrail, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock
        self._live: TTLCache[str, bool] = TTLCache(maxsize=10_000, ttl=LIVE_SECONDS)

    async def create(self, name: str, role: str, department: str | None, actor: Actor) -> ClientCreated:
        if role not in CLIENT_ROLES:
            raise ClientInvalid(f"role must be one of {', '.join(CLIENT_ROLES)}; citizens sign in by code")
        if (role == "department") != (department is not None):
            raise ClientInvalid("a department client names its department, and only a department client does")
        if not name.strip():
            raise ClientInvalid("a client needs a name")
        client_id = f"{department or role}-{secrets.token_hex(6)}".replace("_", "-")
        secret = secrets.token_urlsafe(32)
        hashed = await asyncio.to_thread(hash_client_secret, secret)
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(_TABLE).values(
                    id=client_id,
                    name=name.strip(),
                    role=role,
                    department=department,
                    secret_hash=hashed,
                    created_at=self.clock(),
                )
            )
            details = {"name": name.strip(), "role": role, "department": department}
            await self.audit.append(conn, actor, "client.created", f"client:{client_id}", details)
        return ClientCreated(client_id, secret, name.strip(), role, department)

    async def authenticate(self, client_id: str, secret: str) -> Principal:
        """The principal of a live client, or ``ClientRefused``. scrypt runs in a thread: it is slow on
        purpose and must not stall the event loop."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(_TABLE).where(_TABLE.c.id == client_id))).mappings().first()
        stored = row["secret_hash"] if row is not None else _decoy_hash()
        matches = await asyncio.to_thread(verify_client_secret, secret, stored)
        if row is None or not matches or row["revoked_at"] is not None:
            raise ClientRefused()
        return Principal.client(row["id"], row["role"], row["department"])

    async def is_live(self, client_id: str) -> bool:
        """Whether the client exists and is not revoked. Remembered for ``LIVE_SECONDS``, so a revoked
        client's tokens stop working within that time in every process, at one query per client."""
        known = self._live.get(client_id)
        if known is None:
            async with self.engine.connect() as conn:
                found = await conn.execute(select(_TABLE.c.revoked_at).where(_TABLE.c.id == client_id))
                row = found.first()
            known = self._live[client_id] = row is not None and row[0] is None
        return known

    async def revoke(self, client_id: str, actor: Actor) -> bool:
        """Revoke a client: no new token at once, and its tokens refused within ``LIVE_SECONDS``."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(_TABLE)
                .where(_TABLE.c.id == client_id, _TABLE.c.revoked_at.is_(None))
                .values(revoked_at=self.clock())
            )
            if result.rowcount != 1:
                return False
            await self.audit.append(conn, actor, "client.revoked", f"client:{client_id}")
        self._live.pop(client_id, None)
        return True

    async def list(self) -> list[ClientView]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(_TABLE).order_by(_TABLE.c.created_at))).mappings().all()
        return [
            ClientView(r["id"], r["name"], r["role"], r["department"], r["created_at"], r["revoked_at"])
            for r in rows
        ]
