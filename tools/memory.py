"""Memory tools: recall what the user told the coach before, and save something new to remember."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field
from pydantic_ai import FunctionToolset, ModelRetry, RunContext

from stores.records import Memory, MemoryIn, MemoryKind
from tools.deps import CoachDeps, ToolResult

toolset = FunctionToolset[CoachDeps](docstring_format="google", require_parameter_descriptions=True)

MIN_SCORE = 0.15
"""Recall floor (cosine similarity), set low on purpose. Measured with MiniLM over 16 short coaching notes:
the right note scores 0.17-0.69 ("medicine" / "Takes metformin for type 2 diabetes" 0.19, "preferences" /
"Prefers training in the morning" 0.19, "shoulder" / an impingement note 0.69), while the best hit for
off-topic queries scores 0.05-0.15 ("capital of France" 0.05, "stock market" 0.14, "music" 0.15) and
sometimes up to 0.26 ("what time is it"). No floor separates the two, so this one only drops the clearly
unrelated: a missed injury or medicine note costs more than an extra note the coach can ignore."""

DUPLICATE_SCORE = 0.95
"""Similarity at which a new memory may repeat a stored one."""

_FILLER = frozenset({"a", "an", "the", "i", "i'm", "im", "my", "me", "am", "is", "are", "was", "to", "of", "and"})
"""Words a restatement may add without saying anything new."""


class RecalledMemory(BaseModel):
    """A memory found for a query."""

    id: int
    text: str
    kind: MemoryKind
    created_at: date
    """The local day it was saved."""
    score: float
    """Cosine similarity to the query, 3 decimals (1 = same meaning)."""


class Recollection(ToolResult):
    """Memories matching a query, best first."""

    query: str
    memories: list[RecalledMemory]


class MemorySaved(ToolResult):
    """The memory saved, or the stored one it repeats."""

    id: int
    text: str
    kind: MemoryKind
    already_known: bool
    """True when a near-identical memory was already stored (nothing new was saved)."""


@toolset.tool
async def recall_memories(
    ctx: RunContext[CoachDeps],
    query: Annotated[str, Field(min_length=1, max_length=300)],
    kind: MemoryKind | None = None,
    limit: Annotated[int, Field(ge=1, le=20)] = 5,
) -> Recollection:
    """Find things the user told the coach before (injuries, preferences, goals, facts), most relevant first.

    Args:
        query: What to look for, e.g. "knee injury" or "food preferences".
        kind: Only memories of this kind, e.g. "injury" when asked which injuries the user has.
        limit: Most memories to return.

    """
    deps = ctx.deps
    text = query.strip()
    if not text:
        raise ModelRetry("The query is blank; say what to look for, e.g. 'knee injury'.")
    (vector,) = await deps.embedder.embed([text])
    found = await deps.store.recall(deps.user_id, vector, limit=limit, kind=kind)
    memories = [
        RecalledMemory(
            id=hit.memory.id,
            text=hit.memory.text,
            kind=hit.memory.kind,
            created_at=hit.memory.created_at.astimezone(deps.user.zone).date(),
            score=round(hit.score, 3),
        )
        for hit in found
        # Every memory of the asked-for kind answers a question about that kind.
        if hit.score >= MIN_SCORE or kind is not None
    ]
    if not memories:
        summary = f"No saved memories about {text}."
    else:
        listed = "; ".join(f"{m.text.rstrip('.')} ({m.kind}, saved {m.created_at})" for m in memories)
        summary = f"Memories about {text}: {listed}."
    return Recollection(query=text, memories=memories, summary=summary)


@toolset.tool
async def save_memory(
    ctx: RunContext[CoachDeps],
    text: Annotated[str, Field(min_length=1, max_length=500)],
    kind: MemoryKind = "note",
) -> MemorySaved:
    """Remember something the user said for later conversations.

    Args:
        text: The fact, as one short sentence, e.g. "Left knee hurts on squats".
        kind: An injury, a preference, a goal, a fact about the user, or a general note.

    """
    deps = ctx.deps
    clean = " ".join(text.split())
    if not clean:
        raise ModelRetry("The text is blank; give the fact to remember as one short sentence.")
    (vector,) = await deps.embedder.embed([clean])
    for hit in await deps.store.recall(deps.user_id, vector, limit=3):
        if hit.score >= DUPLICATE_SCORE and _restates(clean, hit.memory.text):
            return _saved(hit.memory, already_known=True)
    memory = await deps.store.remember(deps.user_id, MemoryIn(text=clean, kind=kind, created_at=deps.now), vector)
    return _saved(memory, already_known=False)


def _restates(new: str, old: str) -> bool:
    """Whether `new` adds no words to `old` beyond filler.

    Embeddings alone over-merge: MiniLM scores "Right knee hurts on deep squats" 0.98 against the
    same sentence about the left knee, which must not be dropped as a duplicate.
    """
    return _words(new) - _words(old) <= _FILLER


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w']+", text.lower()))


def _saved(memory: Memory, *, already_known: bool) -> MemorySaved:
    if already_known:
        summary = f"I already remember this ({memory.kind}): {memory.text}"
    else:
        summary = f"I will remember this ({memory.kind}): {memory.text}"
    summary = summary if summary.endswith((".", "!", "?")) else summary + "."
    return MemorySaved(id=memory.id, text=memory.text, kind=memory.kind, already_known=already_known, summary=summary)
