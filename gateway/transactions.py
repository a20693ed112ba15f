"""Write transactions in as few hops as the driver allows.

Through SQLAlchemy's async engine on aiosqlite every statement is three or four round trips between the
event loop and the connection's thread (cursor, execute, fetch, close), and a transaction adds its commit
and the reset of the connection on its return to the pool: a delivery's two transactions were some
twenty-five hops, each a wake-up of two threads under one GIL, which on a busy machine cost more than
everything else a delivery does together (``bench/applications.py``). ``Transactions.run`` runs a whole
transaction as one job on one writing thread instead: one hop there and one back.

The transaction's body is written once, as a coroutine taking an ``AsyncConnection``, and runs unchanged
on every database. On a SQLite file it runs on the writing thread over a plain ``sqlite3`` connection
(SQLAlchemy's synchronous driver, with the same pragmas), wrapped in an ``AsyncConnection``: its
``execute`` never has to wait there, so the coroutine runs from start to end in one step. A body that
awaits anything but its own statements cannot run so and is refused (``Suspended``), its transaction
rolled back. Elsewhere (PostgreSQL, an in-memory SQLite) the body runs in ``engine.begin()`` as before.

``Transactions.fenced`` goes further for statements compiled once (``compile_step``): they run on the
driver itself with positional arguments, without SQLAlchemy's execution, a lone one in autocommit (the
delivery worker's claim, and its record of a success: ``gateway.delivery.direct``).

Rows inserted many at a time in a transaction run in one hop, or on PostgreSQL (``insert_many``), skip
SQLAlchemy's execution of each row: the ``INSERT`` is compiled once per table and set of columns and the
driver runs it over tuples (``executemany``). A group commit of submissions writes eight statements of
dozens of rows each, and SQLAlchemy's parameters for each row cost more than SQLite's insert of it (on
PostgreSQL they are made on the event loop's thread, beside every request's own work).

All SQLite writes of a process through here, and the audit trail's batches, share one thread
(`family_registry.reads.write_executor`): SQLite takes one writer at a time anyway,
and one thread means they queue in the process instead of waiting on the database's lock. A body runs on
that thread: it must touch nothing that the event loop's tasks change meanwhile (it gets what it needs as
arguments and returns what it found).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Mapping, Sequence
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Executable, Table, event, insert
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from family_registry.reads import Statement, driver_connection, write_connection, write_executor
from gateway.database import sqlite_pragmas

__all__ = ["Body", "Step", "Suspended", "Transactions", "compile_step", "insert_many"]

T = TypeVar("T")
Body = Callable[[AsyncConnection], Coroutine[Any, Any, T]]
# A statement compiled for the database's driver, and its positional arguments.
Step = tuple[str, Sequence[Any]]

# Databases the writing thread keeps a connection to (a test run opens many; a server one).
_KEPT = 8
_connections: OrderedDict[str, Connection] = OrderedDict()  # touched on the writing thread only


class Suspended(RuntimeError):
    """A body run in one hop awaited something other than its own statements."""


def _connection(url: str) -> Connection:
    """This thread's connection to the database, kept between transactions: taking it from a pool and
    resetting it on its return cost about as much as a lone delivery's statements."""
    conn = _connections.get(url)
    if conn is not None and not conn.invalidated:
        _connections.move_to_end(url)
        return conn
    if conn is not None:  # the driver lost it: start again
        _close(_connections.pop(url))
    engine = create_sync_engine(url, pool_size=1, max_overflow=0)
    event.listen(engine, "connect", sqlite_pragmas)
    _connections[url] = conn = engine.connect()
    while len(_connections) > _KEPT:
        _close(_connections.popitem(last=False)[1])
    return conn


def _close(conn: Connection) -> None:
    conn.close()
    conn.engine.dispose()


