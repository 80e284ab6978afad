"""Data commands (fasting, logging, meals, volume, program): the coach's own tools, called without a model."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli._common import console, database_url, fail, run

if TYPE_CHECKING:
    from tools.deps import CoachDeps

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL or file (default: $COACH_DATABASE_URL).")]
UserOption = Annotated[str, typer.Option("--user", help="Whose data (created on first use).")]

fast_app = typer.Typer(help="Start, end and check a fast.", no_args_is_help=True)
log_app = typer.Typer(help="Log sets and meals.", no_args_is_help=True)
program_app = typer.Typer(help="Show or undo your training program.", no_args_is_help=True)

SET_NOTATION = re.compile(
    r"^\s*(?:(?P<sets>\d{1,2})\s*[x×]\s*)?(?P<reps>\d{1,3})\s*(?:@\s*(?P<weight>\d+(?:\.\d+)?)\s*(?P<unit>kg|lbs?)?)?\s*$",
    re.IGNORECASE,
)


@asynccontextmanager
async def _deps(db: str | None, user_id: str) -> AsyncGenerator[CoachDeps]:
    from coach.embedder import default_embedder
    from stores import open_store
    from stores.records import User
    from tools.deps import CoachDeps

    async with open_store(database_url(db)) as store:
        user = await store.ensure_user(User(id=user_id, display_name=user_id.title()))
        yield CoachDeps(user=user, store=store, embedder=default_embedder(), now=datetime.now(UTC))


async def call_tool(deps: CoachDeps, name: str, args: dict[str, Any], *, approved: bool = False) -> Any:
    """Validate the arguments against the tool's schema and call it, as the agent would."""
    from coach import direct

    try:
        return await direct.call_tool(deps, name, args, approved=approved)
    except direct.ToolRefused as exc:
        fail(exc.message)


def _tool_command(name: str, args: Callable[[], dict[str, Any]], db: str | None, user: str) -> Any:
    async def body() -> Any:
        async with _deps(db, user) as deps:
            return await call_tool(deps, name, args())

    return run(body)


@fast_app.command("status")
def fast_status(user: UserOption = "me", db: DbOption = None) -> None:
    """How long the running fast has gone, and its stage."""
    result = _tool_command("get_active_fast", dict, db, user)
    console.print(result.summary, highlight=False)


@fast_app.command("start")
def fast_start(
    protocol: Annotated[str, typer.Option(help="16:8, 18:6, 20:4, OMAD, 24h or custom.")] = "16:8",
    hours: Annotated[float | None, typer.Option(help="Length of a custom fast in hours (1-72).")] = None,
    ago: Annotated[float, typer.Option(help="Started this many hours ago.")] = 0,
    user: UserOption = "me",
    db: DbOption = None,
) -> None:
    """Start a fast."""
    args = {"protocol": protocol, "hours": hours, "started_hours_ago": ago}
    console.print(_tool_command("start_fast", lambda: args, db, user).summary, highlight=False)


@fast_app.command("end")
def fast_end(
    abandon: Annotated[bool, typer.Option(help="Record it as abandoned.")] = False,
    user: UserOption = "me",
    db: DbOption = None,
) -> None:
    """End the running fast."""
    console.print(_tool_command("end_fast", lambda: {"abandon": abandon}, db, user).summary, highlight=False)


def parse_sets(notation: str) -> tuple[int, int, float | None, bool]:
    """Read `3x8@80`, `5@100kg`, `3x10@135lb` or `12` into (sets, reps, weight, in pounds)."""
    match = SET_NOTATION.match(notation)
    if match is None:
        raise ValueError(f"cannot read {notation!r}: write sets x reps @ weight, e.g. 3x8@80")
    weight = float(match["weight"]) if match["weight"] else None
    pounds = (match["unit"] or "").lower().startswith("lb")
    return int(match["sets"] or 1), int(match["reps"]), weight, pounds


@log_app.command("set")
def log_set(
    exercise: Annotated[str, typer.Argument(help="The exercise, e.g. 'bench press', 'RDL'.")],
    notation: Annotated[str, typer.Argument(help="sets x reps @ weight, e.g. 3x8@80 (kg; add lb for pounds).")],
    rir: Annotated[float | None, typer.Option(help="Reps in reserve.")] = None,
    rpe: Annotated[float | None, typer.Option(help="Rate of perceived exertion (1-10).")] = None,
    warmup: Annotated[bool, typer.Option(help="Log them as warm-up sets.")] = False,
    user: UserOption = "me",
    db: DbOption = None,
) -> None:
    """Log sets of an exercise."""
    try:
        sets, reps, weight, pounds = parse_sets(notation)
    except ValueError as exc:
        fail(str(exc))
    kg = round((weight or 0) * (0.45359237 if pounds else 1), 1)
    args = {"exercise": exercise, "sets": sets, "reps": reps, "weight_kg": kg, "rir": rir, "rpe": rpe}
    args["set_type"] = "warmup" if warmup else "working"
    console.print(_tool_command("log_workout", lambda: args, db, user).summary, highlight=False)


