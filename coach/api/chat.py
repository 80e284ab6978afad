"""Chat: one coaching turn as JSON or as server-sent events, and answers to pending approvals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Request
from fastapi.responses import StreamingResponse
from opentelemetry import propagate
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_ai.exceptions import AgentRunError
from pydantic_core import to_json
from starlette.responses import Response

from coach.api import errors
from coach.api.auth import Identity
from coach.api.deps import NO_NUL, CurrentIdentity, Services, ServicesDep
from coach.api.errors import ApiError
from coach.api.workers import TurnFailed, TurnJob, TurnRunner
from coach.turn import PendingApproval, ToolCall, TurnEvent, TurnResult, TurnUsage
from stores.base import StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")

router = APIRouter(prefix="/v1", tags=["chat"])

MAX_MESSAGE_CHARS = 4000

CONVERSATION_ID = r"^[A-Za-z0-9_-]{1,64}$"
ConversationId = Annotated[str, Path(pattern=CONVERSATION_ID, description="The conversation's id.")]
CallId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,128}$", description="The pending tool call's id.")]

SSE_DESCRIPTION = (
    "With `Accept: text/event-stream`: server-sent events as the turn runs — `safety`, `text` ({delta}), "
    "`tool_call` ({call_id, name, args}), `tool_result` ({call_id, name, args, summary}), `approval_required` "
    "({call_id, name, args, metadata}), `reply_replaced` ({text}: the streamed text failed the outbound safety "
    "review and must be replaced), then `done` ({conversation_id, reply, model, usage, pending_approvals}) "
    "or `error` ({code, message, request_id})."
)


class ChatRequest(BaseModel):
    """A message to the coach."""

    model_config = ConfigDict(extra="forbid")

    message: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=NO_NUL)]
    conversation_id: Annotated[str, Field(pattern=CONVERSATION_ID)] | None = Field(
        default=None, description="Continue this conversation; omit to start a new one."
    )

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the message is blank")
        return value


class ApprovalAnswer(BaseModel):
    """The person's answer to a pending tool call (a destructive program edit)."""

    model_config = ConfigDict(extra="forbid")

    approve: bool


class SafetyInfo(BaseModel):
    """How the safety screen classified the message."""

    category: str
    reason: str


class ChatReply(BaseModel):
    """The coach's answer to one turn."""

    conversation_id: str
    reply: str
    tool_calls: list[ToolCall]
    safety: SafetyInfo
    model: str
    usage: TurnUsage
    pending_approvals: list[PendingApproval] = Field(
        description="Tool calls waiting for the person's answer (POST .../approvals/{call_id})."
    )


def reply_of(result: TurnResult) -> ChatReply:
    """The API's view of a turn's result."""
    return ChatReply(
        conversation_id=result.conversation_id,
        reply=result.reply,
        tool_calls=result.tool_calls,
        safety=SafetyInfo(category=result.safety.category, reason=result.safety.reason),
        model=result.model,
        usage=result.usage,
        pending_approvals=result.pending,
    )


CHAT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": SSE_DESCRIPTION, "content": {"text/event-stream": {"schema": {"type": "string"}}}},
    **errors.responses(404, 429),
}


@router.post("/chat", response_model=ChatReply, responses=CHAT_RESPONSES, summary="Send the coach a message")
async def chat(body: ChatRequest, request: Request, identity: CurrentIdentity, found: ServicesDep) -> Response:
    """Run one coaching turn; JSON by default, server-sent events with `Accept: text/event-stream`.

    Over a quota, a crisis message is still answered: its fixed reply reaches no model.
    """
    return await _respond(request, found, identity, body.message, body.conversation_id, None)


@router.post(
    "/conversations/{conversation_id}/approvals/{call_id}",
    response_model=ChatReply,
    responses=CHAT_RESPONSES,
    summary="Approve or reject a pending tool call",
)
async def answer_approval(
    conversation_id: ConversationId,
    call_id: CallId,
    body: ApprovalAnswer,
    request: Request,
    identity: CurrentIdentity,
    found: ServicesDep,
) -> Response:
    """Answer a tool call the coach is waiting on; the turn then resumes (JSON or SSE, as for chat)."""
    return await _respond(request, found, identity, None, conversation_id, {call_id: body.approve})


