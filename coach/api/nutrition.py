"""Fasting and meals: the coach's own tools and store methods, called without a model."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from coach.api import errors
from coach.api.deps import NO_NUL, CoachDepsDep, CurrentUser, Page, PageDep, StoreDep, page_of, run_tool
from stores.base import ConflictError
from stores.records import Fast, FastProtocol, Meal, MealType
from tools.fasting import FastEnded, FastStatus
from tools.fasting_stages import MAX_CUSTOM_HOURS
from tools.meals import MAX_DAYS, MealHistory, MealLogged

router = APIRouter(prefix="/v1", tags=["nutrition"])

Day = Annotated[date, Field(ge=date(1970, 1, 1), le=date(2100, 12, 31))]
Item = Annotated[str, Field(min_length=1, max_length=120, pattern=NO_NUL)]


class FastStart(BaseModel):
    """A fast to start."""

    model_config = ConfigDict(extra="forbid")

    protocol: FastProtocol = "16:8"
    hours: Annotated[float, Field(ge=1, le=MAX_CUSTOM_HOURS)] | None = Field(
        default=None, description="Length of a custom fast in hours; only with protocol `custom`."
    )
    started_hours_ago: Annotated[float, Field(ge=0, le=24)] = 0


class FastEnd(BaseModel):
    """How the running fast ends."""

    model_config = ConfigDict(extra="forbid")

    abandon: bool = Field(default=False, description="Record it as abandoned rather than completed.")


class MealLog(BaseModel):
    """A meal to log."""

    model_config = ConfigDict(extra="forbid")

    items: Annotated[list[Item], Field(min_length=1, max_length=20)]
    kcal: Annotated[float, Field(ge=0, le=5000)]
    protein_g: Annotated[float, Field(ge=0, le=500)] = 0
    carbs_g: Annotated[float, Field(ge=0, le=1000)] = 0
    fat_g: Annotated[float, Field(ge=0, le=500)] = 0
    fiber_g: Annotated[float, Field(ge=0, le=200)] = 0
    meal_type: MealType | None = Field(default=None, description="Omit to pick it from the time eaten.")
    eaten_hours_ago: Annotated[float, Field(ge=0, le=48)] = 0
    notes: Annotated[str, Field(max_length=500, pattern=NO_NUL)] = ""


@router.get("/fasts", response_model=Page[Fast], responses=errors.responses())
async def list_fasts(user: CurrentUser, store: StoreDep, page: PageDep) -> Page[Fast]:
    """The user's fasts, latest first."""
    items, total = await store.list_fasts(user.id, limit=page.per_page, offset=page.offset)
    return page_of(items, total, page)


@router.post("/fasts", status_code=201, response_model=FastStatus, responses=errors.responses(409))
async def start_fast(body: FastStart, deps: CoachDepsDep) -> FastStatus:
    """Start a fast (409 while another is running)."""
    if await deps.store.active_fast(deps.user_id) is not None:
        raise ConflictError("a fast is already running; end it before starting another")
    return await run_tool(deps, "start_fast", body.model_dump())


@router.get("/fasts/active", response_model=FastStatus, responses=errors.responses())
async def active_fast(deps: CoachDepsDep) -> FastStatus:
    """The running fast with its elapsed time and stage, or `active: false`."""
    return await run_tool(deps, "get_active_fast", {})


@router.post("/fasts/active/end", response_model=FastEnded, responses=errors.responses(404))
async def end_fast(deps: CoachDepsDep, body: FastEnd | None = None) -> FastEnded:
    """End the running fast (404 when none is running)."""
    args = (body or FastEnd()).model_dump()
    return await run_tool(deps, "end_fast", args, refused=(404, "not_found"))


@router.get("/meals", response_model=Page[Meal], responses=errors.responses())
async def list_meals(user: CurrentUser, store: StoreDep, page: PageDep) -> Page[Meal]:
    """The user's meals, latest first."""
    items, total = await store.list_meals(user.id, limit=page.per_page, offset=page.offset)
    return page_of(items, total, page)


@router.post("/meals", status_code=201, response_model=MealLogged, responses=errors.responses())
async def log_meal(body: MealLog, deps: CoachDepsDep) -> MealLogged:
    """Log a meal; the answer includes the day's totals after it."""
    return await run_tool(deps, "log_meal", body.model_dump())


@router.get("/meals/daily", response_model=MealHistory, responses=errors.responses())
async def daily_totals(
    deps: CoachDepsDep,
    first: Annotated[Day | None, Query(alias="from", description="First local day; default today.")] = None,
    last: Annotated[Day | None, Query(alias="to", description=f"Last day, included; at most {MAX_DAYS} days.")] = None,
) -> MealHistory:
    """Calories and macros per local day against the user's goals."""
    return await run_tool(deps, "get_meal_history", {"start": first, "end": last})
