"""The Postgres backend: asyncpg, pgvector, and row-level security keyed on the transaction's user."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from stores import migrate
from stores import schema as t
from stores._sql import SqlStore
from stores.base import StoreError, Vector

USER_SETTING = "coach.user_id"


class PostgresStore(SqlStore):
    """The store on a Postgres database (with the `vector` extension)."""

    dialect_name = "postgresql"

    @classmethod
    async def open(cls, url: str, *, upgrade: bool = False, **engine_options: Any) -> PostgresStore:
        """Connect; the schema must be at head (run `coach db upgrade`) unless `upgrade` is set."""
        engine = create_async_engine(url, pool_pre_ping=False, **engine_options)
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
        # Transaction-local, so a pooled connection never carries one user's setting into another's work.
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
