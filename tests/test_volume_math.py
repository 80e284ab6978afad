from datetime import UTC, datetime

import pytest

from stores.records import MUSCLES, Contribution, Exercise, LoggedSet, Muscle, PlannedExercise, ProgramSession, SetType
from tools.volume_math import MuscleVolume, planned_volume, weekly_volume

AT = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def exercise(exercise_id: str, muscles: dict[Muscle, Contribution]) -> Exercise:
    return Exercise(id=exercise_id, name=exercise_id, category="test", muscles=muscles, license="CC0", author="test")


EXERCISES = {
    "bench": exercise("bench", {"chest": 1.0, "front_delts": 0.5, "triceps": 0.5}),
    "close-grip-bench": exercise("close-grip-bench", {"triceps": 1.0, "chest": 0.75, "front_delts": 0.25}),
    "squat": exercise("squat", {"quads": 1.0, "glutes": 1.0, "adductors": 0.5, "spinal_erectors": 0.5}),
}


def logged(exercise_id: str, count: int, set_type: SetType = "working") -> list[LoggedSet]:
    return [
        LoggedSet(
            id=i,
            workout_id=1,
            exercise_id=exercise_id,
            reps=8,
            weight_kg=80,
            set_type=set_type,
            performed_at=AT,
        )
        for i in range(count)
    ]


def test_bench_press_counts_fractional_sets() -> None:
    volume = weekly_volume(logged("bench", 4), EXERCISES)
    assert volume["chest"] == MuscleVolume(sets=4.0, direct_sets=4.0, indirect_sets=0.0, per_week=4.0)
    assert volume["front_delts"] == MuscleVolume(sets=2.0, direct_sets=0.0, indirect_sets=2.0, per_week=2.0)
    assert volume["triceps"].sets == 2.0


def test_every_muscle_is_reported_in_canonical_order() -> None:
    volume = weekly_volume(logged("bench", 1), EXERCISES)
    assert tuple(volume) == MUSCLES
    assert volume["quads"] == MuscleVolume(sets=0, direct_sets=0, indirect_sets=0, per_week=0)


def test_warmups_are_excluded() -> None:
    sets = logged("bench", 2, "warmup") + logged("bench", 3)
    assert weekly_volume(sets, EXERCISES)["chest"].sets == 3.0


@pytest.mark.parametrize("set_type", ["working", "backoff", "drop", "amrap", "failure"])
def test_all_working_set_types_count(set_type: SetType) -> None:
    assert weekly_volume(logged("squat", 1, set_type), EXERCISES)["quads"].sets == 1.0


def test_override_fractions_and_direct_indirect_split_add_up() -> None:
    volume = weekly_volume(logged("bench", 4) + logged("close-grip-bench", 3), EXERCISES)
    assert volume["chest"] == MuscleVolume(sets=6.25, direct_sets=4.0, indirect_sets=2.25, per_week=6.25)
    assert volume["triceps"] == MuscleVolume(sets=5.0, direct_sets=3.0, indirect_sets=2.0, per_week=5.0)
    assert volume["front_delts"].sets == 2.75


def test_several_weeks_give_a_per_week_average() -> None:
    volume = weekly_volume(logged("squat", 9), EXERCISES, weeks=3)
    assert volume["quads"].sets == 9.0
    assert volume["quads"].per_week == 3.0
    assert volume["adductors"].per_week == 1.5


def test_per_week_is_rounded_to_two_decimals() -> None:
    assert weekly_volume(logged("bench", 10), EXERCISES, weeks=3)["chest"].per_week == 3.33


@pytest.mark.parametrize("weeks", [0, -1])
def test_weeks_must_be_positive(weeks: float) -> None:
    with pytest.raises(ValueError, match="weeks must be positive"):
        weekly_volume(logged("bench", 1), EXERCISES, weeks=weeks)


def test_unknown_exercise_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown exercise 'deadlift'"):
        weekly_volume(logged("deadlift", 1), EXERCISES)


