"""Conformance of the paginated listings and counts the API uses, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.embedder import HashEmbedder
from stores.base import Store
from stores.records import FastIn, MealIn, MemoryIn, MessageIn, SetIn, UsageIn, User

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
embed = HashEmbedder().embed_sync


async def two_users(store: Store, user_id: str) -> tuple[str, str]:
    other = f"{user_id}-other"
    for uid in (user_id, other):
        await store.ensure_user(User(id=uid, display_name=uid))
    return user_id, other


def a_set(at: datetime, reps: int = 8) -> SetIn:
    return SetIn(exercise_id="bench-press", reps=reps, weight_kg=80, performed_at=at)


def a_meal(at: datetime, kcal: float) -> MealIn:
    return MealIn(eaten_at=at, meal_type="lunch", items=("rice",), kcal=kcal)


async def test_sets_page_newest_first_with_total(store: Store, user_id: str) -> None:
    mine, other = await two_users(store, user_id)
    await store.log_sets(mine, [a_set(NOW - timedelta(days=d), reps=d + 1) for d in range(5)])
    await store.log_sets(other, [a_set(NOW, reps=50)])
    first, total = await store.list_sets(mine, limit=2, offset=0)
    second, _ = await store.list_sets(mine, limit=2, offset=2)
    last, _ = await store.list_sets(mine, limit=2, offset=4)
    assert total == 5
    assert [s.reps for s in first + second + last] == [1, 2, 3, 4, 5]
    assert await store.list_sets(mine, limit=2, offset=10) == ([], 5)


async def test_sets_with_one_timestamp_page_without_repeats(store: Store, user_id: str) -> None:
    mine, _ = await two_users(store, user_id)
    await store.log_sets(mine, [a_set(NOW, reps=r) for r in range(1, 8)])
    seen = [s.id for offset in range(0, 7, 3) for s in (await store.list_sets(mine, limit=3, offset=offset))[0]]
    assert len(seen) == len(set(seen)) == 7


async def test_meals_page(store: Store, user_id: str) -> None:
    mine, other = await two_users(store, user_id)
    for hours in range(3):
        await store.log_meal(mine, a_meal(NOW - timedelta(hours=hours), kcal=100 * (hours + 1)))
    await store.log_meal(other, a_meal(NOW, kcal=999))
    items, total = await store.list_meals(mine, limit=10)
    assert total == 3
    assert [m.kcal for m in items] == [100, 200, 300]
    assert (await store.list_meals(other))[1] == 1


async def test_fasts_page(store: Store, user_id: str) -> None:
    mine, other = await two_users(store, user_id)
    for days in (3, 2):
        start = NOW - timedelta(days=days)
        end = start + timedelta(hours=16)
        await store.start_fast(
            mine, FastIn(protocol="16:8", target_hours=16, started_at=start, ended_at=end, state="completed")
        )
    await store.start_fast(mine, FastIn(protocol="18:6", target_hours=18, started_at=NOW))
    items, total = await store.list_fasts(mine, limit=2)
    assert total == 3
    assert [f.protocol for f in items] == ["18:6", "16:8"]
    assert await store.list_fasts(other) == ([], 0)


async def test_memories_page(store: Store, user_id: str) -> None:
    mine, other = await two_users(store, user_id)
    for i, text in enumerate(("knee hurts", "likes mornings", "goal: 100 kg bench")):
        memory = MemoryIn(text=text, created_at=NOW + timedelta(minutes=i))
        await store.remember(mine, memory, embed([text])[0])
    await store.remember(other, MemoryIn(text="secret", created_at=NOW), embed(["secret"])[0])
    items, total = await store.list_memories(mine, limit=2, offset=1)
    assert total == 3
    assert [m.text for m in items] == ["likes mornings", "knee hurts"]


async def test_count_usage_in_a_window(store: Store, user_id: str) -> None:
    mine, other = await two_users(store, user_id)
    for days in (40, 10, 1):
        usage = UsageIn(model="offline", input_tokens=10, output_tokens=5, at=NOW - timedelta(days=days))
        await store.record_usage(mine, usage)
    await store.record_usage(other, UsageIn(model="offline", input_tokens=1, output_tokens=1, at=NOW))
    assert await store.count_usage(mine, NOW - timedelta(days=30), NOW) == 2
    assert await store.count_usage(other, NOW - timedelta(days=30), NOW + timedelta(seconds=1)) == 1


async def test_user_message_times_count_only_the_users_own_messages(store: Store, user_id: str) -> None:
    mine, other = await two_users(store, user_id)
    rows = [
        MessageIn(role="user", text="old", created_at=NOW - timedelta(minutes=5)),
        MessageIn(role="user", text="new", created_at=NOW - timedelta(seconds=30)),
        MessageIn(role="assistant", text="reply", created_at=NOW - timedelta(seconds=29)),
    ]
    await store.append_messages(mine, "c-mine", rows)
    await store.append_messages(other, "c-other", [MessageIn(role="user", text="x", created_at=NOW)])
    assert await store.user_message_times(mine, NOW - timedelta(minutes=1)) == [NOW - timedelta(seconds=30)]
