"""Configuration from the environment (prefix `COACH_`), with defaults that need no keys and no servers."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Where the local database lives: `$COACH_DATA_DIR`, else `~/.local/share/spotter`."""
    return Path(os.environ.get("COACH_DATA_DIR") or Path.home() / ".local" / "share" / "spotter")


class Settings(BaseSettings):
    """Every setting the coach reads."""

    model_config = SettingsConfigDict(env_prefix="COACH_", extra="ignore")

    database_url: str = Field(default="", description="Database URL; default: a SQLite file in the data dir.")
    model: str = Field(default="", description="Model id; default: Claude with ANTHROPIC_API_KEY, else offline.")
    openai_base_url: str = Field(default="", description="Base URL of an OpenAI-compatible server (Ollama).")
    trace_content: bool = Field(default=False, description="Record message text in traces.")
    metrics: bool = Field(
        default=False,
        description="Also export OpenTelemetry metrics (request durations, pool usage); traces carry the same timings.",
    )

    def resolved_database_url(self) -> str:
        """The database URL to open, on an async driver.

        `COACH_DATABASE_URL`, else `DATABASE_URL` (what Fly.io and Heroku set, in the `postgres://` form), else a
        SQLite file in the data dir.
        """
        from stores import normalise_url

        url = self.database_url or os.environ.get("DATABASE_URL", "")
        if not url:
            return f"sqlite+aiosqlite:///{default_data_dir() / 'coach.db'}"
        return normalise_url(url)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process's settings."""
    return Settings()
