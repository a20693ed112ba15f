"""Refresh tokens: opaque, stored as a hash, replaced at every use, and revoked as a chain when replayed.

A refresh token is ``<id>.<secret>``. Using it marks it used (a conditional ``UPDATE`` that only one
process can win) and hands out a successor in the same chain. A used token presented again means it was
copied: the whole chain is revoked, and the citizen signs in again.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.audit import Actor, AuditTrail
from gateway.identity.directory import MemberDirectory, RegisteredMember
from gateway.identity.errors import RefreshRefused
from gateway.identity.tables import RefreshToken
from gateway.platform.hashing import plain_hash, same

__all__ = ["RefreshService"]

log = logging.getLogger("seva.identity")
_TABLE = RefreshToken.__table__  # type: ignore[attr-defined]


def _split(token: str) -> tuple[str, str]:
    token_id, dot, secret = token.partition(".")
    if not dot or len(token_id) != 32 or not secret:
        raise RefreshRefused.of("unknown")
    return token_id, secret


class RefreshService:
    def __init__(
        self,
        engine: AsyncEngine,
        directory: MemberDirectory,
        audit: AuditTrail,
        lifetime: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.directory = directory
        self.audit = audit
        self.lifetime = lifetime
        self.clock = clock

    async def issue(self, member: RegisteredMember, chain_id: str | None = None) -> str:
        """A new refresh token for ``member``, starting a chain unless ``chain_id`` continues one."""
        async with self.engine.begin() as conn:
            return await self._insert(conn, member, chain_id or secrets.token_hex(16))

    async def _insert(self, conn: AsyncConnection, member: RegisteredMember, chain_id: str) -> str:
        token_id, secret = secrets.token_hex(16), secrets.token_urlsafe(32)
        now = self.clock()
        await conn.execute(
            insert(_TABLE).values(
                id=token_id,
                chain_id=chain_id,
                secret_hash=plain_hash(secret),
                member_id=member.member_id,
                family_id=member.family_id,
                created_at=now,
                expires_at=now + self.lifetime,
            )
        )
        return f"{token_id}.{secret}"

    async def rotate(self, token: str, actor: Actor) -> tuple[RegisteredMember, str]:
        """Use ``token``: the member it was issued for (as the registry has them now) and its successor."""
        token_id, secret = _split(token)
        now = self.clock()
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(_TABLE).where(_TABLE.c.id == token_id))).mappings().first()
        if row is None or not same(plain_hash(secret), row["secret_hash"]):
            raise RefreshRefused.of("unknown")
        if row["revoked_at"] is not None:
            raise RefreshRefused.of("revoked")
        if row["expires_at"] <= now:
            raise RefreshRefused.of("expired")
        member = await self.directory.by_member_id(row["member_id"])
        refusal: RefreshRefused | None = None
        async with self.engine.begin() as conn:
            used = await conn.execute(
                update(_TABLE)
                .where(_TABLE.c.id == token_id, _TABLE.c.used_at.is_(None), _TABLE.c.revoked_at.is_(None))
                .values(used_at=now)
            )
            target = f"member:{row['member_id']}"
            if used.rowcount != 1:
                await self._revoke_chain(conn, row["chain_id"], now)
                await self.audit.append(
                    conn, actor, "token.refresh_replayed", target, {"chain": row["chain_id"][:8]}
                )
                refusal = RefreshRefused.of("reused")
            elif member is None:
                await self._revoke_chain(conn, row["chain_id"], now)
                await self.audit.append(
                    conn, actor, "token.refresh_refused", target, {"reason": "member_gone"}
                )
                refusal = RefreshRefused.of("member_gone")
            else:
                successor = await self._insert(conn, member, row["chain_id"])
                await self.audit.append(
                    conn, actor, "token.refreshed", target, {"chain": row["chain_id"][:8]}
                )
                return member, successor
        log.warning("refresh token refused (%s) for chain %s…", refusal.reason, row["chain_id"][:8])
        raise refusal

    async def revoke(self, token: str, actor: Actor) -> None:
        """Sign out: revoke the chain ``token`` belongs to. An unknown token is refused."""
        token_id, secret = _split(token)
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(_TABLE).where(_TABLE.c.id == token_id))).mappings().first()
            if row is None or not same(plain_hash(secret), row["secret_hash"]):
                raise RefreshRefused.of("unknown")
            await self._revoke_chain(conn, row["chain_id"], self.clock())
            await self.audit.append(
                conn, actor, "signout", f"member:{row['member_id']}", {"chain": row["chain_id"][:8]}
            )

    @staticmethod
    async def _revoke_chain(conn: AsyncConnection, chain_id: str, now: float) -> None:
        await conn.execute(
            update(_TABLE)
            .where(_TABLE.c.chain_id == chain_id, _TABLE.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
