"""One coaching turn: screen, store the user's message, run the agent with history, review, persist.

Every entry point (CLI, API, evals) calls `run_turn`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_ai import (
    AgentRunResultEvent,
    DeferredToolRequests,
    DeferredToolResults,
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import Model
from pydantic_ai.usage import UsageLimits

from coach import safety, telemetry
from coach.agent import coach_agent
from stores.base import Store
from stores.records import Conversation, MessageIn, UsageIn, User
from tools.deps import CoachDeps, TextEmbedder

log = logging.getLogger(__name__)

EventKind = Literal["safety", "text", "tool_call", "tool_result", "approval_required", "reply_replaced"]


class TurnEvent(BaseModel):
    """Something a client can show while the turn runs."""

    kind: EventKind
    data: dict[str, Any]


class ToolCall(BaseModel):
    """A tool the coach called in this turn."""

    name: str
    args: dict[str, Any]
    call_id: str = ""


class PendingApproval(BaseModel):
    """A tool call (a destructive program edit) waiting for the user's yes or no."""

    call_id: str
    name: str
    args: dict[str, Any]
    metadata: dict[str, Any] = {}


class TurnUsage(BaseModel):
    """Tokens and cost of the turn's model requests."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal | None = None


class TurnResult(BaseModel):
    """What a turn produced."""

    conversation_id: str
    reply: str
    tool_calls: list[ToolCall] = []
    safety: safety.Screen
    model: str
    usage: TurnUsage = TurnUsage()
    pending: list[PendingApproval] = []


OnEvent = Callable[[TurnEvent], Awaitable[None]]


@dataclass
class TurnContext:
    """Everything a turn needs besides the message."""

    store: Store
    user: User
    model: Model
    embedder: TextEmbedder
    now: datetime
    on_event: OnEvent | None = None


async def _emit(ctx: TurnContext, kind: EventKind, data: dict[str, Any]) -> None:
    if ctx.on_event is not None:
        await ctx.on_event(TurnEvent(kind=kind, data=data))


def _history(conversation: Conversation | None) -> list[ModelMessage]:
    history: list[ModelMessage] = []
    for message in conversation.messages if conversation else ():
        if message.payload:
            history.extend(ModelMessagesTypeAdapter.validate_json(message.payload))
        elif message.role == "user":
            history.append(ModelRequest(parts=[UserPromptPart(content=message.text)]))
    return history


def _message(message: ModelMessage, now: datetime) -> MessageIn:
    payload = ModelMessagesTypeAdapter.dump_json([message]).decode()
    if isinstance(message, ModelResponse):
        text = "".join(p.content for p in message.parts if isinstance(p, TextPart))
        return MessageIn(role="assistant", text=text, payload=payload, created_at=now)
    text = "".join(p.content for p in message.parts if isinstance(p, UserPromptPart) and isinstance(p.content, str))
    return MessageIn(role="user" if text else "tool", text=text, payload=payload, created_at=now)


async def _fixed_reply(ctx: TurnContext, conversation_id: str, screen: safety.Screen, text: str) -> TurnResult:
    """Answer without any model (emergencies, self-harm, a first sign of disordered eating)."""
    reply = safety.FIXED_REPLIES[screen.category]
    response = ModelResponse(parts=[TextPart(reply)], model_name="safety-filter")
    await ctx.store.append_messages(ctx.user.id, conversation_id, [_message(response, ctx.now)])
    await _emit(ctx, "text", {"delta": reply})
    return TurnResult(conversation_id=conversation_id, reply=reply, safety=screen, model="safety-filter")


async def run_turn(
    ctx: TurnContext,
    text: str | None,
    conversation_id: str | None = None,
    approvals: dict[str, bool] | None = None,
) -> TurnResult:
    """Run one turn: a new message (`text`), or the user's answers to pending approvals (`approvals`)."""
    new = conversation_id is None
    conversation_id = conversation_id or uuid.uuid4().hex
    with telemetry.turn_span(ctx.user.id, conversation_id, text) as turn:
        result = await _turn(ctx, text, conversation_id, approvals, new)
        turn.finish(result)
    return result


