"""Nutrition arithmetic shared by the store and the tools: meals summed per day in the user's timezone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from stores.records import DayTotals, Meal

_FIELDS = ("kcal", "protein_g", "carbs_g", "fat_g", "fiber_g")


def totals_by_day(meals: Iterable[Meal], first: date, last: date, zone: ZoneInfo) -> list[DayTotals]:
    """One row per day from first to last inclusive (empty days included), sums rounded to 0.1."""
    days = {first + timedelta(days=i): [0.0] * 6 for i in range((last - first).days + 1)}
    for meal in meals:
        sums = days.get(meal.eaten_at.astimezone(zone).date())
        if sums is None:
            continue
        for i, value in enumerate((1, meal.kcal, meal.protein_g, meal.carbs_g, meal.fat_g, meal.fiber_g)):
            sums[i] += value
    return [
        DayTotals(day=day, meals=int(sums[0]), **{k: round(v, 1) for k, v in zip(_FIELDS, sums[1:], strict=True)})
        for day, sums in days.items()
    ]
