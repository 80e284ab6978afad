"""The exercise library: load the shipped data file, search it, and resolve what people type.

The data file (`stores/data/exercises.json`) is derived from the wger project's exercise data by
`stores/_build_exercises.py`; it stays under CC-BY-SA (see `stores/data/EXERCISES_LICENSE.md`).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from bisect import bisect_left
from collections import Counter, OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import TypeAdapter

from stores.records import Exercise

DATA_FILE = Path(__file__).parent / "data" / "exercises.json"

# Shorthand and spellings people type, mapped to the words the library uses.
_SYNONYMS = {
    "db": "dumbbell",
    "dumbell": "dumbbell",
    "bb": "barbell",
    "kb": "kettlebell",
    "sz": "ez",
    "flye": "fly",
    "calves": "calf",
    "w": "with",
    "ups": "up",
}
# Closed compounds split the way the names write them, so "pulldown" matches "Pull Down" word by word.
_SPLITS = {
    "pullup": "pull up",
    "pushup": "push up",
    "chinup": "chin up",
    "situp": "sit up",
    "stepup": "step up",
    "pulldown": "pull down",
    "pushdown": "push down",
    "facepull": "face pull",
    "benchpress": "bench press",
    "skullcrusher": "skull crusher",
}
_STOPWORDS = frozenset({"a", "an", "the", "with", "of", "and", "on", "in", "using", "for", "my"})
_KEEP_S = ("ss", "us", "is")

_EXACT, _PREFIX, _WORDS, _OVERLAP = 4.0, 3.0, 2.0, 1.0
_FUZZY_FLOOR = 0.6
"""Below this difflib ratio a name is not close enough to show at all."""
# resolve() answers only for an exact name or alias, text covering most of one name, or a near
# spelling, and only when the runner-up is clearly behind.
_CONFIDENT_WORDS = 0.6
_CONFIDENT_FUZZY = 0.88
_MARGIN = 0.15
_FUZZY_POOL = 40

_LIBRARY_ADAPTER = TypeAdapter(tuple[Exercise, ...])


def tokens(text: str) -> tuple[str, ...]:
    """Split text into matching tokens: lowercase, accent-free, singular, shorthand expanded.

    Args:
        text: A name, alias or query.

    Returns:
        The tokens, stop words dropped, in their original order.

    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    raw: list[str] = re.findall(r"[a-z0-9]+", folded)
    split = (part for word in raw for part in _SPLITS.get(_singular(word), word).split())
    words = map(_synonym, map(_singular, map(_synonym, split)))
    return tuple(word for word in words if word not in _STOPWORDS)


def _synonym(word: str) -> str:
    return _SYNONYMS.get(word, word)


