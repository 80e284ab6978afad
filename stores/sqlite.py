"""The SQLite backend: one file, WAL, sqlite-vec `vec0` for memory search (exact numpy search without it)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

import stores._vecsqlite  # noqa: F401  # pyright: ignore[reportUnusedImport]  (registers the dialect)
from stores import migrate
from stores import schema as t
from stores._sql import SqlStore
from stores.base import Vector

log = logging.getLogger(__name__)

# A partition per user allocates one chunk per user: small chunks keep the file small for many users.
STALE_INDEX = 1
VEC_TABLE = f"""CREATE VIRTUAL TABLE IF NOT EXISTS memory_vec USING vec0(
    user_id text partition key,
    embedding float[{t.EMBEDDING_DIM}] distance_metric=cosine,
    kind text,
    chunk_size=16
)"""


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def create_engine(path: str) -> AsyncEngine:
    """An async engine on the file, with sqlite-vec loaded where the driver allows."""
    if path not in ("", ":memory:"):
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(f"sqlite+aiosqlite_vec:///{Path(path).expanduser() if path else ''}")
    event.listen(engine.sync_engine, "connect", _pragmas)
    return engine


class SqliteStore(SqlStore):
    """The store on a SQLite file."""

    dialect_name = "sqlite"

    def __init__(self, engine: AsyncEngine, vectors: bool) -> None:
        super().__init__(engine)
        self.vectors = vectors
        """Whether memory search runs in sqlite-vec (else exact search in numpy)."""

    @classmethod
    async def open(cls, path: str) -> SqliteStore:
        """Open (creating and migrating) the database file."""
        engine = create_engine(path)
        await migrate.create_or_upgrade(engine)
        store = cls(engine, vectors=await _enable_vectors(engine))
        await store.seed_exercises()
        return store

    async def _index_memory(self, conn: AsyncConnection, user_id: str, memory_id: int, kind: str, vec: Vector) -> None:
        if self.vectors:
            insert = "INSERT INTO memory_vec(rowid, user_id, embedding, kind) VALUES (:id, :user, :vec, :kind)"
            params = {"id": memory_id, "user": user_id, "vec": _blob(vec), "kind": kind}
            await conn.execute(sa.text(insert), params)

    async def _unindex_memories(self, conn: AsyncConnection, user_id: str, ids: Sequence[int]) -> None:
        if self.vectors and ids:
            delete = sa.text("DELETE FROM memory_vec WHERE rowid IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            )
            await conn.execute(delete, {"ids": list(ids)})

    async def _nearest(
        self, conn: AsyncConnection, user_id: str, vec: Vector, limit: int, kind: str | None
    ) -> list[tuple[int, float]]:
        if not self.vectors:
            return await _exact_nearest(conn, user_id, vec, limit, kind)
        query = "SELECT rowid, distance FROM memory_vec WHERE embedding MATCH :vec AND k = :k AND user_id = :user"
        params: dict[str, Any] = {"vec": _blob(vec), "k": limit, "user": user_id}
        if kind is not None:
            query += " AND kind = :kind"
            params["kind"] = kind
        rows = await conn.execute(sa.text(query + " ORDER BY distance"), params)
        return [(int(row[0]), 1.0 - float(row[1])) for row in rows]


def _blob(vec: Vector) -> bytes:
    # A float64 array would be read as a vector of twice the length: always send float32.
    return np.asarray(vec, dtype=np.float32).tobytes()


async def _exact_nearest(
    conn: AsyncConnection, user_id: str, vec: Vector, limit: int, kind: str | None
) -> list[tuple[int, float]]:
    m = t.memories.c
    query = sa.select(m.id, m.embedding).where(m.user_id == user_id)
    if kind is not None:
        query = query.where(m.kind == kind)
    rows = (await conn.execute(query)).all()
    if not rows:
        return []
    matrix = np.stack([row[1] for row in rows])
    scores = matrix @ np.asarray(vec, dtype=np.float32)
    order = np.argsort(-scores, kind="stable")[:limit]
    return [(int(rows[int(i)][0]), float(scores[int(i)])) for i in order]


async def _enable_vectors(engine: AsyncEngine) -> bool:
    """Use sqlite-vec if it is loaded, (re)building the vec0 index when it is missing or stale.

    A session without sqlite-vec writes memories the index never sees, so it marks the index stale
    (in `PRAGMA user_version`, which migrations leave alone) and the next session with vectors rebuilds it.
    """
    async with engine.begin() as conn:
        try:
            await conn.execute(sa.text("SELECT vec_version()"))
        except OperationalError as exc:
            log.warning("sqlite-vec unavailable (%s); memory search uses exact numpy search", exc.orig)
            await conn.execute(sa.text(f"PRAGMA user_version = {STALE_INDEX}"))
            return False
        stale = (await conn.execute(sa.text("PRAGMA user_version"))).scalar_one() == STALE_INDEX
        exists = (await conn.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'memory_vec'"))).first()
        if stale or exists is None:
            await conn.execute(sa.text("DROP TABLE IF EXISTS memory_vec"))
            await conn.execute(sa.text(VEC_TABLE))
            await _backfill(conn)
            await conn.execute(sa.text("PRAGMA user_version = 0"))
        return True


async def _backfill(conn: AsyncConnection) -> None:
    m = t.memories.c
    rows = (await conn.execute(sa.select(m.id, m.user_id, m.kind, m.embedding))).all()
    insert = "INSERT INTO memory_vec(rowid, user_id, embedding, kind) VALUES (:id, :user, :vec, :kind)"
    params = [{"id": r.id, "user": r.user_id, "vec": _blob(r.embedding), "kind": r.kind} for r in rows]
    if params:
        await conn.execute(sa.text(insert), params)
