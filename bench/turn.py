"""Per-turn overhead of a full coaching turn against a bare Pydantic AI agent, same machine, same run.

Plain runs (no listener: the JSON API, evals) and streamed runs (the CLI, SSE) are timed separately.
A full turn: safety screen (rules and the semantic check), the user's message stored, the agent on the
offline model calling two tools (the active fast and today's meals) over a SQLite store, the reply
reviewed, messages and usage stored.
The floor: a bare agent with a FunctionModel calling two tools that return small dicts, no store.

    uv run python bench/turn.py [--turns 300] [--db PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).parent.resolve():
    sys.path.pop(0)  # keep bench/ from shadowing the project's packages

from pydantic_ai import Agent, ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from coach.demo import seed_demo
from coach.embedder import HashEmbedder
from coach.offline import OfflineModel
from coach.turn import TurnContext, TurnEvent, run_turn
from stores import open_store

QUESTION = "how's my fast and what did I eat today?"


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def bare_agent() -> Agent[None, str]:
    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1]
        if isinstance(last, ModelRequest) and any(isinstance(p, ToolReturnPart) for p in last.parts):
            return ModelResponse(parts=[TextPart("You are 14.5 hours in and ate 1400 kcal today.")])
        return ModelResponse(
            parts=[ToolCallPart("fast", {}, tool_call_id="a"), ToolCallPart("meals", {}, tool_call_id="b")]
        )

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
        response = respond(messages, info)
        for i, part in enumerate(response.parts):
            if isinstance(part, TextPart):
                yield part.content
            elif isinstance(part, ToolCallPart):
                yield {i: DeltaToolCall(name=part.tool_name, json_args="{}", tool_call_id=part.tool_call_id)}

    agent = Agent(FunctionModel(respond, stream_function=stream))

    @agent.tool_plain
    def fast() -> dict[str, float]:
        return {"elapsed_hours": 14.5, "target_hours": 16}

    @agent.tool_plain
    def meals() -> dict[str, float]:
        return {"kcal": 1400, "protein_g": 92}

    return agent


async def time_bare(turns: int, streamed: bool) -> list[float]:
    agent = bare_agent()
    samples: list[float] = []
    for _ in range(turns):
        start = time.perf_counter()
        if streamed:
            async with agent.run_stream_events(QUESTION) as events:
                async for _event in events:
                    pass
        else:
            await agent.run(QUESTION)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def ignore(event: TurnEvent) -> None:
    """A listener that drops events: enough to make the turn stream."""


async def time_turns(path: Path, turns: int, streamed: bool) -> list[float]:
    now = datetime.now(UTC)
    async with open_store(f"sqlite+aiosqlite:///{path}") as store:
        await seed_demo(store, HashEmbedder(), now, reset=True)
        user = await store.user("demo")
        assert user is not None
        ctx = TurnContext(store=store, user=user, model=OfflineModel(), embedder=HashEmbedder(), now=now)
        ctx.on_event = ignore if streamed else None
        check = await run_turn(ctx, QUESTION)
        assert [c.name for c in check.tool_calls] == ["get_active_fast", "get_meal_history"], check.tool_calls
        samples: list[float] = []
        for _ in range(turns):
            start = time.perf_counter()
            await run_turn(ctx, QUESTION)  # a new conversation each time, as a first message would be
            samples.append((time.perf_counter() - start) * 1000)
        return samples


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: a temporary one)")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "turn.db"
    warm = max(20, args.turns // 10)
    print(f"turns: {args.turns} each (after {warm} warm-up), SQLite file {path}")
    print("| run | p50 ms | p95 ms |")
    print("|---|---|---|")
    for streamed in (False, True):
        mode = "streamed" if streamed else "plain"
        await time_bare(warm, streamed)
        bare = percentiles(await time_bare(args.turns, streamed))
        await time_turns(path, warm, streamed)
        full = percentiles(await time_turns(path, args.turns, streamed))
        print(f"| bare agent, {mode} (FunctionModel, two tools, no store) | {bare[0]:.2f} | {bare[1]:.2f} |")
        print(
            f"| full turn, {mode} (screen, store, offline model, two tools, persist) | {full[0]:.2f} | {full[1]:.2f} |"
        )
        print(f"| ratio at p50, {mode} | {full[0] / bare[0]:.1f}x | overhead {full[0] - bare[0]:.2f} ms |")


if __name__ == "__main__":
    asyncio.run(main())