def test_unknown_exercise_in_a_warmup_is_ignored() -> None:
    assert weekly_volume(logged("deadlift", 1, "warmup"), EXERCISES)["chest"].sets == 0


def plan(exercise_id: str, sets: int) -> PlannedExercise:
    return PlannedExercise(exercise_id=exercise_id, sets=sets, rep_min=6, rep_max=10)


def test_planned_volume_of_a_weekly_program_sums_sessions() -> None:
    sessions = [
        ProgramSession(name="Upper", weekday=0, exercises=(plan("bench", 4),)),
        ProgramSession(name="Lower", weekday=2, exercises=(plan("squat", 5),)),
        ProgramSession(name="Upper 2", weekday=4, exercises=(plan("bench", 3), plan("close-grip-bench", 2))),
    ]
    volume = planned_volume(sessions, EXERCISES)
    assert tuple(volume) == MUSCLES
    assert volume["chest"] == 4 + 3 + 1.5
    assert volume["triceps"] == 3.5 + 2
    assert volume["quads"] == 5
    assert volume["calves"] == 0


def test_planned_volume_of_a_cyclic_program_is_scaled_to_seven_days() -> None:
    sessions = [
        ProgramSession(name="Push", day_index=0, exercises=(plan("bench", 4),)),
        ProgramSession(name="Legs", day_index=2, exercises=(plan("squat", 4),)),
    ]
    # Three-day cycle (0..2): 7/3 cycles per week.
    assert planned_volume(sessions, EXERCISES)["chest"] == 9.33
    # Declared four-day cycle with a trailing rest day: 7/4 cycles per week.
    assert planned_volume(sessions, EXERCISES, cycle_days=4)["quads"] == 7.0


def test_cycle_cannot_be_shorter_than_its_sessions() -> None:
    sessions = [ProgramSession(name="Legs", day_index=3, exercises=(plan("squat", 4),))]
    with pytest.raises(ValueError, match="at least 4 days"):
        planned_volume(sessions, EXERCISES, cycle_days=3)


def test_mixed_weekly_and_cyclic_sessions_are_refused() -> None:
    sessions = [
        ProgramSession(name="Push", weekday=0, exercises=(plan("bench", 4),)),
        ProgramSession(name="Legs", day_index=1, exercises=(plan("squat", 4),)),
    ]
    with pytest.raises(ValueError, match="either all weekly"):
        planned_volume(sessions, EXERCISES)


def test_cycle_days_on_a_weekly_program_is_refused() -> None:
    sessions = [ProgramSession(name="Push", weekday=0, exercises=(plan("bench", 4),))]
    with pytest.raises(ValueError, match="only applies to cyclic"):
        planned_volume(sessions, EXERCISES, cycle_days=5)


def test_planned_volume_of_no_sessions_is_zero() -> None:
    assert set(planned_volume([], EXERCISES).values()) == {0}


def test_conditioning_work_adds_no_hypertrophy_volume() -> None:
    ropes = Exercise(
        id="battle-ropes",
        name="Battle ropes",
        category="cardio",
        muscles={"front_delts": 1.0, "abs": 1.0, "biceps": 0.5},
        license="CC0",
        author="test",
    )
    catalogue = {**EXERCISES, "battle-ropes": ropes}
    volume = weekly_volume([*logged("battle-ropes", 5), *logged("bench", 2)], catalogue)
    assert volume["abs"].sets == 0
    assert volume["front_delts"].sets == 1.0
    session = ProgramSession(
        name="A",
        weekday=0,
        exercises=(
            PlannedExercise(exercise_id="battle-ropes", sets=4, rep_min=6, rep_max=10),
            PlannedExercise(exercise_id="bench", sets=3, rep_min=6, rep_max=10),
        ),
    )
    planned = planned_volume([session], catalogue)
    assert planned["abs"] == 0
    assert planned["chest"] == 3.0
