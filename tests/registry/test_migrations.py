"""The migrations build exactly the tables the SQLModel classes describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from family_registry.tables import Family, Member, RegistryMeta
from gateway.database import current_heads, upgrade

REGISTRY_TABLES = {Family.__tablename__, Member.__tablename__, RegistryMeta.__tablename__}


def _registry_only(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    """Only the registry's tables and what belongs to them: other packages test their own."""
    table = item if kind == "table" else getattr(item, "table", None)
    return getattr(table, "name", name) in REGISTRY_TABLES


async def test_the_registry_tables_match_their_models(db_engine: AsyncEngine) -> None:
    """``alembic revision --autogenerate`` would find nothing to do for the registry's tables."""

    def differences(sync: Any) -> list[Any]:
        context = MigrationContext.configure(
            sync, opts={"compare_type": True, "include_object": _registry_only}
        )
        return compare_metadata(context, SQLModel.metadata)

    async with db_engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_upgrading_twice_is_harmless(db_engine: AsyncEngine) -> None:
    heads = await current_heads(db_engine)
    assert heads
    await upgrade(db_engine)
    assert await current_heads(db_engine) == heads