@log_app.command("meal")
def log_meal(
    items: Annotated[list[str], typer.Argument(help="What you ate, e.g. chicken rice broccoli.")],
    kcal: Annotated[float, typer.Option(help="Energy in kcal.")],
    protein: Annotated[float, typer.Option(help="Protein in g.")] = 0,
    carbs: Annotated[float, typer.Option(help="Carbohydrate in g.")] = 0,
    fat: Annotated[float, typer.Option(help="Fat in g.")] = 0,
    meal_type: Annotated[str | None, typer.Option("--type", help="breakfast, lunch, dinner or snack.")] = None,
    ago: Annotated[float, typer.Option(help="Eaten this many hours ago.")] = 0,
    user: UserOption = "me",
    db: DbOption = None,
) -> None:
    """Log a meal."""
    args = {"items": items, "kcal": kcal, "protein_g": protein, "carbs_g": carbs, "fat_g": fat}
    args |= {"meal_type": meal_type, "eaten_hours_ago": ago}
    console.print(_tool_command("log_meal", lambda: args, db, user).summary, highlight=False)


def meals(
    days: Annotated[int, typer.Option(min=1, max=92, help="How many days back, today included.")] = 7,
    user: UserOption = "me",
    db: DbOption = None,
) -> None:
    """Daily nutrition totals against your goals."""
    from rich.table import Table

    async def body() -> Any:
        async with _deps(db, user) as deps:
            start = deps.today - timedelta(days=days - 1)
            return await call_tool(deps, "get_meal_history", {"start": start, "end": deps.today})

    history = run(body)
    table = Table("day", "meals", "kcal", "goal", "protein g", "goal", "carbs g", "fat g")
    for row in history.days:
        goal = str(row.kcal_goal) if row.kcal_goal is not None else "-"
        protein_goal = str(row.protein_goal_g) if row.protein_goal_g is not None else "-"
        cells = (row.day.isoformat(), row.meals, row.kcal, goal, row.protein_g, protein_goal, row.carbs_g, row.fat_g)
        table.add_row(*(str(c) for c in cells))
    console.print(table)
    console.print(history.summary, highlight=False)


def volume(
    weeks: Annotated[int, typer.Option(min=1, max=12, help="How many calendar weeks, this one included.")] = 1,
    weeks_ago: Annotated[int, typer.Option(min=0, max=52, help="End this many weeks back.")] = 0,
    user: UserOption = "me",
    db: DbOption = None,
) -> None:
    """Weekly sets per muscle, as a bar against its landmarks."""
    from rich.table import Table

    from tools.landmarks import landmarks_for

    report = _tool_command("get_volume_by_muscle", lambda: {"weeks": weeks, "weeks_ago": weeks_ago}, db, user)
    table = Table("muscle", "sets/week", "", "MEV", "MRV", "status", title=report.label)
    colours = {"below_mev": "yellow", "productive": "green", "above_mrv": "red"}
    for row in report.muscles:
        marks = landmarks_for(row.muscle)
        bar = "█" * round(min(row.per_week, 30))
        colour = colours.get(row.status, "white")
        table.add_row(row.muscle, f"{row.per_week:g}", f"[{colour}]{bar}[/{colour}]", f"{marks.mev:g}",
                      f"{marks.mrv:g}", row.status)  # fmt: skip
    console.print(table)


@program_app.command("show")
def program_show(user: UserOption = "me", db: DbOption = None) -> None:
    """Show the current program version."""
    view = _tool_command("get_program", dict, db, user)
    for session in view.sessions:
        when = session.weekday or f"day {session.day_index}"
        console.print(f"[bold]{session.name}[/bold] ({when})")
        for e in session.exercises:
            console.print(f"  {e.exercise}: {e.sets} x {e.rep_min}-{e.rep_max} @ RIR {e.target_rir}", highlight=False)
    console.print(view.summary, highlight=False)


@program_app.command("undo")
def program_undo(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    user: UserOption = "me",
    db: DbOption = None,
) -> None:
    """Restore the version the current program was edited from."""
    from pydantic_ai.exceptions import ApprovalRequired

    async def body() -> Any:
        async with _deps(db, user) as deps:
            args = {"operations": [{"op": "undo"}]}
            try:
                return await call_tool(deps, "edit_program", args, approved=yes)
            except ApprovalRequired as pending:
                for line in (pending.metadata or {}).get("diff", []):
                    console.print(f"  [yellow]{line}[/yellow]", highlight=False)
                if not typer.confirm("Restore the previous version?"):
                    return None
                return await call_tool(deps, "edit_program", args, approved=True)

    result = run(body)
    console.print(result.summary if result else "Nothing changed.", highlight=False)
