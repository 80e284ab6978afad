"""`POST /v1/chat/vercel`: the coach behind Pydantic AI's Vercel AI adapter, so `useChat` works as it is.

The client sends the whole history (the adapter strips what a client may not set). The latest user message
still goes through the safety screen first: emergencies and self-harm get the fixed reply in the Vercel
stream format without any model. Quotas apply as for `/v1/chat`, and the turn's messages and usage are
stored under the chat's id, so the conversation and its cost show up like any other.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from opentelemetry import propagate
from pydantic import ValidationError
from pydantic_ai import ModelMessage, ModelMessagesTypeAdapter, ModelRequest, ModelResponse, TextPart, UserPromptPart
from pydantic_ai.agent import AgentRunResult
from pydantic_ai.exceptions import UserError
from pydantic_ai.models import Model
from pydantic_ai.ui.vercel_ai import VercelAIAdapter
from pydantic_ai.ui.vercel_ai.request_types import RequestData
from pydantic_ai.ui.vercel_ai.response_types import (
    BaseChunk,
    DoneChunk,
    FinishChunk,
    FinishStepChunk,
    StartChunk,
    StartStepChunk,
    TextDeltaChunk,
    TextEndChunk,
    TextStartChunk,
)
from pydantic_ai.usage import UsageLimits
from starlette.responses import Response

from coach import safety
from coach.agent import coach_agent
from coach.api import errors, quotas
from coach.api.admission import FIXED_REPLY_CATEGORIES, resolve_user
from coach.api.chat import CONVERSATION_ID, MAX_MESSAGE_CHARS, relay, start_admitted
from coach.api.deps import CurrentIdentity, ServicesDep
from coach.api.errors import ApiError, validation_details
from coach.api.workers import TurnJob
from stores.base import Store
from stores.records import MessageIn, UsageIn, User
from tools.deps import CoachDeps, TextEmbedder

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["chat"])

_REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "messages"],
    "properties": {
        "trigger": {"type": "string", "enum": ["submit-message", "regenerate-message"]},
        "id": {"type": "string", "pattern": CONVERSATION_ID, "description": "The chat id (the conversation id)."},
        "messages": {"type": "array", "items": {"type": "object"}, "description": "AI SDK UI messages."},
    },
}
_STREAM = "Vercel AI SDK UI message stream (`x-vercel-ai-ui-message-stream: v1`), ending with `data: [DONE]`."


@router.post(
    "/chat/vercel",
    responses={200: {"description": _STREAM, "content": {"text/event-stream": {}}}, **errors.responses(404, 415, 429)},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": _REQUEST_SCHEMA}}}},
    summary="Chat for a Vercel AI SDK useChat front end",
)
async def vercel_chat(request: Request, identity: CurrentIdentity, found: ServicesDep) -> Response:
    """Run a turn for `useChat`: the request and the stream are the AI SDK's UI message protocol."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the chat as `Content-Type: application/json`.")
    body = await request.body()
    run_input, text = _parse(body)
    trace: dict[str, str] = {}
    propagate.inject(trace)
    accept = request.headers.get("accept")
    job = TurnJob(
        kind="vercel",
        user_id=identity.user_id,
        name=identity.name,
        tier=identity.tier,
        text=text,
        conversation_id=run_input.id,
        body=body.decode(),
        accept=accept,
        now=found.clock(),
        request_id=errors.request_id(request),
        trace=trace,
    )
    chunks: asyncio.Queue[str | None] = asyncio.Queue()
    admitted = asyncio.Event()

    async def on_chunk(chunk: str) -> None:
        chunks.put_nowait(chunk)

    async def run() -> None:
        try:
            await found.runner.vercel(job, on_chunk, admitted.set)
        except Exception:
            if not admitted.is_set():
                raise  # answered as an HTTP error below
            log.exception("vercel turn failed (request %s)", job.request_id)
        finally:
            chunks.put_nowait(None)

    task = await start_admitted(run(), admitted)
    stream = VercelAIAdapter(agent=coach_agent(), run_input=run_input, accept=accept).build_event_stream()
    body_stream = relay(chunks, task, str)
    return StreamingResponse(body_stream, headers=stream.response_headers, media_type=stream.content_type)


async def run_vercel(
    store: Store,
    model: Model,
    embedder: TextEmbedder,
    limits: quotas.Limits,
    job: TurnJob,
    on_chunk: Callable[[str], Awaitable[None]],
    on_admitted: Callable[[], None],
) -> None:
    """Admit and run a Vercel turn where turns run, passing the encoded stream's chunks to `on_chunk`.

    Raises:
        ApiError: 429 over a limit (a crisis message is still answered).
        NotFoundError: The chat id is another user's conversation.

    """
    run_input = VercelAIAdapter.build_run_input(job.body.encode())
    text, now = job.text or "", job.now
    user = await resolve_user(store, job.identity())
    conversation = await store.conversation(user.id, run_input.id, messages=False)
    mode = conversation.mode if conversation else "normal"
    screen = await safety.screen_deep(text) if text else safety.Screen(category="allow", reason="no new message")
    if screen.category not in FIXED_REPLY_CATEGORIES:
        await quotas.enforce(store, user, limits, now, new_message=bool(text))
    if text:
        # Stored before any model is called (a chat id someone else owns is a 404 here).
        await store.append_messages(user.id, run_input.id, [MessageIn(role="user", text=text, created_at=now)])
    on_admitted()
    adapter = VercelAIAdapter(agent=coach_agent(), run_input=run_input, accept=job.accept)
    if screen.category in FIXED_REPLY_CATEGORIES or (
        screen.category == "disordered_eating" and mode != "disordered_eating"
    ):
        reply = await _fixed_reply(store, user, run_input.id, screen, now)
        stream: AsyncIterator[BaseChunk] = _fixed_chunks(reply)
    else:
        deps = CoachDeps(
            user=user,
            store=store,
            embedder=embedder,
            now=now,
            mode=mode,
            medical=screen.category == "medical",
            conversation_id=run_input.id,
        )

        async def on_complete(result: AgentRunResult[Any]) -> None:
            await _persist(store, user, run_input.id, result, now)

        stream = adapter.run_stream(
            deps=deps,
            model=model,
            conversation_id=run_input.id,
            usage_limits=UsageLimits(request_limit=8, tool_calls_limit=12),
            on_complete=on_complete,
        )
    async for chunk in adapter.encode_stream(stream):
        await on_chunk(chunk)


