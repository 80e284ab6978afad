"""Test helpers: run one tool call through a real agent run, and build deps on a real store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic_ai import Agent, FunctionToolset, ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.messages import ToolReturnPart
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from coach.embedder import HashEmbedder
from stores.base import Store
from stores.records import User
from tools.deps import CoachDeps

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday


async def make_deps(store: Store, user_id: str, *, tz: str = "UTC", now: datetime = NOW, **kw: Any) -> CoachDeps:
    user = await store.ensure_user(User(id=user_id, display_name=user_id.title(), timezone=tz))
    return CoachDeps(user=user, store=store, embedder=HashEmbedder(), now=now, **kw)


async def call_tool(
    toolset: FunctionToolset[CoachDeps], name: str, args: dict[str, Any], deps: CoachDeps
) -> ToolReturnPart:
    """Call one tool the way a model would, and return what came back (a success or a retry prompt)."""

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1]
        if isinstance(last, ModelRequest) and any(isinstance(p, ToolReturnPart) for p in last.parts):
            return ModelResponse(parts=[TextPart("done")])
        return ModelResponse(parts=[ToolCallPart(name, args, tool_call_id="call-1")])

    agent = Agent(FunctionModel(model), deps_type=CoachDeps, toolsets=[toolset], retries=1)
    result = await agent.run("go", deps=deps)
    returns = [
        part
        for message in result.all_messages()
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    ]
    assert returns, "the tool was not called"
    return returns[0]


def parameters_schema(toolset: FunctionToolset[CoachDeps], name: str) -> dict[str, Any]:
    """The JSON schema of a tool's parameters, as the model sees it."""
    return toolset.tools[name].tool_def.parameters_json_schema


def function_model(fn: Callable[[list[ModelMessage], AgentInfo], ModelResponse]) -> FunctionModel:
    """A FunctionModel that also streams (turns run streamed): text parts as one delta, tool calls whole."""

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
        response = fn(messages, info)
        for index, part in enumerate(response.parts):
            if isinstance(part, TextPart):
                yield part.content
            elif isinstance(part, ToolCallPart):
                call = DeltaToolCall(
                    name=part.tool_name, json_args=part.args_as_json_str(), tool_call_id=part.tool_call_id
                )
                yield {index: call}

    return FunctionModel(fn, stream_function=stream)
