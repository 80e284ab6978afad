from datetime import UTC, datetime, timedelta

import pytest
from inline_snapshot import snapshot

from coach.embedder import default_embedder
from stores.base import Store
from stores.records import MemoryIn, MemoryKind
from tests.tooling import NOW, call_tool, make_deps, parameters_schema
from tools.deps import CoachDeps
from tools.memory import MemorySaved, Recollection, toolset

pytestmark = pytest.mark.anyio


async def _remember(deps: CoachDeps, text: str, kind: MemoryKind = "note", at: datetime = NOW) -> None:
    (vector,) = await deps.embedder.embed([text])
    await deps.store.remember(deps.user_id, MemoryIn(text=text, kind=kind, created_at=at), vector)


async def _recall(deps: CoachDeps, query: str, limit: int = 5) -> Recollection:
    part = await call_tool(toolset, "recall_memories", {"query": query, "limit": limit}, deps)
    assert isinstance(part.content, Recollection), part.content
    return part.content


async def _save(deps: CoachDeps, text: str, kind: MemoryKind = "note") -> MemorySaved:
    part = await call_tool(toolset, "save_memory", {"text": text, "kind": kind}, deps)
    assert isinstance(part.content, MemorySaved), part.content
    return part.content


async def test_save_memory(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    saved = await _save(deps, "  Left knee hurts on  deep squats ", "injury")
    assert saved.model_dump(exclude={"id"}) == {
        "text": "Left knee hurts on deep squats",
        "kind": "injury",
        "already_known": False,
        "summary": "I will remember this (injury): Left knee hurts on deep squats.",
    }
    (stored,) = await store.memories(user_id)
    assert (stored.id, stored.text, stored.kind, stored.created_at) == (saved.id, saved.text, "injury", NOW)


async def test_save_memory_skips_a_repeat(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    first = await _save(deps, "Prefers morning workouts", "preference")
    again = await _save(deps, "prefers MORNING workouts")
    assert (again.id, again.text, again.kind, again.already_known) == (first.id, first.text, "preference", True)
    assert again.summary == "I already remember this (preference): Prefers morning workouts."
    assert len(await store.memories(user_id)) == 1


async def test_save_memory_with_minilm_merges_restatements_but_not_new_facts(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    deps.embedder = default_embedder()
    left = await _save(deps, "Left knee hurts on deep squats since March", "injury")
    restated = await _save(deps, "My left knee hurts on deep squats since March.", "injury")
    assert (restated.already_known, restated.id) == (True, left.id)
    # MiniLM scores this 0.98 against the left-knee note, yet it is a different injury.
    right = await _save(deps, "Right knee hurts on deep squats since March", "injury")
    assert not right.already_known
    assert [m.text for m in await store.memories(user_id)] == [right.text, left.text]


@pytest.mark.parametrize(
    ("tool", "args", "message"),
    [
        ("save_memory", {"text": "   "}, "The text is blank; give the fact to remember as one short sentence."),
        ("recall_memories", {"query": " "}, "The query is blank; say what to look for, e.g. 'knee injury'."),
    ],
)
async def test_blank_text_retries(store: Store, user_id: str, tool: str, args: dict[str, object], message: str) -> None:
    part = await call_tool(toolset, tool, args, await make_deps(store, user_id))
    assert (part.outcome, part.content) == ("retried", message)


@pytest.mark.parametrize(
    ("tool", "args", "error"),
    [
        ("save_memory", {"text": "x" * 501}, "at most 500 characters"),
        ("save_memory", {"text": "x", "kind": "secret"}, "Input should be 'note'"),
        ("recall_memories", {"query": "x" * 301}, "at most 300 characters"),
        ("recall_memories", {"query": "knee", "limit": 21}, "less than or equal to 20"),
    ],
)
async def test_bounds_are_in_the_schema(
    store: Store, user_id: str, tool: str, args: dict[str, object], error: str
) -> None:
    part = await call_tool(toolset, tool, args, await make_deps(store, user_id))
    assert part.outcome == "retried"
    assert error in part.model_response_str()


async def test_recall_memories(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await _remember(deps, "left knee hurts on deep squats", "injury", NOW - timedelta(days=3))
    await _remember(deps, "prefers morning workouts before work", "preference")
    await _remember(deps, "knee sleeve helps", "fact")
    found = await _recall(deps, "knee pain")
    assert [(m.text, m.kind, m.created_at.isoformat()) for m in found.memories] == [
        ("knee sleeve helps", "fact", "2026-11-26"),
        ("left knee hurts on deep squats", "injury", "2026-11-23"),
    ]
    assert [m.score for m in found.memories] == [0.408, 0.289]
    assert found.summary == (
        "Memories about knee pain: knee sleeve helps (fact, saved 2026-11-26); "
        "left knee hurts on deep squats (injury, saved 2026-11-23)."
    )
    assert [m.text for m in (await _recall(deps, "knee pain", limit=1)).memories] == ["knee sleeve helps"]


async def test_recall_drops_weak_matches(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    # One shared word, two in the query and thirty in the note: cosine 1/sqrt(60) = 0.13 with the hashing embedder.
    await _remember(deps, " ".join(["heavy", *(f"word{i}" for i in range(29))]))
    found = await _recall(deps, "heavy rain")
    assert found.memories == []
    assert found.summary == "No saved memories about heavy rain."


async def test_recall_by_kind_keeps_every_memory_of_that_kind(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    await _remember(deps, "left knee hurts on deep squats", "injury")
    await _remember(deps, "right shoulder impingement", "injury")
    await _remember(deps, "injuries heal slowly in winter says my physio", "note")
    found = await call_tool(toolset, "recall_memories", {"query": "injuries", "kind": "injury"}, deps)
    assert isinstance(found.content, Recollection)
    assert {m.text for m in found.content.memories} == {"left knee hurts on deep squats", "right shoulder impingement"}
    unfiltered = await _recall(deps, "injuries")
    assert [m.kind for m in unfiltered.memories] == ["note"]


async def test_recall_dates_are_local(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id, tz="America/Los_Angeles")
    await _remember(deps, "allergic to peanuts", "fact", datetime(2026, 11, 26, 6, tzinfo=UTC))
    (memory,) = (await _recall(deps, "peanuts")).memories
    assert memory.created_at.isoformat() == "2026-11-25"


async def test_users_are_isolated(store: Store, user_id: str) -> None:
    mine = await make_deps(store, user_id)
    theirs = await make_deps(store, f"{user_id}-b")
    await _remember(theirs, "secret knee surgery", "injury")
    assert (await _recall(mine, "knee surgery")).memories == []
    saved = await _save(mine, "secret knee surgery")
    assert not saved.already_known
    again = await _save(theirs, "secret knee surgery")
    assert again.already_known
    assert [m.id for m in await store.memories(user_id)] == [saved.id]
    assert [m.text for m in (await _recall(theirs, "knee surgery")).memories] == ["secret knee surgery"]


async def test_recall_ranks_by_meaning_with_minilm(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    deps.embedder = default_embedder()
    notes: dict[str, MemoryKind] = {
        "Left knee hurts on deep squats since March": "injury",
        "Prefers training in the morning before work": "preference",
        "Goal: deadlift 200 kg by summer": "goal",
        "Allergic to peanuts": "fact",
        "Vegetarian, eats eggs and dairy": "preference",
    }
    for text, kind in notes.items():
        await _remember(deps, text, kind)
    assert (await _recall(deps, "knee pain", limit=1)).memories[0].text.startswith("Left knee")
    assert (await _recall(deps, "food allergy", limit=1)).memories[0].text == "Allergic to peanuts"
    assert (await _recall(deps, "what time do I like to train", limit=1)).memories[0].kind == "preference"
    assert (await _recall(deps, "what is the capital of France")).memories == []


def test_every_parameter_is_described() -> None:
    for name in toolset.tools:
        for prop, schema in parameters_schema(toolset, name).get("properties", {}).items():
            assert schema.get("description", "").strip(), f"{name}.{prop} has no description"


def test_recall_memories_schema() -> None:
    assert parameters_schema(toolset, "recall_memories") == snapshot(
        {
            "additionalProperties": False,
            "properties": {
                "query": {
                    "description": 'What to look for, e.g. "knee injury" or "food preferences".',
                    "maxLength": 300,
                    "minLength": 1,
                    "type": "string",
                },
                "kind": {
                    "anyOf": [
                        {"enum": ["note", "injury", "preference", "goal", "fact"], "type": "string"},
                        {"type": "null"},
                    ],
                    "default": None,
                    "description": 'Only memories of this kind, e.g. "injury" when asked which injuries the user has.',
                },
                "limit": {
                    "default": 5,
                    "description": "Most memories to return.",
                    "maximum": 20,
                    "minimum": 1,
                    "type": "integer",
                },
            },
            "required": ["query"],
            "type": "object",
        }
    )


def test_save_memory_schema() -> None:
    assert parameters_schema(toolset, "save_memory") == snapshot(
        {
            "additionalProperties": False,
            "properties": {
                "text": {
                    "description": 'The fact, as one short sentence, e.g. "Left knee hurts on squats".',
                    "maxLength": 500,
                    "minLength": 1,
                    "type": "string",
                },
                "kind": {
                    "default": "note",
                    "description": "An injury, a preference, a goal, a fact about the user, or a general note.",
                    "enum": ["note", "injury", "preference", "goal", "fact"],
                    "type": "string",
                },
            },
            "required": ["text"],
            "type": "object",
        }
    )
