"""The demo user: deterministic, relative to the clock, and the data the README promises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from coach.demo import DEMO_USER, MEMORIES, memory_vectors, seed_demo
from coach.embedder import HashEmbedder, default_embedder
from stores import open_store

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


async def test_shipped_memory_vectors_match_the_live_embedder() -> None:
    shipped = await memory_vectors(default_embedder())
    live = await default_embedder().embed([text for text, _ in MEMORIES])
    assert shipped.shape == live.shape
    assert np.min(np.sum(shipped * live, axis=1)) > 0.999


async def _snapshot(path: Path) -> tuple[object, ...]:
    async with open_store(f"sqlite+aiosqlite:///{path}") as store:
        assert await seed_demo(store, HashEmbedder(), NOW)
        assert not await seed_demo(store, HashEmbedder(), NOW)
        start, end = NOW - timedelta(weeks=9), NOW + timedelta(days=1)
        sets = await store.sets_between(DEMO_USER.id, start, end)
        meals = await store.meals_between(DEMO_USER.id, start, end)
        fast = await store.active_fast(DEMO_USER.id)
        memories = await store.memories(DEMO_USER.id)
        program = await store.program(DEMO_USER.id)
        assert program is not None
        return (
            [(s.exercise_id, s.reps, s.weight_kg, s.performed_at) for s in sets],
            [(m.items, m.kcal, m.eaten_at) for m in meals],
            fast and (fast.protocol, fast.started_at),
            sorted(m.text for m in memories),
            [s.name for s in program.sessions],
        )


async def test_demo_is_deterministic_and_complete(tmp_path: Path) -> None:
    first = await _snapshot(tmp_path / "a.db")
    assert first == await _snapshot(tmp_path / "b.db")
    sets, meals, fast, memories, sessions = first
    assert isinstance(sets, list)
    assert isinstance(meals, list)
    weeks = {performed.isocalendar().week for *_, performed in sets}
    assert len(weeks) == 8
    assert {exercise for exercise, *_ in sets} >= {"bench-press", "back-squat", "deadlift", "romanian-deadlift"}
    bench = [weight for exercise, _, weight, _ in sets if exercise == "bench-press"]
    assert bench[-1] > bench[0]
    days = {eaten.date() for *_, eaten in meals}
    assert len(days) >= 20
    assert fast is not None
    assert fast[0] == "16:8"
    assert any("knee" in text for text in memories)
    assert sessions == ["Upper A", "Lower A", "Upper B", "Lower B"]
