"""The web page's migration builds exactly the tables its models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from gateway.web.tables import WebDraft, WebSession

TABLES = {WebSession.__tablename__, WebDraft.__tablename__}


def _web_only(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    table = item if kind == "table" else getattr(item, "table", None)
    return getattr(table, "name", name) in TABLES


async def test_the_web_tables_match_their_models(db_engine: AsyncEngine) -> None:
    def differences(sync: Any) -> list[Any]:
        context = MigrationContext.configure(sync, opts={"compare_type": True, "include_object": _web_only})
        return compare_metadata(context, SQLModel.metadata)

    async with db_engine.connect() as conn:
        assert await conn.run_sync(differences) == []