def _parse(body: bytes) -> tuple[RequestData, str]:
    """The request and the text of its latest user message ("" when it ends with something else)."""
    try:
        run_input = VercelAIAdapter.build_run_input(body)
        messages = VercelAIAdapter.load_messages(run_input.messages)
    except ValidationError as exc:
        details = validation_details(exc.errors())
        raise ApiError(422, "validation_error", "The chat request is not valid.", details) from None
    except (UserError, ValueError, TypeError):
        raise ApiError(422, "validation_error", "The chat messages cannot be read.") from None
    problems: list[str] = []
    if not _matches_id(run_input.id):
        problems.append("id must be 1-64 letters, digits, '-' or '_'")
    text = _latest_prompt(messages)
    if len(text) > MAX_MESSAGE_CHARS:
        problems.append(f"the message is longer than {MAX_MESSAGE_CHARS} characters")
    if "\x00" in text:
        problems.append("the message contains a NUL character")
    if problems:
        raise ApiError(422, "validation_error", "The chat request is not valid.", problems)
    return run_input, text


def _matches_id(value: str) -> bool:
    return re.fullmatch(CONVERSATION_ID, value) is not None


def _latest_prompt(messages: Sequence[ModelMessage]) -> str:
    if not messages or not isinstance(last := messages[-1], ModelRequest):
        return ""
    parts = [p.content for p in last.parts if isinstance(p, UserPromptPart)]
    return "\n".join(c if isinstance(c, str) else " ".join(i for i in c if isinstance(i, str)) for c in parts).strip()


async def _fixed_reply(store: Store, user: User, conversation_id: str, screen: safety.Screen, now: datetime) -> str:
    if screen.category == "disordered_eating":
        await store.set_conversation_mode(user.id, conversation_id, "disordered_eating")
    reply = safety.FIXED_REPLIES[screen.category]
    response = ModelResponse(parts=[TextPart(reply)], model_name="safety-filter")
    await store.append_messages(user.id, conversation_id, [_row(response, now)])
    return reply


async def _fixed_chunks(reply: str) -> AsyncIterator[BaseChunk]:
    part_id = uuid.uuid4().hex
    yield StartChunk()
    yield StartStepChunk()
    yield TextStartChunk(id=part_id)
    yield TextDeltaChunk(id=part_id, delta=reply)
    yield TextEndChunk(id=part_id)
    yield FinishStepChunk()
    yield FinishChunk(finish_reason="stop")
    yield DoneChunk()


async def _persist(store: Store, user: User, conversation_id: str, result: AgentRunResult[Any], now: datetime) -> None:
    # The user's prompt was stored before the run; everything the run added after it is stored now.
    new = [m for m in result.new_messages() if not _is_prompt(m)]
    usage = result.usage
    record = UsageIn(
        model=_model_name(new),
        conversation_id=conversation_id,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        requests=usage.requests,
        cost_usd=_cost(new),
        at=now,
    )
    rows = [_row(m, now) for m in new]
    await store.append_messages(user.id, conversation_id, rows, usage=[record] if usage.requests else [])


def _is_prompt(message: ModelMessage) -> bool:
    return isinstance(message, ModelRequest) and any(isinstance(p, UserPromptPart) for p in message.parts)


def _model_name(messages: Sequence[ModelMessage]) -> str:
    names = [m.model_name for m in messages if isinstance(m, ModelResponse) and m.model_name]
    return names[-1] if names else "unknown"


def _cost(messages: Sequence[ModelMessage]) -> Decimal | None:
    total: Decimal | None = None
    for message in messages:
        if isinstance(message, ModelResponse) and message.usage.total_tokens and message.provider_name != "offline":
            try:
                total = (total or Decimal(0)) + message.cost().total_price
            except (LookupError, ValueError):  # a model without a price
                continue
    return total


def _row(message: ModelMessage, now: datetime) -> MessageIn:
    payload = ModelMessagesTypeAdapter.dump_json([message]).decode()
    if isinstance(message, ModelResponse):
        text = "".join(p.content for p in message.parts if isinstance(p, TextPart))
        return MessageIn(role="assistant", text=text.replace("\x00", ""), payload=payload, created_at=now)
    return MessageIn(role="tool", text="", payload=payload, created_at=now)
