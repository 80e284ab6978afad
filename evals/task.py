"""The eval task: one conversation against a fixed fixture, run turn by turn through `run_turn`.

Every case gets a fresh SQLite file copied from a template seeded once per run (seeding the demo takes about half a
second; copying a file takes a millisecond), so cases never see each other's writes and can run concurrently.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncGenerator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic_ai import ModelMessagesTypeAdapter, ModelRequest, ToolReturnPart
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import Model, ModelRequestParameters, StreamedResponse
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.settings import ModelSettings
from pydantic_ai.tools import RunContext
from pydantic_core import to_jsonable_python

from coach.demo import DEMO_USER, seed_demo
from coach.safety import Category
from coach.turn import TurnContext, TurnResult, run_turn
from stores import open_store
from stores.base import Store
from stores.records import FastIn, MealIn, MemoryIn, MemoryKind, SetIn
from tools.deps import TextEmbedder

FIXED_NOW = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
"""The clock every case runs at unless it names another: a Thursday, 17:00 in the demo user's Europe/Berlin."""

EmbedderName = Literal["hash", "minilm"]


class Answer(BaseModel):
    """The user's answer to every approval the previous turn left pending."""

    model_config = ConfigDict(extra="forbid")

    approve: bool


class Note(BaseModel):
    """A memory to add to the fixture."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1)]
    kind: MemoryKind = "note"
    days_ago: Annotated[float, Field(ge=0)] = 1


class Fixture(BaseModel):
    """The data a conversation runs against."""

    model_config = ConfigDict(extra="forbid")

    base: Literal["demo", "blank"] = "demo"
    """`demo`: the demo user's weeks of data relative to the case's clock; `blank`: the same user with no data."""
    embedder: EmbedderName = "hash"
    """`hash` is fast and matches on shared words; `minilm` is the real embedder, for recall by meaning."""
    sets: list[SetIn] = []
    meals: list[MealIn] = []
    fasts: list[FastIn] = []
    memories: list[Note] = []


class Conversation(BaseModel):
    """A case's inputs: what the user says, turn by turn, against a fixture at a fixed clock."""

    model_config = ConfigDict(extra="forbid")

    turns: Annotated[list[str | Answer], Field(min_length=1)]
    """User messages, or `{approve: true|false}` to answer the approvals the previous turn asked for."""
    fixture: Fixture = Fixture()
    now: AwareDatetime = FIXED_NOW


class CaseMeta(BaseModel):
    """What a case is about, for the report."""

    model_config = ConfigDict(extra="forbid")

    topic: str
    why: str = ""
    """What the case guards against, when its name does not say."""


class ToolCallOut(BaseModel):
    """A tool call the model made (approval-gated calls included)."""

    name: str
    args: dict[str, Any]


class ToolResultOut(BaseModel):
    """What a tool returned: `success`, `retried` (the model was asked to fix its call), `denied`, ..."""

    name: str
    outcome: Literal["success", "failed", "denied", "interrupted", "retried"]
    content: Any


class TurnOut(BaseModel):
    """One turn as the user and the evaluators see it."""

    message: str | None
    """The user's message; None for an approval answer."""
    reply: str
    safety: Category
    model: str
    requests: int
    """Model requests made in this turn, counted by a wrapper around the model."""
    tool_calls: list[ToolCallOut] = []
    tool_results: list[ToolResultOut] = []
    pending: list[dict[str, Any]] = []
    """Approvals the turn is waiting for, with the diff the user would see."""


class CoachOutput(BaseModel):
    """A case's output: every turn of the conversation."""

    turns: list[TurnOut]

    @property
    def reply(self) -> str:
        """The last reply."""
        return self.turns[-1].reply

    def pick(self, turn: int | None) -> list[TurnOut]:
        """One turn (negative counts from the end), or all of them for None."""
        if turn is None:
            return list(self.turns)
        try:
            return [self.turns[turn]]
        except IndexError:
            return []


@dataclass(init=False)
class CountingModel(WrapperModel):
    """Counts the requests that reach the wrapped model, so "no model was asked" is checked, not assumed."""

    requests: int = 0

    def __init__(self, wrapped: Model) -> None:
        super().__init__(wrapped)
        self.requests = 0

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        self.requests += 1
        return await super().request(messages, model_settings, model_request_parameters)

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncGenerator[StreamedResponse]:
        self.requests += 1
        async with super().request_stream(messages, model_settings, model_request_parameters, run_context) as stream:
            yield stream


