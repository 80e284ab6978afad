"""A deterministic demo user, relative to today: eight weeks of an upper/lower program, meals, fasts, memories."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from stores.base import Store
from stores.records import (
    FastIn,
    Goals,
    MealIn,
    MealType,
    MemoryIn,
    MemoryKind,
    PlannedExercise,
    ProgramDraft,
    ProgramSession,
    SetIn,
    User,
)
from tools.deps import TextEmbedder

DEMO_USER = User(
    id="demo",
    display_name="Alex",
    timezone="Europe/Berlin",
    goals=Goals(daily_kcal=2400, protein_g=150, target_weight_kg=78),
)

# (exercise id, sets, rep range, starting weight in kg)
SESSIONS: dict[str, tuple[int, list[tuple[str, int, tuple[int, int], float]]]] = {
    "Upper A": (0, [("bench-press", 3, (6, 8), 70), ("barbell-row", 3, (8, 10), 60),
                    ("overhead-press", 3, (8, 10), 40), ("lat-pulldown", 3, (10, 12), 55),
                    ("lateral-raise", 3, (12, 15), 8), ("triceps-pushdown", 2, (10, 12), 25)]),
    "Lower A": (1, [("back-squat", 3, (5, 8), 90), ("romanian-deadlift", 3, (8, 10), 80),
                    ("leg-press", 2, (10, 12), 140), ("leg-curl", 3, (10, 12), 40),
                    ("standing-calf-raise", 3, (10, 15), 60)]),
    "Upper B": (3, [("incline-dumbbell-press", 3, (8, 10), 26), ("pull-up", 3, (6, 10), 0),
                    ("seated-cable-row", 3, (10, 12), 55), ("lateral-raise", 3, (12, 15), 8),
                    ("biceps-curl", 3, (10, 12), 14), ("face-pull", 2, (12, 15), 20)]),
    "Lower B": (4, [("deadlift", 2, (3, 5), 120), ("leg-press", 3, (10, 12), 150),
                    ("leg-extension", 3, (12, 15), 45), ("leg-curl", 3, (10, 12), 40),
                    ("hip-thrust", 3, (8, 12), 80), ("standing-calf-raise", 3, (10, 15), 60)]),
}  # fmt: skip

MEALS: dict[MealType, list[tuple[tuple[str, ...], int, int]]] = {
    "breakfast": [(("oats", "banana", "whey"), 520, 38), (("eggs", "toast", "avocado"), 560, 28),
                  (("greek yogurt", "berries", "granola"), 430, 30)],
    "lunch": [(("chicken", "rice", "broccoli"), 680, 52), (("tuna salad", "bread"), 590, 40),
              (("lentil soup", "bread"), 610, 30), (("turkey wrap", "apple"), 560, 38)],
    "dinner": [(("salmon", "potatoes", "green beans"), 720, 45), (("beef chili", "rice"), 800, 50),
               (("tofu stir fry", "noodles"), 690, 32), (("pasta", "chicken", "pesto"), 850, 48)],
    "snack": [(("protein bar",), 220, 20), (("apple", "peanut butter"), 280, 8), (("cottage cheese",), 180, 24)],
}  # fmt: skip
MEAL_HOURS: dict[MealType, float] = {"breakfast": 8, "lunch": 12.5, "dinner": 19, "snack": 16}

MEMORIES: list[tuple[str, MemoryKind]] = [
    ("Left knee niggle: deep lunges and full-depth leg extensions aggravate it", "injury"),
    ("Prefers to train in the evening after work", "preference"),
    ("Goal: bench press 100 kg by spring", "goal"),
    ("Does not enjoy running; prefers cycling for cardio", "preference"),
]

FAST_START_HOUR = 20
VECTORS_PATH = Path(__file__).parent / "data" / "demo_memories.npy"
"""The MiniLM embeddings of MEMORIES, shipped so that seeding the demo does not load the model
(a test checks them against the live embedder)."""


def demo_program() -> ProgramDraft:
    """The demo's four-day upper/lower program."""
    sessions = tuple(
        ProgramSession(
            name=name,
            weekday=weekday,
            exercises=tuple(
                PlannedExercise(exercise_id=e, sets=s, rep_min=lo, rep_max=hi, target_rir=2)
                for e, s, (lo, hi), _ in plan
            ),
        )
        for name, (weekday, plan) in SESSIONS.items()
    )
    return ProgramDraft(name="Upper/Lower 4-day", sessions=sessions, note="demo program")


def _local(day: date, hour: float, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(int(hour), int(hour % 1 * 60)), zone)