async def _respond(
    request: Request,
    found: Services,
    identity: Identity,
    text: str | None,
    conversation_id: str | None,
    approvals: dict[str, bool] | None,
) -> Response:
    """Admit and run the turn where turns run (see `coach.api.workers`); admission errors are HTTP errors."""
    trace: dict[str, str] = {}
    propagate.inject(trace)
    rid = errors.request_id(request)
    job = TurnJob(
        user_id=identity.user_id,
        name=identity.name,
        tier=identity.tier,
        text=text,
        conversation_id=conversation_id,
        approvals=approvals,
        now=found.clock(),
        request_id=rid,
        trace=trace,
    )
    if "text/event-stream" in request.headers.get("accept", ""):
        return await _stream(found.runner, job, rid)
    admitted = asyncio.Event()
    try:
        result = await found.runner.run(job, None, admitted.set)
    except Exception as exc:
        raise _failure(exc, saved=admitted.is_set()) from None
    return Response(reply_of(result).model_dump_json(), media_type="application/json")


def _failure(exc: Exception, *, saved: bool) -> Exception:
    """What a failed turn answers.

    Its own error when that has a status (404, 409, 429, or 503 for the database), else a 503 that says whether
    the message was kept (a turn stores it as soon as it is admitted).
    """
    if isinstance(exc, ApiError | StoreError) or errors.database_down(exc):
        return exc
    if not isinstance(exc, AgentRunError | TurnFailed):
        log.exception("turn failed", exc_info=exc)
    return _unavailable(saved=saved)


def _unavailable(*, saved: bool) -> ApiError:
    then = "Your message is saved; please try again." if saved else "Please send your message again."
    return ApiError(503, "coach_unavailable", f"The coach could not answer just now. {then}")


def sse(event: str, data: object) -> str:
    """One server-sent event."""
    return f"event: {event}\ndata: {to_json(data).decode()}\n\n"


async def _stream(runner: TurnRunner, job: TurnJob, rid: str) -> Response:
    """Start the turn; once it is admitted, stream its events (before that, a refusal is an HTTP error)."""
    queue: asyncio.Queue[tuple[str, object] | None] = asyncio.Queue()
    admitted = asyncio.Event()
    calls: dict[str, dict[str, Any]] = {}

    async def on_event(event: TurnEvent) -> None:
        data = dict(event.data)
        if event.kind == "tool_call":
            calls[str(data.get("call_id"))] = data
        elif event.kind == "tool_result":
            call = calls.get(str(data.get("call_id")), {})
            data = {"call_id": data.get("call_id"), "name": call.get("name"), "args": call.get("args"), **data}
        elif event.kind == "safety":
            data = {"category": data.get("category"), "reason": data.get("reason")}
        queue.put_nowait((event.kind, data))

    async def run() -> None:
        try:
            result = await runner.run(job, on_event, admitted.set)
            reply = reply_of(result)
            done = reply.model_dump(mode="json", include={"conversation_id", "reply", "model", "usage"})
            queue.put_nowait(
                ("done", {**done, "pending_approvals": reply.model_dump(mode="json")["pending_approvals"]})
            )
        except Exception as exc:
            if not admitted.is_set():
                raise  # answered as an HTTP error below
            if not isinstance(exc, AgentRunError | TurnFailed):
                log.exception("streamed turn failed (request %s)", rid)
            failure = _unavailable(saved=True)
            queue.put_nowait(("error", {"code": failure.code, "message": failure.message, "request_id": rid}))
        finally:
            queue.put_nowait(None)

    task = await start_admitted(run(), admitted)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    stream = relay(queue, task, lambda item: sse(*item))
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


async def start_admitted(turn: Coroutine[Any, Any, None], admitted: asyncio.Event) -> asyncio.Task[None]:
    """Start a streamed turn and wait until it is admitted.

    A refusal or failure before that is raised as the HTTP error it maps to, so a stream only ever starts for an
    admitted turn.
    """
    task = asyncio.create_task(turn)
    waiting = asyncio.create_task(admitted.wait())
    try:
        await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        waiting.cancel()
    if not admitted.is_set():
        try:
            task.result()
        except Exception as exc:
            raise _failure(exc, saved=False) from None
    return task


async def relay(
    queue: asyncio.Queue[T | None], task: asyncio.Task[None], encode: Callable[[T], str]
) -> AsyncIterator[str]:
    """What a streamed turn puts on `queue`, encoded, until it puts None."""
    try:
        while (item := await queue.get()) is not None:
            yield encode(item)
    finally:
        # A client that hung up stops its turn; what was stored before (its message) stays.
        if not task.done():
            task.cancel()
