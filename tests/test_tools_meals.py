from datetime import UTC, date, datetime, time, timedelta

import pytest
from inline_snapshot import snapshot

from stores.base import Store
from stores.records import MealIn, MealType
from tests.tooling import NOW, call_tool, make_deps, parameters_schema
from tools.deps import CoachDeps
from tools.meals import DayRow, MealHistory, MealLogged, meal_type_at, toolset

pytestmark = pytest.mark.anyio


async def _eat(
    deps: CoachDeps,
    at: datetime,
    kcal: float,
    protein_g: float = 0,
    items: tuple[str, ...] = ("rice",),
    meal_type: MealType = "lunch",
) -> None:
    meal = MealIn(eaten_at=at, meal_type=meal_type, items=items, kcal=kcal, protein_g=protein_g)
    await deps.store.log_meal(deps.user_id, meal)


async def _history(deps: CoachDeps, **args: object) -> MealHistory:
    part = await call_tool(toolset, "get_meal_history", args, deps)
    assert part.outcome == "success", part.content
    assert isinstance(part.content, MealHistory)
    return part.content


async def _today(store: Store, user_id: str) -> CoachDeps:
    deps = await make_deps(store, user_id)
    await _eat(deps, datetime(2026, 11, 26, 7, 30, tzinfo=UTC), 600.4, 40, ("oats", "whey"), "breakfast")
    await _eat(deps, datetime(2026, 11, 26, 11, 0, tzinfo=UTC), 800, 52.3, ("chicken", "rice"))
    await _eat(deps, datetime(2026, 11, 25, 19, 0, tzinfo=UTC), 900, 60, ("salmon", "potatoes"), "dinner")
    return deps


async def test_history_defaults_to_today(store: Store, user_id: str) -> None:
    history = await _history(await _today(store, user_id))
    assert history.days == [
        DayRow(
            day=date(2026, 11, 26),
            meals=2,
            kcal=1400,
            protein_g=92,
            carbs_g=0,
            fat_g=0,
            fiber_g=0,
            kcal_goal=2200,
            protein_goal_g=140,
            kcal_left=800,
        )
    ]
    assert [(m.eaten_at, m.meal_type, m.items, m.kcal, m.protein_g) for m in history.meals] == [
        ("07:30", "breakfast", ["oats", "whey"], 600, 40),
        ("11:00", "lunch", ["chicken", "rice"], 800, 52),
    ]
    assert history.summary == (
        "On 2026-11-26 you ate 1400 kcal and 92 g protein across 2 meals "
        "(goal 2200 kcal, 140 g protein; 800 kcal left)."
    )


