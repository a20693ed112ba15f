"""Many rows in one INSERT (or upsert), compiled once per dialect and sent without per-row work in
SQLAlchemy: the importer's hot path.

On SQLite the rows go as multi-row ``VALUES`` statements of up to 512 rows each, so the driver thread
binds and runs each statement in one step instead of taking the GIL back for every row. On PostgreSQL
an upsert goes through asyncpg's ``executemany``, which pipelines one prepared statement, and rows known
to be new go through ``COPY`` (``BulkInsert.copy``), which the server takes in far fewer steps.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["BulkInsert"]

# Rows per SQLite statement: a power of two (SQLite allows 32,766 parameters; 512 rows of 21 columns use
# 10,752). A batch is sent as full statements and then one each of the smaller powers of two its
# remainder needs, so at most ten statements per table are ever made.
_SQLITE_ROWS = 512


class BulkInsert:
    """``finish`` turns the dialect's ``INSERT`` into the statement to run (for example, adds
    ``ON CONFLICT``); it receives the insert so that it can name ``insert.excluded``. It may add no bound
    parameter of its own."""

    def __init__(self, dialect: Dialect, table: Table, finish: Callable[[Any], Any] | None = None) -> None:
        self.dialect = dialect
        self.table = table
        self.finish = finish or (lambda insert: insert)
        self.columns = [column.name for column in table.columns]
        self.is_sqlite = dialect.name == "sqlite"
        self._values = itemgetter(*self.columns)
        # The SQLite driver takes dates as ISO text (SQLAlchemy would convert them; here nobody else does).
        self._dates = [i for i, column in enumerate(table.columns) if isinstance(column.type, Date)]
        self._sqlite_sql: dict[int, str] = {}
        insert = (sqlite if self.is_sqlite else postgresql).insert(table)
        compiled = self.finish(insert).compile(dialect=dialect)
        if list(compiled.positiontup or ()) != self.columns:
            raise ValueError(f"the insert into {table.name} binds other parameters than its columns")
        self._sql = str(compiled)
        if self.is_sqlite:
            # One row's placeholders, to be repeated for a statement of many rows.
            self._group = "(" + ", ".join("?" * len(self.columns)) + ")"
            if self._sql.count(self._group) != 1:
                raise ValueError(f"cannot find the VALUES of {self._sql!r}")

    def _sqlite_statement(self, count: int) -> str:
        if count not in self._sqlite_sql:
            self._sqlite_sql[count] = self._sql.replace(self._group, ", ".join([self._group] * count))
        return self._sqlite_sql[count]

    def _tuples(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        values = self._values
        return [values(row) for row in rows]

    async def run(self, conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ``rows``; each holds a value (or None) for every column of the table."""
        if not rows:
            return
        if not self.is_sqlite:
            await conn.exec_driver_sql(self._sql, self._tuples(rows))
            return
        width = len(self.columns)
        start = 0
        while start < len(rows):
            size = min(_SQLITE_ROWS, 1 << ((len(rows) - start).bit_length() - 1))
            values = list(itertools.chain.from_iterable(self._tuples(rows[start : start + size])))
            start += size
            for first in self._dates:
                for i in range(first, len(values), width):
                    if isinstance(values[i], dt.date):
                        values[i] = values[i].isoformat()
            await conn.exec_driver_sql(self._sqlite_statement(size), tuple(values))

    async def copy(self, conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ``rows`` that are not in the table with ``COPY`` on PostgreSQL (``run`` elsewhere).

        ``conn`` must already be inside its transaction (have run a statement in it), so that the copy
        is part of it. A row the database refuses raises ``IntegrityError`` or ``DataError``, as ``run``
        would, and the whole copy is refused with it."""
        if not rows:
            return
        if self.is_sqlite:
            await self.run(conn, rows)
            return
        import asyncpg  # only PostgreSQL needs it

        raw = (await conn.get_raw_connection()).driver_connection
        if raw is None or not raw.is_in_transaction():
            raise RuntimeError("COPY must run inside the batch's transaction")
        try:
            await raw.copy_records_to_table(self.table.name, records=self._tuples(rows), columns=self.columns)
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(f"COPY {self.table.name}", None, exc) from exc
        except asyncpg.DataError as exc:
            raise DataError(f"COPY {self.table.name}", None, exc) from exc
