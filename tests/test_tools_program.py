from typing import Any

import pytest
from inline_snapshot import snapshot
from pydantic_ai import Agent, DeferredToolRequests, ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.messages import ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.run import AgentRunResult

from stores.base import Store
from stores.records import PlannedExercise, ProgramDraft, ProgramSession, ProgramVersion
from tests.tooling import call_tool, make_deps, parameters_schema
from tools.deps import CoachDeps
from tools.program import ProgramEdit, ProgramView, toolset

pytestmark = pytest.mark.anyio

CALL_ID = "edit-1"


def planned(exercise_id: str, sets: int = 3, reps: tuple[int, int] = (8, 12)) -> PlannedExercise:
    return PlannedExercise(exercise_id=exercise_id, sets=sets, rep_min=reps[0], rep_max=reps[1])


UPPER_LOWER = ProgramDraft(
    name="Upper/Lower",
    sessions=(
        ProgramSession(
            name="Upper A", weekday=0, exercises=(planned("bench-press", reps=(6, 10)), planned("barbell-row"))
        ),
        ProgramSession(name="Lower A", weekday=1, exercises=(planned("back-squat", reps=(5, 8)), planned("leg-curl"))),
        ProgramSession(name="Upper B", weekday=3, exercises=(planned("overhead-press"), planned("lat-pulldown"))),
        ProgramSession(name="Lower B", weekday=4, exercises=(planned("back-squat"), planned("romanian-deadlift"))),
    ),
)


async def with_program(
    store: Store, user_id: str, draft: ProgramDraft = UPPER_LOWER
) -> tuple[CoachDeps, ProgramVersion]:
    deps = await make_deps(store, user_id)
    return deps, await store.save_program_version(user_id, draft)


async def edit(deps: CoachDeps, *operations: dict[str, Any], reason: str = "") -> ToolReturnPart:
    return await call_tool(toolset, "edit_program", {"operations": list(operations), "reason": reason}, deps)


async def applied(deps: CoachDeps, *operations: dict[str, Any]) -> ProgramEdit:
    part = await edit(deps, *operations)
    assert isinstance(part.content, ProgramEdit), part.content
    return part.content


def approval_agent(operations: list[dict[str, Any]], reason: str = "") -> Agent[CoachDeps, str | DeferredToolRequests]:
    """A model that asks for one edit, then answers with whatever came back."""

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1]
        returns = [p for p in last.parts if isinstance(p, ToolReturnPart)] if isinstance(last, ModelRequest) else []
        if returns:
            return ModelResponse(parts=[TextPart(f"{returns[0].outcome}: {returns[0].model_response_str()}")])
        call = ToolCallPart("edit_program", {"operations": operations, "reason": reason}, tool_call_id=CALL_ID)
        return ModelResponse(parts=[call])

    return Agent(
        FunctionModel(model),
        deps_type=CoachDeps,
        toolsets=[toolset],
        output_type=[str, DeferredToolRequests],
        retries=1,
    )


async def propose(
    deps: CoachDeps, *operations: dict[str, Any], reason: str = ""
) -> tuple[Agent[CoachDeps, str | DeferredToolRequests], AgentRunResult[str | DeferredToolRequests]]:
    agent = approval_agent(list(operations), reason)
    return agent, await agent.run("edit my program", deps=deps)


async def answer(
    agent: Agent[CoachDeps, str | DeferredToolRequests],
    proposal: AgentRunResult[str | DeferredToolRequests],
    deps: CoachDeps,
    approved: bool,
    echo_metadata: bool = False,
) -> ToolReturnPart:
    requests = proposal.output
    assert isinstance(requests, DeferredToolRequests)
    metadata = requests.metadata if echo_metadata else None
    results = requests.build_results(approvals={CALL_ID: approved}, metadata=metadata)
    resumed = await agent.run(conversation=proposal.conversation, deferred_tool_results=results, deps=deps)
    returns = [
        part
        for message in resumed.new_messages()
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    ]
    return returns[0]


