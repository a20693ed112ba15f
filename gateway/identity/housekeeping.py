"""Removing rows that can no longer matter: closed or expired codes and dead refresh tokens."""

from __future__ import annotations

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.identity.tables import OtpChallenge, RefreshToken

__all__ = ["sweep"]

_KEEP_SECONDS = 24 * 3600  # a day of history helps to answer a citizen's "I never got the code"


async def sweep(engine: AsyncEngine, now: float) -> int:
    """Delete what expired more than a day ago; several processes may sweep at once harmlessly."""
    cutoff = now - _KEEP_SECONDS
    otp = OtpChallenge.__table__  # type: ignore[attr-defined]
    refresh = RefreshToken.__table__  # type: ignore[attr-defined]
    removed = 0
    async with engine.begin() as conn:
        for stmt in (
            delete(otp).where(otp.c.expires_at < cutoff),
            delete(refresh).where(or_(refresh.c.expires_at < cutoff, refresh.c.revoked_at < cutoff)),
        ):
            removed += (await conn.execute(stmt)).rowcount or 0
    return removed
