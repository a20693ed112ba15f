"""The database of the whole gateway: one async engine per process, and migrations run from code.

SQLite (WAL) is the embedded default; PostgreSQL is chosen by ``SEVA_DATABASE_URL``. A PostgreSQL URL may
carry ``?search_path=schema`` to keep seva's tables in their own schema (the test suite gives every test
one). Nothing here knows HTTP: the CLI uses it without the web application.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.platform.files import private_file, private_folder

__all__ = [
    "MIGRATIONS",
    "create_engine",
    "current_heads",
    "expected_heads",
    "is_postgres",
    "sqlite_pragmas",
    "upgrade",
    "upgrade_url",
]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant will do; every seva process that migrates takes this lock first.
_MIGRATION_LOCK = 0x5E7A_0001


def is_postgres(engine_or_url: AsyncEngine | URL | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, AsyncEngine) else make_url(engine_or_url)
    return url.get_backend_name() == "postgresql"


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Set seva's pragmas on a new SQLite connection (a ``connect`` event listener)."""
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while an import writes; NORMAL is durable across crashes of the process.
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _private_database(path: Path) -> None:
    """The database file is created 0600 before SQLite opens it, so its WAL and shared-memory files, which
    SQLite creates with the database's mode, are 0600 too; a folder made for it is 0700."""
    if not path.parent.exists():
        private_folder(path.parent)
    private_file(path)
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            private_file(extra)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``; the folder of a SQLite file is created when missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _private_database(Path(database))
        engine = create_async_engine(parsed, **kwargs)
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
        return engine
    connect_args: dict[str, Any] = dict(kwargs.pop("connect_args", {}))
    search_path = parsed.query.get("search_path")
    if search_path:
        parsed = parsed.difference_update_query(["search_path"])
        server_settings = {**connect_args.get("server_settings", {}), "search_path": str(search_path)}
        connect_args["server_settings"] = server_settings
    # Twenty connections kept open, none beyond: with overflow, a busy process opened and closed a
    # connection for most requests (bench/http_load.py), for the same ceiling of twenty.
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 0)
    return create_async_engine(parsed, connect_args=connect_args, **kwargs)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (every head by default) in one transaction.

    Several processes may start at once: PostgreSQL serialises them with an advisory lock, SQLite with
    ``BEGIN IMMEDIATE``; whoever comes second finds the work done.
    """
    async with engine.connect() as conn:
        if is_postgres(engine):
            await conn.begin()
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        else:
            # pysqlite would run DDL outside any transaction; open one ourselves, taking the write lock.
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        await conn.run_sync(_upgrade, revision)
        await conn.commit()


def expected_heads() -> set[str]:
    """The revisions this code's migrations end at: the heads a database must be at to be served."""
    return set(ScriptDirectory.from_config(_config()).get_heads())


async def current_heads(engine: AsyncEngine) -> set[str]:
    """The revisions the database is at (empty before the first migration)."""
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync: set(MigrationContext.configure(sync).get_current_heads()))


def upgrade_url(url: str, revision: str = "heads") -> None:
    """``upgrade`` for synchronous callers (the CLI): opens an engine, migrates, closes it."""

    async def run() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine, revision)
        finally:
            await engine.dispose()

    asyncio.run(run())
