from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic_ai import models

from stores import open_store
from stores.base import Store

models.ALLOW_MODEL_REQUESTS = False

POSTGRES_URL = os.environ.get("COACH_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("COACH_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    for name in (
        "COACH_DATABASE_URL",
        "DATABASE_URL",
        "LOGFIRE_TOKEN",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "COACH_TRACE_CONTENT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("COACH_MODEL", raising=False)


def _require_postgres() -> str:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("COACH_REQUIRE_POSTGRES=1 but COACH_TEST_POSTGRES_URL is not set")
        pytest.skip("set COACH_TEST_POSTGRES_URL to run the Postgres backend (CI does)")
    return POSTGRES_URL


def _swap_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database cloned from the CI template (which has the vector extension)."""
    yield from _fresh_postgres_database()


def _fresh_postgres_database() -> Iterator[str]:
    import asyncio

    import asyncpg  # pyright: ignore[reportMissingTypeStubs]

    template_url = _require_postgres()
    template = template_url.rsplit("/", 1)[1]
    name = f"coach_test_{uuid.uuid4().hex[:10]}"
    admin = _swap_database(template_url, "postgres").replace("postgresql+asyncpg://", "postgresql://")

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _swap_database(template_url, name)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    yield from _fresh_postgres_database()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return request.getfixturevalue("postgres_database")
    return f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    async with open_store(store_url, upgrade=True) as opened:
        yield opened


@pytest.fixture
def user_id() -> str:
    return f"u-{uuid.uuid4().hex[:8]}"