async def approved(deps: CoachDeps, *operations: dict[str, Any]) -> ProgramEdit:
    agent, proposal = await propose(deps, *operations)
    part = await answer(agent, proposal, deps, approved=True)
    assert isinstance(part.content, ProgramEdit), part.content
    return part.content


def exercises(program: ProgramDraft | None, session: int) -> list[tuple[str, int]]:
    assert program is not None
    return [(p.exercise_id, p.sets) for p in program.sessions[session].exercises]


# ---- get_program


async def test_no_program_is_a_plain_answer(store: Store, user_id: str) -> None:
    part = await call_tool(toolset, "get_program", {}, await make_deps(store, user_id))
    assert part.content == ProgramView(has_program=False, summary="You have no training program yet.")


async def test_view_names_exercises_days_and_projected_volume(store: Store, user_id: str) -> None:
    deps, version = await with_program(store, user_id)
    view = (await call_tool(toolset, "get_program", {}, deps)).content
    assert isinstance(view, ProgramView)
    assert (view.version_id, view.number, view.name, view.kind) == (version.id, 1, "Upper/Lower", "weekly")
    assert view.sessions[0].model_dump() == snapshot(
        {
            "name": "Upper A",
            "weekday": "monday",
            "day_index": None,
            "exercises": [
                {
                    "exercise_id": "bench-press",
                    "exercise": "Bench Press",
                    "sets": 3,
                    "rep_min": 6,
                    "rep_max": 10,
                    "target_rir": 2,
                },
                {
                    "exercise_id": "barbell-row",
                    "exercise": "Barbell Row",
                    "sets": 3,
                    "rep_min": 8,
                    "rep_max": 12,
                    "target_rir": 2,
                },
            ],
        }
    )
    assert [(row.muscle, row.sets_per_week, row.status) for row in view.weekly_volume][:3] == snapshot(
        [("glutes", 6.8, "productive"), ("lats", 6.0, "below_mev"), ("quads", 6.0, "below_mev")]
    )
    assert view.summary == snapshot(
        'Your program is "Upper/Lower" (version 1, weekly): Upper A on monday, Lower A on tuesday, Upper B on '
        "thursday, Lower B on friday. Projected weekly sets: glutes 6.8 (productive), lats 6 (below MEV), quads 6 "
        "(below MEV), hamstrings 6 (productive), front delts 4.5 (productive)."
    )


async def test_cyclic_sessions_show_their_day_index(store: Store, user_id: str) -> None:
    cyclic = ProgramDraft(
        name="PPL",
        kind="cyclic",
        sessions=(
            ProgramSession(name="Push", day_index=0, exercises=(planned("bench-press"),)),
            ProgramSession(name="Pull", day_index=1, exercises=(planned("barbell-row"),)),
            ProgramSession(name="Legs", day_index=2, exercises=(planned("back-squat"),)),
        ),
    )
    deps, _ = await with_program(store, user_id, cyclic)
    view = (await call_tool(toolset, "get_program", {}, deps)).content
    assert isinstance(view, ProgramView)
    assert [(s.weekday, s.day_index) for s in view.sessions] == [(None, 0), (None, 1), (None, 2)]
    assert view.summary.startswith(
        'Your program is "PPL" (version 1, cyclic): Push on day index 0, Pull on day index 1'
    )


# ---- edits that apply directly