async def _turn(
    ctx: TurnContext, text: str | None, conversation_id: str, approvals: dict[str, bool] | None, new: bool
) -> TurnResult:
    # The screen's semantic check embeds the message on a worker thread while the conversation loads and the
    # message is stored; it is awaited before anything is decided and before any model is called.
    screening_task = asyncio.create_task(safety.screen_deep(text)) if text else None
    try:
        # A new conversation has nothing to load.
        conversation = None if new else await ctx.store.conversation(ctx.user.id, conversation_id)
        if text:
            # Stored before any model is called, so a failure further on loses nothing.
            user_row = MessageIn(role="user", text=text, created_at=ctx.now)
            await ctx.store.append_messages(ctx.user.id, conversation_id, [user_row])
    except BaseException:
        if screening_task is not None:
            screening_task.cancel()
        raise
    with telemetry.span("safety screen") as screening:
        screen = await screening_task if screening_task else safety.Screen(category="allow", reason="approval answer")
        screening.set_attribute("coach.safety.category", screen.category)
    await _emit(ctx, "safety", screen.model_dump())
    mode = conversation.mode if conversation else "normal"
    if screen.category in ("emergency", "self_harm") or (
        screen.category == "disordered_eating" and mode != "disordered_eating"
    ):
        if screen.category == "disordered_eating":
            await ctx.store.set_conversation_mode(ctx.user.id, conversation_id, "disordered_eating")
        return await _fixed_reply(ctx, conversation_id, screen, text or "")
    deps = CoachDeps(
        user=ctx.user,
        store=ctx.store,
        embedder=ctx.embedder,
        now=ctx.now,
        mode=mode,
        medical=screen.category == "medical",
        conversation_id=conversation_id,
    )
    history = _history(conversation)
    try:
        return await _run_agent(ctx, deps, history, text, screen, approvals)
    except Exception:
        log.exception("turn failed")
        reply = "Sorry, I couldn't finish that just now. Your message is saved; please try again."
        failed = ModelResponse(parts=[TextPart(reply)], model_name="error")
        await ctx.store.append_messages(ctx.user.id, conversation_id, [_message(failed, ctx.now)])
        raise


async def _run_agent(
    ctx: TurnContext,
    deps: CoachDeps,
    history: list[ModelMessage],
    text: str | None,
    screen: safety.Screen,
    approvals: dict[str, bool] | None,
) -> TurnResult:
    assert deps.conversation_id is not None
    results = DeferredToolResults(approvals=dict(approvals)) if approvals else None
    options: dict[str, Any] = {
        "message_history": history,
        "deps": deps,
        "model": ctx.model,
        "deferred_tool_results": results,
        "conversation_id": deps.conversation_id,
        "usage_limits": UsageLimits(request_limit=8, tool_calls_limit=12),
    }
    # Nobody listening (JSON API, evals): a plain run skips the event plumbing, about a millisecond a request.
    outcome = await (coach_agent().run(text, **options) if ctx.on_event is None else _streamed(ctx, text, options))
    everything = list(outcome.all_messages())
    new = everything[len(history) :]
    calls = _calls(everything, new, outcome.output)
    # The user's prompt was stored before the run; its request is rebuilt from that row.
    return await _persist(ctx, deps.conversation_id, outcome, new[1:] if text else new, calls, screen)


async def _streamed(ctx: TurnContext, text: str | None, options: dict[str, Any]) -> Any:
    """Run the agent streamed, passing text deltas, tool calls and tool results to the turn's listener."""
    outcome: Any = None
    async with coach_agent().run_stream_events(text, **options) as events:
        async for event in events:
            if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart) and event.part.content:
                await _emit(ctx, "text", {"delta": event.part.content})
            elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                await _emit(ctx, "text", {"delta": event.delta.content_delta})
            elif isinstance(event, FunctionToolCallEvent):
                call = ToolCall(name=event.part.tool_name, args=event.part.args_as_dict(), call_id=event.tool_call_id)
                await _emit(ctx, "tool_call", call.model_dump())
            elif isinstance(event, FunctionToolResultEvent):
                summary = _summary(event.part.content)
                await _emit(ctx, "tool_result", {"call_id": event.tool_call_id, "summary": summary})
            elif isinstance(event, AgentRunResultEvent):
                outcome = event.result
    assert outcome is not None
    return outcome


