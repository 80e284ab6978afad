"""Helpers shared by the CLI's commands: database selection, one-line errors, async entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import anyio
import typer
from rich.console import Console

T = TypeVar("T")

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print one readable line to stderr and exit 2."""
    errors.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


def database_url(db: str | None) -> str:
    """The URL from `--db`, else the settings (env or the default file)."""
    from coach.settings import settings
    from stores import normalise_url

    if db:
        return normalise_url(db if "://" in db else f"sqlite+aiosqlite:///{db}")
    return settings().resolved_database_url()


def run(func: Callable[[], Awaitable[T]]) -> T:
    """Run an async command body, turning store and validation errors into one line and exit 2."""
    from pydantic import ValidationError

    from stores.base import StoreError

    try:
        return anyio.run(func)
    except StoreError as exc:
        fail(str(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "input"
        fail(f"{where}: {first['msg']}")