async def test_a_day_without_meals_and_a_day_over_goal(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    assert (await _history(deps, start="2026-11-20")).summary == (
        "On 2026-11-20 you logged no meals (goal 2200 kcal, 140 g protein)."
    )
    await _eat(deps, datetime(2026, 11, 21, 12, tzinfo=UTC), 2500, 100)
    history = await _history(deps, start="2026-11-21")
    assert history.days[0].kcal_left == -300
    assert history.summary.endswith("(goal 2200 kcal, 140 g protein; over the kcal goal).")


async def test_a_week_averages_logged_days_and_lists_meals(store: Store, user_id: str) -> None:
    deps = await _today(store, user_id)
    await _eat(deps, datetime(2026, 11, 20, 12, tzinfo=UTC), 2000, 110)
    history = await _history(deps, start="2026-11-20", end="2026-11-26")
    assert [d.day.day for d in history.days] == [20, 21, 22, 23, 24, 25, 26]
    assert (history.logged_days, history.total_meals, history.avg_kcal, history.avg_protein_g) == (3, 4, 1433, 87)
    assert len(history.meals) == 4
    assert history.summary == (
        "From 2026-11-20 to 2026-11-26 you averaged 1433 kcal and 87 g protein a day on the 3 days you logged, "
        "4 meals in all (goal 2200 kcal, 140 g protein)."
    )
    longer = await _history(deps, start="2026-11-19", end="2026-11-26")
    assert (len(longer.days), longer.meals, longer.total_meals) == (8, [], 4)


async def test_search_all_time_newest_first(store: Store, user_id: str) -> None:
    deps = await _today(store, user_id)
    for days_ago in range(1, 25):
        await _eat(deps, NOW - timedelta(days=days_ago, hours=1), 650, 45, ("Salmon", "greens"), "dinner")
    history = await _history(deps, query="salmon")
    assert history.matches == 25
    assert len(history.matching_meals) == 20
    assert history.matching_meals[0].day == date(2026, 11, 25)
    assert (history.days, history.meals, history.first) == ([], [], None)
    assert history.summary == "You logged salmon 25 times; last on 2026-11-25 (dinner, 900 kcal)."


async def test_search_within_a_range(store: Store, user_id: str) -> None:
    deps = await _today(store, user_id)
    await _eat(deps, datetime(2026, 10, 1, 19, tzinfo=UTC), 700, 50, ("salmon",), "dinner")
    history = await _history(deps, start="2026-10-01", end="2026-10-31", query="salmon")
    assert history.matches == 1
    assert history.summary == (
        "You logged salmon 1 time between 2026-10-01 and 2026-10-31; last on 2026-10-01 (dinner, 700 kcal)."
    )
    none = await _history(deps, start="2026-11-26", query="salmon")
    assert none.summary == "You have not logged salmon on 2026-11-26."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"start": "2026-11-26", "end": "2026-11-20"},
            "The end date 2026-11-20 is before the start date 2026-11-26; swap them.",
        ),
        (
            {"start": "2026-08-01", "end": "2026-11-26"},
            "That is more than 92 days; ask for a shorter range, such as one month.",
        ),
        ({"query": "   "}, "The query is blank; give a food to search for, or leave it out."),
    ],
)
async def test_history_retries(store: Store, user_id: str, args: dict[str, object], message: str) -> None:
    part = await call_tool(toolset, "get_meal_history", args, await make_deps(store, user_id))
    assert (part.outcome, part.content) == ("retried", message)


async def test_92_days_is_allowed(store: Store, user_id: str) -> None:
    history = await _history(await make_deps(store, user_id), start="2026-08-27", end="2026-11-26")
    assert len(history.days) == 92


async def test_days_follow_the_users_timezone(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id, tz="America/Los_Angeles")
    await _eat(deps, datetime(2026, 11, 26, 6, 0, tzinfo=UTC), 700, 30, ("pizza",), "dinner")
    assert deps.today == date(2026, 11, 26)
    today = await _history(deps)
    assert (today.days[0].day, today.days[0].meals, today.meals) == (date(2026, 11, 26), 0, [])
    yesterday = await _history(deps, start="2026-11-25")
    assert (yesterday.days[0].meals, yesterday.days[0].kcal) == (1, 700)
    assert [(m.day, m.eaten_at) for m in yesterday.meals] == [(date(2026, 11, 25), "22:00")]
    found = await _history(deps, query="pizza")
    assert found.matching_meals[0].day == date(2026, 11, 25)


async def test_supportive_mode_leaves_out_calorie_targets(store: Store, user_id: str) -> None:
    deps = await _today(store, user_id)
    deps.mode = "disordered_eating"
    history = await _history(deps)
    assert (history.kcal_goal, history.days[0].kcal_goal, history.days[0].kcal_left) == (None, None, None)
    assert history.summary == "On 2026-11-26 you ate 1400 kcal and 92 g protein across 2 meals."
    part = await call_tool(toolset, "log_meal", {"items": ["apple"], "kcal": 95}, deps)
    assert isinstance(part.content, MealLogged)
    assert "goal" not in part.content.summary
    assert part.content.day.kcal_left is None


