"""The coach's tools called directly, without a model: the CLI's data commands and the API's data routes.

Arguments are validated against the tool's own schema and the tool runs exactly as it does for the agent,
so a figure logged or shown through the API is the one the coach would log or show.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic_ai import FunctionToolset, ModelRetry, RunContext
from pydantic_ai.tools import Tool
from pydantic_ai.usage import RunUsage

from coach.offline import OfflineModel
from tools import fasting, meals, memory, program, volume
from tools.deps import CoachDeps

__all__ = ("ToolRefused", "call_tool", "tool_names")


class ToolRefused(Exception):
    """The tool declined the call (it raised `ModelRetry`); the message says why, in a sentence for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@cache
def _tools() -> dict[str, Tool[CoachDeps]]:
    toolsets: tuple[FunctionToolset[CoachDeps], ...] = tuple(
        module.toolset for module in (fasting, meals, memory, program, volume)
    )
    return {name: tool for toolset in toolsets for name, tool in toolset.tools.items()}


def tool_names() -> frozenset[str]:
    """Every tool that can be called directly."""
    return frozenset(_tools())


async def call_tool(
    deps: CoachDeps,
    name: str,
    args: dict[str, Any],
    *,
    approved: bool = False,
    metadata: dict[str, Any] | None = None,
) -> Any:
    """Validate the arguments against the tool's schema and call it, as the agent would.

    Args:
        deps: The user, store, embedder and clock the tool runs with.
        name: The tool's name, one of `coach.agent.TOOL_NAMES`.
        args: The tool's arguments, as a model would send them.
        approved: Whether the person has approved this call (for tools that ask first).
        metadata: The approval metadata the person saw, echoed back (e.g. the program version of a diff).

    Raises:
        KeyError: No tool has that name.
        pydantic.ValidationError: The arguments do not fit the tool's schema.
        ToolRefused: The tool declined the call; the message says why.
        pydantic_ai.ApprovalRequired: The call needs the person's approval first; the metadata carries the diff.

    """
    tool = _tools()[name]
    schema = tool.function_schema
    ctx = RunContext(
        deps=deps,
        model=OfflineModel(),
        usage=RunUsage(),
        tool_name=name,
        tool_call_approved=approved,
        tool_call_metadata=metadata,
    )
    validated = schema.validator.validate_python(args)
    try:
        return await schema.call(validated, ctx)
    except ModelRetry as exc:
        raise ToolRefused(exc.message) from None
