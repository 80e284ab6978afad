"""Fasting tools: the running fast with its hedged stage label, and starting and ending one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field
from pydantic_ai import FunctionToolset, ModelRetry, RunContext

from stores.base import ConflictError, NotFoundError
from stores.records import Fast, FastIn, FastProtocol
from tools.deps import CoachDeps, ToolResult
from tools.fasting_stages import (
    MAX_CUSTOM_HOURS,
    SUPERVISION_AFTER_HOURS,
    FastStage,
    fast_warnings,
    protocol_hours,
    stage_for,
)

REFEED_WARNING = (
    f"After more than {SUPERVISION_AFTER_HOURS:g} hours of fasting, refeed gently with small meals and seek "
    "medical advice: breaking a long fast carries a risk of refeeding syndrome."
)

toolset = FunctionToolset[CoachDeps](docstring_format="google", require_parameter_descriptions=True)


class FastStatus(ToolResult):
    """The running fast, if any, with a hedged stage label and safety warnings."""

    active: bool
    protocol: FastProtocol | None = None
    started_at: datetime | None = None
    """In the user's timezone."""
    target_hours: float | None = None
    elapsed_hours: float | None = None
    remaining_hours: float | None = None
    """0 once the target is passed."""
    stage: FastStage | None = None
    warnings: list[str] = Field(default_factory=list[str])


class FastEnded(ToolResult):
    """A fast that has just been ended."""

    protocol: FastProtocol
    state: Literal["completed", "abandoned"]
    started_at: datetime
    ended_at: datetime
    hours: float
    target_hours: float
    reached_target: bool
    warnings: list[str] = Field(default_factory=list[str])


@toolset.tool
async def get_active_fast(ctx: RunContext[CoachDeps]) -> FastStatus:
    """Show the user's running fast: how long it has run, time left to the target, and its stage label."""
    fast = await ctx.deps.store.active_fast(ctx.deps.user_id)
    if fast is None:
        return FastStatus(active=False, summary="You have no active fast.")
    return _status(ctx.deps, fast)


@toolset.tool
async def start_fast(
    ctx: RunContext[CoachDeps],
    protocol: FastProtocol = "16:8",
    hours: Annotated[float, Field(ge=1, le=MAX_CUSTOM_HOURS)] | None = None,
    started_hours_ago: Annotated[float, Field(ge=0, le=24)] = 0,
) -> FastStatus:
    """Start a fast for the user.

    Args:
        protocol: The fasting schedule; the number before the colon is the hours of fasting (OMAD is 23 h,
            24h is 24 h). Use "custom" with `hours` for any other length.
        hours: Length of a custom fast in hours, 1 to 72; only with protocol "custom". Longer fasts need
            medical supervision and cannot be set up.
        started_hours_ago: How many hours ago the fast began, if the user started it earlier (0 = now).

    """
    deps = ctx.deps
    if deps.mode == "disordered_eating":
        raise ModelRetry("Fasting is switched off in this conversation.")
    try:
        target = protocol_hours(protocol, hours)
    except ValueError as exc:
        raise ModelRetry(_sentence(str(exc))) from exc
    running = await deps.store.active_fast(deps.user_id)
    if running is not None:
        started = running.started_at.astimezone(deps.user.zone)
        raise ModelRetry(
            f"A {_name(running)} fast is already running (started {started:%Y-%m-%d %H:%M}); end it first."
        )
    started_at = deps.now - timedelta(hours=started_hours_ago)
    try:
        fast = await deps.store.start_fast(
            deps.user_id, FastIn(protocol=protocol, target_hours=target, started_at=started_at)
        )
    except ConflictError as exc:
        raise ModelRetry(_sentence(str(exc))) from exc
    return _status(deps, fast, just_started=True)


@toolset.tool
async def end_fast(ctx: RunContext[CoachDeps], abandon: bool = False) -> FastEnded:
    """End the user's running fast now.

    Args:
        abandon: True when the user is giving up on the fast rather than finishing it.

    """
    deps = ctx.deps
    state: Literal["completed", "abandoned"] = "abandoned" if abandon else "completed"
    try:
        fast = await deps.store.end_fast(deps.user_id, deps.now, state)
    except NotFoundError as exc:
        raise ModelRetry(_sentence(str(exc))) from exc
    ended_at = fast.ended_at or deps.now
    hours = round(max((ended_at - fast.started_at).total_seconds(), 0) / 3600, 1)
    reached = hours >= fast.target_hours
    name, target = _name(fast), _hours(fast.target_hours)
    if abandon:
        summary = f"You abandoned your {name} fast after {_hours(hours)} hours (target {target} hours)."
    elif reached:
        summary = f"You completed your {name} fast: {_hours(hours)} hours against a {target}-hour target."
    else:
        summary = f"You ended your {name} fast after {_hours(hours)} hours, before the {target}-hour target."
    warnings = [REFEED_WARNING] if hours > SUPERVISION_AFTER_HOURS else []
    zone = deps.user.zone
    return FastEnded(
        protocol=fast.protocol,
        state=state,
        started_at=fast.started_at.astimezone(zone),
        ended_at=ended_at.astimezone(zone),
        hours=hours,
        target_hours=fast.target_hours,
        reached_target=reached,
        warnings=warnings,
        summary=" ".join((summary, *warnings)),
    )


def _status(deps: CoachDeps, fast: Fast, *, just_started: bool = False) -> FastStatus:
    # A fast stamped after the run's clock (a clock fixed in the past) has simply not started yet.
    exact = max((deps.now - fast.started_at).total_seconds() / 3600, 0)
    elapsed = round(exact, 1)
    remaining = round(max(fast.target_hours - elapsed, 0), 1)
    stage = stage_for(exact)
    warnings = fast_warnings(exact, fast.target_hours)
    name = _name(fast)
    if just_started:
        ago = f" {_hours(elapsed)} hours ago" if elapsed else ""
        progress = f"You started a {name} fast{ago}; {_hours(remaining)} hours to go."
    elif remaining > 0:
        progress = f"You are {_hours(elapsed)} hours into a {name} fast; {_hours(remaining)} hours to go."
    else:
        target = _hours(fast.target_hours)
        progress = f"You are {_hours(elapsed)} hours into a {name} fast and have passed the {target}-hour target."
    summary = " ".join((progress, f"Stage: {stage.label} ({stage.source}).", *warnings))
    return FastStatus(
        active=True,
        protocol=fast.protocol,
        started_at=fast.started_at.astimezone(deps.user.zone),
        target_hours=fast.target_hours,
        elapsed_hours=elapsed,
        remaining_hours=remaining,
        stage=stage,
        warnings=warnings,
        summary=summary,
    )


def _name(fast: Fast) -> str:
    return f"{_hours(fast.target_hours)}-hour custom" if fast.protocol == "custom" else fast.protocol


def _hours(value: float) -> str:
    return f"{value:g}"


def _sentence(message: str) -> str:
    """Store and helper messages are lower-case fragments; the model gets a sentence."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."
