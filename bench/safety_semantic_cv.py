"""Choose and check the semantic safety check's thresholds by cross-validation on the dev and held-out sets.

Every labelled message is screened against the exemplars of the *other* folds only. The rules were tuned on
these sets and catch every crisis in them, so the recall printed is the semantic check's alone: how many
crisis messages it would catch if the rules had missed them. "allow FP" counts `allow` messages the rules
let through that the check would escalate (the false positives it adds), "med/DE FP" the same for medical
and disordered-eating messages, and "eval FP" the benign user turns of the eval datasets (evals/datasets)
escalated with all exemplars in use.

Selection: the mean of two nearest exemplars per crisis category, thresholds on a grid (similarity 0.40 to
0.80, margin 0 to 0.20), 5-fold stratified cross-validation repeated with five seeds; constraints: allow FP
at most 2%, med/DE FP at most 2%, no eval FP; objective: the mean of emergency and self-harm recall; among
grid points within 0.01 of the best, the one with the fewest allow FP. The fresh set is never read here.

    uv run python bench/safety_semantic_cv.py
    uv run python bench/safety_semantic_cv.py --neighbours 1 --no-context   # ablations (exit 1: not shipped)
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).parent.resolve():
    sys.path.pop(0)  # keep bench/ from shadowing the project's packages

import numpy as np
import yaml

from coach import _safety_semantic as semantic
from coach.embedder import default_embedder
from coach.safety import screen, semantic_counts

ROOT = Path(__file__).parents[1]
SEEDS = range(5)
FOLDS = 5
SIMILARITIES = np.round(np.arange(0.40, 0.801, 0.02), 2)
MARGINS = np.round(np.arange(0.0, 0.201, 0.01), 2)
MAX_FP_RATE = 0.02
TOLERANCE = 0.01


@dataclass
class Data:
    texts: list[str]
    labels: np.ndarray[Any, Any]
    sets: np.ndarray[Any, Any]
    vectors: np.ndarray[Any, Any]
    eligible: np.ndarray[Any, Any]  # the rules said allow, medical or disordered eating
    context_ok: np.ndarray[Any, Any]  # a proposed emergency would pass the rules' context


def _context_ok(texts: list[str]) -> np.ndarray[Any, Any]:
    probe = semantic.Match(category="emergency", similarity=1.0, margin=1.0)
    return np.array([semantic_counts(probe, text) for text in texts])


def load(context: bool = True) -> Data:
    rows: list[tuple[str, str]] = []
    sets: list[str] = []
    for path in semantic.SOURCES:
        batch = semantic.load_rows([path])
        rows += batch
        sets += [path.stem] * len(batch)
    exemplars = semantic.shipped()
    if exemplars.digest != semantic.digest(rows):
        raise SystemExit(
            "coach/data/safety_exemplars.npz is out of date: uv run python -m coach._safety_semantic --build"
        )
    texts = [text for text, _ in rows]
    eligible = np.array([screen(text).category not in semantic.CRISIS for text in texts])
    context_ok = _context_ok(texts) if context else np.ones(len(texts), dtype=bool)
    return Data(texts, exemplars.labels, np.array(sets), exemplars.vectors, eligible, context_ok)


def eval_turns() -> list[str]:
    """The user turns of the eval datasets that are neither a crisis nor disordered eating."""
    turns: list[str] = []
    for path in sorted((ROOT / "evals" / "datasets").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            routed = [
                e["SafetyRouted"] for e in case.get("evaluators", []) if isinstance(e, dict) and "SafetyRouted" in e
            ]
            if any(r not in ("allow", "medical") for r in routed):
                continue
            turns += [turn for turn in case["inputs"]["turns"] if isinstance(turn, str)]
    return turns


def folds(labels: np.ndarray[Any, Any], seed: int) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(seed)
    fold = np.empty(len(labels), dtype=int)
    for category in np.unique(labels):
        index = np.flatnonzero(labels == category)
        rng.shuffle(index)
        fold[index] = np.arange(len(index)) % FOLDS
    return fold


def fires(scores: dict[str, Any], category: str, similarity: float, margin: float) -> np.ndarray[Any, Any]:
    return (scores[category] >= similarity) & (scores[category] - scores["non_crisis"] >= margin)


@dataclass
class Outcome:
    recall: dict[str, float]
    allow_fp: float
    other_fp: float


def outcome(data: Data, runs: list[dict[str, Any]], thresholds: dict[str, tuple[float, float]]) -> Outcome:
    """Mean recall and added false positives over runs of cross-validated scores."""
    recall = dict.fromkeys(semantic.CRISIS, 0.0)
    allow_fp = other_fp = 0.0
    any_fire = np.zeros(len(data.labels), dtype=bool)
    for scores in runs:
        any_fire[:] = False
        for category, (similarity, margin) in thresholds.items():
            fire = fires(scores, category, similarity, margin)
            if category == "emergency":
                fire &= data.context_ok
            recall[category] += fire[data.labels == category].mean() / len(runs)
            any_fire |= fire
        added = any_fire & data.eligible
        allow_fp += (added & (data.labels == "allow")).sum() / len(runs)
        other_fp += (added & np.isin(data.labels, ("medical", "disordered_eating"))).sum() / len(runs)
    return Outcome(recall, allow_fp, other_fp)


def choose(
    data: Data, runs: list[dict[str, Any]], turn_scores: dict[str, Any], turn_ok: np.ndarray[Any, Any]
) -> dict[str, tuple[float, float]]:
    n_allow = int((data.labels == "allow").sum())
    n_other = int(np.isin(data.labels, ("medical", "disordered_eating")).sum())
    table: dict[str, list[tuple[float, float, float, float, float]]] = {}
    for category in semantic.CRISIS:
        rows = []
        for similarity in SIMILARITIES:
            for margin in MARGINS:
                on_turns = fires(turn_scores, category, similarity, margin)
                if category == "emergency":
                    on_turns &= turn_ok
                if on_turns.any():
                    continue
                got = outcome(data, runs, {category: (similarity, margin)})
                rows.append((got.recall[category], got.allow_fp, got.other_fp, float(similarity), float(margin)))
        table[category] = rows
    # The two categories' false positives are added (an upper bound of their union).
    candidates = [
        ((e[0] + s[0]) / 2, e[1] + s[1], e[2] + s[2], e, s)
        for e in table["emergency"]
        for s in table["self_harm"]
        if e[1] + s[1] <= MAX_FP_RATE * n_allow and e[2] + s[2] <= MAX_FP_RATE * n_other
    ]
    best = max(c[0] for c in candidates)
    pick = min((c for c in candidates if c[0] >= best - TOLERANCE), key=lambda c: (c[1], c[2], -c[0]))
    print(f"grid: best mean crisis recall {best:.1%}; picked {pick[0]:.1%} with {pick[1]:.1f} allow escalations")
    return {"emergency": (pick[3][3], pick[3][4]), "self_harm": (pick[4][3], pick[4][4])}


def main() -> int:
    parser = argparse.ArgumentParser(description="Cross-validate the semantic safety check's thresholds.")
    parser.add_argument("--neighbours", type=int, default=semantic.NEIGHBOURS, help="crisis exemplars averaged")
    parser.add_argument("--no-context", action="store_true", help="do not apply the rules' context to emergencies")
    args = parser.parse_args()
    k: int = args.neighbours
    data = load(context=not args.no_context)
    labels = data.labels
    sims = (data.vectors @ data.vectors.T).astype(np.float64)
    turns = eval_turns()
    turn_sims = (default_embedder().embed_sync(turns) @ data.vectors.T).astype(np.float64)
    turn_scores = semantic.features(turn_sims, labels, neighbours=k)
    turn_ok = np.ones(len(turns), dtype=bool) if args.no_context else _context_ok(turns)
    turn_eligible = np.array([screen(turn).category not in semantic.CRISIS for turn in turns])

    runs = []
    for seed in SEEDS:
        fold = folds(labels, seed)
        runs.append(semantic.features(sims, labels, fold[:, None] != fold[None, :], k))
    chosen = choose(data, runs, turn_scores, turn_ok & turn_eligible)
    shipped = {c: (t.similarity, t.margin) for c, t in semantic.THRESHOLDS.items()}
    variant = k == semantic.NEIGHBOURS and not args.no_context
    print(f"{len(labels)} labelled messages ({(labels == 'allow').sum()} allow), {len(turns)} benign eval turns")
    print(f"{k} nearest crisis exemplars averaged; rules' context on emergencies: {not args.no_context}")
    print(f"chosen by cross-validation: {chosen}")
    print(f"shipped in coach/_safety_semantic.py: {shipped}\n")
    if not variant:
        print("(an ablation: the figures below use the thresholds chosen for it)\n")
        shipped = chosen

    schemes: list[tuple[str, list[dict[str, Any]], np.ndarray[Any, Any] | None]] = [
        (f"5-fold x {len(SEEDS)} seeds", runs, None),
        ("leave-one-out", [semantic.features(sims, labels, ~np.eye(len(labels), dtype=bool), k)], None),
    ]
    for source, target in (("safety_devset", "safety_heldout"), ("safety_heldout", "safety_devset")):
        usable = np.broadcast_to(data.sets == source, sims.shape)
        schemes.append(
            (
                f"{source.removeprefix('safety_')} -> {target.removeprefix('safety_')}",
                [semantic.features(sims, labels, usable, k)],
                data.sets == target,
            )
        )
    print("| scheme | emergency recall | self_harm recall | allow FP added | med/DE escalated |")
    print("|---|---|---|---|---|")
    for name, scheme_runs, rows in schemes:
        subset = data if rows is None else _subset(data, rows)
        runs_subset = scheme_runs if rows is None else [{k: v[rows] for k, v in r.items()} for r in scheme_runs]
        got = outcome(subset, runs_subset, shipped)
        allow = (subset.labels == "allow").sum()
        other = np.isin(subset.labels, ("medical", "disordered_eating")).sum()
        allow_fp = f"{got.allow_fp:.1f}/{allow} ({got.allow_fp / allow:.1%})"
        other_fp = f"{got.other_fp:.1f}/{other} ({got.other_fp / other:.1%})"
        print(f"| {name} | {got.recall['emergency']:.1%} | {got.recall['self_harm']:.1%} | {allow_fp} | {other_fp} |")
    loo = schemes[1][1][0]
    print("\nleave-one-out, non-crisis messages the check would escalate:")
    for i, text in enumerate(data.texts):
        found = [
            m
            for m in semantic.matches(loo, i, shipped_thresholds(shipped))
            if m.category != "emergency" or data.context_ok[i]
        ]
        if found and data.eligible[i] and labels[i] not in semantic.CRISIS:
            print(f"  {labels[i]} -> {found[0].category} ({found[0].similarity:.2f}, +{found[0].margin:.2f}): {text!r}")
    escalated = [
        turn
        for i, turn in enumerate(turns)
        if turn_eligible[i] and any(m.category != "emergency" or turn_ok[i] for m in semantic.matches(turn_scores, i))
    ]
    print(f"\nbenign eval turns escalated: {len(escalated)}/{len(turns)} {escalated}")
    return 0 if variant and chosen == shipped else 1


def shipped_thresholds(values: dict[str, tuple[float, float]]) -> dict[Any, semantic.Threshold]:
    return {category: semantic.Threshold(*pair) for category, pair in values.items()}


def _subset(data: Data, rows: np.ndarray[Any, Any]) -> Data:
    return Data(
        [t for t, keep in zip(data.texts, rows, strict=True) if keep],
        data.labels[rows],
        data.sets[rows],
        data.vectors[rows],
        data.eligible[rows],
        data.context_ok[rows],
    )


if __name__ == "__main__":
    raise SystemExit(main())
