"""The account: profile and quota, settings, usage and cost, export of everything, and erasure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from coach.api import errors, quotas
from coach.api.conversations import ConversationSummary, summary_of
from coach.api.deps import NO_NUL, CurrentUser, ServicesDep, StoreDep
from coach.api.errors import ApiError
from coach.api.nutrition import Day
from stores.base import Store
from stores.records import Fast, Goals, LoggedSet, Meal, Memory, ProgramVersion, Role, TimeZoneName, Units, User

router = APIRouter(prefix="/v1", tags=["account"])

T = TypeVar("T")
EXPORT_PAGE = 500
MAX_USAGE_DAYS = 366
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FAR_FUTURE = datetime(2200, 1, 1, tzinfo=UTC)


class Profile(User):
    """The user's profile, with what is left of their quota."""

    quota: quotas.Quota


class GoalsPatch(BaseModel):
    """Goals to change; omitted ones stay."""

    model_config = ConfigDict(extra="forbid")

    daily_kcal: Annotated[int, Field(ge=1200, le=6000)] | None = None
    protein_g: Annotated[int, Field(ge=0, le=400)] | None = None
    target_weight_kg: Annotated[float, Field(gt=25, lt=350)] | None = None


class ProfilePatch(BaseModel):
    """Profile fields to change; omitted ones stay."""

    model_config = ConfigDict(extra="forbid")

    display_name: Annotated[str, Field(min_length=1, max_length=80, pattern=NO_NUL)] | None = None
    timezone: Annotated[TimeZoneName, Field(max_length=64, pattern=NO_NUL)] | None = Field(
        default=None, description="An IANA timezone, e.g. `Europe/London`."
    )
    units: Units | None = None
    goals: GoalsPatch | None = None


class ModelUsage(BaseModel):
    """Tokens and cost for one model."""

    model: str
    turns: int = Field(description="Turns that reached this model.")
    requests: int
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal | None = Field(description="Null when no request had a known price (the offline model).")


class UsageReport(BaseModel):
    """Usage over local-independent UTC days [from, to]."""

    first: date = Field(serialization_alias="from")
    last: date = Field(serialization_alias="to")
    turns: int
    requests: int
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal | None
    by_model: list[ModelUsage]


class ExportedMessage(BaseModel):
    """A stored message."""

    role: Role
    text: str
    created_at: datetime


class ExportedConversation(ConversationSummary):
    """A conversation with every stored message."""

    messages: list[ExportedMessage]


class Export(BaseModel):
    """Everything stored about the user."""

    exported_at: datetime
    user: User
    conversations: list[ExportedConversation]
    fasts: list[Fast]
    sets: list[LoggedSet]
    meals: list[Meal]
    program_versions: list[ProgramVersion]
    memories: list[Memory]
    usage: list[ModelUsage]


@router.get("/me", response_model=Profile, responses=errors.responses())
async def me(user: CurrentUser, found: ServicesDep) -> Profile:
    """The user's profile, tier and remaining AI messages."""
    allowance = await quotas.quota(found.store, user, found.settings, found.clock())
    return Profile(**user.model_dump(), quota=allowance)


