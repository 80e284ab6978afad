"""Training volume tools: fractional weekly sets per muscle, and logging a workout."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, ValidationError
from pydantic_ai import FunctionToolset, ModelRetry, RunContext

from stores.exercises import load_library, resolve, suggest
from stores.records import MUSCLES, Exercise, LoggedSet, Muscle, SetIn, SetType
from tools.deps import CoachDeps, ToolResult
from tools.landmarks import VolumeStatus, band, status
from tools.periods import Period, week_dates, week_window
from tools.strength import WORKING_SET_TYPES, estimate_1rm
from tools.volume_math import MuscleVolume, weekly_volume
from tools.wording import muscle_label, number, status_text

toolset = FunctionToolset[CoachDeps](docstring_format="google", require_parameter_descriptions=True)

MAX_RANGE_DAYS = 366
_TOP_MUSCLES = 4


class MuscleRow(BaseModel):
    """Fractional working sets for one muscle over the window, one decimal."""

    muscle: Muscle
    sets: float
    direct_sets: float
    """Sets from exercises where the muscle is a primary mover."""
    indirect_sets: float
    """Fractional sets from exercises where it is a secondary mover."""
    per_week: float
    """Average sets per week over the window; landmarks are judged on this."""
    status: VolumeStatus
    band: str
    """Status with the landmarks, e.g. "productive (MEV 10, MAV 12-20, MRV 22)"."""


class VolumeReport(ToolResult):
    """Weekly-volume figures for a window of local calendar days."""

    first: date
    last: date
    label: str
    """E.g. "this week (2026-11-23 to 2026-11-29)"."""
    weeks: float
    """Weeks the per-week averages divide by (a date range shorter than a week counts as one)."""
    working_sets: int
    """Working sets logged in the window (warm-ups excluded)."""
    muscles: list[MuscleRow]
    """The asked muscle, or every trained muscle by sets, most first."""


class WorkoutLogged(ToolResult):
    """What was logged, with its strength estimate and this week's volume for the main muscles."""

    exercise_id: str
    exercise: str
    sets: int
    reps: int
    weight_kg: float
    rir: float | None
    rpe: float | None
    set_type: SetType
    estimated_1rm_kg: float | None
    """Epley estimate from one set; None for warm-ups or when reps to failure are too many to trust."""
    week_sets: dict[Muscle, float]
    """This week's fractional working sets for the exercise's primary muscles, after logging."""


@toolset.tool
async def get_volume_by_muscle(
    ctx: RunContext[CoachDeps],
    muscle: Muscle | None = None,
    weeks: Annotated[int, Field(ge=1, le=12)] = 1,
    weeks_ago: Annotated[int, Field(ge=0, le=52)] = 0,
    start: date | None = None,
    end: date | None = None,
) -> VolumeReport:
    """Weekly working sets per muscle (fractional: secondary movers count part of a set), judged against MEV/MRV.

    Args:
        muscle: One muscle to report, even if untrained; omit for every trained muscle.
        weeks: Number of calendar weeks (Monday to Sunday); 3 means the last week and the two before it.
        weeks_ago: How far back the last week is: 0 = this week so far, 1 = last week.
        start: First day of an explicit date range (overrides weeks and weeks_ago).
        end: Last day of the range, included; defaults to today.

    """
    period = _period(ctx.deps.today, weeks, weeks_ago, start, end)
    window = period.window(ctx.deps.user.zone)
    logged = await ctx.deps.store.sets_between(ctx.deps.user_id, window.start, window.end)
    span = period.weeks or max(period.days, 7) / 7
    volume = await _volume(ctx, logged, span)
    if muscle is not None:
        rows = [_row(muscle, volume[muscle])]
    else:
        trained = (_row(m, volume[m]) for m in MUSCLES if volume[m].sets > 0)
        rows = sorted(trained, key=lambda row: -row.sets)
    working = sum(s.set_type in WORKING_SET_TYPES for s in logged)
    report = VolumeReport(
        first=period.first,
        last=period.last,
        label=period.label,
        weeks=round(span, 1),
        working_sets=working,
        muscles=rows,
        summary="",
    )
    summary = _one_muscle_summary(report) if muscle is not None else _all_muscles_summary(report)
    return report.model_copy(update={"summary": summary})


@toolset.tool
async def log_workout(
    ctx: RunContext[CoachDeps],
    exercise: Annotated[str, Field(min_length=1, max_length=80)],
    sets: Annotated[int, Field(ge=1, le=20)],
    reps: Annotated[int, Field(ge=1, le=100)],
    weight_kg: Annotated[float, Field(ge=0, le=1000)],
    rir: Annotated[float, Field(ge=0, le=10)] | None = None,
    rpe: Annotated[float, Field(ge=1, le=10)] | None = None,
    set_type: SetType = "working",
) -> WorkoutLogged:
    """Log identical sets of one exercise, done now.

    Args:
        exercise: The exercise as the person calls it, e.g. "bench", "RDL" or "incline dumbbell press".
        sets: Number of sets done.
        reps: Repetitions per set.
        weight_kg: Load per set in kilograms; 0 for bodyweight.
        rir: Reps in reserve, if the person said.
        rpe: Rate of perceived exertion, if the person gave that instead of RIR.
        set_type: Kind of set; warm-ups do not count as training volume.

    """
    found = _resolve(exercise)
    try:
        logged = SetIn(
            exercise_id=found.id,
            reps=reps,
            weight_kg=weight_kg,
            rir=rir,
            rpe=rpe,
            set_type=set_type,
            performed_at=ctx.deps.now,
        )
    except ValidationError:
        raise ModelRetry("RIR and RPE disagree (RPE = 10 - RIR); give only one of them.") from None
    await ctx.deps.store.log_sets(ctx.deps.user_id, [logged] * sets)
    window = week_window(ctx.deps.today, ctx.deps.user.zone)
    volume = await _volume(ctx, await ctx.deps.store.sets_between(ctx.deps.user_id, window.start, window.end), 1)
    primary = max(found.muscles.values())
    result = WorkoutLogged(
        exercise_id=found.id,
        exercise=found.name,
        sets=sets,
        reps=reps,
        weight_kg=weight_kg,
        rir=rir,
        rpe=rpe,
        set_type=set_type,
        # A warm-up is stopped far from failure, so an estimate from it says nothing about strength.
        estimated_1rm_kg=None if set_type == "warmup" else estimate_1rm(weight_kg, reps, rir, rpe),
        week_sets={m: round(volume[m].sets, 1) for m, share in found.muscles.items() if share == primary},
        summary="",
    )
    return result.model_copy(update={"summary": _logged_summary(result)})


