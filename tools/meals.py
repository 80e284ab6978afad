"""Nutrition tools: what the user ate (per-day totals against goals, meals, a text search) and logging a meal."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import BaseModel, Field
from pydantic_ai import FunctionToolset, ModelRetry, RunContext

from stores.nutrition import totals_by_day
from stores.records import DayTotals, Goals, Meal, MealIn, MealType
from tools.deps import CoachDeps, ToolResult
from tools.periods import days_window

toolset = FunctionToolset[CoachDeps](docstring_format="google", require_parameter_descriptions=True)

MAX_DAYS = 92
"""Longest history the tool returns in one call (about a quarter)."""

MAX_MEAL_DAYS = 7
"""Ranges up to this many days also list the meals themselves; longer ones only per-day totals."""

MAX_MATCHES = 20

_SEARCH_CAP = 1000
"""Matches counted for a search; the store returns newest first, so a range filter needs headroom."""

Item = Annotated[str, Field(min_length=1, max_length=120)]


class DayRow(BaseModel):
    """One local day's intake against the user's goals (kcal and grams rounded to integers)."""

    day: date
    meals: int
    kcal: int
    protein_g: int
    carbs_g: int
    fat_g: int
    fiber_g: int
    kcal_goal: int | None
    """None in supportive mode, where calorie targets are not discussed (as for the other goal fields)."""
    protein_goal_g: int | None
    kcal_left: int | None
    """Goal minus intake; negative when over the goal."""


class MealRow(BaseModel):
    """A logged meal, compact."""

    id: int
    day: date
    eaten_at: str
    """Local time, HH:MM."""
    meal_type: MealType
    items: list[str]
    kcal: int
    protein_g: int


class MealHistory(ToolResult):
    """Intake over a range of local days, the meals of short ranges, and search matches."""

    first: date | None
    last: date | None
    days: list[DayRow]
    logged_days: int
    """Days in the range with at least one meal."""
    total_meals: int
    avg_kcal: int
    """Average per logged day (days with nothing logged would understate intake)."""
    avg_protein_g: int
    kcal_goal: int | None
    protein_goal_g: int | None
    meals: list[MealRow]
    """The meals themselves, for ranges of up to 7 days."""
    query: str | None
    matches: int
    """Meals matching the query in the range (or ever, without a range)."""
    matching_meals: list[MealRow]
    """Up to 20 matches, newest first."""


class MealLogged(ToolResult):
    """A meal just logged, with its day's totals afterwards."""

    id: int
    eaten_at: datetime
    """In the user's timezone."""
    meal_type: MealType
    items: list[str]
    kcal: int
    protein_g: int
    day: DayRow
    """The meal's local day, totals including this meal."""


@toolset.tool
async def get_meal_history(
    ctx: RunContext[CoachDeps],
    start: date | None = None,
    end: date | None = None,
    query: Annotated[str, Field(min_length=1, max_length=100)] | None = None,
) -> MealHistory:
    """Show what the user ate: calories and macros per day against their goals, and the meals themselves.

    Args:
        start: First day (YYYY-MM-DD, the user's local date). Defaults to today; without it a query searches
            all meals ever logged.
        end: Last day, included. Defaults to `start`; at most 92 days after it.
        query: Text to find in meal items or notes, e.g. "salmon".

    """
    deps = ctx.deps
    ranged = start is not None or end is not None
    first = start or end or deps.today
    last = end or first
    if last < first:
        raise ModelRetry(f"The end date {last} is before the start date {first}; swap them.")
    if (last - first).days + 1 > MAX_DAYS:
        raise ModelRetry(f"That is more than {MAX_DAYS} days; ask for a shorter range, such as one month.")
    if query is not None and not query.strip():
        raise ModelRetry("The query is blank; give a food to search for, or leave it out.")
    if query is not None and not ranged:
        matching = await _search(deps, query, None, None)
        return _history(deps, None, None, [], [], query, matching)
    meals: list[Meal] = []
    if (last - first).days + 1 <= MAX_MEAL_DAYS:
        # One query serves both the meal list and the day totals.
        window = days_window(first, last, deps.user.zone)
        meals = await deps.store.meals_between(deps.user_id, window.start, window.end)
        totals = totals_by_day(meals, first, last, deps.user.zone)
    else:
        totals = await deps.store.daily_totals(deps.user_id, first, last)
    matching = None if query is None else await _search(deps, query, first, last)
    days = [_day_row(day, _goals(deps)) for day in totals]
    return _history(deps, first, last, days, meals, query, matching)


