"""The SQLite store under this machine's stdlib sqlite3, with and without an extension-capable driver."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from coach.embedder import HashEmbedder
from stores import open_store
from stores.records import MemoryIn, User
from stores.sqlite import SqliteStore

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 26, tzinfo=UTC)
embed = HashEmbedder().embed_sync


async def _remember_and_recall(store: SqliteStore) -> list[str]:
    await store.ensure_user(User(id="a", display_name="A"))
    await store.ensure_user(User(id="b", display_name="B"))
    for text in ("left knee hurts on squats", "likes oatmeal breakfast", "shoulder feels fine"):
        await store.remember("a", MemoryIn(text=text, created_at=NOW), embed([text])[0])
    await store.remember("b", MemoryIn(text="left knee hurts", created_at=NOW), embed(["left knee hurts"])[0])
    found = await store.recall("a", embed(["left knee hurts"])[0], limit=5)
    return [*[r.memory.text for r in found][:1], str(len(found))]


def test_stdlib_sqlite3_here_cannot_load_extensions() -> None:
    # The reason the store brings its own driver: this interpreter's sqlite3 has no extension loading.
    assert not hasattr(sqlite3.Connection, "enable_load_extension")


async def test_vectors_load_through_a_capable_driver(tmp_path: Path) -> None:
    async with open_store(f"sqlite+aiosqlite:///{tmp_path / 'v.db'}") as store:
        assert isinstance(store, SqliteStore)
        assert store.vectors
        async with store.engine.connect() as conn:
            version = (await conn.execute(sa.text("SELECT vec_version()"))).scalar_one()
        assert version.startswith("v0.1")
        assert await _remember_and_recall(store) == ["left knee hurts on squats", "3"]


async def test_driver_errors_surface_as_sqlalchemy_errors(tmp_path: Path) -> None:
    async with open_store(f"sqlite+aiosqlite:///{tmp_path / 'e.db'}") as store:
        assert isinstance(store, SqliteStore)
        await store.ensure_user(User(id="a", display_name="A"))
        with pytest.raises(sa.exc.IntegrityError):
            async with store.engine.begin() as conn:
                await conn.execute(
                    sa.text(
                        "INSERT INTO users(id, display_name, tier, timezone, units, goals, "
                        "created_at) VALUES ('a', 'A', 'free', 'UTC', 'metric', '{}', '')"
                    )
                )


async def test_falls_back_to_exact_search_without_extensions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("COACH_SQLITE_DRIVERS", "sqlite3")
    with caplog.at_level(logging.WARNING):
        async with open_store(f"sqlite+aiosqlite:///{tmp_path / 'f.db'}") as store:
            assert isinstance(store, SqliteStore)
            assert not store.vectors
            assert await _remember_and_recall(store) == ["left knee hurts on squats", "3"]
    assert "exact numpy search" in caplog.text


async def test_index_is_backfilled_when_vectors_become_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    monkeypatch.setenv("COACH_SQLITE_DRIVERS", "sqlite3")
    async with open_store(url) as store:
        await store.ensure_user(User(id="a", display_name="A"))
        await store.remember("a", MemoryIn(text="knee", created_at=NOW), embed(["knee"])[0])
    monkeypatch.delenv("COACH_SQLITE_DRIVERS")
    async with open_store(url) as store:
        assert isinstance(store, SqliteStore)
        assert store.vectors
        assert [r.memory.text for r in await store.recall("a", embed(["knee"])[0])] == ["knee"]


async def test_changes_made_without_vectors_reach_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
    async with open_store(url) as store:
        await store.ensure_user(User(id="a", display_name="A"))
        kept = await store.remember("a", MemoryIn(text="knee", created_at=NOW), embed(["knee"])[0])
        gone = await store.remember("a", MemoryIn(text="shoulder", created_at=NOW), embed(["shoulder"])[0])
    monkeypatch.setenv("COACH_SQLITE_DRIVERS", "sqlite3")
    async with open_store(url) as store:
        assert await store.forget("a", gone.id)
        await store.remember("a", MemoryIn(text="elbow", created_at=NOW), embed(["elbow"])[0])
    monkeypatch.delenv("COACH_SQLITE_DRIVERS")
    async with open_store(url) as store:
        assert isinstance(store, SqliteStore)
        assert store.vectors
        new = await store.remember("a", MemoryIn(text="wrist", created_at=NOW), embed(["wrist"])[0])
        assert new.id not in (kept.id, gone.id)
        assert [r.memory.text for r in await store.recall("a", embed(["elbow"])[0], limit=1)] == ["elbow"]
        assert "shoulder" not in [r.memory.text for r in await store.recall("a", embed(["shoulder"])[0], limit=4)]
        assert len(await store.recall("a", embed(["knee"])[0], limit=10)) == 3