class _Inline(AsyncConnection):
    """An ``AsyncConnection`` over a synchronous driver: its statements run at once, on this thread."""

    async def execute(
        self,
        statement: Executable,
        parameters: Any = None,
        *,
        execution_options: Any = None,
    ) -> CursorResult[Any]:
        return self._proxied.execute(statement, parameters, execution_options=execution_options)

    async def exec_driver_sql(
        self, statement: str, parameters: Any = None, execution_options: Any = None
    ) -> CursorResult[Any]:
        return self._proxied.exec_driver_sql(statement, parameters, execution_options)


def compile_step(statement: Any, dialect: Dialect) -> Statement:
    """``statement`` compiled for ``dialect``'s driver: its SQL, and the order of its parameters."""
    compiled = statement.compile(dialect=dialect)  # no expanding parameters: each value bound apart
    return Statement(
        sql=str(compiled),
        params=tuple(compiled.positiontup or ()),
        keys=(),
        converters=(),
        fixed=compiled.params,
    )


# An INSERT compiled for the writing thread's SQLite: its SQL, how a row becomes its parameters, and the
# columns' converters (None where the driver takes the value as it is). Made on the writing thread only.
_Plan = tuple[str, Callable[[Any], tuple[Any, ...]], tuple[tuple[int, Callable[[Any], Any]], ...]]
_plans: dict[tuple[str, Table, tuple[str, ...], bool], _Plan | None] = {}


def _plan(dialect: Dialect, table: Table, columns: tuple[str, ...], named: bool) -> _Plan | None:
    """The compiled INSERT of ``columns`` into ``table``; None where SQLAlchemy must run it (a column
    left out has a default made in Python, which only SQLAlchemy's execution fills in)."""
    key = (f"{dialect.name}+{dialect.driver}", table, columns, named)
    if key in _plans:
        return _plans[key]
    # As for executemany: no RETURNING of the generated keys
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns), for_executemany=True)
    order = tuple(compiled.positiontup or ())
    plan: _Plan | None = None
    if set(order) == set(columns) and len(order) == len(columns):
        by_name = {column.key: column for column in table.columns}
        processors = (by_name[name].type._cached_bind_processor(dialect) for name in order)
        converters = tuple((i, p) for i, p in enumerate(processors) if p is not None)
        positions = tuple(columns.index(name) for name in order)
        row_of: Callable[[Any], tuple[Any, ...]] = tuple
        if named or positions != tuple(range(len(order))):
            pick = itemgetter(*order) if named else itemgetter(*positions)
            # itemgetter of one item gives the item itself, not a tuple of it
            row_of = pick if len(order) > 1 else lambda row: (pick(row),)
        plan = (str(compiled), row_of, converters)
    _plans[key] = plan
    return plan


def _converted(
    row: tuple[Any, ...], converters: tuple[tuple[int, Callable[[Any], Any]], ...]
) -> tuple[Any, ...]:
    values = list(row)
    for i, convert in converters:
        values[i] = convert(values[i])
    return tuple(values)


async def insert_many(
    conn: AsyncConnection,
    table: Table,
    rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
    columns: Sequence[str] | None = None,
) -> None:
    """Insert ``rows`` into ``table`` in ``conn``'s transaction: dictionaries of the same columns, or, with
    ``columns``, tuples of those columns in that order. In a transaction run in one hop on SQLite, and on
    PostgreSQL, the driver runs an INSERT compiled once over tuples (``executemany``); elsewhere (an
    in-memory SQLite) it is SQLAlchemy's ``executemany``."""
    if not rows:
        return
    named = columns is None
    names = tuple(rows[0]) if named else tuple(columns)  # type: ignore[arg-type]
    inline = isinstance(conn, _Inline)
    if inline or conn.dialect.name == "postgresql":
        plan = _plan(conn.dialect, table, names, named)
        if plan is not None:
            sql, row_of, converters = plan
            values = [row_of(row) for row in rows]
            if converters:
                values = [_converted(row, converters) for row in values]
            # Through SQLAlchemy's Connection all the same (not the bare driver): its errors, an
            # ``IntegrityError`` among them, are the ones callers catch.
            if inline:
                conn._proxied.exec_driver_sql(sql, values)
            else:
                await conn.exec_driver_sql(sql, values)
            return
    if named:
        await conn.execute(insert(table), list(rows))  # type: ignore[arg-type]
    else:
        await conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])


