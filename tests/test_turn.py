"""One coaching turn end to end: safety screen, storage first, the agent, review, persistence."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic_ai import ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo

from coach import safety
from coach.demo import seed_demo
from coach.embedder import HashEmbedder
from coach.offline import OfflineModel
from coach.turn import TurnContext, TurnEvent, run_turn
from stores import open_store
from stores.base import Store
from tests.tooling import function_model

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


@pytest.fixture
async def demo_store(store_url: str) -> AsyncIterator[Store]:
    async with open_store(store_url, upgrade=True) as store:
        await seed_demo(store, HashEmbedder(), NOW, reset=True)
        yield store


async def _ctx(store: Store, model: Any = None) -> TurnContext:
    user = await store.user("demo")
    assert user is not None
    return TurnContext(store=store, user=user, model=model or OfflineModel(), embedder=HashEmbedder(), now=NOW)


def _tool_returns(messages: list[ModelMessage]) -> list[ToolReturnPart]:
    return [p for m in messages if isinstance(m, ModelRequest) for p in m.parts if isinstance(p, ToolReturnPart)]


class Spy:
    """A model that must never be called."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        self.calls += 1
        raise AssertionError("the model was called")


async def test_chest_question_answers_with_the_tools_figure(demo_store: Store) -> None:
    result = await run_turn(await _ctx(demo_store), "how many sets did I do for chest this week?")
    assert [c.name for c in result.tool_calls] == ["get_volume_by_muscle"]
    assert result.tool_calls[0].args["muscle"] == "chest"
    conversation = await demo_store.conversation("demo", result.conversation_id)
    assert conversation is not None
    stored = [json.loads(m.payload) for m in conversation.messages if m.payload]
    returns = [p for batch in stored for msg in batch for p in msg["parts"] if p.get("part_kind") == "tool-return"]
    sets = returns[0]["content"]["muscles"][0]["sets"]
    assert f"{sets:g} sets for chest" in result.reply
    assert result.model == "spotter-offline-1"
    assert result.usage.requests == 2


@pytest.mark.parametrize(
    "text",
    ["I have crushing chest pain and can't breathe right now", "I want to kill myself tonight"],
)
async def test_emergency_and_self_harm_never_reach_a_model(demo_store: Store, text: str) -> None:
    spy = Spy()
    result = await run_turn(await _ctx(demo_store, function_model(spy)), text)
    assert spy.calls == 0
    assert result.safety.category in ("emergency", "self_harm")
    assert result.reply == safety.FIXED_REPLIES[result.safety.category]
    assert result.usage.requests == 0
    conversation = await demo_store.conversation("demo", result.conversation_id)
    assert conversation is not None
    assert [m.role for m in conversation.messages] == ["user", "assistant"]
    assert await demo_store.usage_between("demo", NOW - timedelta(days=1), NOW + timedelta(days=1)) == []


async def test_disordered_eating_switches_the_conversation_off_fasting(demo_store: Store) -> None:
    ctx = await _ctx(demo_store)
    first = await run_turn(ctx, "I eat 500 kcal a day to lose 10 kg in 2 weeks")
    assert first.safety.category == "disordered_eating"
    assert first.reply == safety.FIXED_REPLIES["disordered_eating"]
    conversation = await demo_store.conversation("demo", first.conversation_id)
    assert conversation is not None
    assert conversation.mode == "disordered_eating"
    offered: list[set[str]] = []

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        offered.append({t.name for t in info.function_tools})
        return ModelResponse(parts=[TextPart("Let's talk about how training feels.")])

    ctx.model = function_model(model)
    second = await run_turn(ctx, "ok, how is my fast going?", first.conversation_id)
    assert offered
    assert not offered[0] & {"get_active_fast", "start_fast", "end_fast"}
    assert "get_volume_by_muscle" in offered[0]
    assert second.reply == "Let's talk about how training feels."


async def test_medical_questions_run_without_fasting_tools(demo_store: Store) -> None:
    seen: list[tuple[set[str], str]] = []

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        instructions = next((m.instructions or "" for m in reversed(messages) if isinstance(m, ModelRequest)), "")
        seen.append(({t.name for t in info.function_tools}, instructions))
        return ModelResponse(parts=[TextPart("In general, talk to your doctor before fasting on insulin.")])

    result = await run_turn(await _ctx(demo_store, function_model(model)), "I take insulin, can I do a 24 hour fast?")
    assert result.safety.category == "medical"
    tools, instructions = seen[0]
    assert "start_fast" not in tools
    assert "general information only" in instructions