@pytest.mark.parametrize(
    ("operation", "line"),
    [
        (
            {
                "op": "add_exercise",
                "session": "Upper A",
                "exercise": "lateral raise",
                "sets": 3,
                "rep_min": 12,
                "rep_max": 20,
            },
            "Upper A: added Lateral Raise 3 x 12-20 @ RIR 2",
        ),
        (
            {"op": "change_sets", "session": "upper a", "exercise": "bench", "sets": 4},
            "Upper A: Bench Press 3 -> 4 sets",
        ),
        (
            {
                "op": "change_sets",
                "session": "monday",
                "exercise": "Bench Press",
                "rep_min": 5,
                "rep_max": 5,
                "target_rir": 1,
            },
            "Upper A: Bench Press reps 6-10 -> 5, RIR 2 -> 1",
        ),
        ({"op": "move_session", "session": "Lower B", "weekday": "saturday"}, "Lower B: moved from friday to saturday"),
        ({"op": "rename", "name": "UL 4-day"}, 'renamed the program "Upper/Lower" to "UL 4-day"'),
    ],
)
async def test_non_destructive_edits_apply_and_keep_the_parent(
    store: Store, user_id: str, operation: dict[str, Any], line: str
) -> None:
    deps, first = await with_program(store, user_id)
    result = await applied(deps, operation)
    assert result.diff == [line]
    current = await store.program(user_id)
    assert current is not None
    assert (result.version_id, result.number, result.parent_id, result.previous_version_id) == (
        current.id,
        2,
        first.id,
        first.id,
    )
    assert current.parent_id == first.id
    assert (await store.program_versions(user_id))[0] == first


async def test_add_at_a_position_and_report_the_volume_change(store: Store, user_id: str) -> None:
    deps, _ = await with_program(store, user_id)
    result = await applied(
        deps,
        {
            "op": "add_exercise",
            "session": "Lower A",
            "exercise": "RDL",
            "sets": 2,
            "rep_min": 8,
            "rep_max": 10,
            "position": 1,
        },
    )
    assert exercises(await store.program(user_id), 1) == [("romanian-deadlift", 2), ("back-squat", 3), ("leg-curl", 3)]
    assert (result.volume_before, result.volume_after, result.warnings) == snapshot(
        (
            {"spinal_erectors": 3.0, "glutes": 6.8, "hamstrings": 6.0},
            {"spinal_erectors": 4.0, "glutes": 8.2, "hamstrings": 8.0},
            [],
        )
    )
    assert result.summary == snapshot(
        'Saved version 2 of "Upper/Lower": Lower A: added Romanian Deadlift 2 x 8-10 @ RIR 2. Projected weekly '
        "sets: spinal erectors 3 -> 4, glutes 6.8 -> 8.2, hamstrings 6 -> 8."
    )


async def test_several_operations_apply_in_order(store: Store, user_id: str) -> None:
    deps, _ = await with_program(store, user_id)
    result = await applied(
        deps,
        {"op": "add_exercise", "session": "Upper B", "exercise": "curl", "sets": 2, "rep_min": 10, "rep_max": 15},
        {"op": "change_sets", "session": "Upper B", "exercise": "curl", "sets": 3},
        {"op": "move_session", "session": "thursday", "weekday": "wednesday"},
    )
    assert result.diff == [
        "Upper B: added Biceps Curl 2 x 10-15 @ RIR 2",
        "Upper B: Biceps Curl 2 -> 3 sets",
        "Upper B: moved from thursday to wednesday",
    ]
    current = await store.program(user_id)
    assert current is not None
    assert current.sessions[2].weekday == 2
    assert exercises(current, 2)[-1] == ("biceps-curl", 3)


async def test_pushing_a_muscle_past_its_mrv_warns(store: Store, user_id: str) -> None:
    deps, _ = await with_program(store, user_id)
    result = await applied(
        deps,
        {"op": "change_sets", "session": "Upper A", "exercise": "bench", "sets": 12},
        {
            "op": "add_exercise",
            "session": "Upper B",
            "exercise": "incline bench",
            "sets": 12,
            "rep_min": 8,
            "rep_max": 12,
        },
    )
    assert (result.volume_before["chest"], result.volume_after["chest"]) == (3.0, 24.0)
    assert result.warnings == snapshot(
        [
            "Chest would get 24 sets per week, above its MRV of 22.",
            "Front delts would get 18 sets per week, above its MRV of 12.",
        ]
    )
    assert all(warning in result.summary for warning in result.warnings)


