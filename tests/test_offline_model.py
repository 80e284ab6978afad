"""The offline model against stub tools: which tools it calls with which arguments, and what it says back."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field
from pydantic_ai import (
    Agent,
    AgentRunResultEvent,
    ApprovalRequired,
    DeferredToolRequests,
    FunctionToolset,
    ModelRetry,
    PartDeltaEvent,
    PartStartEvent,
    RunContext,
    TextPartDelta,
)
from pydantic_ai.exceptions import ModelAPIError
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.fallback import FallbackModel
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.toolsets import AbstractToolset

from coach._extract import find_muscles
from coach.offline import MODEL_NAME, SYSTEM, OfflineModel

pytestmark = pytest.mark.anyio

INSTRUCTIONS = "Today is 2026-11-26 (Thursday) in the user's timezone Europe/Berlin."
Muscle = Literal[
    "chest", "lats", "traps", "front_delts", "side_delts", "rear_delts", "triceps", "biceps", "forearms",
    "spinal_erectors", "abs", "obliques", "glutes", "quads", "hamstrings", "adductors", "calves",
]  # fmt: skip
SETS: dict[str, float] = {"chest": 12.0, "lats": 6.0, "quads": 23.5, "biceps": 9.0}


# --- stub tools: the real names and signatures, canned results with a summary --------------------


def get_active_fast() -> dict[str, Any]:
    """Show the running fast."""
    return {"active": True, "elapsed_hours": 14.5, "summary": "You are 14.5 hours into a 16:8 fast; 1.5 hours to go."}


def start_fast(
    protocol: Literal["16:8", "18:6", "20:4", "OMAD", "24h", "custom"] = "16:8",
    hours: float | None = None,
    started_hours_ago: float = 0,
) -> dict[str, Any]:
    """Start a fast."""
    return {"active": True, "protocol": protocol, "summary": f"You started a {protocol} fast."}


def end_fast(abandon: bool = False) -> dict[str, Any]:
    """End the fast."""
    state = "abandoned" if abandon else "completed"
    return {"state": state, "hours": 16.2, "summary": f"Your fast is {state} after 16.2 hours."}


class MuscleRow(BaseModel):
    muscle: str
    sets: float
    status: Literal["below_mev", "productive", "above_mrv"]


class VolumeReport(BaseModel):
    summary: str
    muscles: list[MuscleRow]


def _row(muscle: str) -> MuscleRow:
    sets = SETS.get(muscle, 4.0)
    return MuscleRow(
        muscle=muscle, sets=sets, status="below_mev" if sets < 8 else "above_mrv" if sets > 20 else "productive"
    )


def get_volume_by_muscle(
    muscle: Muscle | None = None,
    weeks: Annotated[int, Field(ge=1, le=12)] = 1,
    weeks_ago: int = 0,
    start: str | None = None,
    end: str | None = None,
) -> VolumeReport:
    """Weekly sets per muscle."""
    rows = [_row(muscle)] if muscle else [_row(m) for m in SETS]
    text = "; ".join(f"{row.sets:g} sets for {row.muscle.replace('_', ' ')}" for row in rows)
    return VolumeReport(summary=f"You did {text}.", muscles=rows)


def log_workout(
    exercise: str,
    sets: int,
    reps: int,
    weight_kg: float,
    rir: float | None = None,
    rpe: float | None = None,
    set_type: Literal["warmup", "working", "backoff", "drop", "amrap", "failure"] = "working",
) -> dict[str, Any]:
    """Log sets."""
    if exercise == "benchh":
        raise ModelRetry("No exercise matches 'benchh'; close matches are Bench Press, Bench Dip; call again with one.")
    summary = f"Logged {sets} x {reps} of {exercise} at {weight_kg:g} kg."
    return {
        "exercise": exercise,
        "sets": sets,
        "reps": reps,
        "rir": rir,
        "rpe": rpe,
        "set_type": set_type,
        "summary": summary,
    }


def get_meal_history(start: str | None = None, end: str | None = None, query: str | None = None) -> dict[str, Any]:
    """What the user ate."""
    if query:
        return {"query": query, "matches": 3, "summary": f"You logged {query} 3 times; last on 2026-11-24."}
    return {"query": None, "total_meals": 2, "summary": "You ate 1269 kcal and 82 g protein across 2 meals."}


def log_meal(
    items: list[str],
    kcal: float,
    protein_g: float = 0,
    carbs_g: float = 0,
    fat_g: float = 0,
    fiber_g: float = 0,
    meal_type: Literal["breakfast", "lunch", "dinner", "snack"] | None = None,
    eaten_hours_ago: float = 0,
    notes: str = "",
) -> dict[str, Any]:
    """Log a meal."""
    return {"kcal": kcal, "protein_g": protein_g, "summary": f"Logged {', '.join(items)}: {kcal:g} kcal."}


def get_program() -> dict[str, Any]:
    """The current program."""
    rows = [{"muscle": "chest", "sets_per_week": 6.0, "status": "below_mev"}]
    return {"has_program": True, "weekly_volume": rows, "summary": "Your program has 4 sessions; chest 6 sets."}


def edit_program(operations: list[dict[str, Any]], reason: str = "") -> dict[str, Any]:
    """Change the program."""
    return {"warnings": [], "summary": f"Saved version 2 with {len(operations)} change(s)."}


def recall_memories(query: str, limit: int = 5) -> dict[str, Any]:
    """Recall memories."""
    return {"memories": [{"text": "Left knee niggle"}], "summary": "Memories about it: Left knee niggle (injury)."}


def save_memory(text: str, kind: Literal["note", "injury", "preference", "goal", "fact"] = "note") -> dict[str, Any]:
    """Remember a fact."""
    return {"kind": kind, "summary": f"I will remember this ({kind}): {text}."}


STUBS = FunctionToolset[None](
    tools=[
        *(get_active_fast, start_fast, end_fast, get_volume_by_muscle, log_workout, get_meal_history, log_meal),
        *(get_program, edit_program, recall_memories, save_memory),
    ]
)
FASTING = {"get_active_fast", "start_fast", "end_fast"}


Toolset = AbstractToolset[None]


def coach(toolset: Toolset = STUBS, instructions: str | None = INSTRUCTIONS) -> Agent[None, Any]:
    outputs: list[Any] = [str, DeferredToolRequests]
    return Agent(
        OfflineModel(), deps_type=type(None), toolsets=[toolset], instructions=instructions, output_type=outputs
    )


def calls(messages: list[ModelMessage]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (part.tool_name, part.args_as_dict())
        for message in messages
        if isinstance(message, ModelResponse)
        for part in message.parts
        if isinstance(part, ToolCallPart)
    ]


def numbers(text: str) -> set[float]:
    return {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}


def assert_grounded(prompt: str, messages: list[ModelMessage], reply: str) -> None:
    """Every number in the reply appears in a tool result or in the user's message."""
    returns = [
        part.model_response_str()
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    ]
    sources = numbers(prompt + json.dumps(returns))
    assert numbers(reply) <= sources, f"ungrounded numbers {numbers(reply) - sources} in {reply!r}"