async def test_unsafe_replies_are_replaced_before_they_are_stored(demo_store: Store) -> None:
    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("To lose weight fast, you should eat 800 kcal a day.")])

    result = await run_turn(await _ctx(demo_store, function_model(model)), "how can I lose weight?")
    assert "800" not in result.reply
    conversation = await demo_store.conversation("demo", result.conversation_id)
    assert conversation is not None
    assert all("800 kcal" not in m.text for m in conversation.messages)


async def test_a_failed_turn_keeps_the_message_and_earlier_data(demo_store: Store) -> None:
    ctx = await _ctx(demo_store)
    first = await run_turn(ctx, "how's my fast going?")

    def broken(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise RuntimeError("provider exploded")

    ctx.model = function_model(broken)
    with pytest.raises(RuntimeError, match="provider exploded"):
        await run_turn(ctx, "and what did I eat today?", first.conversation_id)
    conversation = await demo_store.conversation("demo", first.conversation_id)
    assert conversation is not None
    texts = [m.text for m in conversation.messages if m.role == "user"]
    assert texts == ["how's my fast going?", "and what did I eat today?"]
    assert conversation.messages[-1].role == "assistant"
    assert await demo_store.active_fast("demo") is not None
    ctx.model = OfflineModel()
    retry = await run_turn(ctx, "what did I eat today?", first.conversation_id)
    assert [c.name for c in retry.tool_calls] == ["get_meal_history"]


async def test_a_follow_up_uses_the_previous_turn(demo_store: Store) -> None:
    ctx = await _ctx(demo_store)
    first = await run_turn(ctx, "how many sets did I do for chest last week?")
    second = await run_turn(ctx, "what about back?", first.conversation_id)
    assert second.tool_calls[0].name == "get_volume_by_muscle"
    assert second.tool_calls[0].args["muscle"] == "lats"
    assert second.tool_calls[0].args.get("weeks_ago") == 1


async def test_streamed_events_arrive_in_order(demo_store: Store) -> None:
    events: list[TurnEvent] = []

    async def collect(event: TurnEvent) -> None:
        events.append(event)

    ctx = await _ctx(demo_store)
    ctx.on_event = collect
    result = await run_turn(ctx, "how's my fast going?")
    kinds = [e.kind for e in events]
    assert kinds[0] == "safety"
    assert kinds.index("tool_call") < kinds.index("tool_result") < kinds.index("text")
    assert kinds.count("text") > 3
    assert "".join(e.data["delta"] for e in events if e.kind == "text") == result.reply


async def test_usage_is_recorded_with_the_messages(demo_store: Store) -> None:
    result = await run_turn(await _ctx(demo_store), "how's my fast going?")
    usage = await demo_store.usage_between("demo", NOW - timedelta(minutes=1), NOW + timedelta(minutes=1))
    assert [(u.model, u.conversation_id, u.requests) for u in usage] == [
        ("spotter-offline-1", result.conversation_id, 2)
    ]
    assert usage[0].input_tokens > 0


# ---- program edits through a turn


async def _program_sets(store: Store, session: str, exercise: str) -> int | None:
    program = await store.program("demo")
    assert program is not None
    for s in program.sessions:
        if s.name == session:
            return next((e.sets for e in s.exercises if e.exercise_id == exercise), None)
    return None


async def test_destructive_edit_waits_for_approval_then_applies(demo_store: Store) -> None:
    ctx = await _ctx(demo_store)
    before = await demo_store.program("demo")
    pending = await run_turn(ctx, "remove lateral raises from upper b")
    assert [p.name for p in pending.pending] == ["edit_program"]
    diff = pending.pending[0].metadata["diff"]
    assert any("Lateral Raise" in line for line in diff)
    assert await demo_store.program("demo") == before
    applied = await run_turn(ctx, None, pending.conversation_id, approvals={pending.pending[0].call_id: True})
    assert applied.pending == []
    assert await _program_sets(demo_store, "Upper B", "lateral-raise") is None
    assert await _program_sets(demo_store, "Upper A", "lateral-raise") == 3
    versions = await demo_store.program_versions("demo")
    assert before is not None
    assert versions[-1].parent_id == before.id
    assert versions[0] == before


async def test_denied_edit_changes_nothing(demo_store: Store) -> None:
    ctx = await _ctx(demo_store)
    before = await demo_store.program("demo")
    pending = await run_turn(ctx, "swap squats for front squats on lower a")
    denied = await run_turn(ctx, None, pending.conversation_id, approvals={pending.pending[0].call_id: False})
    assert denied.pending == []
    assert await demo_store.program("demo") == before


async def test_non_destructive_edit_applies_directly_and_undo_restores(demo_store: Store) -> None:
    ctx = await _ctx(demo_store)
    before = await demo_store.program("demo")
    changed = await run_turn(ctx, "change bench to 4 sets on upper a")
    assert changed.pending == []
    assert await _program_sets(demo_store, "Upper A", "bench-press") == 4
    assert re.search(r"chest \d+(\.\d+)? -> \d+", changed.reply)
    undo = await run_turn(ctx, "undo that", changed.conversation_id)
    assert [p.name for p in undo.pending] == ["edit_program"]
    await run_turn(ctx, None, undo.conversation_id, approvals={undo.pending[0].call_id: True})
    assert await demo_store.program("demo") == before


async def test_add_and_replace_through_turns(demo_store: Store) -> None:
    ctx = await _ctx(demo_store)
    added = await run_turn(ctx, "add 3 sets of 12-15 face pulls to upper a")
    assert added.pending == []
    assert await _program_sets(demo_store, "Upper A", "face-pull") == 3
    replace = await run_turn(ctx, "replace bench with incline db press in Upper A", added.conversation_id)
    await run_turn(ctx, None, replace.conversation_id, approvals={replace.pending[0].call_id: True})
    assert await _program_sets(demo_store, "Upper A", "bench-press") is None
    assert await _program_sets(demo_store, "Upper A", "incline-dumbbell-press") == 3


async def test_volume_projection_warns_above_mrv(demo_store: Store) -> None:
    operations = [
        {"op": "change_sets", "session": "Upper A", "exercise": "bench press", "sets": 12},
        {"op": "change_sets", "session": "Upper B", "exercise": "incline db press", "sets": 12},
    ]

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns = _tool_returns(messages)
        if returns:
            return ModelResponse(parts=[TextPart(str(returns[-1].content))])
        return ModelResponse(parts=[ToolCallPart("edit_program", {"operations": operations}, tool_call_id="e1")])

    result = await run_turn(await _ctx(demo_store, function_model(model)), "pump my chest volume way up")
    assert "above its MRV" in result.reply
    assert await _program_sets(demo_store, "Upper A", "bench-press") == 12


async def test_a_replaced_reply_is_announced_to_streaming_clients(demo_store: Store) -> None:
    events: list[TurnEvent] = []

    async def collect(event: TurnEvent) -> None:
        events.append(event)

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("Try a 5 day water fast, it works wonders.")])

    ctx = await _ctx(demo_store, function_model(model))
    ctx.on_event = collect
    result = await run_turn(ctx, "any tips to lose weight quickly?")
    replaced = [e.data["text"] for e in events if e.kind == "reply_replaced"]
    assert replaced == [result.reply]
    assert "5 day" not in result.reply


async def test_a_crisis_only_the_semantic_check_catches_never_reaches_a_model(demo_store: Store) -> None:
    text = "feel like my chest is in a vice and my left hand is tingling"
    assert safety.screen(text).category == "allow"  # no rule has these words
    spy = Spy()
    result = await run_turn(await _ctx(demo_store, function_model(spy)), text)
    assert spy.calls == 0
    assert result.safety.category == "emergency"
    assert result.safety.matched[0] == "semantic:emergency"
    assert result.reply == safety.FIXED_REPLIES["emergency"]
    assert result.usage.requests == 0
    conversation = await demo_store.conversation("demo", result.conversation_id)
    assert conversation is not None
    assert [m.role for m in conversation.messages] == ["user", "assistant"]