# ---- mistakes come back as retries and change nothing


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        (
            [{"op": "remove_session", "session": "Push"}],
            "there is no session 'Push'; the sessions are Upper A (monday), Lower A (tuesday), Upper B (thursday), "
            "Lower B (friday)",
        ),
        (
            [{"op": "remove_exercise", "session": "Upper A", "exercise": "squat"}],
            "Upper A has no Barbell Back Squat; its exercises are Bench Press, Barbell Row",
        ),
        ([{"op": "change_sets", "session": "Upper A", "exercise": "flurb", "sets": 4}], "no exercise matches 'flurb'"),
        (
            [{"op": "change_sets", "session": "Upper A", "exercise": "bench", "rep_min": 12}],
            "operation 1 (change_sets): the result would not be a valid program: rep_max must be at least rep_min",
        ),
        (
            [
                {"op": "rename", "name": "New"},
                {
                    "op": "add_exercise",
                    "session": "Upper A",
                    "exercise": "bench",
                    "sets": 3,
                    "rep_min": 8,
                    "rep_max": 8,
                },
            ],
            "operation 2 (add_exercise): Upper A already has Bench Press; change its sets instead",
        ),
        (
            [{"op": "replace_exercise", "session": "Upper A", "exercise": "bench", "with_exercise": "row"}],
            "Upper A already has Barbell Row",
        ),
        (
            [{"op": "move_session", "session": "Upper A", "day_index": 3}],
            "this is a weekly program: give a weekday, not a day index",
        ),
        ([{"op": "undo"}, {"op": "rename", "name": "x"}], "Undo must be the only operation in its call"),
        ([{"op": "undo"}], "This is the program's first version, so there is nothing to undo"),
        ([{"op": "change_sets", "session": "Upper A", "exercise": "bench", "sets": 3}], "leave the program as it is"),
        ([{"op": "change_sets", "session": "Upper A", "exercise": "bench"}], "give at least one of sets"),
        ([{"op": "move_session", "session": "Upper A"}], "give either weekday or day_index"),
        ([{"op": "change_sets", "session": "Upper A", "exercise": "bench", "sets": 13}], "less than or equal to 12"),
        ([{"op": "reorder", "session": "Upper A"}], "does not match any of the expected tags"),
    ],
)
async def test_mistakes_retry_and_write_nothing(
    store: Store, user_id: str, operations: list[dict[str, Any]], message: str
) -> None:
    deps, first = await with_program(store, user_id)
    part = await edit(deps, *operations)
    assert part.outcome == "retried"
    assert message in str(part.content)
    assert await store.program_versions(user_id) == [first]
    assert await store.program(user_id) == first


async def test_a_weekday_with_two_sessions_must_be_named(store: Store, user_id: str) -> None:
    two_a_day = ProgramDraft(
        name="Twice",
        sessions=(
            ProgramSession(name="AM", weekday=0, exercises=(planned("bench-press"),)),
            ProgramSession(name="PM", weekday=0, exercises=(planned("back-squat"),)),
        ),
    )
    deps, _ = await with_program(store, user_id, two_a_day)
    part = await edit(deps, {"op": "move_session", "session": "Monday", "weekday": "tuesday"})
    assert "several sessions are on monday: AM (monday), PM (monday); name one" in str(part.content)
    assert (await applied(deps, {"op": "move_session", "session": "pm", "weekday": "tuesday"})).diff == [
        "PM: moved from monday to tuesday"
    ]


async def test_no_program_to_edit(store: Store, user_id: str) -> None:
    part = await edit(await make_deps(store, user_id), {"op": "rename", "name": "Mine"})
    assert (part.outcome, part.content) == (
        "retried",
        "The person has no program yet, so there is nothing to edit; tell them so.",
    )
    assert await store.program_versions(user_id) == []


# ---- destructive edits wait for approval