# --- which tools, with which arguments -----------------------------------------------------------

WEEK = {"start": "2026-11-23", "end": "2026-11-29"}
TODAY = {"start": "2026-11-26", "end": "2026-11-26"}
SINCE_MONDAY = {"start": "2026-11-23", "end": "2026-11-26"}


def vol(*muscles: str, **when: Any) -> list[tuple[str, dict[str, Any]]]:
    return [("get_volume_by_muscle", {"muscle": m, **when}) for m in muscles]


def lift(exercise: str, sets: int, reps: int, kg: float, rir: float | None = None, rpe: float | None = None, **kw: Any):
    args = {"exercise": exercise, "sets": sets, "reps": reps, "weight_kg": kg, "rir": rir, "rpe": rpe, **kw}
    return ("log_workout", args)


def edit(*operations: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [("edit_program", {"operations": list(operations)})]


FAST = [("get_active_fast", {})]
LUNCH = {"meal_type": "lunch"}
PHRASINGS: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    # fasting
    ("how long have I been fasting", FAST),
    ("am I still in my fast?", FAST),
    ("what stage am I in", FAST),
    ("how's my fast going?", FAST),
    ("start a 16:8 fast", [("start_fast", {"protocol": "16:8"})]),
    ("start OMAD today", [("start_fast", {"protocol": "OMAD"})]),
    ("begin a 36 hour fast", [("start_fast", {"protocol": "custom", "hours": 36})]),
    ("I started fasting 2 hours ago", [("start_fast", {"started_hours_ago": 2})]),
    ("can you start an 18:6 fast, I began 3 hours ago", [("start_fast", {"protocol": "18:6", "started_hours_ago": 3})]),
    ("end my fast", [("end_fast", {})]),
    ("I'm breaking my fast now", [("end_fast", {})]),
    ("I give up on this fast", [("end_fast", {"abandon": True})]),
    # training volume
    ("how many sets did I do for chest this week?", vol("chest")),
    ("chest volume", vol("chest")),
    ("am I doing enough back work", vol("lats")),
    ("weekly volume for all muscles", [("get_volume_by_muscle", {})]),
    ("how much chest and back did I do last week", vol("chest", "lats", weeks_ago=1)),
    ("quad volume over the last 3 weeks", vol("quads", weeks=3)),
    ("how many hard sets for hamstrings 2 weeks ago", vol("hamstrings", weeks_ago=2)),
    ("shoulder volume last week", vol("front_delts", "side_delts", "rear_delts", weeks_ago=1)),
    ("did I train arms enough this week?", vol("biceps", "triceps")),
    ("leg volume from 2026-11-02 to 2026-11-08", vol("quads", "hamstrings", start="2026-11-02", end="2026-11-08")),
    ("how many sets for glutes in the past week", vol("glutes", start="2026-11-20", end="2026-11-26")),
    ("how are my glutes and hammies this week", vol("glutes", "hamstrings")),
    ("how much core work have I done since monday", vol("abs", **SINCE_MONDAY)),
    # logging sets
    ("3x8 bench at 80kg @ RIR 2", [lift("bench", 3, 8, 80, rir=2)]),
    ("did 4 sets of 10 squats with 100 kg", [lift("squat", 4, 10, 100)]),
    ("bench 3x5@100 rpe 8", [lift("bench", 3, 5, 100, rpe=8)]),
    ("5 reps of deadlift at 140", [lift("deadlift", 1, 5, 140)]),
    ("3x8 bench at 185 lbs", [lift("bench", 3, 8, 83.9)]),
    ("3x10 pull-ups bodyweight", [lift("pull-up", 3, 10, 0)]),
    ("log 2 warm-up sets of 5 squats at 60kg", [lift("squat", 2, 5, 60, set_type="warmup")]),
    ("3x8 bench at 80kg and 3x10 rows at 60kg", [lift("bench", 3, 8, 80), lift("row", 3, 10, 60)]),
    # meals
    ("what did I eat yesterday", [("get_meal_history", {"start": "2026-11-25", "end": "2026-11-25"})]),
    ("my calories this week", [("get_meal_history", WEEK)]),
    ("how much protein today", [("get_meal_history", TODAY)]),
    ("when did I last have salmon", [("get_meal_history", {"query": "salmon"})]),
    ("have I had any eggs since monday", [("get_meal_history", {**SINCE_MONDAY, "query": "eggs"})]),
    (
        "I had chicken and rice for lunch, 650 kcal 45g protein",
        [("log_meal", {"items": ["chicken", "rice"], "kcal": 650, "protein_g": 45, "meal_type": "lunch"})],
    ),
    (
        "log breakfast: oats, banana, 400 calories",
        [("log_meal", {"items": ["oats", "banana"], "kcal": 400, "meal_type": "breakfast"})],
    ),
    (
        "chicken salad for lunch 500 kcal 40g protein 20g carbs 25g fat",
        [("log_meal", {"items": ["chicken salad"], "kcal": 500, "protein_g": 40, "carbs_g": 20, "fat_g": 25} | LUNCH)],
    ),
    (
        "I just ate a banana 2 hours ago, 100 kcal",
        [("log_meal", {"items": ["banana"], "kcal": 100, "eaten_hours_ago": 2})],
    ),
    # the program
    ("show my program", [("get_program", {})]),
    ("what's on upper a?", [("get_program", {})]),
    (
        "swap squats for leg press on lower a",
        edit({"op": "replace_exercise", "session": "Lower A", "exercise": "squats", "with_exercise": "leg press"}),
    ),
    (
        "replace bench with incline db press in Upper A",
        edit(
            {"op": "replace_exercise", "session": "Upper A", "exercise": "bench", "with_exercise": "incline db press"}
        ),
    ),
    (
        "add 3 sets of 12-15 face pulls to upper b",
        edit(
            {
                "op": "add_exercise",
                "session": "Upper B",
                "exercise": "face pulls",
                "sets": 3,
                "rep_min": 12,
                "rep_max": 15,
            }
        ),
    ),
    (
        "add face pulls 3x12-15 rir 2 to upper b",
        edit(
            {"op": "add_exercise", "session": "Upper B", "exercise": "face pulls"}
            | {"sets": 3, "rep_min": 12, "rep_max": 15, "target_rir": 2}
        ),
    ),
    (
        "change bench to 4 sets on upper a",
        edit({"op": "change_sets", "session": "Upper A", "exercise": "bench", "sets": 4}),
    ),
    (
        "remove lateral raises from upper b",
        edit({"op": "remove_exercise", "session": "Upper B", "exercise": "lateral raises"}),
    ),
    ("move lower b to saturday", edit({"op": "move_session", "session": "Lower B", "weekday": "saturday"})),
    ("drop the lower b session", edit({"op": "remove_session", "session": "Lower B"})),
    ("undo that", edit({"op": "undo"})),
    ("undo the last change", edit({"op": "undo"})),
    ("rename my program to Summer Cut", edit({"op": "rename", "name": "Summer Cut"})),
    (
        "please swap squats for leg press on lower a and move lower b to saturday",
        edit(
            {"op": "replace_exercise", "session": "Lower A", "exercise": "squats", "with_exercise": "leg press"},
            {"op": "move_session", "session": "Lower B", "weekday": "saturday"},
        ),
    ),
    # memory
    (
        "remember that my left knee hurts on lunges",
        [("save_memory", {"text": "my left knee hurts on lunges", "kind": "injury"})],
    ),
    (
        "note that I prefer dumbbells over barbells",
        [("save_memory", {"text": "I prefer dumbbells over barbells", "kind": "preference"})],
    ),
    ("what do you know about my knee?", [("recall_memories", {"query": "knee"})]),
    ("do I have any injuries?", [("recall_memories", {"query": "injuries"})]),
    ("what are my goals?", [("recall_memories", {"query": "goals"})]),
    # more than one question
    ("how's my fast and what did I eat today?", [*FAST, ("get_meal_history", TODAY)]),
    ("when did I last have salmon and how's my fast", [*FAST, ("get_meal_history", {"query": "salmon"})]),
]


