"""Migrations: one Alembic history on both dialects; `coach db upgrade` twice changes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from cli.app import app
from stores import migrate, open_store
from stores.sqlite import create_engine

runner = CliRunner()


async def _schema_snapshot(url: str) -> list[tuple[str, str]]:
    from sqlalchemy.ext.asyncio import create_async_engine

    from stores import sqlite_path

    path = sqlite_path(url)
    engine = create_engine(path) if path is not None else create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: sorted(
                    (table, column["name"])
                    for table in sa.inspect(sync).get_table_names()
                    for column in sa.inspect(sync).get_columns(table)
                )
            )
    finally:
        await engine.dispose()


def _upgrade_twice(url: str) -> tuple[str, str]:
    first = runner.invoke(app, ["db", "upgrade", "--db", url])
    second = runner.invoke(app, ["db", "upgrade", "--db", url])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    return first.output, second.output


def test_upgrade_twice_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    first, second = _upgrade_twice(url)
    assert "upgraded empty -> 0002" in first
    assert "nothing to do" in second
    before = asyncio.run(_schema_snapshot(url))
    assert ("memories", "embedding") in before
    _upgrade_twice(url)
    assert asyncio.run(_schema_snapshot(url)) == before


@pytest.mark.postgres
def test_upgrade_twice_on_postgres(fresh_postgres_url: str) -> None:
    first, second = _upgrade_twice(fresh_postgres_url)
    assert "upgraded empty -> 0002" in first
    assert "nothing to do" in second
    before = asyncio.run(_schema_snapshot(fresh_postgres_url))
    _upgrade_twice(fresh_postgres_url)
    assert asyncio.run(_schema_snapshot(fresh_postgres_url)) == before


@pytest.mark.anyio
async def test_sqlite_store_migrates_itself_on_open(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'self.db'}"
    async with open_store(url) as store:
        assert await store.exercise("bench-press") is not None
    engine = create_engine(str(tmp_path / "self.db"))
    try:
        assert await migrate.current(engine) == migrate.head()
    finally:
        await engine.dispose()


@pytest.mark.postgres
@pytest.mark.anyio
async def test_postgres_store_refuses_an_old_schema(fresh_postgres_url: str) -> None:
    from stores.base import StoreError

    with pytest.raises(StoreError, match="coach db upgrade"):
        async with open_store(fresh_postgres_url):
            pass


def test_head_constant_matches_the_migration_scripts() -> None:
    assert migrate.head() == migrate.script_head()


@pytest.mark.anyio
async def test_fresh_stores_can_open_concurrently(tmp_path: Path) -> None:
    async def open_one(name: str) -> bool:
        async with open_store(f"sqlite+aiosqlite:///{tmp_path / name}") as store:
            return await store.exercise("bench-press") is not None

    results = await asyncio.gather(*(open_one(f"c{i}.db") for i in range(4)))
    assert results == [True, True, True, True]


def _structure(sync: sa.Connection) -> dict[str, object]:
    inspector = sa.inspect(sync)
    tables = sorted(name for name in inspector.get_table_names() if name != "alembic_version")
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"], c.get("primary_key")) for c in inspector.get_columns(table)],
            sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)),
            sorted((tuple(f["constrained_columns"]), f["referred_table"]) for f in inspector.get_foreign_keys(table)),
            inspector.get_pk_constraint(table)["constrained_columns"],
        )
        for table in tables
    }


@pytest.mark.anyio
async def test_a_fresh_sqlite_file_gets_the_same_schema_as_the_migrations(tmp_path: Path) -> None:
    shapes = []
    for name, prepare in (("fast.db", migrate.create_or_upgrade), ("alembic.db", migrate.upgrade)):
        engine = create_engine(str(tmp_path / name))
        try:
            assert await prepare(engine) == (None, migrate.head())
            assert await migrate.current(engine) == migrate.head()
            async with engine.connect() as conn:
                shapes.append(await conn.run_sync(_structure))
        finally:
            await engine.dispose()
    assert shapes[0] == shapes[1]
    assert "memories" in shapes[0]


@pytest.mark.anyio
async def test_an_older_sqlite_file_upgrades_itself_on_open(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "old.db"
    engine = create_engine(str(path))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(migrate._config(sync), "0001"))  # pyright: ignore[reportPrivateUsage]
        assert await migrate.current(engine) == "0001"
    finally:
        await engine.dispose()
    async with open_store(f"sqlite+aiosqlite:///{path}") as store:
        assert await store.exercise("bench-press") is not None
    engine = create_engine(str(path))
    try:
        assert await migrate.current(engine) == "0002"
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: {i["name"] for i in sa.inspect(sync).get_indexes("messages")})
        assert "ix_messages_user_role_time" in names
    finally:
        await engine.dispose()