async def test_a_removal_waits_for_approval_with_the_diff(store: Store, user_id: str) -> None:
    deps, first = await with_program(store, user_id)
    agent, proposal = await propose(
        deps, {"op": "remove_exercise", "session": "Upper A", "exercise": "row"}, reason="Elbow hurts on rows."
    )
    assert isinstance(proposal.output, DeferredToolRequests)
    assert [call.tool_call_id for call in proposal.output.approvals] == [CALL_ID]
    metadata = dict(proposal.output.metadata[CALL_ID])
    assert metadata.pop("version_id") == first.id
    assert metadata == snapshot(
        {
            "diff": ["Upper A: removed Barbell Row"],
            "volume": {
                "lats": {"before": 6.0, "after": 3.0},
                "traps": {"before": 2.2, "after": 0.0},
                "rear_delts": {"before": 2.2, "after": 0.8},
                "biceps": {"before": 3.0, "after": 1.5},
            },
            "warnings": [],
            "reason": "Elbow hurts on rows.",
        }
    )
    assert await store.program_versions(user_id) == [first]
    assert deps.notes == snapshot(
        ["A program edit is waiting for the person's approval: Upper A: removed Barbell Row."]
    )

    part = await answer(agent, proposal, deps, approved=True)
    result = part.content
    assert isinstance(result, ProgramEdit)
    assert (result.number, result.parent_id, result.diff, result.reason) == (
        2,
        first.id,
        ["Upper A: removed Barbell Row"],
        "Elbow hurts on rows.",
    )
    assert exercises(await store.program(user_id), 0) == [("bench-press", 3)]
    assert (await store.program_versions(user_id))[0] == first


async def test_a_denied_removal_changes_nothing(store: Store, user_id: str) -> None:
    deps, first = await with_program(store, user_id)
    agent, proposal = await propose(deps, {"op": "remove_session", "session": "friday"})
    part = await answer(agent, proposal, deps, approved=False)
    assert part.content == "The tool call was denied."
    assert await store.program_versions(user_id) == [first]


async def test_mixing_an_addition_with_a_removal_waits_for_the_whole_edit(store: Store, user_id: str) -> None:
    deps, first = await with_program(store, user_id)
    _, proposal = await propose(
        deps,
        {"op": "add_exercise", "session": "Lower A", "exercise": "leg press", "sets": 3, "rep_min": 10, "rep_max": 15},
        {"op": "remove_exercise", "session": "Lower A", "exercise": "leg curl"},
    )
    assert isinstance(proposal.output, DeferredToolRequests)
    assert proposal.output.metadata[CALL_ID]["diff"] == [
        "Lower A: added Leg Press 3 x 10-15 @ RIR 2",
        "Lower A: removed Leg Curl",
    ]
    assert await store.program_versions(user_id) == [first]


async def test_replace_and_remove_session_after_approval(store: Store, user_id: str) -> None:
    deps, _ = await with_program(store, user_id)
    result = await approved(
        deps,
        {"op": "replace_exercise", "session": "Lower B", "exercise": "squat", "with_exercise": "leg press", "sets": 4},
        {"op": "remove_session", "session": "Upper B"},
    )
    assert result.diff == [
        "Lower B: replaced Barbell Back Squat with Leg Press, 3 -> 4 sets",
        "removed session Upper B (thursday) with Overhead Press, Lat Pulldown",
    ]
    current = await store.program(user_id)
    assert current is not None
    assert [s.name for s in current.sessions] == ["Upper A", "Lower A", "Lower B"]
    assert exercises(current, 2) == [("leg-press", 4), ("romanian-deadlift", 3)]
    assert current.sessions[2].exercises[0].rep_min == 8


async def test_undo_restores_the_parent_after_approval(store: Store, user_id: str) -> None:
    deps, first = await with_program(store, user_id)
    second = await applied(deps, {"op": "change_sets", "session": "Upper A", "exercise": "bench", "sets": 5})
    result = await approved(deps, {"op": "undo"})
    assert (result.version_id, result.number, result.parent_id, result.previous_version_id) == (
        first.id,
        1,
        None,
        second.version_id,
    )
    assert result.diff == ["undo version 2", "Upper A: Bench Press 5 -> 3 sets"]
    assert result.summary == snapshot(
        'Restored version 1 of "Upper/Lower": undo version 2; Upper A: Bench Press 5 -> 3 sets. Projected weekly '
        "sets: chest 5 -> 3, front delts 5.5 -> 4.5, triceps 4 -> 3."
    )
    assert await store.program(user_id) == first
    assert len(await store.program_versions(user_id)) == 2