def _drive(body: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends from start to end."""
    try:
        body.send(None)
    except StopIteration as finished:
        return finished.value
    body.close()
    raise Suspended("a transaction run in one hop awaited something other than its own statements")


class Transactions:
    """Run write transactions of one engine's database, each in one hop where the database allows."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        url = engine.url
        database = url.database or ""
        # An in-memory database is private to the engine's own connection: write it through the engine.
        self._sqlite_url = (
            url.set(drivername="sqlite+pysqlite").render_as_string(hide_password=False)
            if url.get_backend_name() == "sqlite" and database not in ("", ":memory:")
            and not database.startswith("file:")
            else None
        )  # fmt: skip
        self._sqlite_path = database if self._sqlite_url is not None else None
        self._postgres = url.get_backend_name() == "postgresql"

    @property
    def direct(self) -> bool:
        """Whether ``fenced`` can run here: the database is a SQLite file, or PostgreSQL."""
        return self._sqlite_path is not None or self._postgres

    async def fenced(self, groups: Sequence[Sequence[Step]]) -> list[list[Any]]:
        """Run groups of compiled statements in one transaction on the driver itself (only when ``direct``),
        committed before this returns, or rolled back if any raises; returns the rows of each group's first
        statement. That statement fences its group: when it returns no row, the rest of the group is not
        run (a change applied only while a lease is still ours, and what follows from it).

        A lone statement runs by itself, in autocommit: it is its own transaction, with no ``BEGIN`` and
        ``COMMIT`` around it (on PostgreSQL one round trip). SQLite: one job on the writing thread, over
        its plain ``sqlite3`` connection (``family_registry.reads.write_connection``). PostgreSQL: the
        asyncpg connection under the engine's pool, each statement prepared once by the driver's cache."""
        if self._sqlite_path is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(write_executor(), self._fenced_sqlite, groups)
        async with driver_connection(self.engine) as driver:
            if len(groups) == 1 and len(groups[0]) == 1:
                ((sql, arguments),) = groups[0]
                return [list(await driver.fetch(sql, *arguments))]
            found = []
            async with driver.transaction():
                for group in groups:
                    (sql, arguments), *rest = group
                    rows = list(await driver.fetch(sql, *arguments))
                    found.append(rows)
                    if rows:
                        for sql, arguments in rest:
                            await driver.execute(sql, *arguments)
        return found

    def _fenced_sqlite(self, groups: Sequence[Sequence[Step]]) -> list[list[Any]]:
        assert self._sqlite_path is not None
        conn = write_connection(self._sqlite_path)
        if len(groups) == 1 and len(groups[0]) == 1:
            ((sql, arguments),) = groups[0]
            return [conn.execute(sql, arguments).fetchall()]  # autocommit: its own transaction
        found = []
        conn.execute("BEGIN IMMEDIATE")  # the write lock at once, waiting for it if need be
        try:
            for group in groups:
                (sql, arguments), *rest = group
                rows = conn.execute(sql, arguments).fetchall()
                found.append(rows)
                if rows:
                    for sql, arguments in rest:
                        conn.execute(sql, arguments)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return found

    async def run(self, body: Body[T]) -> T:
        """``body`` in a transaction of its own, committed when it returns and rolled back if it raises."""
        if self._sqlite_url is None:
            async with self.engine.begin() as conn:
                return await body(conn)
        return await asyncio.get_running_loop().run_in_executor(write_executor(), self._run_sqlite, body)

    def _run_sqlite(self, body: Body[T]) -> T:
        assert self._sqlite_url is not None
        sync = _connection(self._sqlite_url)
        with sync.begin():  # committed when the body returns, rolled back if it raises
            return _drive(body(_Inline(self.engine, sync)))
