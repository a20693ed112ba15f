"""Alembic environment of seva. ``gateway.database.upgrade`` hands it an open connection; the ``alembic``
command line (for writing a new revision) gets one from ``sqlalchemy.url`` in ``alembic.ini``.

Every capability's tables module is imported below so that ``--autogenerate`` sees all of seva's tables.
"""

from __future__ import annotations

import asyncio
import importlib

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

# Add the tables module of every capability that owns tables.
TABLE_MODULES = (
    "family_registry.tables",
    "gateway.identity.tables",
    "gateway.notifications.tables",
    "gateway.ratelimit.tables",
    "gateway.audit.tables",
    "gateway.documents.tables",
    "gateway.applications.tables",
    "gateway.delivery.tables",
    "gateway.endpoints.tables",
    "gateway.deadlines.tables",
    "gateway.desk.tables",
    "gateway.certificates.tables",
    "gateway.web.tables",
    "gateway.versions.tables",
    "gateway.grievances.tables",
    "gateway.open311.tables",
    "gateway.cpgrams.tables",
)

for module in TABLE_MODULES:
    importlib.import_module(module)

config = context.config
target_metadata = SQLModel.metadata


def run(connection: Connection) -> None:
    # Batch mode lets ALTER work on SQLite, which rebuilds a table to change it.
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_from_url() -> None:
    from gateway.database import create_engine

    async def go() -> None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        async with engine.begin() as conn:
            await conn.run_sync(run)
        await engine.dispose()

    asyncio.run(go())


if context.is_offline_mode():
    raise SystemExit("seva migrates online only: run `seva db upgrade`")

connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    run_from_url()
