"""Storage for the coach: records, the Store protocol, and the SQLite and Postgres backends."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from stores._sql import SqlStore
from stores.base import ConflictError, NotFoundError, Store, StoreError, UnknownExerciseError

__all__ = [
    "ConflictError",
    "NotFoundError",
    "Store",
    "StoreError",
    "UnknownExerciseError",
    "normalise_url",
    "open_store",
]


def normalise_url(url: str) -> str:
    """Map the URL forms people paste onto the async drivers (`postgres://` -> `postgresql+asyncpg://`)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return _asyncpg_ssl("postgresql+asyncpg://" + url.removeprefix(prefix))
    if url.startswith("postgresql+asyncpg://"):
        return _asyncpg_ssl(url)
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


def _asyncpg_ssl(url: str) -> str:
    """Rename libpq's `sslmode` (hosted URLs carry `?sslmode=disable`) to asyncpg's `ssl` (same values)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    if "sslmode" not in parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return urlunsplit(parts._replace(query=urlencode([("ssl" if k == "sslmode" else k, v) for k, v in pairs])))


def sqlite_path(url: str) -> str | None:
    """The file path of a SQLite URL, or None for another backend."""
    url = normalise_url(url)
    for prefix in ("sqlite+aiosqlite:///", "sqlite+aiosqlite_vec:///"):
        if url.startswith(prefix):
            return url.removeprefix(prefix)
    return None


@asynccontextmanager
async def open_store(url: str, *, upgrade: bool = False) -> AsyncGenerator[Store]:
    """Open a store from a URL: `sqlite+aiosqlite:///path` (migrates itself) or `postgresql+asyncpg://...`."""
    url = normalise_url(url)
    if (path := sqlite_path(url)) is not None:
        from stores.sqlite import SqliteStore

        store: SqlStore = await SqliteStore.open(path)
    elif url.startswith("postgresql+asyncpg://"):
        from stores.postgres import PostgresStore

        store = await PostgresStore.open(url, upgrade=upgrade)
    else:
        raise StoreError(
            f"unsupported database URL {url.split(':', 1)[0]!r}: use sqlite+aiosqlite:/// or postgresql://"
        )
    try:
        yield store
    finally:
        await store.close()