@toolset.tool
async def log_meal(
    ctx: RunContext[CoachDeps],
    items: Annotated[list[Item], Field(min_length=1, max_length=20)],
    kcal: Annotated[float, Field(ge=0, le=5000)],
    protein_g: Annotated[float, Field(ge=0, le=500)] = 0,
    carbs_g: Annotated[float, Field(ge=0, le=1000)] = 0,
    fat_g: Annotated[float, Field(ge=0, le=500)] = 0,
    fiber_g: Annotated[float, Field(ge=0, le=200)] = 0,
    meal_type: MealType | None = None,
    eaten_hours_ago: Annotated[float, Field(ge=0, le=48)] = 0,
    notes: Annotated[str, Field(max_length=500)] = "",
) -> MealLogged:
    """Log a meal the user ate.

    Args:
        items: The foods, one per entry with its amount, e.g. ["2 eggs", "1 slice toast"].
        kcal: Total energy of the meal in kcal.
        protein_g: Protein in grams.
        carbs_g: Carbohydrate in grams.
        fat_g: Fat in grams.
        fiber_g: Fibre in grams.
        meal_type: Breakfast, lunch, dinner or snack; leave out to pick it from the time eaten.
        eaten_hours_ago: How many hours ago the meal was eaten (0 = just now).
        notes: Anything else the user said about the meal.

    """
    deps = ctx.deps
    cleaned = [item.strip() for item in items if item.strip()]
    if not cleaned:
        raise ModelRetry("The items are blank; list the foods eaten, e.g. ['2 eggs', '1 slice toast'].")
    zone = deps.user.zone
    eaten_at = deps.now - timedelta(hours=eaten_hours_ago)
    local = eaten_at.astimezone(zone)
    meal = MealIn(
        eaten_at=eaten_at,
        meal_type=meal_type or meal_type_at(local.time()),
        items=tuple(cleaned),
        kcal=kcal,
        protein_g=protein_g,
        carbs_g=carbs_g,
        fat_g=fat_g,
        fiber_g=fiber_g,
        notes=notes.strip(),
    )
    logged = await deps.store.log_meal(deps.user_id, meal)
    (totals,) = await deps.store.daily_totals(deps.user_id, local.date(), local.date())
    row = _day_row(totals, _goals(deps))
    when = "today" if row.day == deps.today else f"on {row.day}"
    goal = "" if row.kcal_goal is None else f" (goal {row.kcal_goal} kcal)"
    summary = (
        f"Logged {logged.meal_type} ({', '.join(logged.items)}): {round(logged.kcal)} kcal, "
        f"{round(logged.protein_g)} g protein. Total {when}: {row.kcal} kcal and {row.protein_g} g protein "
        f"across {row.meals} {_plural(row.meals, 'meal')}{goal}."
    )
    return MealLogged(
        id=logged.id,
        eaten_at=local,
        meal_type=logged.meal_type,
        items=list(logged.items),
        kcal=round(logged.kcal),
        protein_g=round(logged.protein_g),
        day=row,
        summary=summary,
    )


def meal_type_at(local: time) -> MealType:
    """The meal a local time suggests; small hours count as a snack, not breakfast."""
    if time(4) <= local < time(10, 30):
        return "breakfast"
    if time(10, 30) <= local < time(15):
        return "lunch"
    if time(17) <= local < time(21, 30):
        return "dinner"
    return "snack"


async def _search(deps: CoachDeps, query: str, first: date | None, last: date | None) -> list[Meal]:
    found = await deps.store.search_meals(deps.user_id, query.strip(), limit=_SEARCH_CAP)
    if first is None or last is None:
        return found
    window = days_window(first, last, deps.user.zone)
    return [meal for meal in found if window.start <= meal.eaten_at < window.end]