@router.patch("/me", response_model=Profile, responses=errors.responses())
async def update_me(body: ProfilePatch, user: CurrentUser, found: ServicesDep) -> Profile:
    """Change the timezone, units, display name or goals."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"goals"})
    if body.goals is not None:
        goals = user.goals.model_dump() | body.goals.model_dump(exclude_unset=True)
        changes["goals"] = Goals.model_validate(goals)
    updated = await found.store.update_user(User.model_validate(user.model_dump() | changes))
    allowance = await quotas.quota(found.store, updated, found.settings, found.clock())
    return Profile(**updated.model_dump(), quota=allowance)


@router.get("/usage", response_model=UsageReport, response_model_by_alias=True, responses=errors.responses())
async def usage(
    user: CurrentUser,
    found: ServicesDep,
    first: Annotated[
        Day | None, Query(alias="from", description="First UTC day; default the 1st of this month.")
    ] = None,
    last: Annotated[Day | None, Query(alias="to", description="Last UTC day, included; default today.")] = None,
) -> UsageReport:
    """Tokens and cost by model over a range of days (at most 366)."""
    today = found.clock().astimezone(UTC).date()
    last = last or today
    first = first or min(today.replace(day=1), last)
    if last < first or (last - first).days >= MAX_USAGE_DAYS:
        raise ApiError(422, "validation_error", f"Give `from` on or before `to`, at most {MAX_USAGE_DAYS} days apart.")
    start = datetime.combine(first, time(), UTC)
    end = datetime.combine(last + timedelta(days=1), time(), UTC)
    by_model = await _usage_by_model(found.store, user.id, start, end)
    return UsageReport(
        first=first,
        last=last,
        turns=sum(m.turns for m in by_model),
        requests=sum(m.requests for m in by_model),
        input_tokens=sum(m.input_tokens for m in by_model),
        output_tokens=sum(m.output_tokens for m in by_model),
        cost_usd=_sum_costs(m.cost_usd for m in by_model),
        by_model=by_model,
    )


@router.get("/me/export", response_model=Export, responses=errors.responses())
async def export(user: CurrentUser, found: ServicesDep) -> Export:
    """Everything stored about the user, as one JSON document."""
    store, uid = found.store, user.id
    conversations: list[ExportedConversation] = []
    for summary in await _all(lambda limit, offset: store.conversations(uid, limit, offset)):
        full = await store.conversation(uid, summary.id)
        rows = full.messages if full else ()
        messages = [ExportedMessage(role=m.role, text=m.text, created_at=m.created_at) for m in rows]
        conversations.append(ExportedConversation(**summary_of(summary).model_dump(), messages=messages))
    return Export(
        exported_at=found.clock(),
        user=user,
        conversations=conversations,
        fasts=await _all(lambda limit, offset: store.list_fasts(uid, limit, offset)),
        sets=await _all(lambda limit, offset: store.list_sets(uid, limit, offset)),
        meals=await _all(lambda limit, offset: store.list_meals(uid, limit, offset)),
        program_versions=await store.program_versions(uid),
        memories=await _all(lambda limit, offset: store.list_memories(uid, limit, offset)),
        usage=await _usage_by_model(store, uid, _EPOCH, _FAR_FUTURE),
    )


@router.delete("/me", status_code=204, response_class=Response, responses=errors.responses())
async def delete_me(user: CurrentUser, store: StoreDep) -> Response:
    """Erase the user and everything they own, in one transaction."""
    await store.delete_user(user.id)
    return Response(status_code=204)


async def _all(fetch: Callable[[int, int], Awaitable[tuple[list[T], int]]]) -> list[T]:
    items: list[T] = []
    while True:
        page, total = await fetch(EXPORT_PAGE, len(items))
        items.extend(page)
        if not page or len(items) >= total:
            return items


async def _usage_by_model(store: Store, user_id: str, start: datetime, end: datetime) -> list[ModelUsage]:
    rows: dict[str, ModelUsage] = {}
    for record in await store.usage_between(user_id, start, end):
        row = rows.setdefault(
            record.model,
            ModelUsage(model=record.model, turns=0, requests=0, input_tokens=0, output_tokens=0, cost_usd=None),
        )
        row.turns += 1
        row.requests += record.requests
        row.input_tokens += record.input_tokens
        row.output_tokens += record.output_tokens
        row.cost_usd = _sum_costs((row.cost_usd, record.cost_usd))
    return sorted(rows.values(), key=lambda row: row.model)


def _sum_costs(costs: Any) -> Decimal | None:
    known = [cost for cost in costs if cost is not None]
    return sum(known, Decimal(0)) if known else None
