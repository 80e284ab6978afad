"""Bad input is rejected by the record models, with a clear message, before anything is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from stores.records import Exercise, FastIn, MealIn, PlannedExercise, ProgramDraft, ProgramSession, SetIn, User

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def test_negative_weight_is_rejected() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        SetIn(exercise_id="bench-press", reps=5, weight_kg=-20, performed_at=NOW)


def test_negative_kcal_is_rejected() -> None:
    with pytest.raises(ValidationError, match="kcal"):
        MealIn(eaten_at=NOW, meal_type="lunch", items=("rice",), kcal=-100)


def test_fast_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        FastIn(protocol="16:8", target_hours=16, started_at=NOW, ended_at=NOW - timedelta(hours=1), state="completed")


def test_naive_timestamps_are_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        SetIn(exercise_id="bench-press", reps=5, weight_kg=20, performed_at=datetime(2026, 1, 1))


def test_unknown_timezone_is_rejected() -> None:
    with pytest.raises(ValidationError, match="unknown timezone"):
        User(id="a", display_name="A", timezone="Mars/Olympus")


def test_rir_and_rpe_must_agree() -> None:
    assert SetIn(exercise_id="x", reps=5, weight_kg=20, rir=2, rpe=8, performed_at=NOW).rpe == 8
    with pytest.raises(ValidationError, match="RPE = 10 - RIR"):
        SetIn(exercise_id="x", reps=5, weight_kg=20, rir=2, rpe=9, performed_at=NOW)


def test_rep_range_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="rep_max"):
        PlannedExercise(exercise_id="x", sets=3, rep_min=10, rep_max=6)


def test_weekly_program_sessions_need_weekdays() -> None:
    cyclic = ProgramSession(name="Day 1", day_index=0)
    with pytest.raises(ValidationError, match="does not match a weekly program"):
        ProgramDraft(name="P", kind="weekly", sessions=(cyclic,))


def test_contributions_are_quarter_steps() -> None:
    with pytest.raises(ValidationError, match="contribution"):
        Exercise(id="x", name="X", category="arms", muscles={"biceps": 0.3}, license="CC0", author="a")
