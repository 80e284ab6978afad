from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from inline_snapshot import snapshot

from stores.base import Store
from stores.exercises import load_library
from stores.records import SetIn, SetType
from tests.tooling import NOW, call_tool, make_deps, parameters_schema
from tools.deps import CoachDeps
from tools.volume import MuscleRow, VolumeReport, WorkoutLogged, toolset

pytestmark = pytest.mark.anyio

TOKYO = ZoneInfo("Asia/Tokyo")
LIBRARY = {exercise.id: exercise for exercise in load_library()}


def a_set(at: datetime, exercise_id: str = "bench-press", set_type: SetType = "working") -> SetIn:
    return SetIn(exercise_id=exercise_id, reps=8, weight_kg=80, rir=2, set_type=set_type, performed_at=at)


async def log(deps: CoachDeps, *sets: SetIn) -> None:
    await deps.store.log_sets(deps.user_id, list(sets))


async def volume(deps: CoachDeps, **args: Any) -> VolumeReport:
    part = await call_tool(toolset, "get_volume_by_muscle", args, deps)
    assert isinstance(part.content, VolumeReport), part.content
    return part.content


def sets_by_muscle(report: VolumeReport) -> dict[str, float]:
    return {row.muscle: row.sets for row in report.muscles}


async def test_bench_press_counts_its_library_contributions(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await log(deps, *[a_set(NOW)] * 4)
    report = await volume(deps)
    bench = LIBRARY["bench-press"].muscles
    assert bench == {"chest": 1.0, "front_delts": 0.5, "triceps": 0.5}
    assert sets_by_muscle(report) == {muscle: 4 * share for muscle, share in bench.items()}
    assert report.muscles[1] == MuscleRow(
        muscle="front_delts",
        sets=2.0,
        direct_sets=0.0,
        indirect_sets=2.0,
        per_week=2.0,
        status="productive",
        band="productive (MEV 0, MAV 6-8, MRV 12)",
    )
    assert report.working_sets == 4


async def test_one_muscle_summary_splits_direct_and_indirect(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await log(deps, *[a_set(NOW)] * 10, *[a_set(NOW, "dip")] * 4)
    report = await volume(deps, muscle="chest")
    assert report.model_dump(exclude={"muscles"}) == snapshot(
        {
            "summary": "This week (2026-11-23 to 2026-11-29) you did 13 sets for chest: 10 direct and 3 indirect; "
            "that is productive (MEV 10, MAV 12-20, MRV 22).",
            "first": date(2026, 11, 23),
            "last": date(2026, 11, 29),
            "label": "this week (2026-11-23 to 2026-11-29)",
            "weeks": 1.0,
            "working_sets": 14,
        }
    )


async def test_an_untrained_muscle_still_gets_its_row(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    report = await volume(deps, muscle="calves")
    assert [(row.muscle, row.sets, row.status) for row in report.muscles] == [("calves", 0.0, "below_mev")]
    assert report.summary == snapshot(
        "This week (2026-11-23 to 2026-11-29) you did 0 sets for calves: 0 direct and 0 indirect; that is below "
        "MEV (MEV 8, MAV 12-16, MRV 20)."
    )


async def test_all_muscles_are_sorted_by_sets_and_summarised(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await log(deps, *[a_set(NOW, "back-squat")] * 5, *[a_set(NOW)] * 3)
    report = await volume(deps)
    assert [row.muscle for row in report.muscles][:3] == ["quads", "glutes", "chest"]
    assert report.summary == snapshot(
        "This week (2026-11-23 to 2026-11-29) you logged 8 working sets; most went to quads 5 sets (below MEV), "
        "glutes 3.8 sets (productive), chest 3 sets (below MEV), adductors 2.5 sets (productive)."
    )


async def test_no_sets_says_so(store: Store, user_id: str) -> None:
    report = await volume(await make_deps(store, user_id), weeks_ago=1)
    assert (report.muscles, report.summary) == ([], "Last week (2026-11-16 to 2026-11-22) you logged no working sets.")


async def test_warmups_are_not_volume(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await log(deps, *[a_set(NOW, set_type="warmup")] * 3, *[a_set(NOW)] * 2, a_set(NOW, set_type="backoff"))
    report = await volume(deps, muscle="chest")
    assert (report.muscles[0].sets, report.working_sets) == (3.0, 3)


async def test_weeks_follow_the_users_timezone(store: Store, user_id: str) -> None:
    # Thursday 21:00 in Tokyo; both the Sunday-night and the Monday-morning set fall on a UTC Sunday.
    deps = await make_deps(store, user_id, tz="Asia/Tokyo")
    sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=TOKYO)
    monday_morning = datetime(2026, 11, 23, 0, 30, tzinfo=TOKYO)
    three_weeks_back = datetime(2026, 11, 9, 0, 0, tzinfo=TOKYO)
    four_weeks_back = datetime(2026, 11, 8, 23, 59, tzinfo=TOKYO)
    await log(deps, a_set(sunday_night), *[a_set(monday_morning)] * 2)
    await log(deps, *[a_set(three_weeks_back)] * 4, *[a_set(four_weeks_back)] * 8)

    this_week = await volume(deps, muscle="chest")
    last_week = await volume(deps, muscle="chest", weeks_ago=1)
    three_weeks = await volume(deps, muscle="chest", weeks=3)
    assert this_week.muscles[0].sets == 2.0
    assert (last_week.first, last_week.last, last_week.muscles[0].sets) == (date(2026, 11, 16), date(2026, 11, 22), 1.0)
    assert (three_weeks.first, three_weeks.label) == (date(2026, 11, 9), "the last 3 weeks (2026-11-09 to 2026-11-29)")
    assert (three_weeks.muscles[0].sets, three_weeks.muscles[0].per_week) == (7.0, 2.3)
    assert three_weeks.summary == snapshot(
        "The last 3 weeks (2026-11-09 to 2026-11-29) you did 7 sets for chest: 7 direct and 0 indirect; at 2.3 "
        "sets per week that is below MEV (MEV 10, MAV 12-20, MRV 22)."
    )


async def test_weeks_ago_labels(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    assert (await volume(deps, weeks_ago=4)).label == "4 weeks ago (2026-10-26 to 2026-11-01)"
    assert (await volume(deps, weeks=2, weeks_ago=1)).label == "the 2 weeks ending last week (2026-11-09 to 2026-11-22)"


async def test_a_date_range_is_inclusive_and_ends_today_by_default(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await log(deps, a_set(datetime(2026, 11, 2, 8, tzinfo=UTC)), a_set(datetime(2026, 11, 15, 23, tzinfo=UTC)))
    await log(deps, a_set(datetime(2026, 11, 16, 0, 30, tzinfo=UTC)))
    report = await volume(deps, muscle="chest", start="2026-11-02", end="2026-11-15")
    assert (report.label, report.weeks, report.muscles[0].sets, report.muscles[0].per_week) == (
        "from 2026-11-02 to 2026-11-15",
        2.0,
        2.0,
        1.0,
    )
    open_ended = await volume(deps, muscle="chest", start="2026-11-16")
    assert (open_ended.last, open_ended.muscles[0].sets) == (date(2026, 11, 26), 1.0)


async def test_a_range_shorter_than_a_week_is_not_extrapolated(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await log(deps, *[a_set(NOW)] * 6)
    report = await volume(deps, muscle="chest", start="2026-11-26", end="2026-11-26")
    assert (report.weeks, report.muscles[0].per_week) == (1.0, 6.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"end": "2026-11-20"}, "Give start as well as end"),
        ({"start": "2026-11-20", "end": "2026-11-10"}, "The range ends (2026-11-10) before it starts (2026-11-20)"),
        ({"start": "2024-01-01"}, "at most 366 days"),
    ],
)
async def test_bad_ranges_ask_the_model_again(store: Store, user_id: str, args: dict[str, str], message: str) -> None:
    part = await call_tool(toolset, "get_volume_by_muscle", args, await make_deps(store, user_id))
    assert part.outcome == "retried"
    assert message in str(part.content)


async def test_another_users_sets_never_count(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    other = await make_deps(store, f"{user_id}-other")
    await log(other, *[a_set(NOW)] * 5)
    await log(deps, a_set(NOW))
    assert sets_by_muscle(await volume(deps))["chest"] == 1.0
    assert sets_by_muscle(await volume(other))["chest"] == 5.0


# ---- log_workout


async def log_workout(deps: CoachDeps, **args: Any) -> WorkoutLogged:
    part = await call_tool(toolset, "log_workout", args, deps)
    assert isinstance(part.content, WorkoutLogged), part.content
    return part.content


async def test_log_bench_by_nickname(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    logged = await log_workout(deps, exercise="bench", sets=3, reps=8, weight_kg=80, rir=2)
    assert logged.model_dump() == snapshot(
        {
            "summary": "Logged 3 x 8 of Bench Press at 80 kg (RIR 2); estimated 1RM 106.7 kg. This week so far: "
            "chest 3 sets.",
            "exercise_id": "bench-press",
            "exercise": "Bench Press",
            "sets": 3,
            "reps": 8,
            "weight_kg": 80.0,
            "rir": 2.0,
            "rpe": None,
            "set_type": "working",
            "estimated_1rm_kg": 106.7,
            "week_sets": {"chest": 3.0},
        }
    )
    stored = await store.sets_between(user_id, datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 11, 27, tzinfo=UTC))
    assert [(s.exercise_id, s.reps, s.weight_kg, s.rir, s.performed_at) for s in stored] == [
        ("bench-press", 8, 80.0, 2.0, NOW)
    ] * 3


async def test_week_sets_include_earlier_sessions(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await log(deps, *[a_set(datetime(2026, 11, 23, 18, tzinfo=UTC), "romanian-deadlift")] * 2)
    logged = await log_workout(deps, exercise="RDL", sets=3, reps=10, weight_kg=100, rpe=8)
    assert (logged.exercise_id, logged.week_sets, logged.estimated_1rm_kg) == (
        "romanian-deadlift",
        {"hamstrings": 5.0},
        140.0,
    )
    assert logged.summary == snapshot(
        "Logged 3 x 10 of Romanian Deadlift at 100 kg (RPE 8); estimated 1RM 140 kg. This week so far: hamstrings "
        "5 sets."
    )


async def test_log_ohp_warmups_have_no_estimate_and_no_volume(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    logged = await log_workout(deps, exercise="OHP", sets=2, reps=5, weight_kg=30, set_type="warmup")
    assert (logged.exercise, logged.estimated_1rm_kg, logged.week_sets) == (
        "Overhead Press",
        None,
        {"front_delts": 0.0},
    )
    assert (
        logged.summary == "Logged 2 x 5 warmup sets of Overhead Press at 30 kg. This week so far: front delts 0 sets."
    )


async def test_bodyweight_sets(store: Store, user_id: str) -> None:
    logged = await log_workout(await make_deps(store, user_id), exercise="pull up", sets=3, reps=8, weight_kg=0)
    assert logged.summary == "Logged 3 x 8 of Pull-up at bodyweight. This week so far: lats 3 sets."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"exercise": "benhc prss"}, "No exercise matches 'benhc prss'; close matches are Bench Press, "),
        ({"exercise": "flurb"}, "No exercise matches 'flurb'; ask which exercise they mean."),
        ({"exercise": "bench", "rir": 2, "rpe": 9}, "RIR and RPE disagree (RPE = 10 - RIR); give only one of them."),
    ],
)
async def test_mistakes_retry_and_write_nothing(store: Store, user_id: str, args: dict[str, Any], message: str) -> None:
    deps = await make_deps(store, user_id)
    part = await call_tool(toolset, "log_workout", {"sets": 3, "reps": 8, "weight_kg": 80, **args}, deps)
    assert part.outcome == "retried"
    assert message in str(part.content)
    assert await store.sets_between(user_id, datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)) == []


# ---- schemas


def test_get_volume_by_muscle_schema() -> None:
    assert parameters_schema(toolset, "get_volume_by_muscle") == snapshot(
        {
            "additionalProperties": False,
            "properties": {
                "muscle": {
                    "anyOf": [
                        {
                            "enum": [
                                "chest",
                                "lats",
                                "traps",
                                "front_delts",
                                "side_delts",
                                "rear_delts",
                                "triceps",
                                "biceps",
                                "forearms",
                                "spinal_erectors",
                                "abs",
                                "obliques",
                                "glutes",
                                "quads",
                                "hamstrings",
                                "adductors",
                                "calves",
                            ],
                            "type": "string",
                        },
                        {"type": "null"},
                    ],
                    "default": None,
                    "description": "One muscle to report, even if untrained; omit for every trained muscle.",
                },
                "weeks": {
                    "default": 1,
                    "description": "Number of calendar weeks (Monday to Sunday); 3 means the last week and the two "
                    "before it.",
                    "maximum": 12,
                    "minimum": 1,
                    "type": "integer",
                },
                "weeks_ago": {
                    "default": 0,
                    "description": "How far back the last week is: 0 = this week so far, 1 = last week.",
                    "maximum": 52,
                    "minimum": 0,
                    "type": "integer",
                },
                "start": {
                    "anyOf": [{"format": "date", "type": "string"}, {"type": "null"}],
                    "default": None,
                    "description": "First day of an explicit date range (overrides weeks and weeks_ago).",
                },
                "end": {
                    "anyOf": [{"format": "date", "type": "string"}, {"type": "null"}],
                    "default": None,
                    "description": "Last day of the range, included; defaults to today.",
                },
            },
            "type": "object",
        }
    )


def test_log_workout_schema() -> None:
    assert parameters_schema(toolset, "log_workout") == snapshot(
        {
            "additionalProperties": False,
            "properties": {
                "exercise": {
                    "description": (
                        'The exercise as the person calls it, e.g. "bench", "RDL" or "incline dumbbell press".'
                    ),
                    "maxLength": 80,
                    "minLength": 1,
                    "type": "string",
                },
                "sets": {"description": "Number of sets done.", "maximum": 20, "minimum": 1, "type": "integer"},
                "reps": {"description": "Repetitions per set.", "maximum": 100, "minimum": 1, "type": "integer"},
                "weight_kg": {
                    "description": "Load per set in kilograms; 0 for bodyweight.",
                    "maximum": 1000,
                    "minimum": 0,
                    "type": "number",
                },
                "rir": {
                    "anyOf": [{"maximum": 10, "minimum": 0, "type": "number"}, {"type": "null"}],
                    "default": None,
                    "description": "Reps in reserve, if the person said.",
                },
                "rpe": {
                    "anyOf": [{"maximum": 10, "minimum": 1, "type": "number"}, {"type": "null"}],
                    "default": None,
                    "description": "Rate of perceived exertion, if the person gave that instead of RIR.",
                },
                "set_type": {
                    "default": "working",
                    "description": "Kind of set; warm-ups do not count as training volume.",
                    "enum": ["warmup", "working", "backoff", "drop", "amrap", "failure"],
                    "type": "string",
                },
            },
            "required": ["exercise", "sets", "reps", "weight_kg"],
            "type": "object",
        }
    )


@pytest.mark.parametrize("name", ["get_volume_by_muscle", "log_workout"])
def test_every_parameter_is_described(name: str) -> None:
    properties = parameters_schema(toolset, name)["properties"]
    assert properties
    assert [key for key, value in properties.items() if not value.get("description")] == []
