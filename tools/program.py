"""Program tools: show the current program, and edit it as a diff the person approves before anything is lost.

People distrust a coach that silently rewrites their program, so edits that remove or replace something
(and undo) stop with `ApprovalRequired`, carrying the diff and the volume change for the client to show;
the run resumes with the person's answer. Every edit saves a new version, so undo can go back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from pydantic_ai import ApprovalRequired, FunctionToolset, ModelRetry, RunContext

from stores.exercises import load_library
from stores.records import MUSCLES, Muscle, ProgramDraft, ProgramSession, ProgramVersion
from tools._program_ops import (
    WEEKDAYS,
    Catalog,
    EditError,
    EditOperation,
    Undo,
    Weekday,
    apply_operations,
    as_draft,
    diff_drafts,
    is_destructive,
)
from tools.deps import CoachDeps, ToolResult
from tools.landmarks import VolumeStatus, landmarks_for, status
from tools.volume_math import planned_volume
from tools.wording import muscle_label, number, status_text

toolset = FunctionToolset[CoachDeps](docstring_format="google", require_parameter_descriptions=True)

_TOP_MUSCLES = 5


class PlannedView(BaseModel):
    """One exercise of a session."""

    exercise_id: str
    exercise: str
    sets: int
    rep_min: int
    rep_max: int
    target_rir: int


class SessionView(BaseModel):
    """One session: on a weekday (weekly programs) or a day index (cyclic ones)."""

    name: str
    weekday: Weekday | None
    day_index: int | None
    exercises: list[PlannedView]


class PlannedMuscle(BaseModel):
    """Projected working sets per week for one muscle, with its landmark status."""

    muscle: Muscle
    sets_per_week: float
    status: VolumeStatus


class ProgramView(ToolResult):
    """The person's current program version."""

    has_program: bool
    version_id: int | None = None
    number: int | None = None
    """Version number, 1 for the first."""
    name: str | None = None
    kind: Literal["weekly", "cyclic"] | None = None
    sessions: list[SessionView] = Field(default_factory=list[SessionView])
    weekly_volume: list[PlannedMuscle] = Field(default_factory=list[PlannedMuscle])
    """Trained muscles, most sets first."""


class ProgramEdit(ToolResult):
    """A saved edit (or undo) and what it changed."""

    version_id: int
    """The version that is current now."""
    number: int
    parent_id: int | None
    """The version the current one was made from."""
    previous_version_id: int
    """The version that was current before this edit."""
    name: str
    diff: list[str]
    volume_before: dict[Muscle, float]
    """Projected weekly sets before the edit, for the muscles it changes."""
    volume_after: dict[Muscle, float]
    warnings: list[str]
    """Muscles the edit pushes above their MRV."""
    reason: str


@toolset.tool
async def get_program(ctx: RunContext[CoachDeps]) -> ProgramView:
    """The person's current training program: sessions, exercises, and projected weekly sets per muscle."""
    current = await ctx.deps.store.program(ctx.deps.user_id)
    if current is None:
        return ProgramView(has_program=False, summary="You have no training program yet.")
    catalog = _catalog()
    volume = _projected_volume(current, catalog)
    trained = (PlannedMuscle(muscle=m, sets_per_week=volume[m], status=status(m, volume[m])) for m in MUSCLES)
    view = ProgramView(
        has_program=True,
        version_id=current.id,
        number=current.number,
        name=current.name,
        kind=current.kind,
        sessions=[_session_view(session, catalog) for session in current.sessions],
        weekly_volume=sorted((row for row in trained if row.sets_per_week > 0), key=lambda row: -row.sets_per_week),
        summary="",
    )
    return view.model_copy(update={"summary": _view_summary(view)})


@toolset.tool(sequential=True)
async def edit_program(
    ctx: RunContext[CoachDeps],
    operations: Annotated[list[EditOperation], Field(min_length=1, max_length=10)],
    reason: Annotated[str, Field(max_length=300)] = "",
) -> ProgramEdit:
    """Change the person's training program; every change is saved as a new version.

    Removing or replacing exercises, removing sessions and undo are first shown to the person as a
    diff, and happen only if they approve.

    Args:
        operations: The changes, applied in order.
        reason: Why, in one short sentence the person will see with the diff.

    """
    current = await ctx.deps.store.program(ctx.deps.user_id)
    if current is None:
        raise ModelRetry("The person has no program yet, so there is nothing to edit; tell them so.")
    if any(isinstance(operation, Undo) for operation in operations):
        return await _undo(ctx, current, len(operations), reason)
    catalog = _catalog()
    try:
        draft, diff = apply_operations(as_draft(current), operations, catalog)
    except EditError as exc:
        raise ModelRetry(f"Nothing was changed: {exc}.") from None
    if draft == as_draft(current):
        raise ModelRetry("These operations leave the program as it is; nothing was changed.")
    shift = _volume_shift(current, draft, catalog)
    _await_approval(ctx, is_destructive(operations), current, diff, shift, reason)
    saved = await ctx.deps.store.save_program_version(ctx.deps.user_id, draft, parent_id=current.id)
    return _edit_result("Saved", saved, current, diff, shift, reason)