async def test_an_approval_of_a_stale_diff_is_refused(store: Store, user_id: str) -> None:
    deps, _ = await with_program(store, user_id)
    agent, proposal = await propose(deps, {"op": "remove_exercise", "session": "Upper A", "exercise": "row"})
    renamed = await applied(deps, {"op": "rename", "name": "Changed meanwhile"})
    part = await answer(agent, proposal, deps, approved=True, echo_metadata=True)
    assert part.outcome == "retried"
    assert "The program changed since the person approved this edit" in str(part.content)
    current = await store.program(user_id)
    assert current is not None
    assert (current.id, exercises(current, 0)) == (renamed.version_id, [("bench-press", 3), ("barbell-row", 3)])


async def test_another_users_edits_never_touch_this_program(store: Store, user_id: str) -> None:
    deps, mine = await with_program(store, user_id)
    other_deps, _ = await with_program(store, f"{user_id}-other")
    await applied(other_deps, {"op": "rename", "name": "Theirs"})
    await approved(other_deps, {"op": "remove_session", "session": "Upper A"})
    assert await store.program_versions(user_id) == [mine]
    nobody = await make_deps(store, f"{user_id}-none")
    assert (await edit(nobody, {"op": "undo"})).outcome == "retried"
    assert await store.program(user_id) == mine
    view = (await call_tool(toolset, "get_program", {}, deps)).content
    assert isinstance(view, ProgramView)
    assert view.name == "Upper/Lower"


# ---- schemas


def test_get_program_schema() -> None:
    assert parameters_schema(toolset, "get_program") == snapshot(
        {"additionalProperties": False, "properties": {}, "type": "object"}
    )


