"""Questions other capabilities ask about applications."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.applications.tables import Application

__all__ = ["has_applied_to"]


async def has_applied_to(engine: AsyncEngine, family_id: str, department: str) -> bool:
    """Whether any member of ``family_id`` has applied for a service of ``department``."""
    statement = (
        select(Application.reference)
        .where(Application.family_id == family_id, Application.department == department)
        .limit(1)
    )
    async with engine.connect() as conn:
        return (await conn.execute(statement)).first() is not None