@dataclass
class Templates:
    """Seeded SQLite files, one per (base, embedder, clock), built on first use and copied for each case."""

    folder: Path
    embedders: dict[EmbedderName, TextEmbedder]
    _built: dict[tuple[str, str, datetime], Path] = field(
        default_factory=dict[tuple[str, str, datetime], Path], init=False
    )
    # Opening a new file runs Alembic, whose global state is not safe to share between concurrent upgrades.
    _lock: anyio.Lock = field(default_factory=anyio.Lock, init=False)

    async def prepare(self, conversations: Iterable[Conversation]) -> None:
        """Build the templates these conversations need before they run, so case durations leave seeding out."""
        for conversation in conversations:
            await self._template(conversation.fixture, conversation.now)

    async def copy(self, fixture: Fixture, now: datetime, target: Path) -> None:
        """Copy the fixture's template to `target`, building the template first if needed."""
        template = await self._template(fixture, now)
        shutil.copyfile(template, target)

    async def _template(self, fixture: Fixture, now: datetime) -> Path:
        key = (fixture.base, fixture.embedder, now)
        async with self._lock:
            if key not in self._built:
                path = self.folder / f"template-{len(self._built)}.db"
                async with open_store(_url(path)) as store:
                    if fixture.base == "demo":
                        await seed_demo(store, self.embedders[fixture.embedder], now)
                    else:
                        await store.ensure_user(DEMO_USER)
                self._built[key] = path
            return self._built[key]


@dataclass
class CoachTask:
    """Runs a case's conversation through `run_turn` on its own copy of the fixture."""

    model: Model
    templates: Templates
    _cases: int = field(default=0, init=False)

    async def __call__(self, inputs: Conversation) -> CoachOutput:
        self._cases += 1
        path = self.templates.folder / f"case-{self._cases}.db"
        await self.templates.copy(inputs.fixture, inputs.now, path)
        try:
            async with open_store(_url(path)) as store:
                embedder = self.templates.embedders[inputs.fixture.embedder]
                await _add_extras(store, inputs.fixture, embedder, inputs.now)
                return await self._converse(store, embedder, inputs)
        finally:
            _remove(path)

    async def _converse(self, store: Store, embedder: TextEmbedder, inputs: Conversation) -> CoachOutput:
        user = await store.user(DEMO_USER.id)
        assert user is not None, "every fixture has the demo user"
        model = CountingModel(self.model)
        ctx = TurnContext(store=store, user=user, model=model, embedder=embedder, now=inputs.now)
        turns: list[TurnOut] = []
        result: TurnResult | None = None
        seen = 0
        for turn in inputs.turns:
            before = model.requests
            if isinstance(turn, Answer):
                if result is None or not result.pending:
                    raise ValueError("an approval answer needs a turn before it that asked for approval")
                approvals = {item.call_id: turn.approve for item in result.pending}
                result = await run_turn(ctx, None, result.conversation_id, approvals)
            else:
                result = await run_turn(ctx, turn, result.conversation_id if result else None)
            returns, seen = await _new_tool_returns(store, result.conversation_id, seen)
            turns.append(_turn_out(turn, result, returns, model.requests - before))
        return CoachOutput(turns=turns)


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _add_extras(store: Store, fixture: Fixture, embedder: TextEmbedder, now: datetime) -> None:
    user_id = DEMO_USER.id
    if fixture.sets:
        await store.log_sets(user_id, fixture.sets)
    for meal in fixture.meals:
        await store.log_meal(user_id, meal)
    for fast in fixture.fasts:
        await store.start_fast(user_id, fast)
    if fixture.memories:
        vectors = await embedder.embed([note.text for note in fixture.memories])
        for note, vector in zip(fixture.memories, vectors, strict=True):
            memory = MemoryIn(text=note.text, kind=note.kind, created_at=now - timedelta(days=note.days_ago))
            await store.remember(user_id, memory, vector)


async def _new_tool_returns(store: Store, conversation_id: str, seen: int) -> tuple[list[ToolReturnPart], int]:
    """The tool returns stored since the last turn (read back from the store, as a client would see them)."""
    conversation = await store.conversation(DEMO_USER.id, conversation_id)
    rows = conversation.messages if conversation else ()
    returns: list[ToolReturnPart] = []
    for row in rows[seen:]:
        if row.payload:
            returns.extend(_returns(ModelMessagesTypeAdapter.validate_json(row.payload)))
    return returns, len(rows)


def _returns(messages: Sequence[ModelMessage]) -> list[ToolReturnPart]:
    return [
        part
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    ]


def _turn_out(turn: str | Answer, result: TurnResult, returns: list[ToolReturnPart], requests: int) -> TurnOut:
    return TurnOut(
        message=turn if isinstance(turn, str) else None,
        reply=result.reply,
        safety=result.safety.category,
        model=result.model,
        requests=requests,
        tool_calls=[ToolCallOut(name=call.name, args=call.args) for call in result.tool_calls],
        tool_results=[
            ToolResultOut(name=part.tool_name, outcome=part.outcome, content=to_jsonable_python(part.content))
            for part in returns
        ],
        pending=[item.model_dump(mode="json") for item in result.pending],
    )
