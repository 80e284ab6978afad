"""Deployment: fly.toml and the Dockerfile agree with each other, and `DATABASE_URL` works as Fly sets it.

Docker cannot run in the test environment, so the image is checked as text.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from coach.settings import Settings, settings

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def fly() -> dict[str, object]:
    return tomllib.loads((ROOT / "fly.toml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_fly_runs_migrations_before_each_release(fly: dict[str, object]) -> None:
    assert fly["deploy"] == {"release_command": "coach db upgrade"}


def test_fly_serves_the_api_port_and_checks_health(fly: dict[str, object], dockerfile: list[str]) -> None:
    service = fly["http_service"]
    assert isinstance(service, dict)
    assert service["internal_port"] == 8080
    assert [check["path"] for check in service["checks"]] == ["/health"]
    cmd = json.loads(next(line for line in dockerfile if line.startswith("CMD")).removeprefix("CMD"))
    assert cmd == ["coach", "serve", "--host", "0.0.0.0", "--port", str(service["internal_port"])]


def test_the_image_installs_the_lockfile_without_dev_tools(dockerfile: list[str]) -> None:
    syncs = [line for line in dockerfile if "uv sync" in line]
    assert syncs
    assert all("--locked" in line and "--no-dev" in line for line in syncs)
    assert any("--no-editable" in line for line in syncs)


def test_the_image_runs_as_a_non_root_user(dockerfile: list[str]) -> None:
    stages = " ".join(dockerfile).split(" FROM ")
    users = re.findall(r"\bUSER (\S+)", stages[-1])
    assert users
    assert users[-1] not in ("root", "0", "0:0")


def test_the_build_context_leaves_out_local_state() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for entry in (".venv", ".git", "*.db", ".env"):
        assert entry in ignored
    assert "README.md" not in ignored  # pyproject's readme: the build needs it


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings.cache_clear()
    yield monkeypatch
    settings.cache_clear()


def test_database_url_is_read_when_coach_database_url_is_unset(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("DATABASE_URL", "postgres://spotter:pw@spotter-db.flycast:5432/spotter")
    assert Settings().resolved_database_url() == "postgresql+asyncpg://spotter:pw@spotter-db.flycast:5432/spotter"


def test_coach_database_url_wins(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("DATABASE_URL", "postgres://a:pw@elsewhere/a")
    environ.setenv("COACH_DATABASE_URL", "postgresql://b:pw@here/b")
    assert Settings().resolved_database_url() == "postgresql+asyncpg://b:pw@here/b"


def test_libpq_sslmode_becomes_asyncpg_ssl(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("DATABASE_URL", "postgres://u:p%40ss@db.internal:5432/spotter?sslmode=disable&application_name=x")
    url = Settings().resolved_database_url()
    assert url == "postgresql+asyncpg://u:p%40ss@db.internal:5432/spotter?ssl=disable&application_name=x"


def test_without_either_variable_the_default_is_a_local_sqlite_file(environ: pytest.MonkeyPatch) -> None:
    assert Settings().resolved_database_url().startswith("sqlite+aiosqlite:///")
    assert Settings().resolved_database_url().endswith("/data/coach.db")


def test_db_upgrade_reads_database_url(environ: pytest.MonkeyPatch, tmp_path: Path) -> None:
    environ.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fly.db'}")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "fly.db" in result.stdout
    assert "upgraded" in result.stdout
    assert (tmp_path / "fly.db").exists()