async def _undo(ctx: RunContext[CoachDeps], current: ProgramVersion, operations: int, reason: str) -> ProgramEdit:
    if operations > 1:
        raise ModelRetry("Undo must be the only operation in its call; nothing was changed.")
    if current.parent_id is None:
        raise ModelRetry("This is the program's first version, so there is nothing to undo; tell the person.")
    versions = await ctx.deps.store.program_versions(ctx.deps.user_id)
    parent = next((version for version in versions if version.id == current.parent_id), None)
    if parent is None:
        raise ModelRetry("The version this one was made from is missing, so undo is not possible; tell the person.")
    catalog = _catalog()
    diff = [f"undo version {current.number}", *diff_drafts(current, parent, catalog)]
    shift = _volume_shift(current, parent, catalog)
    _await_approval(ctx, True, current, diff, shift, reason)
    restored = await ctx.deps.store.activate_program_version(ctx.deps.user_id, parent.id)
    return _edit_result("Restored", restored, current, diff, shift, reason)


def _await_approval(
    ctx: RunContext[CoachDeps],
    destructive: bool,
    current: ProgramVersion,
    diff: list[str],
    shift: _VolumeShift,
    reason: str,
) -> None:
    """Stop for the person's approval of a destructive edit; return once they approved this exact proposal."""
    if not destructive:
        return
    if ctx.tool_call_approved:
        # A client that echoes the request metadata back lets us refuse an approval of a diff that no
        # longer applies because the program changed in between.
        seen: Any = ctx.tool_call_metadata
        if isinstance(seen, dict) and seen.get("version_id", current.id) != current.id:
            raise ModelRetry("The program changed since the person approved this edit; propose it again.")
        return
    ctx.deps.notes.append(f"A program edit is waiting for the person's approval: {'; '.join(diff)}.")
    volume = {m: {"before": shift.before[m], "after": shift.after[m]} for m in shift.before}
    metadata = {"diff": diff, "volume": volume, "warnings": shift.warnings, "reason": reason, "version_id": current.id}
    raise ApprovalRequired(metadata=metadata)


def _edit_result(
    verb: str, current: ProgramVersion, previous: ProgramVersion, diff: list[str], shift: _VolumeShift, reason: str
) -> ProgramEdit:
    volume = ", ".join(
        f"{muscle_label(m)} {number(shift.before[m])} -> {number(sets)}" for m, sets in shift.after.items()
    )
    changes = "; ".join(diff)
    summary = f'{verb} version {current.number} of "{current.name}": {changes}.'
    summary += f" Projected weekly sets: {volume}." if volume else ""
    summary += "".join(f" {warning}" for warning in shift.warnings)
    return ProgramEdit(
        version_id=current.id,
        number=current.number,
        parent_id=current.parent_id,
        previous_version_id=previous.id,
        name=current.name,
        diff=diff,
        volume_before=shift.before,
        volume_after=shift.after,
        warnings=shift.warnings,
        reason=reason,
        summary=summary,
    )


@cache
def _catalog() -> Catalog:
    return Catalog.of(load_library())


def _session_view(session: ProgramSession, catalog: Catalog) -> SessionView:
    return SessionView(
        name=session.name,
        weekday=None if session.weekday is None else WEEKDAYS[session.weekday],
        day_index=session.day_index,
        exercises=[
            PlannedView(exercise=catalog.name(planned.exercise_id), **planned.model_dump())
            for planned in session.exercises
        ],
    )


def _view_summary(view: ProgramView) -> str:
    days = ", ".join(
        f"{s.name} on {s.weekday}" if s.weekday else f"{s.name} on day index {s.day_index}" for s in view.sessions
    )
    top = ", ".join(
        f"{muscle_label(row.muscle)} {number(row.sets_per_week)} ({status_text(row.status)})"
        for row in view.weekly_volume[:_TOP_MUSCLES]
    )
    text = f'Your program is "{view.name}" (version {view.number}, {view.kind}): {days or "no sessions"}.'
    return text + (f" Projected weekly sets: {top}." if top else "")


@dataclass(frozen=True)
class _VolumeShift:
    """Projected weekly sets before and after an edit, for the muscles it changes."""

    before: dict[Muscle, float]
    after: dict[Muscle, float]
    warnings: list[str]
    """One sentence per muscle the edit pushes above its MRV."""


def _projected_volume(draft: ProgramDraft, catalog: Catalog, cycle_days: int | None = None) -> dict[Muscle, float]:
    """Projected weekly sets per muscle (one decimal); exercises the library no longer has are skipped."""
    sessions = [
        session.model_copy(update={"exercises": tuple(p for p in session.exercises if p.exercise_id in catalog.by_id)})
        for session in draft.sessions
    ]
    volume = planned_volume(sessions, catalog.by_id, cycle_days if sessions else None)
    return {muscle: round(sets, 1) for muscle, sets in volume.items()}


def _volume_shift(old: ProgramDraft, new: ProgramDraft, catalog: Catalog) -> _VolumeShift:
    """How an edit moves projected weekly volume, with a warning for each muscle it pushes above MRV."""
    # One cycle length for both sides, so removing a cyclic program's last day does not rescale every muscle.
    days = [s.day_index for s in (*old.sessions, *new.sessions) if s.day_index is not None]
    cycle = max(days) + 1 if days else None
    before = _projected_volume(old, catalog, cycle if old.kind == "cyclic" else None)
    after = _projected_volume(new, catalog, cycle if new.kind == "cyclic" else None)
    changed: list[Muscle] = [muscle for muscle in MUSCLES if before[muscle] != after[muscle]]
    warnings = [
        _mrv_warning(m, after[m]) for m in changed if after[m] > before[m] and status(m, after[m]) == "above_mrv"
    ]
    return _VolumeShift({m: before[m] for m in changed}, {m: after[m] for m in changed}, warnings)


def _mrv_warning(muscle: Muscle, sets: float) -> str:
    mrv = landmarks_for(muscle).mrv
    return (
        f"{muscle_label(muscle).capitalize()} would get {number(sets)} sets per week, above its MRV of {number(mrv)}."
    )