def test_enough_phrasings() -> None:
    assert len(PHRASINGS) >= 40
    assert {tool for _, expected in PHRASINGS for tool, _ in expected} == set(STUBS.tools)


@pytest.mark.parametrize(("prompt", "expected"), PHRASINGS, ids=[p for p, _ in PHRASINGS])
async def test_phrasing_calls_the_right_tools(prompt: str, expected: list[tuple[str, dict[str, Any]]]) -> None:
    result = await coach().run(prompt)

    assert calls(result.all_messages()) == expected
    assert isinstance(result.output, str)
    assert_grounded(prompt, result.all_messages(), result.output)


async def test_several_questions_become_parallel_calls_in_one_response() -> None:
    result = await coach().run("how's my fast and what did I eat today?")

    first = next(m for m in result.all_messages() if isinstance(m, ModelResponse))
    assert [p.tool_name for p in first.parts if isinstance(p, ToolCallPart)] == ["get_active_fast", "get_meal_history"]
    assert result.output.startswith("You are 14.5 hours into a 16:8 fast")
    assert "You ate 1269 kcal" in result.output


# --- replies -------------------------------------------------------------------------------------


async def test_reply_is_the_summary_plus_a_coaching_line_from_the_status() -> None:
    result = await coach().run("am I doing enough back work?")

    assert result.output == (
        "You did 6 sets for lats. Lats are below the productive range; adding a few hard sets a week would help. "
        "I count back work as lats; ask about traps for upper-back work."
    )