def _goals(deps: CoachDeps) -> Goals | None:
    """The user's goals, or None in supportive mode, where calorie targets must not reach the reply."""
    return None if deps.mode == "disordered_eating" else deps.user.goals


def _day_row(totals: DayTotals, goals: Goals | None) -> DayRow:
    kcal = round(totals.kcal)
    return DayRow(
        day=totals.day,
        meals=totals.meals,
        kcal=kcal,
        protein_g=round(totals.protein_g),
        carbs_g=round(totals.carbs_g),
        fat_g=round(totals.fat_g),
        fiber_g=round(totals.fiber_g),
        kcal_goal=None if goals is None else goals.daily_kcal,
        protein_goal_g=None if goals is None else goals.protein_g,
        kcal_left=None if goals is None else goals.daily_kcal - kcal,
    )


def _meal_row(deps: CoachDeps, meal: Meal) -> MealRow:
    local = meal.eaten_at.astimezone(deps.user.zone)
    return MealRow(
        id=meal.id,
        day=local.date(),
        eaten_at=f"{local:%H:%M}",
        meal_type=meal.meal_type,
        items=list(meal.items),
        kcal=round(meal.kcal),
        protein_g=round(meal.protein_g),
    )


def _history(
    deps: CoachDeps,
    first: date | None,
    last: date | None,
    days: list[DayRow],
    meals: list[Meal],
    query: str | None,
    matching: list[Meal] | None,
) -> MealHistory:
    goals = _goals(deps)
    logged = [day for day in days if day.meals]
    history = MealHistory(
        first=first,
        last=last,
        days=days,
        logged_days=len(logged),
        total_meals=sum(day.meals for day in days),
        avg_kcal=round(sum(day.kcal for day in logged) / len(logged)) if logged else 0,
        avg_protein_g=round(sum(day.protein_g for day in logged) / len(logged)) if logged else 0,
        kcal_goal=None if goals is None else goals.daily_kcal,
        protein_goal_g=None if goals is None else goals.protein_g,
        meals=[_meal_row(deps, meal) for meal in meals],
        query=query.strip() if query is not None else None,
        matches=len(matching or []),
        matching_meals=[_meal_row(deps, meal) for meal in (matching or [])[:MAX_MATCHES]],
        summary="",
    )
    history.summary = _match_summary(history) if history.query is not None else _intake_summary(history)
    return history


def _intake_summary(h: MealHistory) -> str:
    goal = "" if h.kcal_goal is None else f"goal {h.kcal_goal} kcal, {h.protein_goal_g} g protein"
    if len(h.days) == 1:
        (day,) = h.days
        if not day.meals:
            return f"On {day.day} you logged no meals{_aside(goal)}."
        if day.kcal_left is not None:
            goal += f"; {day.kcal_left} kcal left" if day.kcal_left >= 0 else "; over the kcal goal"
        return (
            f"On {day.day} you ate {day.kcal} kcal and {day.protein_g} g protein across {day.meals} "
            f"{_plural(day.meals, 'meal')}{_aside(goal)}."
        )
    span = f"From {h.first} to {h.last}"
    if not h.logged_days:
        return f"{span} you logged no meals{_aside(goal)}."
    return (
        f"{span} you averaged {h.avg_kcal} kcal and {h.avg_protein_g} g protein a day on the "
        f"{h.logged_days} {_plural(h.logged_days, 'day')} you logged, {h.total_meals} "
        f"{_plural(h.total_meals, 'meal')} in all{_aside(goal)}."
    )


def _aside(text: str) -> str:
    return f" ({text})" if text else ""


def _match_summary(h: MealHistory) -> str:
    where = _within(h.first, h.last)
    if not h.matching_meals:
        return f"You have not logged {h.query}{where}."
    latest = h.matching_meals[0]
    count = f"at least {h.matches}" if h.matches >= _SEARCH_CAP else str(h.matches)
    return (
        f"You logged {h.query} {count} {_plural(h.matches, 'time')}{where}; last on {latest.day} "
        f"({latest.meal_type}, {latest.kcal} kcal)."
    )


def _within(first: date | None, last: date | None) -> str:
    if first is None:
        return ""
    return f" on {first}" if first == last else f" between {first} and {last}"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"