def _resolve(text: str) -> Exercise:
    library = load_library()
    found = resolve(library, text)
    if found is not None:
        return found
    close = suggest(library, text)
    hint = f"close matches are {', '.join(close)}; call again with one" if close else "ask which exercise they mean"
    raise ModelRetry(f"No exercise matches {text!r}; {hint}.")


def _period(today: date, weeks: int, weeks_ago: int, start: date | None, end: date | None) -> Period:
    if start is None and end is None:
        first, last = week_dates(today, weeks, weeks_ago)
        label = f"{_weeks_phrase(weeks, weeks_ago)} ({first} to {last})"
        return Period(first=first, last=last, label=label, weeks=weeks, weeks_ago=weeks_ago)
    if start is None:
        raise ModelRetry("Give start as well as end for a date range, or use weeks and weeks_ago instead.")
    last = today if end is None else end
    if last < start:
        raise ModelRetry(f"The range ends ({last}) before it starts ({start}); swap them or fix the dates.")
    if (last - start).days >= MAX_RANGE_DAYS:
        raise ModelRetry(f"A date range can cover at most {MAX_RANGE_DAYS} days; ask for a shorter one.")
    return Period(first=start, last=last, label=f"from {start} to {last}")


def _weeks_phrase(weeks: int, weeks_ago: int) -> str:
    if weeks > 1:
        return (
            f"the last {weeks} weeks" if weeks_ago == 0 else f"the {weeks} weeks ending {_weeks_phrase(1, weeks_ago)}"
        )
    return {0: "this week", 1: "last week"}.get(weeks_ago, f"{weeks_ago} weeks ago")


async def _volume(ctx: RunContext[CoachDeps], logged: Sequence[LoggedSet], weeks: float) -> dict[Muscle, MuscleVolume]:
    exercises: dict[str, Exercise] = {}
    for exercise_id in {s.exercise_id for s in logged}:
        if (found := await ctx.deps.store.exercise(exercise_id)) is not None:
            exercises[exercise_id] = found
    # A set whose exercise left the library has no muscles to count; skip it rather than fail the report.
    return weekly_volume([s for s in logged if s.exercise_id in exercises], exercises, weeks)


def _row(muscle: Muscle, volume: MuscleVolume) -> MuscleRow:
    per_week = round(volume.per_week, 1)
    return MuscleRow(
        muscle=muscle,
        sets=round(volume.sets, 1),
        direct_sets=round(volume.direct_sets, 1),
        indirect_sets=round(volume.indirect_sets, 1),
        per_week=per_week,
        status=status(muscle, per_week),
        band=band(muscle, per_week),
    )


def _one_muscle_summary(report: VolumeReport) -> str:
    row = report.muscles[0]
    pace = "" if report.weeks == 1 else f"at {number(row.per_week)} sets per week "
    return (
        f"{_capital(report.label)} you did {number(row.sets)} sets for {muscle_label(row.muscle)}: "
        f"{number(row.direct_sets)} direct and {number(row.indirect_sets)} indirect; {pace}that is {row.band}."
    )


def _all_muscles_summary(report: VolumeReport) -> str:
    if not report.muscles:
        return f"{_capital(report.label)} you logged no working sets."
    tops = ", ".join(_brief(row, report.weeks) for row in report.muscles[:_TOP_MUSCLES])
    return f"{_capital(report.label)} you logged {report.working_sets} working sets; most went to {tops}."


def _brief(row: MuscleRow, weeks: float) -> str:
    pace = "" if weeks == 1 else f"{number(row.per_week)} per week, "
    return f"{muscle_label(row.muscle)} {number(row.sets)} sets ({pace}{status_text(row.status)})"


def _logged_summary(result: WorkoutLogged) -> str:
    kind = "" if result.set_type == "working" else f" {result.set_type} sets"
    load = "bodyweight" if result.weight_kg == 0 else f"{number(result.weight_kg)} kg"
    effort = f" (RIR {number(result.rir)})" if result.rir is not None else ""
    effort = effort or (f" (RPE {number(result.rpe)})" if result.rpe is not None else "")
    text = f"Logged {result.sets} x {result.reps}{kind} of {result.exercise} at {load}{effort}"
    if result.estimated_1rm_kg is not None:
        text += f"; estimated 1RM {number(result.estimated_1rm_kg)} kg"
    week = ", ".join(f"{muscle_label(m)} {number(sets)} sets" for m, sets in result.week_sets.items())
    return f"{text}. This week so far: {week}."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