def test_edit_program_schema() -> None:
    assert parameters_schema(toolset, "edit_program") == snapshot(
        {
            "$defs": {
                "AddExercise": {
                    "additionalProperties": False,
                    "description": "Add an exercise to a session.",
                    "properties": {
                        "op": {"const": "add_exercise", "description": "Operation kind.", "type": "string"},
                        "session": {
                            "description": 'Session name (e.g. "Upper A") or its weekday (e.g. "monday").',
                            "maxLength": 60,
                            "minLength": 1,
                            "type": "string",
                        },
                        "exercise": {
                            "description": 'The exercise as the person calls it, e.g. "bench" or "RDL".',
                            "maxLength": 80,
                            "minLength": 1,
                            "type": "string",
                        },
                        "sets": {
                            "description": "Working sets per session.",
                            "maximum": 12,
                            "minimum": 1,
                            "type": "integer",
                        },
                        "rep_min": {
                            "description": "Bottom of the rep range.",
                            "maximum": 50,
                            "minimum": 1,
                            "type": "integer",
                        },
                        "rep_max": {
                            "description": "Top of the rep range (equal to rep_min for a fixed rep target).",
                            "maximum": 50,
                            "minimum": 1,
                            "type": "integer",
                        },
                        "target_rir": {
                            "default": 2,
                            "description": "Reps in reserve to stop at.",
                            "maximum": 5,
                            "minimum": 0,
                            "type": "integer",
                        },
                        "position": {
                            "anyOf": [{"maximum": 30, "minimum": 1, "type": "integer"}, {"type": "null"}],
                            "default": None,
                            "description": "Place in the session, 1 = first; omit to add it last.",
                        },
                    },
                    "required": ["op", "session", "exercise", "sets", "rep_min", "rep_max"],
                    "title": "AddExercise",
                    "type": "object",
                },
                "ChangeSets": {
                    "additionalProperties": False,
                    "description": "Change the sets, rep range or target RIR of an exercise in a session.",
                    "properties": {
                        "op": {"const": "change_sets", "description": "Operation kind.", "type": "string"},
                        "session": {
                            "description": 'Session name (e.g. "Upper A") or its weekday (e.g. "monday").',
                            "maxLength": 60,
                            "minLength": 1,
                            "type": "string",
                        },
                        "exercise": {
                            "description": "The exercise to change, as the person calls it.",
                            "maxLength": 80,
                            "minLength": 1,
                            "type": "string",
                        },
                        "sets": {
                            "anyOf": [{"maximum": 12, "minimum": 1, "type": "integer"}, {"type": "null"}],
                            "default": None,
                            "description": "New number of working sets; omit to keep.",
                        },
                        "rep_min": {
                            "anyOf": [{"maximum": 50, "minimum": 1, "type": "integer"}, {"type": "null"}],
                            "default": None,
                            "description": "New bottom of the rep range; omit to keep.",
                        },
                        "rep_max": {
                            "anyOf": [{"maximum": 50, "minimum": 1, "type": "integer"}, {"type": "null"}],
                            "default": None,
                            "description": "New top of the rep range; omit to keep.",
                        },
                        "target_rir": {
                            "anyOf": [{"maximum": 5, "minimum": 0, "type": "integer"}, {"type": "null"}],
                            "default": None,
                            "description": "New reps in reserve; omit to keep.",
                        },
                    },
                    "required": ["op", "session", "exercise"],
                    "title": "ChangeSets",
                    "type": "object",
                },
                "MoveSession": {
                    "additionalProperties": False,
                    "description": "Move a session to another day: a weekday for weekly programs, a day index for "
                    "cyclic ones.",
                    "properties": {
                        "op": {"const": "move_session", "description": "Operation kind.", "type": "string"},
                        "session": {
                            "description": 'Session name (e.g. "Upper A") or its current weekday (e.g. "monday").',
                            "maxLength": 60,
                            "minLength": 1,
                            "type": "string",
                        },
                        "weekday": {
                            "anyOf": [
                                {
                                    "enum": [
                                        "monday",
                                        "tuesday",
                                        "wednesday",
                                        "thursday",
                                        "friday",
                                        "saturday",
                                        "sunday",
                                    ],
                                    "type": "string",
                                },
                                {"type": "null"},
                            ],
                            "default": None,
                            "description": "The new weekday (weekly programs).",
                        },
                        "day_index": {
                            "anyOf": [{"maximum": 30, "minimum": 0, "type": "integer"}, {"type": "null"}],
                            "default": None,
                            "description": "The new day in the cycle, 0 = first day (cyclic programs).",
                        },
                    },
                    "required": ["op", "session"],
                    "title": "MoveSession",
                    "type": "object",
                },
                "RemoveExercise": {
                    "additionalProperties": False,
                    "description": "Remove an exercise from a session (needs the person's approval).",
                    "properties": {
                        "op": {"const": "remove_exercise", "description": "Operation kind.", "type": "string"},
                        "session": {
                            "description": 'Session name (e.g. "Upper A") or its weekday (e.g. "monday").',
                            "maxLength": 60,
                            "minLength": 1,
                            "type": "string",
                        },
                        "exercise": {
                            "description": "The exercise to remove, as the person calls it.",
                            "maxLength": 80,
                            "minLength": 1,
                            "type": "string",
                        },
                    },
                    "required": ["op", "session", "exercise"],
                    "title": "RemoveExercise",
                    "type": "object",
                },
                "RemoveSession": {
                    "additionalProperties": False,
                    "description": "Remove a whole session and its exercises (needs approval).",
                    "properties": {
                        "op": {"const": "remove_session", "description": "Operation kind.", "type": "string"},
                        "session": {
                            "description": 'Session name (e.g. "Upper A") or its weekday (e.g. "monday").',
                            "maxLength": 60,
                            "minLength": 1,
                            "type": "string",
                        },
                    },
                    "required": ["op", "session"],
                    "title": "RemoveSession",
                    "type": "object",
                },
                "Rename": {
                    "additionalProperties": False,
                    "description": "Rename the program.",
                    "properties": {
                        "op": {"const": "rename", "description": "Operation kind.", "type": "string"},
                        "name": {
                            "description": "The program's new name.",
                            "maxLength": 80,
                            "minLength": 1,
                            "type": "string",
                        },
                    },
                    "required": ["op", "name"],
                    "title": "Rename",
                    "type": "object",
                },
                "ReplaceExercise": {
                    "additionalProperties": False,
                    "description": "Swap an exercise for another in the same slot, keeping its reps and RIR (needs "
                    "approval).",
                    "properties": {
                        "op": {"const": "replace_exercise", "description": "Operation kind.", "type": "string"},
                        "session": {
                            "description": 'Session name (e.g. "Upper A") or its weekday (e.g. "monday").',
                            "maxLength": 60,
                            "minLength": 1,
                            "type": "string",
                        },
                        "exercise": {
                            "description": "The exercise to take out, as the person calls it.",
                            "maxLength": 80,
                            "minLength": 1,
                            "type": "string",
                        },
                        "with_exercise": {
                            "description": "The exercise to put in its place, as the person calls it.",
                            "maxLength": 80,
                            "minLength": 1,
                            "type": "string",
                        },
                        "sets": {
                            "anyOf": [{"maximum": 12, "minimum": 1, "type": "integer"}, {"type": "null"}],
                            "default": None,
                            "description": "New number of sets; omit to keep the current number.",
                        },
                    },
                    "required": ["op", "session", "exercise", "with_exercise"],
                    "title": "ReplaceExercise",
                    "type": "object",
                },
                "Undo": {
                    "additionalProperties": False,
                    "description": "Go back to the version the current one was made from (needs approval; must be "
                    "the only operation).",
                    "properties": {"op": {"const": "undo", "description": "Operation kind.", "type": "string"}},
                    "required": ["op"],
                    "title": "Undo",
                    "type": "object",
                },
            },
            "additionalProperties": False,
            "properties": {
                "operations": {
                    "description": "The changes, applied in order.",
                    "items": {
                        "discriminator": {
                            "mapping": {
                                "add_exercise": "#/$defs/AddExercise",
                                "change_sets": "#/$defs/ChangeSets",
                                "move_session": "#/$defs/MoveSession",
                                "remove_exercise": "#/$defs/RemoveExercise",
                                "remove_session": "#/$defs/RemoveSession",
                                "rename": "#/$defs/Rename",
                                "replace_exercise": "#/$defs/ReplaceExercise",
                                "undo": "#/$defs/Undo",
                            },
                            "propertyName": "op",
                        },
                        "oneOf": [
                            {"$ref": "#/$defs/AddExercise"},
                            {"$ref": "#/$defs/RemoveExercise"},
                            {"$ref": "#/$defs/ReplaceExercise"},
                            {"$ref": "#/$defs/ChangeSets"},
                            {"$ref": "#/$defs/MoveSession"},
                            {"$ref": "#/$defs/RemoveSession"},
                            {"$ref": "#/$defs/Rename"},
                            {"$ref": "#/$defs/Undo"},
                        ],
                    },
                    "maxItems": 10,
                    "minItems": 1,
                    "type": "array",
                },
                "reason": {
                    "default": "",
                    "description": "Why, in one short sentence the person will see with the diff.",
                    "maxLength": 300,
                    "type": "string",
                },
            },
            "required": ["operations"],
            "type": "object",
        }
    )


def _undescribed(schema: dict[str, Any]) -> list[str]:
    objects = [("", schema), *((f"{name}.", definition) for name, definition in schema.get("$defs", {}).items())]
    return [
        f"{prefix}{key}"
        for prefix, definition in objects
        for key, value in definition.get("properties", {}).items()
        if not value.get("description")
    ]


@pytest.mark.parametrize("name", ["get_program", "edit_program"])
def test_every_parameter_is_described(name: str) -> None:
    assert _undescribed(parameters_schema(toolset, name)) == []


def test_every_operation_kind_is_in_the_schema() -> None:
    definitions = parameters_schema(toolset, "edit_program")["$defs"]
    kinds = sorted(definition["properties"]["op"]["const"] for definition in definitions.values())
    assert kinds == [
        "add_exercise",
        "change_sets",
        "move_session",
        "remove_exercise",
        "remove_session",
        "rename",
        "replace_exercise",
        "undo",
    ]