async def test_all_muscles_coaching_names_the_muscles_outside_the_range() -> None:
    result = await coach().run("weekly volume for all muscles")

    assert "Lats are below the productive range" in result.output
    assert "Quads are above what most people recover from" in result.output
    assert_grounded("weekly volume for all muscles", result.all_messages(), result.output)


@pytest.mark.parametrize("prompt", ["what's the weather like?", "tell me a joke", "asdf"])
async def test_what_i_can_do_when_it_does_not_understand(prompt: str) -> None:
    result = await coach().run(prompt)

    assert calls(result.all_messages()) == []
    assert "I can check, start or end your fast" in result.output
    assert "how many sets did I do for chest this week?" in result.output
    assert numbers(result.output) == set()


async def test_greeting_is_short_and_points_at_what_it_can_do() -> None:
    result = await coach().run("hey there")

    assert result.output.startswith("Hi! I can check")
    assert calls(result.all_messages()) == []


@pytest.mark.parametrize(
    ("prompt", "question"),
    [
        ("I ate salmon for dinner", "How many calories was that?"),
        ("3x8 bench", "What weight did you use for bench?"),
        ("add 3 sets of face pulls to upper b", "What rep range should face pulls have on Upper B?"),
        ("swap squats for leg press", "Which session should I change?"),
    ],
)
async def test_missing_figures_are_asked_for_not_invented(prompt: str, question: str) -> None:
    result = await coach().run(prompt)

    assert calls(result.all_messages()) == []
    assert result.output.startswith(question)
    assert_grounded(prompt, result.all_messages(), result.output)


