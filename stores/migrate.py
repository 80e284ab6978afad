"""Alembic migrations, run programmatically on an async engine."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# Alembic's `command.upgrade` runs env.py through module-level state: one migration at a time per process.
_LOCK = threading.Lock()
HEAD = "0002"
"""The newest revision; a test keeps it equal to the migration scripts' head. Knowing it without
importing Alembic lets an up-to-date database open without loading Alembic at all."""


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this code knows."""
    return HEAD


def script_head() -> str | None:
    """The head revision according to the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def _current(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


async def upgrade(engine: AsyncEngine) -> tuple[str | None, str]:
    """Upgrade the database to head; returns (before, after). A database at head is left untouched."""
    async with engine.begin() as conn:
        before = await conn.run_sync(_current)
        if before == head():
            return before, head()
    # Taken off the event loop: migrations run on the loop thread and yield to it while they wait.
    await anyio.to_thread.run_sync(_LOCK.acquire)
    try:
        async with engine.begin() as conn:
            before = await conn.run_sync(_current)
            if before != head():
                from alembic import command

                await conn.run_sync(lambda sync: command.upgrade(_config(sync), "head"))
    finally:
        _LOCK.release()
    return before, head()


def _empty(connection: Connection) -> bool:
    return not sa.inspect(connection).get_table_names()


def _create_at_head(connection: Connection) -> None:
    from stores.schema import metadata

    metadata.create_all(connection)
    version = sa.Table("alembic_version", sa.MetaData(), sa.Column("version_num", sa.String(32), primary_key=True))
    version.create(connection)
    connection.execute(version.insert().values(version_num=HEAD))


async def create_or_upgrade(engine: AsyncEngine) -> tuple[str | None, str]:
    """Upgrade to head; an empty database is created from the schema and stamped instead.

    The result is the same as running every migration (a test compares the two), without loading
    Alembic: that is most of the cost of a first start.
    """
    async with engine.begin() as conn:
        if await conn.run_sync(_empty):
            await conn.run_sync(_create_at_head)
            return None, HEAD
    return await upgrade(engine)
