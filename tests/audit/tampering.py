"""What a test does to the database behind the application's back: the triggers must be lifted first."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["rewrite_from", "tamper"]


async def tamper(engine: AsyncEngine, statement: str | list[str]) -> None:
    """Run ``statement`` (or several) with the audit triggers out of the way, as an intruder with owner
    rights would."""
    statements = [statement] if isinstance(statement, str) else statement
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
            await conn.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))
            for one in statements:
                await conn.execute(text(one))
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
            for one in statements:
                await conn.execute(text(one))
            for _, sql in saved:
                await conn.execute(text(sql))


async def rewrite_from(engine: AsyncEngine, first: int, last: int | None = None) -> None:
    """Rewrite every entry from ``first`` (to ``last``, removing the rest) with a new target, recompute the
    chain from there and move the head to match: a rewrite no chain can see on its own."""
    from gateway.audit.chain import entry_hash

    async with engine.connect() as conn:
        rows = [
            dict(r) for r in (await conn.execute(text("SELECT * FROM audit_entry ORDER BY seq"))).mappings()
        ]
    last = last if last is not None else rows[-1]["seq"]
    prev = next(r["hash"] for r in rows if r["seq"] == first - 1) if first > 1 else "0" * 64
    statements = [f"DELETE FROM audit_entry WHERE seq > {last}"]  # noqa: S608
    for row in rows:
        if first <= row["seq"] <= last:
            forged = {**row, "target": "family:99999999"}
            digest = entry_hash(prev, forged)
            statements.append(
                f"UPDATE audit_entry SET target = 'family:99999999', prev_hash = '{prev}', hash = '{digest}' "  # noqa: S608
                f"WHERE seq = {row['seq']}"
            )
            prev = digest
    statements.append(f"UPDATE audit_head SET seq = {last}, hash = '{prev}'")  # noqa: S608
    await tamper(engine, statements)
