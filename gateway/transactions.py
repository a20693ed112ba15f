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

All SQLite writes of a process through here, and the audit trail's batches, share one thread
(`family_registry.reads.write_executor`): SQLite takes one writer at a time anyway,
and one thread means they queue in the process instead of waiting on the database's lock. A body runs on
that thread: it must touch nothing that the event loop's tasks change meanwhile (it gets what it needs as
arguments and returns what it found).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Executable, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from family_registry.reads import write_executor
from gateway.database import sqlite_pragmas

__all__ = ["Body", "Suspended", "Transactions"]

T = TypeVar("T")
Body = Callable[[AsyncConnection], Coroutine[Any, Any, T]]

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
