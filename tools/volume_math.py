"""Fractional set volume per muscle, for logged training and for planned programs.

A working set counts its exercise's contribution to each muscle: 1.0 for a primary mover, 0.5 for
a secondary one, or the finer fraction the exercise record gives (the "fractional" method that fits
Pelland et al. 2024 best).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from stores.records import MUSCLES, Exercise, Muscle, ProgramSession, SetIn
from tools.strength import WORKING_SET_TYPES

DAYS_PER_WEEK = 7


class MuscleVolume(BaseModel):
    """Fractional working sets for one muscle over a window, rounded to 0.01."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sets: Annotated[float, Field(ge=0)]
    """Total fractional sets over the whole window."""
    direct_sets: Annotated[float, Field(ge=0)]
    """The part of `sets` from exercises where this muscle is a primary mover (contribution 1.0)."""
    indirect_sets: Annotated[float, Field(ge=0)]
    """The part of `sets` from contributions below 1.0."""
    per_week: Annotated[float, Field(ge=0)]
    """`sets` divided by the window's length in weeks."""


NO_VOLUME_CATEGORIES = frozenset({"cardio"})
"""Exercise categories that are not resistance work: their sets add no hypertrophy volume (the source data
lists up to a dozen muscles at 1.0 for conditioning work such as battle ropes)."""


def weekly_volume(
    sets: Iterable[SetIn], exercises: Mapping[str, Exercise], weeks: float = 1.0
) -> dict[Muscle, MuscleVolume]:
    """Fractional working-set volume per muscle; warm-ups are not counted.

    Args:
        sets: The sets logged in the window.
        exercises: Exercise records by id, covering every exercise in `sets`.
        weeks: Length of the window in weeks, used for `per_week`.

    Returns:
        An entry for every canonical muscle, in canonical order, zero where nothing was trained.

    Raises:
        ValueError: If weeks is not positive or a working set's exercise is not in `exercises`.

    """
    if not weeks > 0:
        raise ValueError(f"weeks must be positive, got {weeks}")
    direct: dict[Muscle, float] = defaultdict(float)
    indirect: dict[Muscle, float] = defaultdict(float)
    for logged in sets:
        if logged.set_type not in WORKING_SET_TYPES:
            continue
        exercise = _exercise(exercises, logged.exercise_id)
        if exercise.category in NO_VOLUME_CATEGORIES:
            continue
        for muscle, share in exercise.muscles.items():
            (direct if share == 1.0 else indirect)[muscle] += share
    return {muscle: _volume(direct[muscle], indirect[muscle], weeks) for muscle in MUSCLES}


def planned_volume(
    sessions: Iterable[ProgramSession], exercises: Mapping[str, Exercise], cycle_days: int | None = None
) -> dict[Muscle, float]:
    """Projected fractional sets per week for a program's sessions, rounded to 0.01.

    A weekly program (sessions with a weekday) is summed as is. A cyclic program (sessions with a
    day index) is summed over one cycle and scaled by 7 / cycle length, because the cycle repeats
    regardless of the calendar week.

    Args:
        sessions: The sessions of one program version.
        exercises: Exercise records by id, covering every planned exercise.
        cycle_days: Length of a cyclic program's cycle in days. Defaults to the highest day index
            plus one, which misses trailing rest days: pass it when the cycle ends with rest.

    Returns:
        Sets per week for every canonical muscle, in canonical order.

    Raises:
        ValueError: If weekly and cyclic sessions are mixed, cycle_days is shorter than the sessions
            it must hold, or a planned exercise is not in `exercises`.

    """
    schedule = tuple(sessions)
    totals: dict[Muscle, float] = defaultdict(float)
    for session in schedule:
        for planned in session.exercises:
            exercise = _exercise(exercises, planned.exercise_id)
            if exercise.category in NO_VOLUME_CATEGORIES:
                continue
            for muscle, share in exercise.muscles.items():
                totals[muscle] += planned.sets * share
    scale = DAYS_PER_WEEK / _cycle_length(schedule, cycle_days)
    return {muscle: round(totals[muscle] * scale, 2) for muscle in MUSCLES}


def _cycle_length(sessions: tuple[ProgramSession, ...], cycle_days: int | None) -> int:
    day_indices = [s.day_index for s in sessions if s.day_index is not None]
    if not day_indices:
        if cycle_days is not None:
            raise ValueError("cycle_days only applies to cyclic programs (sessions with a day index)")
        return DAYS_PER_WEEK
    if len(day_indices) != len(sessions):
        raise ValueError("a program's sessions are either all weekly (weekday) or all cyclic (day index)")
    needed = max(day_indices) + 1
    if cycle_days is None:
        return needed
    if cycle_days < needed:
        raise ValueError(f"the cycle has a session on day index {needed - 1}, so it is at least {needed} days long")
    return cycle_days


def _exercise(exercises: Mapping[str, Exercise], exercise_id: str) -> Exercise:
    try:
        return exercises[exercise_id]
    except KeyError:
        raise ValueError(f"unknown exercise {exercise_id!r}: no record to take its muscles from") from None


def _volume(direct: float, indirect: float, weeks: float) -> MuscleVolume:
    total = direct + indirect
    return MuscleVolume(
        sets=round(total, 2),
        direct_sets=round(direct, 2),
        indirect_sets=round(indirect, 2),
        per_week=round(total / weeks, 2),
    )