def compact(text: str) -> str:
    """The key two spellings of one name share, e.g. "Pull-ups", "pullups" and "pull up" -> "pullup".

    Args:
        text: A name, alias or query.

    Returns:
        The tokens joined without spaces.

    """
    return "".join(tokens(text))


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(_KEEP_S) or not word.endswith("s"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


@cache
def load_library() -> tuple[Exercise, ...]:
    """Load the exercise library shipped with the package (cached).

    Returns:
        Every exercise, ordered by id.

    """
    payload = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    library = _LIBRARY_ADAPTER.validate_python(payload["exercises"])
    _index(library)
    return library


def search(library: tuple[Exercise, ...], text: str, limit: int = 10) -> list[Exercise]:
    """Find exercises by name, alias or abbreviation, best match first.

    Exact names and aliases rank first, then names starting with the text, then names containing
    all its words, then names sharing some of them, then names spelled alike (typos).

    Args:
        library: The exercises to search, e.g. `load_library()`.
        text: What the person typed, e.g. "rdl" or "incline db press".
        limit: The most results to return.

    Returns:
        Up to `limit` exercises; empty when nothing is close.

    """
    index = _index(library)
    return [index.library[position] for _, position in _rank(index, text, limit)]


def resolve(library: tuple[Exercise, ...], text: str) -> Exercise | None:
    """The one exercise that the text confidently names, e.g. "bench" -> bench press.

    Args:
        library: The exercises to search, e.g. `load_library()`.
        text: What the person typed.

    Returns:
        The exercise, or None when nothing matches or several match about equally well.

    """
    index = _index(library)
    ranked = _rank(index, text, 2)
    if not ranked:
        return None
    best, position = ranked[0]
    tier, fit = divmod(best, 1.0)
    clear = best - (ranked[1][0] if len(ranked) > 1 else 0.0) >= _MARGIN
    confident = (
        tier >= _EXACT
        or (tier in (_PREFIX, _WORDS) and fit >= _CONFIDENT_WORDS and clear)
        or (tier == 0 and fit >= _CONFIDENT_FUZZY and clear)
    )
    return index.library[position] if confident else None


def suggest(library: tuple[Exercise, ...], text: str, limit: int = 3) -> list[str]:
    """Names close to the text, for a "did you mean ...?" message.

    Args:
        library: The exercises to search, e.g. `load_library()`.
        text: What the person typed, e.g. an unknown exercise id or a misspelt name.
        limit: The most names to return.

    Returns:
        Up to `limit` exercise names, closest first.

    """
    index = _index(library)
    return [index.library[position].name for _, position in _rank(index, text, limit)]


@dataclass(frozen=True)
class _Key:
    position: int
    """Where the exercise sits in the library."""
    compact: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class _Index:
    library: tuple[Exercise, ...]
    keys: tuple[_Key, ...]
    exact: dict[str, int]
    words: dict[str, tuple[int, ...]]
    """Token -> the keys that hold it."""
    vocabulary: tuple[str, ...]
    """The tokens, sorted, for prefix look-ups."""
    trigrams: dict[str, tuple[int, ...]]
    """Trigram of a padded compact key -> the keys that hold it."""


_INDEXES: OrderedDict[tuple[int, ...], _Index] = OrderedDict()
_MAX_INDEXES = 4


def _index(library: tuple[Exercise, ...]) -> _Index:
    # Keyed by the records' identities: callers rebuild the tuple (e.g. from a dict's values) and
    # should still hit the cache; the cached index holds the records, so identities stay unique.
    fingerprint = tuple(map(id, library))
    if (found := _INDEXES.get(fingerprint)) is not None:
        _INDEXES.move_to_end(fingerprint)
        return found
    built = _build_index(library)
    _INDEXES[fingerprint] = built
    if len(_INDEXES) > _MAX_INDEXES:
        _INDEXES.popitem(last=False)
    return built


def _build_index(library: tuple[Exercise, ...]) -> _Index:
    keys: list[_Key] = []
    exact: dict[str, int] = {}
    for position, exercise in enumerate(library):
        for text in (exercise.name, *exercise.aliases, exercise.id):
            parts = tokens(text)
            key = _Key(position, "".join(parts), parts)
            if key.compact and key.compact not in exact:
                exact[key.compact] = position
                keys.append(key)
    words: dict[str, list[int]] = {}
    trigrams: dict[str, list[int]] = {}
    for number, key in enumerate(keys):
        for word in set(key.tokens):
            words.setdefault(word, []).append(number)
        for gram in _trigrams(key.compact):
            trigrams.setdefault(gram, []).append(number)
    return _Index(
        library=library,
        keys=tuple(keys),
        exact=exact,
        words={word: tuple(found) for word, found in words.items()},
        vocabulary=tuple(sorted(words)),
        trigrams={gram: tuple(found) for gram, found in trigrams.items()},
    )


def _trigrams(text: str) -> set[str]:
    padded = f"^{text}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _rank(index: _Index, text: str, limit: int) -> list[tuple[float, int]]:
    """The best (score, position) pairs; a score's integer part is its tier, the rest its fit in the tier."""
    query = tokens(text)
    joined = "".join(query)
    if not joined or limit < 1:
        return []
    best: dict[int, float] = {}
    if (position := index.exact.get(joined)) is not None:
        best[position] = _EXACT
    for number, parts in _word_hits(index, query).items():
        key = index.keys[number]
        score = _word_score(query, joined, key, parts)
        if score > best.get(key.position, 0.0):
            best[key.position] = score
    if len(best) < limit:
        for position, ratio in _fuzzy(index, joined):
            best.setdefault(position, ratio)
    ordered = sorted(best.items(), key=lambda item: (-item[1], len(index.library[item[0]].name), item[0]))
    return [(score, position) for position, score in ordered[:limit]]


def _word_hits(index: _Index, query: tuple[str, ...]) -> dict[int, set[int]]:
    """Key number -> which query tokens start one of its words (a single letter must be the whole word)."""
    vocabulary = index.vocabulary
    hits: dict[int, set[int]] = {}
    for part_number, part in enumerate(query):
        at = bisect_left(vocabulary, part)
        while at < len(vocabulary) and vocabulary[at].startswith(part):
            if len(part) >= 2 or vocabulary[at] == part:
                for number in index.words[vocabulary[at]]:
                    hits.setdefault(number, set()).add(part_number)
            at += 1
    return hits


def _word_score(query: tuple[str, ...], joined: str, key: _Key, parts: set[int]) -> float:
    if key.compact == joined:
        return _EXACT
    if key.compact.startswith(joined):
        return _PREFIX + min(len(joined) / len(key.compact), 0.99)
    if len(parts) == len(query):
        return _WORDS + min(len(joined) / len(key.compact), 0.99)
    covered = sum(len(query[part]) for part in parts) / len(key.compact)
    return _OVERLAP + 0.9 * len(parts) / len(query) + 0.09 * min(covered, 1.0)


def _fuzzy(index: _Index, joined: str) -> list[tuple[int, float]]:
    """Spelling matches: difflib ratios for the keys sharing the most trigrams with the query."""
    shared: Counter[int] = Counter()
    for gram in _trigrams(joined):
        shared.update(index.trigrams.get(gram, ()))
    matcher = difflib.SequenceMatcher(b=joined)
    scores: dict[int, float] = {}
    for number, _ in shared.most_common(_FUZZY_POOL):
        key = index.keys[number]
        matcher.set_seq1(key.compact)
        if matcher.real_quick_ratio() < _FUZZY_FLOOR or matcher.quick_ratio() < _FUZZY_FLOOR:
            continue
        ratio = min(matcher.ratio(), 0.99)
        if ratio >= _FUZZY_FLOOR and ratio > scores.get(key.position, 0.0):
            scores[key.position] = ratio
    return list(scores.items())