async def test_users_are_isolated(store: Store, user_id: str) -> None:
    mine = await _today(store, user_id)
    theirs = await make_deps(store, f"{user_id}-b")
    await _eat(theirs, datetime(2026, 11, 26, 9, tzinfo=UTC), 1234, 56, ("secret salmon",), "breakfast")
    logged = await call_tool(toolset, "log_meal", {"items": ["salmon"], "kcal": 500}, theirs)
    assert logged.outcome == "success"
    history = await _history(mine)
    assert (history.days[0].meals, history.days[0].kcal) == (2, 1400)
    assert all("secret salmon" not in m.items for m in history.meals)
    found = await _history(mine, query="salmon")
    assert found.matches == 1
    assert found.matching_meals[0].kcal == 900
    assert (await _history(theirs)).days[0].kcal == 1734


async def test_log_meal(store: Store, user_id: str) -> None:
    deps = await _today(store, user_id)
    args = {"items": ["2 eggs", "toast"], "kcal": 350.6, "protein_g": 18.4, "carbs_g": 30, "notes": " quick "}
    logged = (await call_tool(toolset, "log_meal", args, deps)).content
    assert isinstance(logged, MealLogged)
    assert logged.model_dump(exclude={"id"}) == {
        "eaten_at": NOW,
        "meal_type": "lunch",
        "items": ["2 eggs", "toast"],
        "kcal": 351,
        "protein_g": 18,
        "day": {
            "day": date(2026, 11, 26),
            "meals": 3,
            "kcal": 1751,
            "protein_g": 111,
            "carbs_g": 30,
            "fat_g": 0,
            "fiber_g": 0,
            "kcal_goal": 2200,
            "protein_goal_g": 140,
            "kcal_left": 449,
        },
        "summary": "Logged lunch (2 eggs, toast): 351 kcal, 18 g protein. "
        "Total today: 1751 kcal and 111 g protein across 3 meals (goal 2200 kcal).",
    }
    (stored,) = await store.search_meals(user_id, "eggs")
    assert (stored.id, stored.kcal, stored.carbs_g, stored.notes) == (logged.id, 350.6, 30, "quick")


async def test_log_meal_hours_ago_lands_on_the_local_day(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id, tz="America/Los_Angeles")
    logged = (
        await call_tool(toolset, "log_meal", {"items": ["pasta"], "kcal": 700, "eaten_hours_ago": 6}, deps)
    ).content
    assert isinstance(logged, MealLogged)
    assert logged.eaten_at.isoformat() == "2026-11-25T22:00:00-08:00"
    assert (logged.day.day, logged.meal_type, logged.day.meals) == (date(2026, 11, 25), "snack", 1)
    assert logged.summary.endswith("Total on 2026-11-25: 700 kcal and 0 g protein across 1 meal (goal 2200 kcal).")


async def test_log_meal_keeps_an_explicit_meal_type(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    logged = (
        await call_tool(toolset, "log_meal", {"items": ["soup"], "kcal": 300, "meal_type": "dinner"}, deps)
    ).content
    assert isinstance(logged, MealLogged)
    assert logged.meal_type == "dinner"


@pytest.mark.parametrize(
    ("local", "meal_type"),
    [
        (time(3, 59), "snack"),
        (time(4), "breakfast"),
        (time(10, 29), "breakfast"),
        (time(10, 30), "lunch"),
        (time(14, 59), "lunch"),
        (time(15), "snack"),
        (time(17), "dinner"),
        (time(21, 29), "dinner"),
        (time(21, 30), "snack"),
    ],
)
def test_meal_type_from_the_local_time(local: time, meal_type: MealType) -> None:
    assert meal_type_at(local) == meal_type


async def test_log_meal_retries_on_blank_items(store: Store, user_id: str) -> None:
    part = await call_tool(toolset, "log_meal", {"items": [" "], "kcal": 100}, await make_deps(store, user_id))
    assert (part.outcome, part.content) == (
        "retried",
        "The items are blank; list the foods eaten, e.g. ['2 eggs', '1 slice toast'].",
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"items": [], "kcal": 100}, "at least 1 item"),
        ({"items": ["x"] * 21, "kcal": 100}, "at most 20 items"),
        ({"items": ["cake"], "kcal": 6000}, "less than or equal to 5000"),
        ({"items": ["cake"], "kcal": 100, "eaten_hours_ago": 49}, "less than or equal to 48"),
    ],
)
async def test_log_meal_bounds_are_in_the_schema(
    store: Store, user_id: str, args: dict[str, object], error: str
) -> None:
    part = await call_tool(toolset, "log_meal", args, await make_deps(store, user_id))
    assert part.outcome == "retried"
    assert error in part.model_response_str()
    assert await store.search_meals(user_id, "cake") == []


