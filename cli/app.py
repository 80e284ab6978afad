"""The `coach` command line: a thin shell over `coach/` and `stores/`.

Heavy imports (the agent, the database drivers) happen inside commands so `coach --help` stays fast.
"""

from __future__ import annotations

import typer

from cli import chat, db, exercises
from cli.safety import safety

app = typer.Typer(
    name="coach",
    help="Spotter: a training, nutrition and fasting coach over your own data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(exercises.app, name="exercises")
app.add_typer(chat.demo_app, name="demo")
app.command("chat")(chat.chat)
app.command("safety")(safety)


def main() -> None:
    """Run the CLI."""
    app()
