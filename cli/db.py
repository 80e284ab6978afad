"""`coach db`: migrations and database facts."""

from __future__ import annotations

from typing import Annotated

import typer

from cli._common import console, database_url, fail, run

app = typer.Typer(help="Create, upgrade and inspect the database.", no_args_is_help=True)
DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: $COACH_DATABASE_URL or a local file).")
]


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command()
def upgrade(db: DbOption = None) -> None:
    """Upgrade the database schema to the newest revision (a database at head is left unchanged)."""
    url = database_url(db)

    async def body() -> tuple[str | None, str]:
        from sqlalchemy.ext.asyncio import create_async_engine

        from stores import migrate, sqlite_path
        from stores.sqlite import create_engine

        path = sqlite_path(url)
        engine = create_engine(path) if path is not None else create_async_engine(url)
        try:
            return await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    try:
        before, after = run(body)
    except OSError as exc:
        fail(f"cannot reach the database: {exc}")
    if before == after:
        console.print(f"{_redact(url)}: already at revision {after}; nothing to do")
    else:
        console.print(f"{_redact(url)}: upgraded {before or 'empty'} -> {after}")


@app.command()
def info(db: DbOption = None) -> None:
    """Show the database URL, its schema revision, the vector search mode and the exercise count."""
    url = database_url(db)

    async def body() -> dict[str, str]:
        import sqlalchemy as sa

        from stores import migrate, open_store
        from stores.schema import exercises
        from stores.sqlite import SqliteStore

        async with open_store(url) as store:
            assert isinstance(store, SqliteStore) or hasattr(store, "engine")
            engine = store.engine  # pyright: ignore[reportAttributeAccessIssue]
            async with engine.connect() as conn:
                count = (await conn.execute(sa.select(sa.func.count()).select_from(exercises))).scalar_one()
            revision = await migrate.current(engine)
            vectors = getattr(store, "vectors", None)
            mode = "pgvector (exact, per user)" if vectors is None else ("sqlite-vec" if vectors else "numpy (exact)")
            return {
                "url": _redact(url),
                "revision": f"{revision} (head {migrate.head()})",
                "memory search": mode,
                "exercises": str(count),
            }

    for key, value in run(body).items():
        console.print(f"[bold]{key}:[/bold] {value}", highlight=False)
