"""The offline model: a deterministic Pydantic AI `Model` that turns prompts into tool calls and results into replies.

It is the coach's default when no provider key is set and the last link of the fallback chain. It
makes no network calls, so it ignores `ALLOW_MODEL_REQUESTS` like any local model. One `decide()`
serves `request` and `request_stream`, so the streamed and non-streamed answers cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from pydantic_ai import RunContext
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ModelResponsePart,
    ModelResponseStreamEvent,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import Model, ModelRequestParameters, StreamedResponse
from pydantic_ai.profiles import ModelProfileSpec
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RequestUsage
from pydantic_core import to_json

from coach._intents import Plan, plan
from coach._replies import after_tools, without_tools

MODEL_NAME = "spotter-offline-1"
SYSTEM = "offline"
CHARS_PER_TOKEN = 4
_TODAY = re.compile(r"Today is (\d{4}-\d{2}-\d{2})")
_MEDICAL = "general information only"
MEDICAL_REFERRAL = (
    "Because this touches on a health condition or medicine, please check with your doctor or another "
    "qualified health professional before changing your training, eating or fasting."
)


def decide(messages: Sequence[ModelMessage], params: ModelRequestParameters) -> list[ModelResponsePart]:
    """The response parts for a request: tool calls for a new prompt, or a reply.

    Args:
        messages: The conversation so far; the last message is the request being answered.
        params: The request parameters; only the tools they offer are ever called.

    """
    prompts = user_prompts(messages)
    latest = prompts[0] if prompts else ""
    offered = frozenset(tool.name for tool in params.function_tools)
    decision = _plan(latest, today_of(messages), offered, tuple(prompts[1:]))
    returns = _tool_returns(messages[-1]) if messages else []
    if returns:
        # Tools have answered (or a deferred approval was resolved): reply once, never call again.
        return [TextPart(_with_caution(after_tools(returns, decision, latest), messages))]
    if decision.calls:
        turn = sum(isinstance(message, ModelResponse) for message in messages)
        return [
            ToolCallPart(call.tool, dict(call.args), tool_call_id=f"offline-{turn}-{i}")
            for i, call in enumerate(decision.calls)
        ]
    return [TextPart(_with_caution(without_tools(decision), messages))]


def _with_caution(reply: str, messages: Sequence[ModelMessage]) -> str:
    """Follow the medical instruction the agent adds: this model cannot answer the condition, so it refers."""
    if not any(_MEDICAL in text for text in _instructions(messages)):
        return reply
    return f"{reply}\n\n{MEDICAL_REFERRAL}"


def _instructions(messages: Sequence[ModelMessage]) -> Iterator[str]:
    for message in reversed(messages):
        if isinstance(message, ModelRequest):
            yield message.instructions or ""
            return


@lru_cache(maxsize=256)
def _plan(text: str, today: date, offered: frozenset[str], earlier: tuple[str, ...]) -> Plan:
    # A request and the one after its tool results read the same prompt: plan it once.
    return plan(text, today, offered, earlier=earlier)


def user_prompts(messages: Sequence[ModelMessage]) -> list[str]:
    """The text of every user prompt, newest first."""
    prompts: list[str] = []
    for message in reversed(messages):
        if isinstance(message, ModelRequest):
            prompts.extend(_text(part) for part in reversed(message.parts) if isinstance(part, UserPromptPart))
    return prompts


def _text(part: UserPromptPart) -> str:
    if isinstance(part.content, str):
        return part.content
    return " ".join(item for item in part.content if isinstance(item, str))


def today_of(messages: Sequence[ModelMessage]) -> date:
    """The user's local date from the latest "Today is YYYY-MM-DD" line in the instructions, else UTC today."""
    for message in reversed(messages):
        if not isinstance(message, ModelRequest):
            continue
        texts = [message.instructions or ""] + [p.content for p in message.parts if isinstance(p, SystemPromptPart)]
        for text in texts:
            if match := _TODAY.search(text):
                return date.fromisoformat(match[1])
    return datetime.now(UTC).date()


def _tool_returns(message: ModelMessage) -> list[ToolReturnPart]:
    if not isinstance(message, ModelRequest):
        return []
    return [part for part in message.parts if isinstance(part, ToolReturnPart)]


def estimate_usage(messages: Sequence[ModelMessage], parts: Sequence[ModelResponsePart]) -> RequestUsage:
    """Rough token counts (about four characters a token) so usage records are not empty."""
    read = sum(len(chunk) for message in messages for chunk in _chunks(message))
    written = sum(len(chunk) for chunk in _part_chunks(parts))
    return RequestUsage(input_tokens=max(1, read // CHARS_PER_TOKEN), output_tokens=max(1, written // CHARS_PER_TOKEN))


def _chunks(message: ModelMessage) -> Iterator[str]:
    if isinstance(message, ModelResponse):
        yield from _part_chunks(message.parts)
        return
    yield message.instructions or ""
    for part in message.parts:
        content: Any = getattr(part, "content", "")
        yield content if isinstance(content, str) else to_json(content, fallback=str).decode()


def _part_chunks(parts: Sequence[ModelResponsePart]) -> Iterator[str]:
    for part in parts:
        if isinstance(part, TextPart):
            yield part.content
        elif isinstance(part, ToolCallPart):
            yield part.tool_name + part.args_as_json_str()


@dataclass(init=False)
class OfflineModel(Model):
    """A deterministic, rule-based model over the coach's tools. Never makes a network call."""

    def __init__(self, *, settings: ModelSettings | None = None, profile: ModelProfileSpec | None = None) -> None:
        super().__init__(settings=settings, profile=profile)

    @property
    def model_name(self) -> str:
        return MODEL_NAME

    @property
    def system(self) -> str:
        return SYSTEM

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        _, params = self.prepare_request(model_settings, model_request_parameters)
        parts = decide(messages, params)
        return ModelResponse(
            parts=parts,
            usage=estimate_usage(messages, parts),
            model_name=self.model_name,
            provider_name=self.system,
        )

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncGenerator[StreamedResponse]:
        _, params = self.prepare_request(model_settings, model_request_parameters)
        parts = decide(messages, params)
        yield OfflineStreamedResponse(
            model_request_parameters=params, parts=parts, estimated=estimate_usage(messages, parts)
        )


@dataclass
class OfflineStreamedResponse(StreamedResponse):
    """Replays a decided response: text word by word, each tool call whole."""

    parts: list[ModelResponsePart] = field(kw_only=True)
    estimated: RequestUsage = field(kw_only=True)
    _timestamp: datetime = field(default_factory=lambda: datetime.now(UTC), kw_only=True)

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        self._usage = self.estimated
        for index, part in enumerate(self.parts):
            if isinstance(part, TextPart):
                for word in re.findall(r"\s*\S+\s*", part.content):
                    for event in self._parts_manager.handle_text_delta(vendor_part_id=index, content=word):
                        yield event
            elif isinstance(part, ToolCallPart):
                yield self._parts_manager.handle_tool_call_part(
                    vendor_part_id=index,
                    tool_name=part.tool_name,
                    args=part.args_as_dict(),
                    tool_call_id=part.tool_call_id,
                )

    async def close_stream(self) -> None:
        # Nothing to close: the whole response is already in memory.
        return None

    @property
    def model_name(self) -> str:
        return MODEL_NAME

    @property
    def provider_name(self) -> str:
        return SYSTEM

    @property
    def provider_url(self) -> None:
        return None

    @property
    def timestamp(self) -> datetime:
        return self._timestamp
