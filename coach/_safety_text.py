"""Normalising a message into the one spelling the safety rules are written against, and its sentences.

Everything here is about the shape of the text (case, contractions, slang, glued units, number words,
sentence bounds), not about what a sign means; `coach._safety_numbers` and `coach._safety_rules` read
the result.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache

Span = tuple[int, int]

_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
}

_GLUED_UNITS = r"kgs?|lbs?|kcals?|cals?|calories|mg|mcg|ml|g|hrs?|hours?|h|days?|d|wks?|weeks?|st|cm|m|yo"
"""Units people type straight after a number ("500kcal", "16h"), split off so the unit rewrites see them."""

_REWRITES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[😂🤣💀]", " lol "),
        (r"\bcan'?t\b|\bcannot\b", "can not"),
        (r"\bwon'?t\b", "will not"),
        (r"\bain'?t\b", "is not"),
        (r"\b(do|does|did|is|are|was|were|have|has|had|should|could|would|must|need)n'?t\b", r"\1 not"),
        (r"\bi'?m\b", "i am"),
        (r"\bi'?ve\b", "i have"),
        (r"\bi'll\b", "i will"),
        (r"\bi'd\b", "i would"),
        (r"\b(it|that|what|there|he|she|who|life)'s\b", r"\1 is"),
        (r"\b(that|what|there)s\b", r"\1 is"),
        (r"\b(you|we|they)'re\b", r"\1 are"),
        (r"\bwanna\b", "want to"),
        (r"\bgonna\b", "going to"),
        (r"\bgotta\b", "got to"),
        (r"\brn\b", "right now"),
        (r"\bkms\b", "kill myself"),
        (r"\bidk\b", "i do not know"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (r"\bw/", "with "),
        (r"(?<=\d),(?=\d{3}\b)", ""),
        (rf"\b(\d+(?:\.\d+)?)({_GLUED_UNITS})\b", r"\1 \2"),
        (r"\b(kcals?|cals?|calories|calorie|kilocalories)\b", "kcal"),
        (r"\b(kgs?|kilos?|kilograms?)\b", "kg"),
        (r"\b(lbs?|pounds?)\b", "lb"),
        (r"(?<=\d )st\b|\bstones\b", "stone"),
        (r"(?<=\d )(hrs?|h)\b", "hours"),
        (r"(?<=\d )d\b", "days"),
        (r"\bwks?\b", "weeks"),
        (r"\bmins\b", "minutes"),
        (r"(?<=\d )yo\b|\by/o\b", "years old"),
        (r" ?/ ?(day|d)\b", " a day"),
        (r"-(?=(?:day|hour|week)s?\b)", " "),
        (rf"\b({'|'.join(_NUMBER_WORDS)})\b(?=\s+(?:days?|weeks?|months?|hours?|kg|lb|stone)\b)", r"<\1>"),
    )
)
_NUMBER_WORD_TOKEN = re.compile(r"<(\w+)>")
_THOUSANDS = re.compile(r"\b(\d+(?:\.\d+)?)\s?k\b(?=\s*(?:kcals?|cals?|calories?)\b)")
_SPACES = re.compile(r"[ \t]+")
_LINE_BREAKS = re.compile(r" ?\n[\s]*")


def normalise(text: str) -> str:
    """Fold a message into the one spelling the rules are written against (case, contractions, units)."""
    # whitespace first: the rewrites below may start with optional spaces, which is slow over long runs
    folded = _LINE_BREAKS.sub("\n", _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower()))
    folded = folded.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    folded = _THOUSANDS.sub(lambda m: str(round(float(m.group(1)) * 1000)), folded)
    for pattern, replacement in _REWRITES:
        folded = pattern.sub(replacement, folded)
    folded = _NUMBER_WORD_TOKEN.sub(lambda m: _NUMBER_WORDS[m.group(1)], folded)
    return _SPACES.sub(" ", folded).strip()


_SENTENCE_END = re.compile(r"(?<!\d)\.(?!\d)|[!?;\n]|\b(?:but|however|though|although)\b")


@lru_cache(maxsize=32)
def _boundaries(text: str) -> tuple[list[int], list[int]]:
    found = list(_SENTENCE_END.finditer(text))
    return [b.start() for b in found], [b.end() for b in found]


_CONTEXT_CHARS = 300
"""How far from a match its context is read; keeps screening linear on long, unpunctuated text."""


def sentence_bounds(text: str, position: int) -> Span:
    """Start and end of the sentence holding `position` ("but" starts a new one), at most 300 characters away."""
    starts, ends = _boundaries(text)
    before = bisect_right(ends, position)
    after = bisect_left(starts, position)
    start = ends[before - 1] if before else 0
    end = starts[after] if after < len(starts) else len(text)
    return max(start, position - _CONTEXT_CHARS), min(end, position + _CONTEXT_CHARS)
