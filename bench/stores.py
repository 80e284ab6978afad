"""Store benchmark: seed a five-year athlete and 1,000 lighter users, then time the hot read paths.

    uv run python bench/stores.py [--postgres URL] [--sqlite PATH] [--iterations N]

Rows go in with SQLAlchemy Core executemany on `store.engine` (on Postgres inside a transaction that set
`coach.user_id`, for row-level security); queries go through the public Store methods. Memory embeddings
are random unit float32 vectors: recall latency depends on how many vectors are searched, not on the text.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

# `python bench/stores.py` puts bench/ first on sys.path, where this file would shadow the `stores` package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from stores import open_store
from stores import schema as t
from stores._sql import SqlStore
from stores.records import User
from stores.sqlite import SqliteStore, _enable_vectors  # pyright: ignore[reportPrivateUsage]  (the backend's backfill)

ATHLETE = "athlete"
ATHLETE_ZONE = "Europe/Berlin"
OTHERS, OTHER_SETS, OTHER_MEALS, OTHER_MEMORIES = 1_000, 100, 30, 5
DAYS = 1_826  # five years
MEALS, MEMORIES = 10_000, 2_000
BATCH = 5_000
SEED = 20261126
# Working weights (kg) five years ago; they climb 30% by today. BIG lifts get three warm-ups and a back-off set.
START_KG = {
    "bench-press": 80, "back-squat": 100, "deadlift": 130, "romanian-deadlift": 90, "overhead-press": 50,
    "barbell-row": 70, "pull-up": 5, "lat-pulldown": 60, "leg-press": 150, "leg-curl": 40, "leg-extension": 50,
    "standing-calf-raise": 80, "biceps-curl": 14, "triceps-pushdown": 30, "lateral-raise": 10,
    "incline-dumbbell-press": 30,
}  # fmt: skip
BIG = frozenset({"bench-press", "back-squat", "deadlift", "romanian-deadlift", "overhead-press", "barbell-row"})
SESSIONS = (
    ("bench-press", "barbell-row", "overhead-press", "pull-up", "incline-dumbbell-press", "lat-pulldown",
     "lateral-raise", "biceps-curl", "triceps-pushdown"),
    ("back-squat", "romanian-deadlift", "leg-press", "leg-curl", "leg-extension", "standing-calf-raise"),
    ("overhead-press", "lat-pulldown", "incline-dumbbell-press", "barbell-row", "lateral-raise",
     "triceps-pushdown", "biceps-curl"),
    ("deadlift", "back-squat", "leg-press", "leg-curl", "leg-extension", "standing-calf-raise"),
)  # fmt: skip
# meal type -> (local hour range, kcal range, foods)
FOODS: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[str, ...]]] = {
    "breakfast": ((6, 9), (400, 700), ("oats", "greek yogurt", "berries", "eggs", "toast", "banana", "coffee")),
    "lunch": ((12, 14), (600, 900), ("chicken breast", "rice", "salad", "lentil soup", "wrap", "tuna", "quinoa")),
    "dinner": ((18, 21), (700, 1000), ("salmon", "potatoes", "broccoli", "pasta", "beef mince", "tofu", "beans")),
    "snack": ((10, 22), (150, 350), ("protein shake", "apple", "almonds", "cottage cheese", "rice cakes", "kefir")),
}
KINDS = ("note", "injury", "preference", "goal", "fact")

Row = dict[str, Any]


@dataclass
class History:
    """One user's rows, ready for executemany (workouts keep their sets until their ids are known)."""

    user: User
    workouts: list[tuple[datetime, list[Row]]] = field(default_factory=list)
    meals: list[Row] = field(default_factory=list)
    memories: list[Row] = field(default_factory=list)

    @property
    def set_count(self) -> int:
        return sum(len(sets) for _, sets in self.workouts)


