"""The Postgres backend: asyncpg, pgvector, and row-level security keyed on the transaction's user."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from stores import migrate
from stores import schema as t
from stores._sql import SqlStore
from stores.base import StoreError, Vector

USER_SETTING = "coach.user_id"
IDLE_PING_S = 30.0
"""A pooled connection idle this long is pinged before use (a proxy or NAT may have dropped it silently)."""


def _checked_in(_dbapi_conn: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _check_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """Hand out only live connections, without a round trip per checkout.

    A connection the server closed (a restart, an outage) is already marked closed by asyncpg, which reads every
    socket; only one idle long enough to have been dropped without a word is pinged. The pool replaces a
    connection this refuses.
    """
    if dbapi_conn.driver_connection.is_closed():
        raise DisconnectionError("the server closed the connection")
    if time.monotonic() - record.info.get("checked_in", time.monotonic()) > IDLE_PING_S:
        try:
            dbapi_conn.ping()
        except Exception as exc:
            raise DisconnectionError("the connection did not answer a ping") from exc


def create_engine(url: str, **engine_options: Any) -> AsyncEngine:
    """An async engine that checks connections on checkout only when they may be dead (see `_check_out`)."""
    engine = create_async_engine(url, **engine_options)
    event.listen(engine.sync_engine, "checkout", _check_out)
    event.listen(engine.sync_engine, "checkin", _checked_in)
    return engine


class PostgresStore(SqlStore):
    """The store on a Postgres database (with the `vector` extension)."""

    dialect_name = "postgresql"

    @classmethod
    async def open(cls, url: str, *, upgrade: bool = False, **engine_options: Any) -> PostgresStore:
        """Connect; the schema must be at head (run `coach db upgrade`) unless `upgrade` is set."""
        engine = create_engine(url, **engine_options)
        if upgrade:
            await migrate.upgrade(engine)
        elif (revision := await migrate.current(engine)) != migrate.head():
            await engine.dispose()
            raise StoreError(
                f"database is at revision {revision}, this code needs {migrate.head()}: run coach db upgrade"
            )
        store = cls(engine)
        await store.seed_exercises()
        return store

    async def _scope(self, conn: AsyncConnection, user_id: str) -> None:
        # Transaction-local, so a pooled connection never carries one user's setting into another's work. Not
        # traced: it runs before every statement a user's work makes, and a span for it would say nothing.
        with suppress_instrumentation():
            await conn.execute(sa.select(sa.func.set_config(USER_SETTING, user_id, True)))

    async def _nearest(
        self, conn: AsyncConnection, user_id: str, vec: Vector, limit: int, kind: str | None
    ) -> list[tuple[int, float]]:
        m = t.memories.c
        distance = m.embedding.op("<=>", return_type=sa.Float)(sa.bindparam("q", vec, type_=t.Embedding()))
        query = sa.select(m.id, distance.label("distance")).where(m.user_id == user_id)
        if kind is not None:
            query = query.where(m.kind == kind)
        rows = await conn.execute(query.order_by(distance).limit(limit))
        return [(int(row.id), 1.0 - float(row.distance)) for row in rows]
