"""Client applications that may post Open311 requests: made and revoked by an administrator (``seva
open311 apps ...`` or ``/api/v1/admin/open311/apps``), each with an API key shown once."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.audit import Actor, AuditTrail
from gateway.open311.errors import ApiKeyMissing, ApiKeyRefused, Open311AppNotFound
from gateway.open311.tables import Open311App
from gateway.platform.clock import Clock
from gateway.platform.hashing import plain_hash
from schemas.open311_api import Open311AppCreated, Open311AppOut

__all__ = ["KEY_PREFIX", "Open311Apps"]

_APPS = Open311App.__table__  # type: ignore[attr-defined]
KEY_PREFIX = "o311_"


def _when(epoch: float | None) -> str | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class Open311Apps:
    engine: AsyncEngine
    audit: AuditTrail
    clock: Clock

    async def create(self, name: str, actor: Actor) -> Open311AppCreated:
        app_id = f"app-{secrets.token_hex(6)}"
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(_APPS).values(
                    id=app_id,
                    name=name.strip(),
                    key_hash=plain_hash(key),
                    created_at=self.clock.time(),
                    created_by=actor.subject[:120],
                )
            )
            await self.audit.append(conn, actor, "open311.app.created", f"open311:{app_id}", {"name": name})
        return Open311AppCreated(app_id=app_id, name=name.strip(), api_key=key)

    async def revoke(self, app_id: str, actor: Actor) -> None:
        async with self.engine.begin() as conn:
            done = await conn.execute(
                update(_APPS)
                .where(_APPS.c.id == app_id, _APPS.c.revoked_at.is_(None))
                .values(revoked_at=self.clock.time())
            )
            if done.rowcount != 1:
                raise Open311AppNotFound(app_id)
            await self.audit.append(conn, actor, "open311.app.revoked", f"open311:{app_id}")

    async def list(self) -> list[Open311AppOut]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(_APPS).order_by(_APPS.c.created_at))).mappings().all()
        return [
            Open311AppOut(
                app_id=r["id"],
                name=r["name"],
                created_at=_when(r["created_at"]) or "",
                revoked_at=_when(r["revoked_at"]),
            )
            for r in rows
        ]

    async def holder(self, conn: AsyncConnection, api_key: str | None) -> str:
        """The ID of the live application holding ``api_key``; ``ApiKeyMissing`` or ``ApiKeyRefused``."""
        if not api_key:
            raise ApiKeyMissing()
        found = await conn.execute(
            select(_APPS.c.id).where(_APPS.c.key_hash == plain_hash(api_key), _APPS.c.revoked_at.is_(None))
        )
        app_id = found.scalar()
        if app_id is None:
            raise ApiKeyRefused()
        return str(app_id)
