"""Training: logged sets, weekly volume, the exercise library and the program with its approval step."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_ai import ApprovalRequired

from coach.api import errors
from coach.api.deps import NO_NUL, CoachDepsDep, CurrentUser, Page, PageDep, StoreDep, page_of, run_tool
from coach.api.errors import ApiError, not_found
from stores.base import UnknownExerciseError
from stores.exercises import load_library, suggest
from stores.records import Exercise, LoggedSet, Muscle, ProgramDraft, SetType
from tools._program_ops import Catalog, EditOperation, diff_drafts
from tools.program import ProgramEdit, ProgramView
from tools.volume import VolumeReport, WorkoutLogged

router = APIRouter(prefix="/v1", tags=["training"])

APPROVAL_NEEDED = "approval_required"


class WorkoutLog(BaseModel):
    """Identical sets of one exercise, done now."""

    model_config = ConfigDict(extra="forbid")

    exercise: Annotated[str, Field(min_length=1, max_length=80, pattern=NO_NUL)] = Field(
        description='As people say it: "bench", "RDL", "incline dumbbell press".'
    )
    sets: Annotated[int, Field(ge=1, le=20)]
    reps: Annotated[int, Field(ge=1, le=100)]
    weight_kg: Annotated[float, Field(ge=0, le=1000)]
    rir: Annotated[float, Field(ge=0, le=10)] | None = None
    rpe: Annotated[float, Field(ge=1, le=10)] | None = None
    set_type: SetType = "working"


class ProgramEdits(BaseModel):
    """Edits to the current program; destructive ones need `approve: true`."""

    model_config = ConfigDict(extra="forbid")

    operations: Annotated[list[EditOperation], Field(min_length=1, max_length=10)]
    reason: Annotated[str, Field(max_length=300, pattern=NO_NUL)] = ""
    approve: bool = Field(default=False, description="Apply removals and replacements (after showing the diff).")
    version_id: int | None = Field(
        default=None, description="The version the diff was made against (from the 409); refused if it changed."
    )


class Undo(BaseModel):
    """Restore the version the current program was made from."""

    model_config = ConfigDict(extra="forbid")

    approve: bool = False
    version_id: int | None = None


class ProgramPut(BaseModel):
    """A whole program; replacing an existing one needs `approve: true`."""

    model_config = ConfigDict(extra="forbid")

    program: ProgramDraft
    approve: bool = False

    @model_validator(mode="after")
    def _no_nul(self) -> ProgramPut:
        if "\\u0000" in self.program.model_dump_json():
            raise ValueError("text may not contain NUL characters")
        return self


@router.get("/workouts", response_model=Page[LoggedSet], responses=errors.responses())
async def list_sets(user: CurrentUser, store: StoreDep, page: PageDep) -> Page[LoggedSet]:
    """The user's logged sets, latest first."""
    items, total = await store.list_sets(user.id, limit=page.per_page, offset=page.offset)
    return page_of(items, total, page)


@router.post("/workouts", status_code=201, response_model=WorkoutLogged, responses=errors.responses())
async def log_workout(body: WorkoutLog, deps: CoachDepsDep) -> WorkoutLogged:
    """Log sets; the answer has a strength estimate and this week's volume for the main muscles."""
    return await run_tool(deps, "log_workout", body.model_dump(), refused=(422, "unknown_exercise"))


@router.get("/volume", response_model=VolumeReport, responses=errors.responses())
async def volume(
    deps: CoachDepsDep,
    weeks: Annotated[int, Query(ge=1, le=12, description="Calendar weeks, this one included.")] = 1,
    weeks_ago: Annotated[int, Query(ge=0, le=52, description="End this many weeks back.")] = 0,
    muscle: Annotated[Muscle | None, Query(description="One muscle; omit for every trained muscle.")] = None,
) -> VolumeReport:
    """Weekly working sets per muscle (fractional), against MEV and MRV."""
    args: dict[str, Any] = {"weeks": weeks, "weeks_ago": weeks_ago, "muscle": muscle}
    return await run_tool(deps, "get_volume_by_muscle", args)


@router.get("/exercises", response_model=Page[Exercise], responses=errors.responses())
async def exercises(
    user: CurrentUser,
    store: StoreDep,
    page: PageDep,
    search: Annotated[
        str | None, Query(max_length=100, pattern=NO_NUL, description="Name, alias or abbreviation.")
    ] = None,
) -> Page[Exercise]:
    """The exercise library, or the exercises matching a search, best first."""
    found = await store.search_exercises(search, limit=100) if search and search.strip() else list(load_library())
    return page_of(found[page.offset : page.offset + page.per_page], len(found), page)


@router.get("/program", response_model=ProgramView, responses=errors.responses())
async def program(deps: CoachDepsDep) -> ProgramView:
    """The current program, with projected weekly sets per muscle (`has_program: false` without one)."""
    return await run_tool(deps, "get_program", {})


@router.put("/program", response_model=ProgramView, responses=errors.responses(409))
async def put_program(body: ProgramPut, deps: CoachDepsDep) -> ProgramView:
    """Set the whole program as a new version (replacing one needs `approve: true`; 409 shows the diff)."""
    library = load_library()
    known = {exercise.id for exercise in library}
    for session in body.program.sessions:
        for planned in session.exercises:
            if planned.exercise_id not in known:
                raise UnknownExerciseError(planned.exercise_id, suggest(library, planned.exercise_id))
    current = await deps.store.program(deps.user_id)
    if current is not None and not body.approve:
        diff = diff_drafts(current, body.program, Catalog.of(library))
        details = {"diff": diff, "version_id": current.id}
        raise ApiError(409, APPROVAL_NEEDED, "Replacing the program needs `approve: true`.", details)
    parent = None if current is None else current.id
    await deps.store.save_program_version(deps.user_id, body.program, parent_id=parent)
    return await run_tool(deps, "get_program", {})


@router.post("/program/edits", response_model=ProgramEdit, responses=errors.responses(404, 409))
async def edit_program(body: ProgramEdits, deps: CoachDepsDep) -> ProgramEdit:
    """Edit the program as a new version; removals and replacements answer 409 with the diff until approved."""
    args = {"operations": [op.model_dump() for op in body.operations], "reason": body.reason}
    return await _edit(deps, args, body.approve, body.version_id, refused=(422, "invalid_edit"))


@router.post("/program/undo", response_model=ProgramEdit, responses=errors.responses(404, 409))
async def undo(deps: CoachDepsDep, body: Undo | None = None) -> ProgramEdit:
    """Go back to the version the current one was made from (needs `approve: true`)."""
    body = body or Undo()
    return await _edit(deps, {"operations": [{"op": "undo"}]}, body.approve, body.version_id, (409, "nothing_to_undo"))


async def _edit(
    deps: CoachDepsDep, args: dict[str, Any], approve: bool, version_id: int | None, refused: tuple[int, str]
) -> ProgramEdit:
    current = await deps.store.program(deps.user_id)
    if current is None:
        raise not_found("The program")
    if version_id is not None and version_id != current.id:
        raise ApiError(409, "conflict", "The program changed since that diff was made; ask for a new one.")
    try:
        return await run_tool(deps, "edit_program", args, refused=refused, approved=approve)
    except ApprovalRequired as pending:
        details = dict(pending.metadata or {})
        message = "This edit removes or replaces something; send it again with `approve: true` to apply it."
        raise ApiError(409, APPROVAL_NEEDED, message, details) from None
