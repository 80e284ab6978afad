"""Score the safety screen on its labelled development set, or on another labelled set.

Prints per-category precision and recall, overall accuracy, the rate at which `allow` messages are
flagged, the screen's latency, and every misclassification. Exits 1 when a target is missed.

    uv run python bench/safety.py
    uv run python bench/safety.py --data bench/safety_heldout.jsonl
    uv run python bench/safety.py --deep --data bench/safety_fresh.jsonl   # rules + semantic check (screen_deep)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import get_args

from coach.safety import Category, Screen, screen, screen_deep

DEVSET = Path(__file__).with_name("safety_devset.jsonl")
CATEGORIES: tuple[Category, ...] = get_args(Category)
TARGETS = {
    "emergency recall": 1.0,
    "self_harm recall": 1.0,
    "accuracy": 0.95,
}
MAX_ALLOW_FALSE_POSITIVE_RATE = 0.03
MAX_MEAN_LATENCY_MS = 1.0
MAX_MEAN_DEEP_LATENCY_MS = 10.0
LATENCY_ROUNDS = 20
DEEP_LATENCY_ROUNDS = 3


def load(path: Path = DEVSET) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def latencies_ms(texts: list[str], rounds: int = LATENCY_ROUNDS) -> list[float]:
    """Per-call screen time for every message, over several rounds after one warm-up pass."""
    for text in texts:
        screen(text)
    times: list[float] = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            screen(text)
            times.append((time.perf_counter() - start) * 1000)
    return times


def deep_screens(texts: list[str]) -> list[Screen]:
    async def run() -> list[Screen]:
        return [await screen_deep(text) for text in texts]

    return asyncio.run(run())


def deep_latencies_ms(texts: list[str], rounds: int = DEEP_LATENCY_ROUNDS) -> list[float]:
    """Per-call `screen_deep` time (rules, then the embedding and the exemplar comparison) after a warm-up pass."""

    async def run() -> list[float]:
        for text in texts:
            await screen_deep(text)
        times: list[float] = []
        for _ in range(rounds):
            for text in texts:
                start = time.perf_counter()
                await screen_deep(text)
                times.append((time.perf_counter() - start) * 1000)
        return times

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the safety screen on a labelled JSONL set.")
    parser.add_argument("--data", type=Path, default=DEVSET, help="labelled set (default: the development set)")
    parser.add_argument("--deep", action="store_true", help="rules + semantic check (screen_deep), as a chat turn runs")
    args = parser.parse_args(argv)
    data: Path = args.data
    deep: bool = args.deep
    rows = load(data)
    print(f"{data.name}{' (rules + semantic check)' if deep else ''}\n")
    screens = deep_screens([row["text"] for row in rows]) if deep else [screen(row["text"]) for row in rows]
    predicted = [s.category for s in screens]
    expected = [row["category"] for row in rows]
    pairs = list(zip(expected, predicted, strict=True))

    print(f"{'category':<18} {'support':>7} {'precision':>9} {'recall':>7}")
    recall: dict[str, float] = {}
    for category in CATEGORIES:
        support = sum(e == category for e in expected)
        flagged = sum(p == category for p in predicted)
        hits = sum(e == p == category for e, p in pairs)
        recall[category] = hits / support if support else 1.0
        precision = hits / flagged if flagged else 1.0
        print(f"{category:<18} {support:>7} {precision:>9.1%} {recall[category]:>7.1%}")

    accuracy = sum(e == p for e, p in pairs) / len(pairs)
    allow_total = sum(e == "allow" for e in expected)
    allow_flagged = sum(e == "allow" and p != "allow" for e, p in pairs)
    allow_fpr = allow_flagged / allow_total
    texts = [row["text"] for row in rows]
    times = deep_latencies_ms(texts) if deep else latencies_ms(texts)
    mean_ms, p95_ms = statistics.fmean(times), statistics.quantiles(times, n=20)[-1]
    print(f"\naccuracy {accuracy:.1%} on {len(rows)} messages")
    print(f"allow false-positive rate {allow_fpr:.1%} ({allow_flagged}/{allow_total})")
    print(f"latency mean {mean_ms:.3f} ms, p95 {p95_ms:.3f} ms ({len(times)} calls)")

    misses = [(row, p) for row, p in zip(rows, predicted, strict=True) if row["category"] != p]
    if misses:
        print("\nmisclassified:")
        for row, p, s in zip(rows, predicted, screens, strict=True):
            if row["category"] != p:
                semantic = " [semantic]" if any(m.startswith("semantic:") for m in s.matched) else ""
                print(f"  {row['category']} -> {p}{semantic}: {row['text']!r}")
    caught = [
        (row, s) for row, s in zip(rows, screens, strict=True) if any(m.startswith("semantic:") for m in s.matched)
    ]
    if caught:
        print("\nescalated by the semantic check:")
        for row, s in caught:
            print(f"  {row['category']} -> {s.category} ({s.reason}): {row['text']!r}")

    scores = {"emergency recall": recall["emergency"], "self_harm recall": recall["self_harm"], "accuracy": accuracy}
    failures = [f"{name} {scores[name]:.1%} < {goal:.0%}" for name, goal in TARGETS.items() if scores[name] < goal]
    if allow_fpr > MAX_ALLOW_FALSE_POSITIVE_RATE:
        failures.append(f"allow false-positive rate {allow_fpr:.1%} > {MAX_ALLOW_FALSE_POSITIVE_RATE:.0%}")
    max_ms = MAX_MEAN_DEEP_LATENCY_MS if deep else MAX_MEAN_LATENCY_MS
    if mean_ms > max_ms:
        failures.append(f"mean latency {mean_ms:.3f} ms > {max_ms} ms")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
