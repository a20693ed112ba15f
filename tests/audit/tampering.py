"""What a test does to the database behind the application's back: the triggers must be lifted first."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["tamper"]


async def tamper(engine: AsyncEngine, statement: str) -> None:
    """Run ``statement`` with the audit triggers out of the way, as an intruder with owner rights would."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
            await conn.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))
            await conn.execute(text(statement))
            await conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
            await conn.execute(text("ALTER TABLE audit_head ENABLE TRIGGER USER"))
        else:
            saved = (
                await conn.execute(
                    text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%'")
                )
            ).all()
            for name, _ in saved:
                await conn.execute(text(f"DROP TRIGGER {name}"))
            await conn.execute(text(statement))
            for _, sql in saved:
                await conn.execute(text(sql))
