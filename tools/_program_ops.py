"""Program edits without storage: the operations a model may ask for, applied to a draft, and their diff.

`tools/program.py` reads the current version, runs these, and decides whether the person must approve
the result before it is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from stores.exercises import resolve, suggest
from stores.records import Exercise, PlannedExercise, ProgramDraft, ProgramSession

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
SessionRef = Annotated[str, Field(min_length=1, max_length=60)]
ExerciseRef = Annotated[str, Field(min_length=1, max_length=80)]
SetsPerSession = Annotated[int, Field(ge=1, le=12)]
Reps = Annotated[int, Field(ge=1, le=50)]
TargetRir = Annotated[int, Field(ge=0, le=5)]

_M = TypeVar("_M", bound=BaseModel)
_DAY_NUMBERS = {name: i for i, name in enumerate(WEEKDAYS)} | {name[:3]: i for i, name in enumerate(WEEKDAYS)}


class _Operation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class AddExercise(_Operation):
    """Add an exercise to a session."""

    op: Literal["add_exercise"]
    """Operation kind."""
    session: SessionRef
    """Session name (e.g. "Upper A") or its weekday (e.g. "monday")."""
    exercise: ExerciseRef
    """The exercise as the person calls it, e.g. "bench" or "RDL"."""
    sets: SetsPerSession
    """Working sets per session."""
    rep_min: Reps
    """Bottom of the rep range."""
    rep_max: Reps
    """Top of the rep range (equal to rep_min for a fixed rep target)."""
    target_rir: TargetRir = 2
    """Reps in reserve to stop at."""
    position: Annotated[int, Field(ge=1, le=30)] | None = None
    """Place in the session, 1 = first; omit to add it last."""


class RemoveExercise(_Operation):
    """Remove an exercise from a session (needs the person's approval)."""

    op: Literal["remove_exercise"]
    """Operation kind."""
    session: SessionRef
    """Session name (e.g. "Upper A") or its weekday (e.g. "monday")."""
    exercise: ExerciseRef
    """The exercise to remove, as the person calls it."""


class ReplaceExercise(_Operation):
    """Swap an exercise for another in the same slot, keeping its reps and RIR (needs approval)."""

    op: Literal["replace_exercise"]
    """Operation kind."""
    session: SessionRef
    """Session name (e.g. "Upper A") or its weekday (e.g. "monday")."""
    exercise: ExerciseRef
    """The exercise to take out, as the person calls it."""
    with_exercise: ExerciseRef
    """The exercise to put in its place, as the person calls it."""
    sets: SetsPerSession | None = None
    """New number of sets; omit to keep the current number."""


class ChangeSets(_Operation):
    """Change the sets, rep range or target RIR of an exercise in a session."""

    op: Literal["change_sets"]
    """Operation kind."""
    session: SessionRef
    """Session name (e.g. "Upper A") or its weekday (e.g. "monday")."""
    exercise: ExerciseRef
    """The exercise to change, as the person calls it."""
    sets: SetsPerSession | None = None
    """New number of working sets; omit to keep."""
    rep_min: Reps | None = None
    """New bottom of the rep range; omit to keep."""
    rep_max: Reps | None = None
    """New top of the rep range; omit to keep."""
    target_rir: TargetRir | None = None
    """New reps in reserve; omit to keep."""

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if self.sets is None and self.rep_min is None and self.rep_max is None and self.target_rir is None:
            raise ValueError("give at least one of sets, rep_min, rep_max or target_rir")
        return self


class MoveSession(_Operation):
    """Move a session to another day: a weekday for weekly programs, a day index for cyclic ones."""

    op: Literal["move_session"]
    """Operation kind."""
    session: SessionRef
    """Session name (e.g. "Upper A") or its current weekday (e.g. "monday")."""
    weekday: Weekday | None = None
    """The new weekday (weekly programs)."""
    day_index: Annotated[int, Field(ge=0, le=30)] | None = None
    """The new day in the cycle, 0 = first day (cyclic programs)."""

    @model_validator(mode="after")
    def _one_day(self) -> Self:
        if (self.weekday is None) == (self.day_index is None):
            raise ValueError("give either weekday or day_index")
        return self


class RemoveSession(_Operation):
    """Remove a whole session and its exercises (needs approval)."""

    op: Literal["remove_session"]
    """Operation kind."""
    session: SessionRef
    """Session name (e.g. "Upper A") or its weekday (e.g. "monday")."""


class Rename(_Operation):
    """Rename the program."""

    op: Literal["rename"]
    """Operation kind."""
    name: Annotated[str, Field(min_length=1, max_length=80)]
    """The program's new name."""


class Undo(_Operation):
    """Go back to the version the current one was made from (needs approval; must be the only operation)."""

    op: Literal["undo"]
    """Operation kind."""


EditOperation = Annotated[
    AddExercise | RemoveExercise | ReplaceExercise | ChangeSets | MoveSession | RemoveSession | Rename | Undo,
    Field(discriminator="op"),
]

DESTRUCTIVE = frozenset({"remove_exercise", "replace_exercise", "remove_session", "undo"})
"""Operations that lose something the person set up, so they are applied only once approved."""


class EditError(ValueError):
    """An operation that does not fit the program; the message says what would."""


@dataclass(frozen=True)
class Catalog:
    """The exercise library, for resolving what people type and naming ids."""

    exercises: tuple[Exercise, ...]
    by_id: Mapping[str, Exercise]

    @classmethod
    def of(cls, exercises: tuple[Exercise, ...]) -> Catalog:
        """Index a library by id."""
        return cls(exercises, {exercise.id: exercise for exercise in exercises})

    def find(self, text: str) -> Exercise:
        """The exercise the text names, or EditError with close matches."""
        found = resolve(self.exercises, text)
        if found is not None:
            return found
        close = suggest(self.exercises, text)
        hint = f"close matches: {', '.join(close)}" if close else "ask the person which exercise they mean"
        raise EditError(f"no exercise matches {text!r}; {hint}")

    def name(self, exercise_id: str) -> str:
        """The exercise's display name (its id when the library no longer has it)."""
        found = self.by_id.get(exercise_id)
        return exercise_id if found is None else found.name


def is_destructive(operations: Iterable[EditOperation]) -> bool:
    """Whether any operation removes or replaces something."""
    return any(operation.op in DESTRUCTIVE for operation in operations)


def as_draft(program: ProgramDraft) -> ProgramDraft:
    """The editable content of a program version (drops its id, number and dates)."""
    return ProgramDraft.model_validate(program.model_dump(include=set(ProgramDraft.model_fields)))


def apply_operations(
    draft: ProgramDraft, operations: Sequence[EditOperation], catalog: Catalog
) -> tuple[ProgramDraft, list[str]]:
    """Apply operations in order; return the validated new draft and one diff line per effective change.

    Raises:
        EditError: Naming the first operation that does not fit, and why.

    """
    lines: list[str] = []
    for number, operation in enumerate(operations, 1):
        try:
            draft, line = _apply(draft, operation, catalog)
        except EditError as exc:
            raise EditError(f"operation {number} ({operation.op}): {exc}") from None
        lines.extend([line] if line else [])
    return _validated(ProgramDraft, draft.model_dump()), lines


def _apply(draft: ProgramDraft, operation: EditOperation, catalog: Catalog) -> tuple[ProgramDraft, str | None]:
    match operation:
        case AddExercise():
            return _add(draft, operation, catalog)
        case RemoveExercise():
            return _remove(draft, operation, catalog)
        case ReplaceExercise():
            return _replace(draft, operation, catalog)
        case ChangeSets():
            return _change(draft, operation, catalog)
        case MoveSession():
            return _move(draft, operation)
        case RemoveSession():
            index = _session_index(draft, operation.session)
            removed = draft.sessions[index]
            line = f"removed session {_label(removed)} with {_names(removed, catalog)}"
            return _with_sessions(draft, draft.sessions[:index] + draft.sessions[index + 1 :]), line
        case Rename():
            line = None if operation.name == draft.name else f'renamed the program "{draft.name}" to "{operation.name}"'
            return draft.model_copy(update={"name": operation.name}), line
        case Undo():
            raise EditError("undo must be the only operation in its call")


def _add(draft: ProgramDraft, op: AddExercise, catalog: Catalog) -> tuple[ProgramDraft, str]:
    index = _session_index(draft, op.session)
    session = draft.sessions[index]
    exercise = catalog.find(op.exercise)
    _ensure_absent(session, exercise)
    values = op.model_dump(include={"sets", "rep_min", "rep_max", "target_rir"})
    planned = _validated(PlannedExercise, {**values, "exercise_id": exercise.id})
    exercises = list(session.exercises)
    exercises.insert(len(exercises) if op.position is None else op.position - 1, planned)
    line = f"{session.name}: added {exercise.name} {prescription(planned)}"
    return _with_exercises(draft, index, exercises), line


def _remove(draft: ProgramDraft, op: RemoveExercise, catalog: Catalog) -> tuple[ProgramDraft, str]:
    index, at = _locate(draft, op.session, op.exercise, catalog)
    session = draft.sessions[index]
    exercises = list(session.exercises)
    removed = exercises.pop(at)
    return _with_exercises(draft, index, exercises), f"{session.name}: removed {catalog.name(removed.exercise_id)}"


def _replace(draft: ProgramDraft, op: ReplaceExercise, catalog: Catalog) -> tuple[ProgramDraft, str]:
    index, at = _locate(draft, op.session, op.exercise, catalog)
    session = draft.sessions[index]
    old = session.exercises[at]
    new_exercise = catalog.find(op.with_exercise)
    if new_exercise.id == old.exercise_id:
        raise EditError(f"{new_exercise.name} would replace itself; name a different exercise")
    _ensure_absent(session, new_exercise)
    new = _validated(PlannedExercise, {**old.model_dump(), "exercise_id": new_exercise.id, "sets": op.sets or old.sets})
    exercises = list(session.exercises)
    exercises[at] = new
    line = f"{session.name}: replaced {catalog.name(old.exercise_id)} with {new_exercise.name}"
    if new.sets != old.sets:
        line += f", {old.sets} -> {new.sets} sets"
    return _with_exercises(draft, index, exercises), line


def _change(draft: ProgramDraft, op: ChangeSets, catalog: Catalog) -> tuple[ProgramDraft, str | None]:
    index, at = _locate(draft, op.session, op.exercise, catalog)
    session = draft.sessions[index]
    old = session.exercises[at]
    new = _validated(
        PlannedExercise, {**old.model_dump(), **op.model_dump(exclude={"op", "session", "exercise"}, exclude_none=True)}
    )
    exercises = list(session.exercises)
    exercises[at] = new
    return _with_exercises(draft, index, exercises), change_line(session.name, catalog.name(old.exercise_id), old, new)


def _move(draft: ProgramDraft, op: MoveSession) -> tuple[ProgramDraft, str | None]:
    if draft.kind == "weekly" and op.weekday is None:
        raise EditError("this is a weekly program: give a weekday, not a day index")
    if draft.kind == "cyclic" and op.day_index is None:
        raise EditError("this is a cyclic program: give a day index, not a weekday")
    index = _session_index(draft, op.session)
    old = draft.sessions[index]
    weekday = None if op.weekday is None else WEEKDAYS.index(op.weekday)
    new = old.model_copy(update={"weekday": weekday, "day_index": op.day_index})
    sessions = (*draft.sessions[:index], new, *draft.sessions[index + 1 :])
    line = None if new == old else f"{old.name}: moved from {day_of(old)} to {day_of(new)}"
    return _with_sessions(draft, sessions), line


def _session_index(draft: ProgramDraft, text: str) -> int:
    wanted = text.strip().casefold()
    for index, session in enumerate(draft.sessions):
        if session.name.casefold() == wanted:
            return index
    day = _DAY_NUMBERS.get(wanted)
    on_day = [index for index, session in enumerate(draft.sessions) if day is not None and session.weekday == day]
    if len(on_day) == 1:
        return on_day[0]
    options = ", ".join(_label(session) for session in draft.sessions) or "none"
    if on_day:
        raise EditError(f"several sessions are on {wanted}: {options}; name one")
    raise EditError(f"there is no session {text!r}; the sessions are {options}")


def _locate(draft: ProgramDraft, session_text: str, exercise_text: str, catalog: Catalog) -> tuple[int, int]:
    """The session's index and the exercise's index within it."""
    index = _session_index(draft, session_text)
    session = draft.sessions[index]
    exercise = catalog.find(exercise_text)
    for at, planned in enumerate(session.exercises):
        if planned.exercise_id == exercise.id:
            return index, at
    raise EditError(f"{session.name} has no {exercise.name}; its exercises are {_names(session, catalog)}")


def _ensure_absent(session: ProgramSession, exercise: Exercise) -> None:
    if any(planned.exercise_id == exercise.id for planned in session.exercises):
        raise EditError(f"{session.name} already has {exercise.name}; change its sets instead")


def _with_exercises(draft: ProgramDraft, index: int, exercises: list[PlannedExercise]) -> ProgramDraft:
    session = draft.sessions[index].model_copy(update={"exercises": tuple(exercises)})
    return _with_sessions(draft, (*draft.sessions[:index], session, *draft.sessions[index + 1 :]))


def _with_sessions(draft: ProgramDraft, sessions: tuple[ProgramSession, ...]) -> ProgramDraft:
    return draft.model_copy(update={"sessions": sessions})


def _validated(model: type[_M], values: Mapping[str, Any]) -> _M:
    # model_copy skips validation, so each edited piece is checked here to name what broke.
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        reasons = "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())
        raise EditError(f"the result would not be a valid program: {reasons}") from None


def diff_drafts(old: ProgramDraft, new: ProgramDraft, catalog: Catalog) -> list[str]:
    """Human lines for every difference between two drafts, sessions matched by name."""
    lines = [f'renamed the program "{old.name}" to "{new.name}"'] if old.name != new.name else []
    before = {session.name.casefold(): session for session in old.sessions}
    after = {session.name.casefold(): session for session in new.sessions}
    lines += [f"removed session {_label(s)}" for key, s in before.items() if key not in after]
    for key, session in after.items():
        previous = before.get(key)
        if previous is None:
            lines.append(f"added session {_label(session)} with {_names(session, catalog)}")
        else:
            lines += _session_diff(previous, session, catalog)
    return lines


def _session_diff(old: ProgramSession, new: ProgramSession, catalog: Catalog) -> list[str]:
    lines = [f"{new.name}: moved from {day_of(old)} to {day_of(new)}"] if day_of(old) != day_of(new) else []
    before = {planned.exercise_id: planned for planned in old.exercises}
    after = {planned.exercise_id: planned for planned in new.exercises}
    lines += [f"{new.name}: removed {catalog.name(key)}" for key in before if key not in after]
    for key, planned in after.items():
        previous = before.get(key)
        if previous is None:
            lines.append(f"{new.name}: added {catalog.name(key)} {prescription(planned)}")
        elif line := change_line(new.name, catalog.name(key), previous, planned):
            lines.append(line)
    return lines


def change_line(session: str, exercise: str, old: PlannedExercise, new: PlannedExercise) -> str | None:
    """E.g. "Upper A: Bench Press 3 -> 4 sets, reps 8-12 -> 6-10"; None when nothing changed."""
    parts: list[str] = []
    if old.sets != new.sets:
        parts.append(f"{old.sets} -> {new.sets} sets")
    if (old.rep_min, old.rep_max) != (new.rep_min, new.rep_max):
        parts.append(f"reps {rep_range(old)} -> {rep_range(new)}")
    if old.target_rir != new.target_rir:
        parts.append(f"RIR {old.target_rir} -> {new.target_rir}")
    return f"{session}: {exercise} {', '.join(parts)}" if parts else None


def prescription(planned: PlannedExercise) -> str:
    """E.g. "3 x 8-12 @ RIR 2"."""
    return f"{planned.sets} x {rep_range(planned)} @ RIR {planned.target_rir}"


def rep_range(planned: PlannedExercise) -> str:
    """E.g. "8-12", or "5" for a fixed target."""
    return str(planned.rep_min) if planned.rep_min == planned.rep_max else f"{planned.rep_min}-{planned.rep_max}"


def day_of(session: ProgramSession) -> str:
    """The session's weekday name, or "day index N" in a cyclic program."""
    return WEEKDAYS[session.weekday] if session.weekday is not None else f"day index {session.day_index}"


def _label(session: ProgramSession) -> str:
    return f"{session.name} ({day_of(session)})"


def _names(session: ProgramSession, catalog: Catalog) -> str:
    return ", ".join(catalog.name(planned.exercise_id) for planned in session.exercises) or "no exercises"
