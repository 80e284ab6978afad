"""`coach chat` and `coach demo`: coaching sessions in the terminal."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from cli._common import console, database_url, fail, run

if TYPE_CHECKING:
    from coach.turn import TurnContext, TurnEvent, TurnResult

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL or file (default: $COACH_DATABASE_URL).")]
UserOption = Annotated[str, typer.Option("--user", help="Whose data to coach on (created on first use).")]
ModelOption = Annotated[
    str | None, typer.Option("--model", help="offline, anthropic:<model> or openai:<model> (default: $COACH_MODEL).")
]

demo_app = typer.Typer(help="The demo user and its data.", no_args_is_help=True)


@dataclass
class Session:
    """What one CLI session coaches with."""

    ctx: TurnContext
    conversation_id: str | None = None


@asynccontextmanager
async def session(db: str | None, user_id: str, model: str | None, demo: bool) -> AsyncGenerator[Session]:
    """Open the store, make sure the user exists (seeding the demo), and build the turn context."""
    from coach import telemetry
    from coach.embedder import default_embedder
    from coach.models import build_model
    from coach.turn import TurnContext
    from stores import SqlStore, open_store
    from stores.records import User

    telemetry.configure("spotter-cli")
    now = datetime.now(UTC)
    async with open_store(database_url(db)) as store:
        if isinstance(store, SqlStore):
            telemetry.instrument_engine(store.engine)
        if demo:
            from coach.demo import DEMO_USER, seed_demo

            await seed_demo(store, default_embedder(), now)
            user_id = DEMO_USER.id
        user = await store.ensure_user(User(id=user_id, display_name=user_id.title()))
        try:
            built = build_model(model)
        except ValueError as exc:
            fail(str(exc))
        yield Session(TurnContext(store=store, user=user, model=built, embedder=default_embedder(), now=now))


def _json(result: TurnResult) -> str:
    return json.dumps(
        {
            "conversation_id": result.conversation_id,
            "reply": result.reply,
            "tool_calls": [{"name": c.name, "args": c.args} for c in result.tool_calls],
            "safety": {"category": result.safety.category, "reason": result.safety.reason},
            "model": result.model,
            "usage": result.usage.model_dump(mode="json"),
            "pending_approvals": [p.model_dump(mode="json") for p in result.pending],
        },
        default=str,
    )


async def _show(event: TurnEvent) -> None:
    if event.kind == "text":
        console.print(event.data["delta"], end="", highlight=False, markup=False)
    elif event.kind == "tool_call":
        args = json.dumps(event.data["args"], default=str)
        console.print(f"[dim]→ {event.data['name']}({args})[/dim]", highlight=False)


async def _turn(s: Session, text: str | None, approvals: dict[str, bool] | None = None) -> TurnResult:
    from coach.turn import run_turn

    s.ctx.now = datetime.now(UTC)
    result = await run_turn(s.ctx, text, s.conversation_id, approvals)
    s.conversation_id = result.conversation_id
    return result


async def _ask_approvals(s: Session, result: TurnResult) -> None:
    while result.pending:
        console.print()
        answers: dict[str, bool] = {}
        for item in result.pending:
            for line in item.metadata.get("diff", []) or [f"{item.name} {item.args}"]:
                console.print(f"  [yellow]{line}[/yellow]", highlight=False)
            answer = await _prompt("Apply this change? \\[y/N] ")
            answers[item.call_id] = answer.strip().lower() in ("y", "yes")
        console.print("[bold green]coach>[/bold green] ", end="")
        result = await _turn(s, None, answers)
        console.print()


async def _prompt(label: str) -> str:
    import anyio

    return await anyio.to_thread.run_sync(lambda: console.input(label))


async def _interactive(s: Session) -> None:
    console.print("[bold]Spotter[/bold] — ask about your training, meals or fast. /quit to leave.")
    s.ctx.on_event = _show
    while True:
        try:
            text = (await _prompt("[bold cyan]you>[/bold cyan] ")).strip()
        except (EOFError, KeyboardInterrupt):
            break
        if text in ("/quit", "/exit", "quit", "exit"):
            break
        if not text:
            continue
        console.print("[bold green]coach>[/bold green] ", end="")
        result = await _turn(s, text)
        console.print()
        await _ask_approvals(s, result)
    console.print("Bye — your conversation is saved.")


def chat(
    once: Annotated[str | None, typer.Option("--once", help="Run one turn with this message and exit.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="With --once: print one JSON object.")] = False,
    demo: Annotated[bool, typer.Option("--demo", help="Chat as the demo user (seeded if missing).")] = False,
    user: UserOption = "me",
    db: DbOption = None,
    model: ModelOption = None,
) -> None:
    """Chat with the coach: interactively, or one turn with --once."""

    async def body() -> None:
        async with session(db, user, model, demo) as s:
            if once is None:
                await _interactive(s)
                return
            if json_out:
                console.print(_json(await _turn(s, once)), highlight=False, markup=False, soft_wrap=True)
                return
            s.ctx.on_event = _show
            result = await _turn(s, once)
            console.print()
            for item in result.pending:
                console.print(f"[yellow]pending approval: {item.name}[/yellow] (run `coach chat` to answer)")

    if once is not None and not once.strip():
        fail("--once needs a message")
    try:
        run(body)
    except KeyboardInterrupt:
        console.print("\nBye — your conversation is saved.")


@demo_app.command("seed")
def demo_seed(
    db: DbOption = None,
    reset: Annotated[bool, typer.Option("--reset", help="Delete the demo user's data first.")] = False,
) -> None:
    """Create the demo user "demo" with eight weeks of training, three of meals, fasts and memories."""

    async def body() -> bool:
        from coach.demo import seed_demo
        from coach.embedder import default_embedder
        from stores import open_store

        async with open_store(database_url(db)) as store:
            return await seed_demo(store, default_embedder(), datetime.now(UTC), reset=reset)

    created = run(body)
    console.print("demo user seeded" if created else "demo user already exists (use --reset to reseed)")
