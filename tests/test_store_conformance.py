"""One conformance suite for every store backend (SQLite always; Postgres where CI provides it)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from coach.embedder import HashEmbedder, default_embedder
from stores.base import ConflictError, NotFoundError, Store, UnknownExerciseError
from stores.records import (
    FastIn,
    Goals,
    MealIn,
    MemoryIn,
    MessageIn,
    PlannedExercise,
    ProgramDraft,
    ProgramSession,
    SetIn,
    UsageIn,
    User,
)

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
embed = HashEmbedder().embed_sync


async def make_user(store: Store, user_id: str, tz: str = "UTC") -> User:
    return await store.ensure_user(User(id=user_id, display_name=user_id.title(), timezone=tz))


def bench_set(at: datetime, reps: int = 8, weight: float = 80, set_type: str = "working") -> SetIn:
    return SetIn.model_validate(
        {
            "exercise_id": "bench-press",
            "reps": reps,
            "weight_kg": weight,
            "rir": 2,
            "set_type": set_type,
            "performed_at": at,
        }
    )


def meal(at: datetime, kcal: float = 600, items: tuple[str, ...] = ("chicken", "rice")) -> MealIn:
    return MealIn(eaten_at=at, meal_type="lunch", items=items, kcal=kcal, protein_g=40, carbs_g=60, fat_g=15)


def draft(sets: int = 3, name: str = "Upper/Lower") -> ProgramDraft:
    session = ProgramSession(
        name="Upper A",
        weekday=0,
        exercises=(PlannedExercise(exercise_id="bench-press", sets=sets, rep_min=6, rep_max=10),),
    )
    return ProgramDraft(name=name, sessions=(session,))


# ---- users


async def test_ensure_user_is_idempotent(store: Store, user_id: str) -> None:
    first = await make_user(store, user_id, "Europe/Berlin")
    again = await store.ensure_user(User(id=user_id, display_name="Other name"))
    assert again == first
    assert (await store.user(user_id)) == first


async def test_update_user_changes_only_that_user(store: Store, user_id: str) -> None:
    other = await make_user(store, user_id + "-b")
    user = await make_user(store, user_id)
    updated = user.model_copy(update={"goals": Goals(daily_kcal=2500, protein_g=160), "timezone": "Asia/Tokyo"})
    await store.update_user(updated)
    assert (await store.user(user_id)) == updated
    assert (await store.user(other.id)) == other


async def test_update_unknown_user_is_not_found(store: Store, user_id: str) -> None:
    with pytest.raises(NotFoundError):
        await store.update_user(User(id=user_id, display_name="Ghost"))


async def test_delete_user_erases_everything(store: Store, user_id: str) -> None:
    other = user_id + "-b"
    for uid in (user_id, other):
        await make_user(store, uid)
        await store.log_sets(uid, [bench_set(NOW)])
        await store.log_meal(uid, meal(NOW))
        await store.remember(uid, MemoryIn(text="knee niggle", created_at=NOW), embed(["knee niggle"])[0])
        await store.append_messages(uid, f"c-{uid}", [MessageIn(role="user", text="hi", created_at=NOW)])
    assert await store.delete_user(user_id)
    assert await store.user(user_id) is None
    assert await store.sets_between(user_id, NOW - timedelta(days=1), NOW + timedelta(days=1)) == []
    assert await store.memories(user_id) == []
    assert len(await store.sets_between(other, NOW - timedelta(days=1), NOW + timedelta(days=1))) == 1
    assert len(await store.recall(other, embed(["knee niggle"])[0])) == 1
    assert await store.conversation(other, f"c-{other}") is not None


# ---- exercises


async def test_exercise_library_is_loaded(store: Store) -> None:
    bench = await store.exercise("bench-press")
    assert bench is not None
    assert bench.muscles["chest"] == 1.0
    assert await store.exercise("no-such-lift") is None


async def test_search_exercises_by_abbreviation(store: Store) -> None:
    found = await store.search_exercises("rdl", limit=3)
    assert found[0].id == "romanian-deadlift"


# ---- fasting


async def test_fast_lifecycle(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    assert await store.active_fast(user_id) is None
    started = await store.start_fast(user_id, FastIn(protocol="16:8", target_hours=16, started_at=NOW))
    assert (await store.active_fast(user_id)) == started
    ended = await store.end_fast(user_id, NOW + timedelta(hours=17))
    assert ended.state == "completed"
    assert ended.ended_at == NOW + timedelta(hours=17)
    assert await store.active_fast(user_id) is None
    assert await store.fasts_between(user_id, NOW - timedelta(hours=1), NOW + timedelta(days=1)) == [ended]


async def test_second_active_fast_conflicts(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    await store.start_fast(user_id, FastIn(protocol="16:8", target_hours=16, started_at=NOW))
    with pytest.raises(ConflictError):
        await store.start_fast(user_id, FastIn(protocol="OMAD", target_hours=23, started_at=NOW))


async def test_end_fast_without_one_is_not_found(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    with pytest.raises(NotFoundError):
        await store.end_fast(user_id, NOW)


async def test_fasts_are_isolated(store: Store, user_id: str) -> None:
    other = user_id + "-b"
    await make_user(store, user_id)
    await make_user(store, other)
    await store.start_fast(other, FastIn(protocol="16:8", target_hours=16, started_at=NOW))
    assert await store.active_fast(user_id) is None
    with pytest.raises(NotFoundError):
        await store.end_fast(user_id, NOW + timedelta(hours=1))
    assert (await store.active_fast(other)) is not None


# ---- training


async def test_log_and_read_sets(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    logged = await store.log_sets(user_id, [bench_set(NOW), bench_set(NOW + timedelta(minutes=3), reps=7)])
    assert [s.reps for s in logged] == [8, 7]
    assert logged[0].workout_id == logged[1].workout_id
    found = await store.sets_between(user_id, NOW, NOW + timedelta(hours=1))
    assert found == logged
    assert await store.sets_between(user_id, NOW + timedelta(hours=1), NOW + timedelta(hours=2)) == []


async def test_unknown_exercise_writes_nothing(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    bad = bench_set(NOW).model_copy(update={"exercise_id": "bench-pres"})
    with pytest.raises(UnknownExerciseError) as caught:
        await store.log_sets(user_id, [bench_set(NOW), bad])
    assert "bench" in str(caught.value).lower()
    assert await store.sets_between(user_id, NOW - timedelta(days=1), NOW + timedelta(days=1)) == []


async def test_sets_are_isolated(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    await make_user(store, user_id + "-b")
    await store.log_sets(user_id + "-b", [bench_set(NOW)])
    assert await store.sets_between(user_id, NOW - timedelta(days=1), NOW + timedelta(days=1)) == []


# ---- nutrition


async def test_log_and_read_meals(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    logged = await store.log_meal(user_id, meal(NOW))
    assert logged.items == ("chicken", "rice")
    assert await store.meals_between(user_id, NOW, NOW + timedelta(minutes=1)) == [logged]


async def test_search_meals_by_text(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    await store.log_meal(user_id, meal(NOW, items=("salmon", "potatoes")))
    await store.log_meal(user_id, meal(NOW + timedelta(hours=5), items=("oats", "banana")))
    found = await store.search_meals(user_id, "Salmon")
    assert [m.items for m in found] == [("salmon", "potatoes")]
    assert await store.search_meals(user_id, "100%") == []


async def test_daily_totals_use_the_users_timezone(store: Store, user_id: str) -> None:
    await make_user(store, user_id, "America/New_York")
    # 03:00 UTC on the 26th is still the evening of the 25th in New York.
    await store.log_meal(user_id, meal(datetime(2026, 11, 26, 3, 0, tzinfo=UTC), kcal=700))
    await store.log_meal(user_id, meal(datetime(2026, 11, 26, 15, 0, tzinfo=UTC), kcal=500))
    totals = await store.daily_totals(user_id, date(2026, 11, 25), date(2026, 11, 26))
    assert [(t.day, t.meals, t.kcal) for t in totals] == [
        (date(2026, 11, 25), 1, 700),
        (date(2026, 11, 26), 1, 500),
    ]


async def test_daily_totals_across_dst_change(store: Store, user_id: str) -> None:
    await make_user(store, user_id, "Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    # 25 October 2026 has 25 hours in Berlin; a meal at 23:30 local still belongs to that day.
    await store.log_meal(user_id, meal(datetime(2026, 10, 25, 23, 30, tzinfo=berlin), kcal=300))
    totals = await store.daily_totals(user_id, date(2026, 10, 25), date(2026, 10, 26))
    assert [(t.day, t.kcal) for t in totals] == [(date(2026, 10, 25), 300), (date(2026, 10, 26), 0)]


async def test_meals_are_isolated(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    await make_user(store, user_id + "-b")
    await store.log_meal(user_id + "-b", meal(NOW, items=("secret cake",)))
    assert await store.search_meals(user_id, "cake") == []
    assert await store.meals_between(user_id, NOW - timedelta(days=1), NOW + timedelta(days=1)) == []
    totals = await store.daily_totals(user_id, NOW.date(), NOW.date())
    assert totals[0].kcal == 0


# ---- program


async def test_program_edit_makes_new_version_and_keeps_parent(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    first = await store.save_program_version(user_id, draft(sets=3))
    second = await store.save_program_version(user_id, draft(sets=4), parent_id=first.id)
    assert (second.number, second.parent_id) == (2, first.id)
    assert (await store.program(user_id)) == second
    versions = await store.program_versions(user_id)
    assert versions[0] == first
    assert versions[0].sessions[0].exercises[0].sets == 3


async def test_undo_activates_parent(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    first = await store.save_program_version(user_id, draft(sets=3))
    await store.save_program_version(user_id, draft(sets=5), parent_id=first.id)
    assert (await store.activate_program_version(user_id, first.id)) == first
    assert (await store.program(user_id)) == first


async def test_programs_are_isolated(store: Store, user_id: str) -> None:
    other = user_id + "-b"
    await make_user(store, user_id)
    await make_user(store, other)
    theirs = await store.save_program_version(other, draft())
    assert await store.program(user_id) is None
    with pytest.raises(NotFoundError):
        await store.activate_program_version(user_id, theirs.id)
    with pytest.raises(NotFoundError):
        await store.save_program_version(user_id, draft(), parent_id=theirs.id)
    assert (await store.program(other)) == theirs


# ---- memory


async def test_recall_ranks_related_note_first_with_real_embedder(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    embedder = default_embedder()
    notes = ["My left knee hurts on deep squats", "I prefer training in the morning", "I love salmon with rice"]
    vectors = await embedder.embed(notes)
    for text, vector in zip(notes, vectors, strict=True):
        await store.remember(user_id, MemoryIn(text=text, kind="note", created_at=NOW), vector)
    query = (await embedder.embed(["knee pain when squatting"]))[0]
    recalled = await store.recall(user_id, query, limit=3)
    assert recalled[0].memory.text == notes[0]
    assert recalled[0].score > recalled[1].score
    food = await store.recall(user_id, (await embedder.embed(["what fish do I like to eat"]))[0], limit=1)
    assert food[0].memory.text == notes[2]


async def test_recall_filters_by_kind(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    await store.remember(user_id, MemoryIn(text="knee niggle", kind="injury", created_at=NOW), embed(["knee"])[0])
    await store.remember(user_id, MemoryIn(text="knee sleeves", kind="preference", created_at=NOW), embed(["knee"])[0])
    found = await store.recall(user_id, embed(["knee"])[0], kind="injury")
    assert [r.memory.kind for r in found] == ["injury"]


async def test_memories_are_isolated_and_forget_is_scoped(store: Store, user_id: str) -> None:
    other = user_id + "-b"
    await make_user(store, user_id)
    await make_user(store, other)
    theirs = await store.remember(other, MemoryIn(text="private note", created_at=NOW), embed(["private note"])[0])
    assert await store.recall(user_id, embed(["private note"])[0]) == []
    assert await store.memories(user_id) == []
    assert not await store.forget(user_id, theirs.id)
    assert [m.id for m in await store.memories(other)] == [theirs.id]
    assert await store.forget(other, theirs.id)
    assert await store.recall(other, embed(["private note"])[0]) == []


# ---- conversations and usage


async def test_append_messages_and_usage_in_one_go(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    usage = UsageIn(model="offline", input_tokens=10, output_tokens=5, cost_usd=Decimal("0.001"), at=NOW)
    await store.append_messages(
        user_id,
        "c1-" + user_id,
        [
            MessageIn(role="user", text="how's my chest volume?", created_at=NOW),
            MessageIn(role="assistant", text="12 sets", payload='{"x":1}', created_at=NOW),
        ],
        usage=[usage],
    )
    conversation = await store.conversation(user_id, "c1-" + user_id)
    assert conversation is not None
    assert conversation.title == "how's my chest volume?"
    assert [m.text for m in conversation.messages] == ["how's my chest volume?", "12 sets"]
    assert [(m.role, m.payload) for m in conversation.messages] == [("user", ""), ("assistant", '{"x":1}')]
    records = await store.usage_between(user_id, NOW, NOW + timedelta(seconds=1))
    assert [(r.model, r.input_tokens, r.cost_usd) for r in records] == [("offline", 10, Decimal("0.001"))]
    header = await store.conversation(user_id, "c1-" + user_id, messages=False)
    assert header is not None
    assert (header.title, header.messages) == ("how's my chest volume?", ())


async def test_conversations_page_and_mode(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    for i in range(3):
        await store.append_messages(user_id, f"{user_id}-{i}", [MessageIn(role="user", text=f"m{i}", created_at=NOW)])
    page, total = await store.conversations(user_id, limit=2)
    assert total == 3
    assert len(page) == 2
    await store.set_conversation_mode(user_id, f"{user_id}-0", "disordered_eating")
    conversation = await store.conversation(user_id, f"{user_id}-0")
    assert conversation is not None
    assert conversation.mode == "disordered_eating"
    assert await store.delete_conversation(user_id, f"{user_id}-1")
    assert (await store.conversations(user_id))[1] == 2


async def test_conversations_are_isolated(store: Store, user_id: str) -> None:
    other = user_id + "-b"
    await make_user(store, user_id)
    await make_user(store, other)
    await store.append_messages(other, "shared-" + other, [MessageIn(role="user", text="mine", created_at=NOW)])
    assert await store.conversation(user_id, "shared-" + other) is None
    assert await store.conversation(user_id, "shared-" + other, messages=False) is None
    with pytest.raises(NotFoundError):
        await store.append_messages(user_id, "shared-" + other, [MessageIn(role="user", text="x", created_at=NOW)])
    with pytest.raises(NotFoundError):
        await store.set_conversation_mode(user_id, "shared-" + other, "disordered_eating")
    assert not await store.delete_conversation(user_id, "shared-" + other)
    assert (await store.conversations(user_id))[1] == 0
    theirs = await store.conversation(other, "shared-" + other)
    assert theirs is not None
    assert [m.text for m in theirs.messages] == ["mine"]
    assert theirs.mode == "normal"


async def test_usage_is_isolated(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    await make_user(store, user_id + "-b")
    await store.record_usage(user_id + "-b", UsageIn(model="m", input_tokens=1, output_tokens=1, at=NOW))
    assert await store.usage_between(user_id, NOW - timedelta(days=1), NOW + timedelta(days=1)) == []


async def test_embedding_dimension_is_checked(store: Store, user_id: str) -> None:
    await make_user(store, user_id)
    with pytest.raises(Exception, match="384"):
        await store.remember(user_id, MemoryIn(text="x", created_at=NOW), np.zeros(768, dtype=np.float32))
    assert await store.memories(user_id) == []


# ---- one transaction for a request


async def test_calls_together_share_one_transaction_and_commit_at_the_end(store: Store, user_id: str) -> None:
    other = user_id + "-b"
    await make_user(store, other)
    async with store.together(user_id):
        created = await store.ensure_user(User(id=user_id, display_name="Sam"))
        assert await store.user(user_id) == created
        # Another user's calls inside the block run on their own, under their own scope.
        assert (await store.user(other)) is not None
        # Concurrent calls (the shared connection is busy for one of them) both answer.
        first, second = await asyncio.gather(store.user(user_id), store.active_fast(user_id))
        assert (first, second) == (created, None)
    assert await store.user(user_id) == created


async def test_an_error_in_a_together_block_rolls_its_writes_back(store: Store, user_id: str) -> None:
    with pytest.raises(RuntimeError):
        async with store.together(user_id):
            await store.ensure_user(User(id=user_id, display_name="Sam"))
            raise RuntimeError("the request failed")
    assert await store.user(user_id) is None