def _calls(everything: Sequence[ModelMessage], new: Sequence[ModelMessage], output: Any) -> list[ToolCall]:
    """The tools this turn ran (from the returns it produced) and the ones now waiting for approval."""
    parts = {
        part.tool_call_id: part
        for message in everything
        if isinstance(message, ModelResponse)
        for part in message.parts
        if isinstance(part, ToolCallPart)
    }
    ran = [
        part.tool_call_id
        for message in new
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    ]
    waiting = [call.tool_call_id for call in output.approvals] if isinstance(output, DeferredToolRequests) else []
    return [
        ToolCall(name=parts[i].tool_name, args=parts[i].args_as_dict(), call_id=i)
        for i in (*ran, *waiting)
        if i in parts
    ]


def _summary(content: Any) -> str:
    if isinstance(content, dict):
        return str(content.get("summary", ""))  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
    summary = getattr(content, "summary", None)
    return summary if isinstance(summary, str) else str(content)[:200]


def _reviewed(messages: Sequence[ModelMessage], output: Any) -> tuple[str, list[ModelMessage]]:
    """The reply after the outbound safety review, and the messages with any unsafe text replaced."""
    if not isinstance(output, str):
        return "", list(messages)
    review = safety.review_reply(output)
    if review.ok:
        return output, list(messages)
    kept = [m for m in messages if not (isinstance(m, ModelResponse) and any(isinstance(p, TextPart) for p in m.parts))]
    return review.safe_text, [*kept, ModelResponse(parts=[TextPart(review.safe_text)], model_name="safety-review")]


async def _persist(
    ctx: TurnContext,
    conversation_id: str,
    outcome: Any,
    new: list[ModelMessage],
    calls: list[ToolCall],
    screen: safety.Screen,
) -> TurnResult:
    reply, new = _reviewed(new, outcome.output)
    if isinstance(outcome.output, str) and reply != outcome.output:
        # The text already streamed failed the outbound review: clients must show this instead.
        await _emit(ctx, "reply_replaced", {"text": reply})
    pending = _pending(outcome.output)
    usage = outcome.usage
    model_name = next((m.model_name for m in reversed(new) if isinstance(m, ModelResponse) and m.model_name), "")
    cost = _cost(new)
    record = UsageIn(
        model=model_name or "unknown",
        conversation_id=conversation_id,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        requests=usage.requests,
        cost_usd=cost,
        at=ctx.now,
    )
    rows = [_message(m, ctx.now) for m in new]
    await ctx.store.append_messages(ctx.user.id, conversation_id, rows, usage=[record] if usage.requests else [])
    for item in pending:
        await _emit(ctx, "approval_required", item.model_dump())
    return TurnResult(
        conversation_id=conversation_id,
        reply=reply or _pending_reply(pending),
        tool_calls=calls,
        safety=screen,
        model=model_name,
        usage=TurnUsage(
            requests=usage.requests, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens, cost_usd=cost
        ),
        pending=pending,
    )


def _cost(messages: Sequence[ModelMessage]) -> Decimal | None:
    total: Decimal | None = None
    for message in messages:
        # The offline model has no price; skipping it also avoids loading the price tables.
        if isinstance(message, ModelResponse) and message.usage.total_tokens and message.provider_name != "offline":
            try:
                price = message.cost().total_price
            except (LookupError, ValueError):  # an unpriced model (the offline one) has no cost
                continue
            total = (total or Decimal(0)) + price
    return total


def _pending(output: Any) -> list[PendingApproval]:
    if not isinstance(output, DeferredToolRequests):
        return []
    return [
        PendingApproval(
            call_id=call.tool_call_id,
            name=call.tool_name,
            args=call.args_as_dict(),
            metadata=output.metadata.get(call.tool_call_id, {}),
        )
        for call in output.approvals
    ]


def _pending_reply(pending: list[PendingApproval]) -> str:
    if not pending:
        return ""
    lines = ["This change needs your approval:"]
    for item in pending:
        lines.extend(f"  {line}" for line in item.metadata.get("diff", []) or [item.name])
    return "\n".join(lines)
