"""The `coach` command line: a thin shell over `coach/` and `stores/`.

Heavy imports (the agent, the database drivers) happen inside commands so `coach --help` stays fast.
"""

from __future__ import annotations

import typer

from cli import api, chat, data, db, exercises
from cli.evals import eval_command
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
app.add_typer(data.fast_app, name="fast")
app.add_typer(data.log_app, name="log")
app.add_typer(data.program_app, name="program")
app.command("meals")(data.meals)
app.command("volume")(data.volume)
for command in (api.serve, api.token, api.openapi):
    app.command()(command)
app.command("eval")(eval_command)


def main() -> None:
    """Run the CLI."""
    app()