def test_every_parameter_is_described() -> None:
    for name in toolset.tools:
        for prop, schema in parameters_schema(toolset, name).get("properties", {}).items():
            assert schema.get("description", "").strip(), f"{name}.{prop} has no description"


def test_get_meal_history_schema() -> None:
    assert parameters_schema(toolset, "get_meal_history") == snapshot(
        {
            "additionalProperties": False,
            "properties": {
                "start": {
                    "anyOf": [{"format": "date", "type": "string"}, {"type": "null"}],
                    "default": None,
                    "description": """\
First day (YYYY-MM-DD, the user's local date). Defaults to today; without it a query searches
all meals ever logged.\
""",
                },
                "end": {
                    "anyOf": [{"format": "date", "type": "string"}, {"type": "null"}],
                    "default": None,
                    "description": "Last day, included. Defaults to `start`; at most 92 days after it.",
                },
                "query": {
                    "anyOf": [{"maxLength": 100, "minLength": 1, "type": "string"}, {"type": "null"}],
                    "default": None,
                    "description": 'Text to find in meal items or notes, e.g. "salmon".',
                },
            },
            "type": "object",
        }
    )


def test_log_meal_schema() -> None:
    assert parameters_schema(toolset, "log_meal") == snapshot(
        {
            "additionalProperties": False,
            "properties": {
                "items": {
                    "description": 'The foods, one per entry with its amount, e.g. ["2 eggs", "1 slice toast"].',
                    "items": {"maxLength": 120, "minLength": 1, "type": "string"},
                    "maxItems": 20,
                    "minItems": 1,
                    "type": "array",
                },
                "kcal": {
                    "description": "Total energy of the meal in kcal.",
                    "maximum": 5000,
                    "minimum": 0,
                    "type": "number",
                },
                "protein_g": {
                    "default": 0,
                    "description": "Protein in grams.",
                    "maximum": 500,
                    "minimum": 0,
                    "type": "number",
                },
                "carbs_g": {
                    "default": 0,
                    "description": "Carbohydrate in grams.",
                    "maximum": 1000,
                    "minimum": 0,
                    "type": "number",
                },
                "fat_g": {"default": 0, "description": "Fat in grams.", "maximum": 500, "minimum": 0, "type": "number"},
                "fiber_g": {
                    "default": 0,
                    "description": "Fibre in grams.",
                    "maximum": 200,
                    "minimum": 0,
                    "type": "number",
                },
                "meal_type": {
                    "anyOf": [{"enum": ["breakfast", "lunch", "dinner", "snack"], "type": "string"}, {"type": "null"}],
                    "default": None,
                    "description": "Breakfast, lunch, dinner or snack; leave out to pick it from the time eaten.",
                },
                "eaten_hours_ago": {
                    "default": 0,
                    "description": "How many hours ago the meal was eaten (0 = just now).",
                    "maximum": 48,
                    "minimum": 0,
                    "type": "number",
                },
                "notes": {
                    "default": "",
                    "description": "Anything else the user said about the meal.",
                    "maxLength": 500,
                    "type": "string",
                },
            },
            "required": ["items", "kcal"],
            "type": "object",
        }
    )
