"""A SQLAlchemy dialect, `sqlite+aiosqlite_vec`, that loads sqlite-vec on every connection.

The interpreter's own `sqlite3` often cannot load extensions, so the DB-API driver is the first of
stdlib `sqlite3`, `sqlean` and `pysqlite3` that can. Exception classes come from that driver, so its
errors still surface as `sqlalchemy.exc.*`. With no capable driver, connections work without vectors.

Every call into aiosqlite is a round trip to the connection's thread and back through the event loop. The stock
adapter makes four per statement (cursor, execute, fetch, close) and two more per store call (commit, then the
pool's rollback), which under load means six waits for a busy loop. Here a statement is one trip, and commit
and rollback make none when no transaction is open (a read).
"""

from __future__ import annotations

import importlib
import logging
import os
import sqlite3
from collections import deque
from types import ModuleType
from typing import Any

import aiosqlite
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    AsyncAdapt_aiosqlite_ss_cursor,
    SQLiteDialect_aiosqlite,
)

try:
    from sqlalchemy.util.concurrency import await_ as _await  # type: ignore[attr-defined]
except ImportError:
    from sqlalchemy.util.concurrency import await_only as _await

log = logging.getLogger(__name__)

CANDIDATES = ("sqlite3", "sqlean", "pysqlite3.dbapi2")
DRIVER_ENV = "COACH_SQLITE_DRIVERS"
"""A comma-separated override of the driver candidates, e.g. `sqlite3` to run without vectors."""


def pick_driver(candidates: tuple[str, ...] = CANDIDATES) -> tuple[ModuleType, bool]:
    """The first driver that can load extensions, or stdlib `sqlite3` without them."""
    for name in candidates:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module.Connection, "enable_load_extension"):
            return module, True
    log.warning("no sqlite driver can load extensions; memory search falls back to exact numpy search")
    return sqlite3, False


def _candidates() -> tuple[str, ...]:
    override = os.environ.get(DRIVER_ENV, "")
    return tuple(name.strip() for name in override.split(",") if name.strip()) or CANDIDATES


def _load_vec(conn: Any, can_load: bool) -> None:
    if not can_load:
        return
    try:
        import sqlite_vec

        conn.enable_load_extension(True)
        try:
            sqlite_vec.load(conn)
        finally:
            conn.enable_load_extension(False)
    except Exception as exc:  # a missing or wrong-architecture wheel degrades to exact search
        log.warning("sqlite-vec not loaded: %s", exc)


def _statement(conn: Any, operation: Any, parameters: Any) -> tuple[Any, list[Any], int, int | None]:
    """One statement, on the connection's own thread: execute, fetch every row, close."""
    cursor = conn.cursor()
    try:
        cursor.execute(operation) if parameters is None else cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, [], cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statements take one trip to the connection's thread."""

    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> None:
        connection = self._connection
        try:
            outcome = self.await_(
                connection._execute(_statement, connection._conn, operation, parameters)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)  # pyright: ignore[reportPrivateUsage]
        self.description, rows, self.rowcount, self.lastrowid = outcome
        self._rows = deque(rows)


class _Connection(AsyncAdapt_aiosqlite_connection):
    """Statements in one trip each; commit and rollback only with a transaction open."""

    __slots__ = ()

    def _open(self) -> bool:
        return bool(self._connection._conn.in_transaction)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return AsyncAdapt_aiosqlite_ss_cursor(self) if server_side else _Cursor(self)

    def commit(self) -> None:
        if self._open():
            super().commit()

    def rollback(self) -> None:
        if self._open():
            super().rollback()


class _VecDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def __init__(self) -> None:
        self.driver, self.can_load = pick_driver(_candidates())
        super().__init__(aiosqlite, self.driver)
        for name in (
            "DatabaseError",
            "Error",
            "IntegrityError",
            "NotSupportedError",
            "OperationalError",
            "ProgrammingError",
            "sqlite_version",
            "sqlite_version_info",
        ):
            setattr(self, name, getattr(self.driver, name))

    def _connector(self, database: str, **kw: Any) -> Any:
        conn = self.driver.connect(database, **kw)
        _load_vec(conn, self.can_load)
        return conn

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        kw.pop("async_creator_fn", None)
        chunk = kw.pop("iter_chunk_size", 64)
        database = arg[0] if arg else kw.pop("database")
        # The event loop's thread reads `in_transaction`; statements still run on the connection's own thread.
        kw["check_same_thread"] = False
        conn = aiosqlite.Connection(lambda: self._connector(database, **kw), chunk)
        conn._thread.daemon = True  # pyright: ignore[reportPrivateUsage]
        return _Connection(self, _await(conn))  # pyright: ignore[reportArgumentType]


class SQLiteDialectAiosqliteVec(SQLiteDialect_aiosqlite):
    """aiosqlite over the chosen driver, with sqlite-vec loaded."""

    driver = "aiosqlite_vec"
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        return _VecDBAPI()


registry.register("sqlite.aiosqlite_vec", __name__, "SQLiteDialectAiosqliteVec")
