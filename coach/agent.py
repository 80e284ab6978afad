"""The coach agent: instructions carrying the user's profile and today's date, and the tools by mode."""

from __future__ import annotations

from functools import lru_cache

from pydantic_ai import Agent, DeferredToolRequests, RunContext
from pydantic_ai.tools import ToolDefinition
from pydantic_ai.toolsets import AbstractToolset

from tools import fasting, meals, memory, program, volume
from tools.deps import CoachDeps

TOOL_NAMES = (
    "get_active_fast",
    "start_fast",
    "end_fast",
    "get_volume_by_muscle",
    "log_workout",
    "get_meal_history",
    "log_meal",
    "get_program",
    "edit_program",
    "recall_memories",
    "save_memory",
)
"""Every tool the coach exposes; evals and clients rely on these names."""

FASTING_TOOLS = frozenset({"get_active_fast", "start_fast", "end_fast"})

INSTRUCTIONS = """\
You are Spotter, a friendly, concise coach for training, nutrition and fasting.
Use the tools for every figure about the user's data (fasts, sets, volume, meals, program, memories) and never
invent or estimate a number the tools did not return. If a tool cannot answer, say so plainly.
Propose program changes as edits; destructive edits wait for the user's approval.
You give general fitness information, not medical advice: for symptoms, conditions or medicines, point the user
to a health professional. Never recommend eating under 1200 kcal a day, fasting beyond 72 hours, or drug doses."""

DISORDERED_EATING_INSTRUCTIONS = """\
This conversation is in supportive mode: the user has shown signs of a difficult relationship with food.
Do not give calorie-deficit, weight-loss, weigh-in or fasting advice, and do not mention calorie targets.
Be warm, focus on strength, energy and wellbeing, and encourage talking to a professional."""

MEDICAL_INSTRUCTIONS = """\
The user asked about a medical condition or medicine. Give general information only, do not personalise
advice to the condition, and recommend speaking with a doctor or other qualified professional."""

Output = str | DeferredToolRequests


def tool_allowed(deps: CoachDeps, name: str) -> bool:
    """Whether a tool is offered in this run: fasting tools are withheld in supportive and medical modes."""
    if deps.mode == "disordered_eating" or deps.medical:
        return name not in FASTING_TOOLS
    return True


def _filter(ctx: RunContext[CoachDeps], tool: ToolDefinition) -> bool:
    return tool_allowed(ctx.deps, tool.name)


def _context(ctx: RunContext[CoachDeps]) -> str:
    deps = ctx.deps
    user, today = deps.user, deps.today
    goals = user.goals
    lines = [
        f"Today is {today.isoformat()} ({today.strftime('%A')}) in the user's timezone {user.timezone}.",
        f"The user is {user.display_name} (units: {user.units}).",
    ]
    if deps.mode != "disordered_eating":
        target = f", target body weight {goals.target_weight_kg:g} kg" if goals.target_weight_kg else ""
        lines.append(f"Goals: {goals.daily_kcal} kcal and {goals.protein_g} g protein a day{target}.")
        return "\n".join(lines)
    return "\n".join([*lines, DISORDERED_EATING_INSTRUCTIONS])


def _medical(ctx: RunContext[CoachDeps]) -> str:
    return MEDICAL_INSTRUCTIONS if ctx.deps.medical else ""


def toolsets() -> list[AbstractToolset[CoachDeps]]:
    """The coach's toolsets, each filtered by the run's mode."""
    return [module.toolset.filtered(_filter) for module in (fasting, volume, meals, program, memory)]


@lru_cache(maxsize=1)
def coach_agent() -> Agent[CoachDeps, Output]:
    """The coach agent (the model is given per run)."""
    agent = Agent[CoachDeps, Output](
        name="coach",
        deps_type=CoachDeps,
        output_type=[str, DeferredToolRequests],
        instructions=INSTRUCTIONS,
        toolsets=toolsets(),
        retries=2,
    )
    agent.instructions(_context)
    agent.instructions(_medical)
    return agent
