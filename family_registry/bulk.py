"""Many rows in one INSERT (or upsert), compiled once per dialect and sent without per-row work in
SQLAlchemy: the importer's hot path.

On SQLite the rows go as multi-row ``VALUES`` statements of a few hundred rows each, so the driver
thread binds and runs each statement in one step instead of taking the GIL back for every row. On
PostgreSQL they go through asyncpg's ``executemany``, which pipelines one prepared statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Date, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["BulkInsert"]

# Rows per SQLite statement: a power of two (SQLite allows 32,766 parameters; 512 rows of 19 columns use
# 9,728). A batch is sent as full statements and then one each of the smaller powers of two its
# remainder needs, so at most ten statements per table are ever compiled.
_SQLITE_ROWS = 512


class BulkInsert:
    """``finish`` turns the dialect's ``INSERT`` into the statement to run (for example, adds
    ``ON CONFLICT``); it receives the insert so that it can name ``insert.excluded``."""

    def __init__(self, dialect: Dialect, table: Table, finish: Callable[[Any], Any] | None = None) -> None:
        self.dialect = dialect
        self.table = table
        self.finish = finish or (lambda insert: insert)
        self.columns = [column.name for column in table.columns]
        self.is_sqlite = dialect.name == "sqlite"
        # The SQLite driver takes dates as ISO text (SQLAlchemy would convert them; here nobody else does).
        self._dates = {column.name for column in table.columns if isinstance(column.type, Date)}
        self._sqlite_sql: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        if not self.is_sqlite:
            compiled = self.finish(postgresql.insert(table)).compile(dialect=dialect)
            self._pg_sql = str(compiled)
            self._pg_order = list(compiled.positiontup or ())

    def _sqlite_statement(self, count: int) -> tuple[str, list[tuple[int, str]]]:
        if count not in self._sqlite_sql:
            places = {f"{name}_{i}": (i, name) for i in range(count) for name in self.columns}
            rows: list[dict[str, Any]] = [
                {name: bindparam(f"{name}_{i}") for name in self.columns} for i in range(count)
            ]
            compiled = self.finish(sqlite.insert(self.table).values(rows)).compile(dialect=self.dialect)
            # Every parameter must be a row's value: ``finish`` may add none of its own.
            order = [places[key] for key in compiled.positiontup or ()]
            self._sqlite_sql[count] = (str(compiled), order)
        return self._sqlite_sql[count]

    async def run(self, conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ``rows``; each holds a value (or None) for every column of the table."""
        if not rows:
            return
        if not self.is_sqlite:
            order = self._pg_order
            await conn.exec_driver_sql(self._pg_sql, [tuple(row[name] for name in order) for row in rows])
            return
        dates = self._dates
        start = 0
        while start < len(rows):
            size = min(_SQLITE_ROWS, 1 << ((len(rows) - start).bit_length() - 1))
            chunk = rows[start : start + size]
            start += size
            sql, order = self._sqlite_statement(size)
            values = []
            for index, name in order:
                value = chunk[index][name]
                values.append(value.isoformat() if name in dates and isinstance(value, dt.date) else value)
            await conn.exec_driver_sql(sql, tuple(values))