async def test_an_answer_to_the_question_back_completes_the_request() -> None:
    first = await coach().run("I ate salmon for dinner")
    second = await coach().run("about 500 kcal", message_history=first.all_messages())

    assert calls(second.new_messages()) == [
        ("log_meal", {"items": ["salmon"], "kcal": 500, "meal_type": "dinner"}),
    ]
    assert second.output.startswith("Logged salmon: 500 kcal.")
    assert "Add the protein next time" in second.output


async def test_retry_message_is_passed_on_in_plain_words_without_looping() -> None:
    result = await coach().run("3x8 benchh at 80kg")

    assert calls(result.all_messages()) == [lift("benchh", 3, 8, 80)]
    assert (
        result.output
        == "No exercise matches 'benchh'; close matches are Bench Press, Bench Dip; which one did you mean?"
    )


async def test_validation_errors_are_explained_with_their_own_figures() -> None:
    prompt = "chest volume over the last 14 weeks"
    result = await coach().run(prompt)

    assert calls(result.all_messages()) == vol("chest", weeks=14)
    assert result.output == "I couldn't use those details: weeks: Input should be less than or equal to 12."
    assert_grounded(prompt, result.all_messages(), result.output)


# --- tools the conversation does not offer ---------------------------------------------------------

NO_FASTING = STUBS.filtered(lambda ctx, tool: tool.name not in FASTING)


async def test_withheld_tools_are_never_called() -> None:
    result = await coach(NO_FASTING).run("start a 16:8 fast")

    assert calls(result.all_messages()) == []
    assert result.output == "I can't help with fasting in this conversation."


async def test_withheld_topic_is_named_while_the_rest_is_answered() -> None:
    result = await coach(NO_FASTING).run("how's my fast and what did I eat today?")

    assert calls(result.all_messages()) == [("get_meal_history", TODAY)]
    assert result.output.endswith("I can't help with fasting in this conversation.")


# --- conversations ---------------------------------------------------------------------------------


async def test_follow_up_carries_the_topic_and_period_over() -> None:
    agent = coach()
    first = await agent.run("how many sets did I do for chest last week?")
    second = await agent.run("what about back?", message_history=first.all_messages())
    third = await agent.run("and the week before?", message_history=second.all_messages())

    assert calls(second.new_messages()) == vol("lats", weeks_ago=1)
    assert calls(third.new_messages()) == []  # "the week before" is no period the parser knows
    fourth = await agent.run("and 3 weeks ago?", message_history=second.all_messages())
    assert calls(fourth.new_messages()) == vol("lats", weeks_ago=3)


async def test_a_follow_up_never_repeats_a_write() -> None:
    first = await coach().run("3x8 bench at 80kg")
    second = await coach().run("and yesterday?", message_history=first.all_messages())

    assert calls(second.new_messages()) == []


async def test_undo_after_a_log_does_not_touch_the_program() -> None:
    first = await coach().run("3x8 bench at 80kg")
    second = await coach().run("undo that", message_history=first.all_messages())

    assert calls(second.new_messages()) == []
    assert second.output.startswith("I can only undo program changes")


# --- approval ------------------------------------------------------------------------------------

DESTRUCTIVE = {"remove_exercise", "replace_exercise", "remove_session", "undo"}


