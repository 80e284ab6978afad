"""`coach exercises`: the exercise library."""

from __future__ import annotations

from typing import Annotated

import typer

from cli._common import console, fail

app = typer.Typer(help="Look up exercises in the library.", no_args_is_help=True)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A name, alias or abbreviation, e.g. 'rdl' or 'incline db press'.")],
    limit: Annotated[int, typer.Option(min=1, max=50, help="How many results.")] = 10,
) -> None:
    """Search exercises by name, alias or abbreviation."""
    from rich.table import Table

    from stores.exercises import load_library
    from stores.exercises import search as find

    found = find(load_library(), text, limit)
    if not found:
        fail(f"no exercise matches {text!r}")
    table = Table("id", "name", "muscles", "equipment")
    for exercise in found:
        muscles = ", ".join(f"{m} {c:g}" for m, c in sorted(exercise.muscles.items(), key=lambda kv: -kv[1]))
        table.add_row(exercise.id, exercise.name, muscles, ", ".join(exercise.equipment))
    console.print(table)