def _local(day: date, hour: float, zone: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(hours=hour)


def session_sets(rng: random.Random, exercises: tuple[str, ...], at: datetime, progress: float) -> list[Row]:
    """Warm-ups, 4-5 working sets and a back-off (or drop) set per exercise, two to three minutes apart."""
    rows: list[Row] = []
    for exercise in exercises:
        big = exercise in BIG
        step = 2.5 if big else 1.0
        kg = START_KG[exercise] * (1 + 0.3 * progress)
        plan: list[tuple[float, int, float | None, str]] = [
            (pct, rng.randint(3, 8), None, "warmup") for pct in ((0.4, 0.6, 0.8) if big else (0.5,))
        ]
        for _ in range(rng.randint(4, 5)):
            reps = rng.randint(4, 8) if big else rng.randint(8, 15)
            plan.append((rng.uniform(0.97, 1.03), reps, float(rng.choice((0, 1, 1, 2, 2, 3))), "working"))
        plan.append((0.85, 10, 2.0, "backoff") if big else (0.6, 12, 0.0, "drop"))
        for pct, reps, rir, set_type in plan:
            at += timedelta(seconds=rng.randint(100, 200))
            weight = round(kg * pct / step) * step
            rows.append({"exercise_id": exercise, "reps": reps, "weight_kg": weight, "rir": rir, "rpe": None}
                        | {"set_type": set_type, "performed_at": at})  # fmt: skip
    return rows


def training(rng: random.Random, first: date, days: int, zone: ZoneInfo) -> list[tuple[datetime, list[Row]]]:
    """Mon, Tue, Thu, Fri and most Saturdays, rotating through the four sessions."""
    workouts: list[tuple[datetime, list[Row]]] = []
    saturday = True
    for offset in range(days):
        day = first + timedelta(days=offset)
        if day.weekday() == 0:
            saturday = rng.random() < 0.7
        if day.weekday() in (0, 1, 3, 4) or (day.weekday() == 5 and saturday):
            start = _local(day, rng.uniform(16.5, 19.5), zone)
            exercises = SESSIONS[len(workouts) % len(SESSIONS)]
            workouts.append((start, session_sets(rng, exercises, start, offset / days)))
    return workouts


def meal_row(rng: random.Random, meal_type: str, day: date, zone: ZoneInfo) -> Row:
    (low, high), (kcal_low, kcal_high), foods = FOODS[meal_type]
    items = rng.sample(foods, rng.randint(1, 3))
    kcal = float(rng.randint(kcal_low, kcal_high))
    notes = rng.choice(("", "", "", "ate out", "post-workout", "meal prep"))
    return {"eaten_at": _local(day, rng.uniform(low, high), zone), "meal_type": meal_type, "items": items} | {
        "kcal": kcal, "protein_g": round(kcal * rng.uniform(0.2, 0.35) / 4, 1), "carbs_g": round(kcal * 0.45 / 4, 1),
        "fat_g": round(kcal * 0.25 / 9, 1), "fiber_g": round(rng.uniform(1, 12), 1), "notes": notes,
        "search_text": " ".join((*items, notes)).lower(),
    }  # fmt: skip


def nutrition(rng: random.Random, first: date, days: int, total: int, zone: ZoneInfo) -> list[Row]:
    """Exactly `total` meals: three mains and snacks every day, oldest first."""
    per_day, extra = divmod(total, days)
    bonus = set(rng.sample(range(days), extra))
    rows: list[Row] = []
    for offset in range(days):
        count = per_day + (offset in bonus)
        types = ["breakfast", "lunch", "dinner", *(["snack"] * (count - 3))][:count]
        rows += sorted((meal_row(rng, kind, first + timedelta(days=offset), zone) for kind in types),
                       key=lambda r: r["eaten_at"])  # fmt: skip
    return rows


def memory_rows(rng: random.Random, vectors: np.ndarray, first: date, days: int) -> list[Row]:
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return [
        {"text": f"memory {i}: {rng.choice(('knee', 'sleep', 'diet', 'schedule', 'goal'))} detail", "kind":
         rng.choice(KINDS), "created_at": _local(first, rng.uniform(0, days * 24), UTC), "embedding": vector}
        for i, vector in enumerate(vectors.astype(np.float32))
    ]  # fmt: skip


def athlete_history(rng: random.Random, vec_rng: np.random.Generator, today: date) -> History:
    zone, first = ZoneInfo(ATHLETE_ZONE), today - timedelta(days=DAYS - 1)
    user = User(id=ATHLETE, display_name="Athlete", tier="pro", timezone=ATHLETE_ZONE)
    vectors = vec_rng.standard_normal((MEMORIES, t.EMBEDDING_DIM))
    return History(user, training(rng, first, DAYS, zone), nutrition(rng, first, DAYS, MEALS, zone),
                   memory_rows(rng, vectors, first, DAYS))  # fmt: skip


def other_history(rng: random.Random, vec_rng: np.random.Generator, today: date, index: int) -> History:
    """Four workouts of 25 sets in the last week, ten days of three meals, five memories in two months."""
    first, zone = today - timedelta(days=59), ZoneInfo("UTC")
    week = training(rng, today - timedelta(days=6), 7, zone)[-4:]
    workouts = [(start, sets[: OTHER_SETS // len(week)]) for start, sets in week]
    vectors = vec_rng.standard_normal((OTHER_MEMORIES, t.EMBEDDING_DIM))
    return History(User(id=f"user-{index:04d}", display_name=f"User {index}"), workouts,
                   nutrition(rng, today - timedelta(days=9), 10, OTHER_MEALS, zone),
                   memory_rows(rng, vectors, first, 60))  # fmt: skip


@asynccontextmanager
async def user_tx(store: SqlStore, user_id: str) -> AsyncGenerator[AsyncConnection]:
    """A transaction acting for the user (Postgres row-level security checks inserted rows against it)."""
    async with store.engine.begin() as conn:
        if store.engine.dialect.name == "postgresql":
            await conn.execute(sa.select(sa.func.set_config("coach.user_id", user_id, True)))
        yield conn


async def insert(conn: AsyncConnection, table: sa.Table, rows: list[Row]) -> None:
    for i in range(0, len(rows), BATCH):
        await conn.execute(table.insert(), rows[i : i + BATCH])


async def load(store: SqlStore, history: History) -> None:
    await store.ensure_user(history.user)
    uid = {"user_id": history.user.id}
    async with user_tx(store, history.user.id) as conn:
        returning = t.workouts.insert().returning(t.workouts.c.id, sort_by_parameter_order=True)
        heads = [{**uid, "started_at": start} for start, _ in history.workouts]
        ids = (await conn.execute(returning, heads)).scalars().all() if heads else []
        sets = [{**uid, "workout_id": wid, **row} for wid, (_, rows) in zip(ids, history.workouts, strict=True)
                for row in rows]  # fmt: skip
        await insert(conn, t.sets, sets)
        await insert(conn, t.meals, [{**uid, **row} for row in history.meals])
        await insert(conn, t.memories, [{**uid, **row} for row in history.memories])


async def finish_load(store: SqlStore) -> None:
    """Rebuild the vec0 index from `memories` (SQLite) and refresh planner statistics (Postgres)."""
    if isinstance(store, SqliteStore):
        async with store.engine.begin() as conn:
            await conn.exec_driver_sql("DROP TABLE IF EXISTS memory_vec")
        store.vectors = await _enable_vectors(store.engine)
        async with store.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        async with store.engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE")


async def seed(store: SqlStore, today: date) -> None:
    if await store.user(ATHLETE) is not None:
        raise SystemExit("the database already holds the athlete: point the benchmark at an empty database")
    rng, vec_rng, began = random.Random(SEED), np.random.default_rng(SEED), time.perf_counter()
    athlete = athlete_history(rng, vec_rng, today)
    print(f"athlete: {athlete.set_count:,} sets in {len(athlete.workouts):,} workouts, "
          f"{len(athlete.meals):,} meals, {len(athlete.memories):,} memories")  # fmt: skip
    if athlete.set_count < 60_000:
        raise SystemExit("sanity: fewer than 60,000 athlete sets generated")
    await load(store, athlete)
    for index in range(1, OTHERS + 1):
        await load(store, other_history(rng, vec_rng, today, index))
    print(f"others: {OTHERS:,} users x {OTHER_SETS} sets, {OTHER_MEALS} meals, {OTHER_MEMORIES} memories")
    loaded = time.perf_counter()
    await finish_load(store)
    done = time.perf_counter()
    print(f"seeded in {done - began:.1f} s (rows {loaded - began:.1f} s, index/statistics {done - loaded:.1f} s)")


def queries(store: SqlStore, today: date, rng: random.Random) -> dict[str, Callable[[], Awaitable[int]]]:
    """Each query picks a fresh random window in the athlete's history and returns its row count."""
    end = datetime.combine(today, datetime.min.time(), ZoneInfo(ATHLETE_ZONE))
    origin = end - timedelta(days=DAYS - 1)

    def window(days: int) -> tuple[datetime, datetime]:
        start = origin + timedelta(seconds=rng.uniform(0, (DAYS - days) * 86_400))
        return start, start + timedelta(days=days)

    async def week_of_sets() -> int:
        return len(await store.sets_between(ATHLETE, *window(7)))

    async def week_of_meals() -> int:
        return len(await store.meals_between(ATHLETE, *window(7)))

    async def month_of_totals() -> int:
        first = window(30)[0].date()
        return sum(day.meals for day in await store.daily_totals(ATHLETE, first, first + timedelta(days=29)))

    async def recall() -> int:
        vector = np.asarray([rng.gauss(0, 1) for _ in range(t.EMBEDDING_DIM)], dtype=np.float32)
        vector /= np.linalg.norm(vector)
        return len(await store.recall(ATHLETE, vector, limit=10))

    return {
        "sets_between, 1 week": week_of_sets,
        "meals_between, 1 week": week_of_meals,
        "daily_totals, 30 days (rows = meals summed)": month_of_totals,
        "recall, limit=10 of 2,000": recall,
    }


async def measure(backend: str, store: SqlStore, today: date, iterations: int) -> list[str]:
    lines: list[str] = []
    for name, run in queries(store, today, random.Random(SEED + 1)).items():
        for _ in range(max(20, iterations // 10)):
            await run()
        timings, rows = [], []
        for _ in range(iterations):
            began = time.perf_counter()
            rows.append(await run())
            timings.append((time.perf_counter() - began) * 1000)
        p50, p95 = np.percentile(timings, [50, 95])
        lines.append(f"| {backend} | {name} | {p50:.2f} | {p95:.2f} | {np.mean(rows):.0f} |")
    return lines


async def bench(backend: str, url: str, iterations: int) -> list[str]:
    today = datetime.now(ZoneInfo(ATHLETE_ZONE)).date()
    async with open_store(url, upgrade=True) as store:
        assert isinstance(store, SqlStore)
        print(f"== {backend}: seeding")
        await seed(store, today)
        if isinstance(store, SqliteStore):
            print(f"memory search: {'sqlite-vec vec0' if store.vectors else 'exact numpy (no sqlite-vec)'}")
        return await measure(backend, store, today, iterations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", metavar="URL", help="also benchmark this (empty) Postgres database")
    parser.add_argument("--sqlite", metavar="PATH", help="SQLite file to create (default: a temporary file)")
    parser.add_argument("--iterations", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.sqlite or Path(tmp) / "bench.db")
        lines = asyncio.run(bench("sqlite", f"sqlite+aiosqlite:///{path}", args.iterations))
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        print(f"sqlite file: {size / 1e6:.0f} MB")
    if args.postgres:
        lines += asyncio.run(bench("postgres", args.postgres, args.iterations))
    print("\n| backend | query | p50 ms | p95 ms | rows |\n|---|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