def edit_program_with_approval(
    ctx: RunContext[None], operations: list[dict[str, Any]], reason: str = ""
) -> dict[str, Any]:
    """Change the program; destructive edits wait for approval."""
    if any(op["op"] in DESTRUCTIVE for op in operations) and not ctx.tool_call_approved:
        raise ApprovalRequired(metadata={"diff": ["Upper B: - Lateral Raise"]})
    return {"warnings": [], "summary": "Saved version 3: Upper B no longer has Lateral Raise."}


@pytest.mark.parametrize(
    ("approved", "reply"),
    [
        (True, "Saved version 3: Upper B no longer has Lateral Raise. Say 'undo that' if you want it back."),
        (False, "Okay, I left your program as it was."),
    ],
)
async def test_reply_after_an_approval_comes_from_the_edit_result(approved: bool, reply: str) -> None:
    toolset = FunctionToolset[None](tools=[edit_program_with_approval])
    agent = coach(toolset.renamed({"edit_program": "edit_program_with_approval"}))

    first = await agent.run("remove lateral raises from upper b")
    assert isinstance(first.output, DeferredToolRequests)
    [pending] = first.output.approvals
    assert pending.args_as_dict() == {
        "operations": [{"op": "remove_exercise", "session": "Upper B", "exercise": "lateral raises"}]
    }

    second = await agent.run(
        message_history=first.all_messages(),
        deferred_tool_results=first.output.build_results(approvals={pending.tool_call_id: approved}),
    )
    assert second.output == reply


# --- streaming, identity, dates --------------------------------------------------------------------


async def test_streaming_sends_words_and_ends_with_the_same_reply() -> None:
    prompt = "how much chest and back did I do last week"
    plain = await coach().run(prompt)

    deltas: list[str] = []
    tools: list[str] = []
    output: str | None = None
    async with coach().run_stream_events(prompt) as events:
        async for event in events:
            if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                deltas = [event.part.content]  # the final answer is the last text part
            elif isinstance(event, PartStartEvent) and isinstance(event.part, ToolCallPart):
                tools.append(event.part.tool_name)
            elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                deltas.append(event.delta.content_delta)
            elif isinstance(event, AgentRunResultEvent):
                output = event.result.output

    assert tools == ["get_volume_by_muscle", "get_volume_by_muscle"]
    assert len(deltas) > 5
    assert "".join(deltas) == output == plain.output


async def test_identity_and_estimated_usage() -> None:
    result = await coach().run("chest volume")

    response = result.response
    assert (response.model_name, response.provider_name) == (MODEL_NAME, SYSTEM) == ("spotter-offline-1", "offline")
    assert result.usage.requests == 2
    assert result.usage.input_tokens > 0
    assert result.usage.output_tokens > 0
    with pytest.raises(LookupError):  # no price for an offline model: cost is left empty
        response.cost()


async def test_without_a_date_line_today_is_utc_today() -> None:
    result = await coach(instructions=None).run("what did I eat yesterday")

    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert calls(result.all_messages()) == [("get_meal_history", {"start": yesterday, "end": yesterday})]


async def test_last_link_of_a_fallback_chain() -> None:
    def down(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise ModelAPIError("remote", "connection refused")

    model = FallbackModel(FunctionModel(down), OfflineModel())
    agent = Agent(model, deps_type=type(None), toolsets=[STUBS], instructions=INSTRUCTIONS)
    result = await agent.run("chest volume")

    assert result.output.startswith("You did 12 sets for chest.")
    assert result.response.model_name == MODEL_NAME


# --- the muscle words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "muscles"),
    [
        ("back", ("lats",)),
        ("lower back", ("spinal_erectors",)),
        ("upper back and traps", ("traps",)),
        ("shoulders", ("front_delts", "side_delts", "rear_delts")),
        ("side delts", ("side_delts",)),
        ("arms", ("biceps", "triceps")),
        ("bis and tris", ("biceps", "triceps")),
        ("legs", ("quads", "hamstrings")),
        ("leg press", ()),
        ("hammies", ("hamstrings",)),
        ("butt", ("glutes",)),
        ("core", ("abs",)),
        ("calves", ("calves",)),
        ("pecs", ("chest",)),
        ("back-off sets", ()),
    ],
)
def test_muscle_words(words: str, muscles: tuple[str, ...]) -> None:
    assert find_muscles(words) == muscles