def _workout(
    day: date, plan: list[tuple[str, int, tuple[int, int], float]], week: int, rng: random.Random
) -> list[SetIn]:
    zone = DEMO_USER.zone
    start = _local(day, 18, zone)
    sets: list[SetIn] = []
    for index, (exercise, count, (lo, hi), base) in enumerate(plan):
        weight = round(base * (1 + 0.025 * week) / 2.5) * 2.5 if base else 0
        at = start + timedelta(minutes=10 * index)
        if index == 0 and weight:
            sets.append(SetIn(exercise_id=exercise, reps=8, weight_kg=round(weight * 0.5), set_type="warmup",
                              performed_at=at))  # fmt: skip
        for n in range(count):
            reps = rng.randint(lo, hi)
            sets.append(SetIn(exercise_id=exercise, reps=reps, weight_kg=weight, rir=rng.choice((1, 2, 2, 3)),
                              performed_at=at + timedelta(minutes=3 * (n + 1))))  # fmt: skip
    return sets


async def _seed_training(store: Store, now: datetime, rng: random.Random) -> None:
    today = now.astimezone(DEMO_USER.zone).date()
    monday = today - timedelta(days=today.weekday())
    for week in range(8):
        week_start = monday - timedelta(weeks=7 - week)
        for weekday, plan in SESSIONS.values():
            sets = _workout(week_start + timedelta(days=weekday), plan, week, rng)
            if sets and sets[-1].performed_at <= now:
                await store.log_sets(DEMO_USER.id, sets)


async def _seed_meals(store: Store, now: datetime, fast_start: datetime, rng: random.Random) -> None:
    today = now.astimezone(DEMO_USER.zone).date()
    for back in range(20, -1, -1):
        day = today - timedelta(days=back)
        for meal_type, options in MEALS.items():
            if meal_type == "snack" and rng.random() < 0.4:
                continue
            items, kcal, protein = rng.choice(options)
            eaten = _local(day, MEAL_HOURS[meal_type], DEMO_USER.zone)
            if eaten >= fast_start:
                continue
            jitter = rng.uniform(0.9, 1.1)
            meal = MealIn(
                eaten_at=eaten,
                meal_type=meal_type,
                items=items,
                kcal=round(kcal * jitter),
                protein_g=round(protein * jitter),
                carbs_g=round(kcal * 0.45 / 4),
                fat_g=round(kcal * 0.3 / 9),
                fiber_g=round(rng.uniform(4, 12)),
            )
            await store.log_meal(DEMO_USER.id, meal)


async def _seed_fasts(store: Store, now: datetime, rng: random.Random) -> datetime:
    today = now.astimezone(DEMO_USER.zone).date()
    for back in range(21, 2, -3):
        started = _local(today - timedelta(days=back), 20, DEMO_USER.zone)
        hours = round(rng.uniform(15, 17.5), 1)
        fast = FastIn(protocol="16:8", target_hours=16, started_at=started, ended_at=started + timedelta(hours=hours),
                      state="completed" if hours >= 16 else "abandoned")  # fmt: skip
        await store.start_fast(DEMO_USER.id, fast)
    fast_start = _local(today, FAST_START_HOUR, DEMO_USER.zone)
    while fast_start > now - timedelta(hours=1):  # the latest evening start, at least an hour ago
        fast_start -= timedelta(days=1)
    await store.start_fast(DEMO_USER.id, FastIn(protocol="16:8", target_hours=16, started_at=fast_start))
    return fast_start


async def memory_vectors(embedder: TextEmbedder) -> Any:
    """The demo memories' embeddings: the shipped ones when they fit this embedder, else computed."""
    import numpy as np

    from coach.embedder import MiniLMEmbedder

    if isinstance(embedder, MiniLMEmbedder) and VECTORS_PATH.exists():
        vectors = np.load(VECTORS_PATH)
        if vectors.shape == (len(MEMORIES), embedder.dim):
            return vectors.astype(np.float32)
    return await embedder.embed([text for text, _ in MEMORIES])


async def seed_demo(store: Store, embedder: TextEmbedder, now: datetime, *, reset: bool = False) -> bool:
    """Create the demo user with its history; returns False when it already exists (and `reset` is off)."""
    if await store.user(DEMO_USER.id) is not None:
        if not reset:
            return False
        await store.delete_user(DEMO_USER.id)
    rng = random.Random(20261126)
    await store.ensure_user(DEMO_USER)
    await store.save_program_version(DEMO_USER.id, demo_program())
    await _seed_training(store, now, rng)
    fast_start = await _seed_fasts(store, now, rng)
    await _seed_meals(store, now, fast_start, rng)
    vectors = await memory_vectors(embedder)
    for back, ((text, kind), vector) in enumerate(zip(MEMORIES, vectors, strict=True)):
        memory = MemoryIn(text=text, kind=kind, created_at=now - timedelta(days=30 - back * 7))
        await store.remember(DEMO_USER.id, memory, vector)
    return True
