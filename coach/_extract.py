"""What the offline model reads from a prompt: muscles, periods, and the arguments of its write tools.

Each reader returns the tool arguments, a question back when a figure the tool needs is missing
(the model never invents calories or a weight), or None when the text is not that kind of request.
Only figures the user wrote end up in the arguments; anything left out gets the tool's default.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from stores.records import Muscle
from tools.periods import Period, parse_period

Args = dict[str, Any]

LB_TO_KG = 0.4536
NUM = r"\d+(?:\.\d+)?"
_POLITE = re.compile(
    r"^(?:(?:please|pls|can you|could you|would you|i want to|i'd like to|let's|lets|ok(?:ay)?|hey)[,\s]+)+", re.I
)


def bare(text: str) -> str:
    """The text without leading politeness ("please", "can you"), so verbs can anchor at the start."""
    return _POLITE.sub("", text.strip())


def number(token: str) -> float:
    """A figure as an int when whole (12.0 -> 12), so arguments read as the user wrote them."""
    value = float(token)
    return int(value) if value.is_integer() else value


def _hours_ago(text: str) -> tuple[float | None, str]:
    """Hours in "2 hours ago", "an hour ago", "30 minutes ago", and the text without that phrase."""
    match = re.search(rf"\b(?P<n>{NUM}|an?|half an)\s*(?P<unit>h|hrs?|hours?|mins?|minutes?)\s+ago\b", text, re.I)
    if match is None:
        return None, text
    amount = {"a": 1.0, "an": 1.0, "half an": 0.5}.get(match["n"].lower())
    hours = amount if amount is not None else float(match["n"])
    if match["unit"].lower().startswith("m"):
        hours /= 60
    return number(str(round(hours, 2))), text[: match.start()] + text[match.end() :]


# --- muscles and periods -------------------------------------------------------------------------

# Ordered: specific phrases claim their words before the general ones ("lower back" before "back").
# "back" means the lats (RP's back landmarks are the lats' here); "shoulders" fans out to all three
# delt heads and "arms"/"legs" to their two big movers, so each figure keeps its own landmarks.
MUSCLE_WORDS: tuple[tuple[str, tuple[Muscle, ...]], ...] = (
    (r"lower back|spinal erectors?|erectors?", ("spinal_erectors",)),
    (r"upper back|traps?|trapezius|rhomboids?", ("traps",)),
    # Not the "back" of "I'm back" or "come back", nor back-off sets.
    (r"lats?|latissimus|(?<!i'm )(?<!am )(?<!get )(?<!got )(?<!come )(?<!came )back(?![- ]?off)", ("lats",)),
    (r"front delts?|front shoulders?|anterior delts?", ("front_delts",)),
    (r"side delts?|lateral delts?|middle delts?|side shoulders?", ("side_delts",)),
    (r"rear delts?|posterior delts?|rear shoulders?", ("rear_delts",)),
    (r"shoulders?|delts?|deltoids?", ("front_delts", "side_delts", "rear_delts")),
    (r"chest|pecs?|pectorals?", ("chest",)),
    (r"triceps?|tris", ("triceps",)),
    (r"biceps?|bis", ("biceps",)),
    (r"forearms?|grip", ("forearms",)),
    (r"arms?", ("biceps", "triceps")),
    (r"obliques?", ("obliques",)),
    (r"abs|abdominals?|core|six[- ]pack", ("abs",)),
    (r"glutes?|butt|booty", ("glutes",)),
    (r"quads?|quadriceps", ("quads",)),
    (r"hamstrings?|hammies|hams", ("hamstrings",)),
    (r"adductors?|inner thighs?", ("adductors",)),
    (r"calf|calves", ("calves",)),
    (r"legs?(?! press| curls?| extensions?| raises?)", ("quads", "hamstrings")),
)
_MUSCLE_PATTERNS = tuple((re.compile(rf"\b(?:{words})\b", re.I), group) for words, group in MUSCLE_WORDS)


def find_muscles(text: str) -> tuple[Muscle, ...]:
    """Canonical muscles named in the text, in the order they appear."""
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, tuple[Muscle, ...]]] = []
    for pattern, group in _MUSCLE_PATTERNS:
        for m in pattern.finditer(text):
            if not any(m.start() < end and start < m.end() for start, end in claimed):
                claimed.append(m.span())
                found.append((m.start(), group))
    ordered: list[Muscle] = [muscle for _, group in sorted(found) for muscle in group]
    return tuple(dict.fromkeys(ordered))


# A bare three-letter day is usually another word ("sat", "sun"), so it only counts with "on" or "last".
_BARE_DAYS = frozenset({"mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun"})
_PERIOD_WORDS = 6


def find_period(text: str, today: date) -> Period | None:
    """The longest phrase in the text that `parse_period` understands, earliest first on ties."""
    words = re.sub(r"[^\w:\-]+", " ", text.lower()).split()
    for size in range(min(_PERIOD_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = words[start : start + size]
            if size == 1 and phrase[0] in _BARE_DAYS:
                continue
            period = parse_period(" ".join(phrase), today)
            if period is not None:
                return period
    return None


# --- fasting --------------------------------------------------------------------------------------

_PROTOCOLS: tuple[tuple[str, str], ...] = (
    (r"16[:/]8", "16:8"),
    (r"18[:/]6", "18:6"),
    (r"20[:/]4", "20:4"),
    (r"omad|one meal a day", "OMAD"),
    (r"24 ?h\b|24[- ]hours?|24hrs?|day[- ]long|full[- ]day", "24h"),
)
_HOUR_PROTOCOLS = {16: "16:8", 18: "18:6", 20: "20:4", 24: "24h"}


def start_fast_args(text: str) -> list[Args]:
    """start_fast arguments: the protocol (or a custom length) and how long ago it began, when said."""
    ago, rest = _hours_ago(text)
    args: Args = {}
    protocol = next((name for pattern, name in _PROTOCOLS if re.search(rf"\b{pattern}", rest, re.I)), None)
    length = re.search(rf"\b({NUM})[- ]?(?:h|hrs?|hours?)\b", rest, re.I)
    if protocol is not None:
        args["protocol"] = protocol
    elif length is not None:
        hours = number(length[1])
        known = _HOUR_PROTOCOLS.get(int(hours)) if float(hours).is_integer() else None
        args |= {"protocol": known} if known else {"protocol": "custom", "hours": hours}
    if ago:
        args["started_hours_ago"] = ago
    return [args]


def end_fast_args(text: str) -> list[Args]:
    """end_fast arguments: abandoned when the user gives up early, completed otherwise."""
    gave_up = re.search(r"\b(?:abandon\w*|give up|gave up|giving up|quit\w*|cancel\w*|scrap\w*|bail\w*)\b", text, re.I)
    return [{"abandon": True}] if gave_up else [{}]


# --- meals ----------------------------------------------------------------------------------------

_MEAL_TYPES = {"breakfast": "breakfast", "lunch": "lunch", "dinner": "dinner", "supper": "dinner", "snack": "snack"}
_LOG_MEAL = re.compile(
    r"^(?:log|add|track|record|enter)\b(?:\s+(?:my|a|the|this))?\s*(?:breakfast|lunch|dinner|supper|snack|meal|food)\b"
    r"|\bi(?:'ve| have)? (?:just )?(?:ate|eaten)\b"
    r"|\bi(?:'ve| have)? (?:just )?had\b.*\b(?:breakfast|lunch|dinner|supper|snack|kcal|cals?|calories|protein)\b"
    rf"|\b{NUM}\s*(?:kcal|cals?|calories)\b",
    re.I,
)
_KCAL = re.compile(rf"(?P<n>{NUM})\s*(?:kcal|cals?|calories)\b", re.I)
_MACROS: tuple[tuple[str, str], ...] = (
    ("protein_g", r"protein"),
    ("carbs_g", r"carbs?|carbohydrates?"),
    ("fat_g", r"fat|fats"),
    ("fiber_g", r"fib(?:er|re)"),
)
ASK_KCAL = (
    "How many calories was that? I log meals with their calories and won't guess them; add the figure, "
    "and protein if you know it, and I'll log it."
)

ASK_FOOD = "What did you eat? Tell me the foods with the calories and I'll log it."


def _macro(text: str, words: str) -> tuple[float | None, str]:
    match = re.search(rf"(?P<n>{NUM})\s*g(?:rams?)?\s*(?:of\s+)?(?:{words})\b", text, re.I) or re.search(
        rf"\b(?:{words})\s*[:=]?\s*(?P<n>{NUM})\s*g?\b", text, re.I
    )
    if match is None:
        return None, text
    return number(match["n"]), text[: match.start()] + " " + text[match.end() :]


def meal_args(text: str) -> list[Args] | str | None:
    """log_meal arguments for "I had chicken and rice for lunch, 650 kcal 45g protein"; ASK_KCAL without calories."""
    if _LOG_MEAL.search(text) is None:
        return None
    ago, rest = _hours_ago(text)
    kcal = _KCAL.search(rest)
    if kcal is None:
        return ASK_KCAL
    args: Args = {"kcal": number(kcal["n"])}
    rest = rest[: kcal.start()] + " " + rest[kcal.end() :]
    for field, words in _MACROS:
        value, rest = _macro(rest, words)
        if value is not None:
            args[field] = value
    meal = re.search(r"\b(breakfast|lunch|dinner|supper|snack)\b", rest, re.I)
    if meal is not None:
        args["meal_type"] = _MEAL_TYPES[meal[1].lower()]
    if ago:
        args["eaten_hours_ago"] = ago
    items = _food_items(rest)
    if not items:
        return ASK_FOOD
    return [{"items": items} | args]


_MEAL_FILLER = re.compile(
    r"^(?:log|add|track|record|enter)\b(?:\s+(?:my|a|the|this))?"
    r"|\bi(?:'ve| have)? (?:just )?(?:had|ate|eaten)\b"
    r"|\b(?:for|as)\s+(?:my\s+|a\s+)?(?:breakfast|lunch|dinner|supper|snack)\b"
    r"|\b(?:breakfast|lunch|dinner|supper|snack|meal|food)\s*:|^\s*(?:breakfast|lunch|dinner|supper|snack)\b"
    r"|\b(?:today|yesterday|tonight|this morning|this evening|about|around|roughly|approx\w*|maybe|it was|that was)\b",
    re.I,
)


def _food_items(text: str) -> list[str]:
    rest = _MEAL_FILLER.sub(",", text)
    items: list[str] = []
    for piece in re.split(r",|;|\+|\band\b|\bwith\b|&", rest, flags=re.I):
        item = re.sub(r"^(?:an?|some|the|my)\s+", "", piece.strip(" .!:-"), flags=re.I).strip()
        if item and not re.fullmatch(rf"{NUM}\s*\w{{0,3}}", item):
            items.append(item)
    return items


_FOOD_VERB = re.compile(r"\b(?:have|had|eat|ate|eaten)\b(?:\s+(?:any|some))?\s*", re.I)
_NOT_FOOD = re.compile(
    r"\b(?:this|last|past|previous|today|yesterday|on|in|since|during|for|over|at|so far|recently|lately|when|how"
    r"|what|enough)\b|\d|\?",
    re.I,
)


def meal_query(text: str) -> str | None:
    """The food a meal-history question is about ("when did I last have salmon" -> "salmon")."""
    # The last verb holds the food: "have I had any eggs" is about eggs, not "I had any eggs".
    verb = next(reversed([*_FOOD_VERB.finditer(text)]), None)
    if verb is None:
        return None
    food = text[verb.end() :]
    cut = _NOT_FOOD.search(food)
    food = re.sub(r"(?:\s+(?:and|or|&))+$", "", (food[: cut.start()] if cut else food).strip(" .!,"))
    return food or None


# --- workouts -------------------------------------------------------------------------------------

_SCHEMES = (
    re.compile(r"\b(?P<sets>\d+)\s*(?:x|×|by)\s*(?P<reps>\d+)\b", re.I),
    re.compile(r"\b(?P<sets>\d+)\s*sets?\s*(?:of|x)\s*(?P<reps>\d+)(?:\s*reps?)?\b", re.I),
    re.compile(r"\b(?:a|one|single) set of (?P<reps>\d+)(?:\s*reps?)?\b", re.I),
    re.compile(r"\b(?P<reps>\d+)\s*reps?\b(?:\s*(?:x|for|times)\s*(?P<sets>\d+)\s*sets?\b)?", re.I),
)
# "rpe 8" is tried before "8 rpe": in "3x5@100 rpe 8" the leftmost "N rpe" would take the weight.
_EFFORT: dict[str, tuple[re.Pattern[str], ...]] = {
    "rir": (
        re.compile(rf"(?:@\s*)?\brir\s*[:=]?\s*(?P<n>{NUM})", re.I),
        re.compile(rf"@?\s*\b(?P<n>{NUM})\s*(?:rir|reps? in reserve)\b", re.I),
    ),
    "rpe": (
        re.compile(rf"(?:@\s*)?\brpe\s*[:=]?\s*(?P<n>{NUM})", re.I),
        re.compile(rf"@?\s*\b(?P<n>{NUM})\s*rpe\b", re.I),
    ),
}
_WEIGHT_UNIT = re.compile(rf"(?P<w>{NUM})\s*(?P<unit>kgs?|kilos?|kilograms?|lbs?|pounds?)\b", re.I)
_WEIGHT_BARE = re.compile(rf"(?:@|\bat\b|\bwith\b)\s*(?P<w>{NUM})\b(?!\s*(?:x|sets?|reps?))", re.I)
_BODYWEIGHT = re.compile(r"\b(?:bodyweight|body weight|bw|no weight|unweighted)\b", re.I)
_SET_TYPES: tuple[tuple[str, str], ...] = (
    (r"warm[- ]?ups?", "warmup"),
    (r"back[- ]?offs?", "backoff"),
    (r"drop[- ]?sets?", "drop"),
    (r"amrap", "amrap"),
    (r"(?:to )?failure", "failure"),
)
_EXERCISE_FILLER = frozenset(
    {"i", "i've", "ive", "just", "did", "do", "done", "log", "logged", "record", "add", "today", "yesterday", "this"}
    | {"morning", "for", "of", "on", "at", "with", "the", "my", "some", "a", "an", "sets", "set", "reps", "rep", "x"}
    | {"@", "working", "then", "also"}
)
ASK_EXERCISE = "Which exercise was that? Tell me the sets, reps, weight and the exercise name, and I'll log it."


def cut(text: str, match: re.Match[str]) -> str:
    """The text with the match taken out."""
    return text[: match.start()] + " " + text[match.end() :]


def _set_entry(text: str) -> Args | str:
    args: Args = {}
    for field, patterns in _EFFORT.items():
        match = next((m for p in patterns if (m := p.search(text))), None)
        args[field] = number(match["n"]) if match else None
        text = cut(text, match) if match else text
    set_type = next(
        ((name, m) for pattern, name in _SET_TYPES if (m := re.search(rf"\b{pattern}\b", text, re.I))), None
    )
    if set_type is not None:
        args["set_type"] = set_type[0]
        text = cut(text, set_type[1])
    scheme = next((m for p in _SCHEMES if (m := p.search(text))), None)
    if scheme is None:
        return ASK_EXERCISE
    groups = scheme.groupdict()
    args["sets"] = int(groups.get("sets") or 1)
    args["reps"] = int(groups["reps"])
    text = cut(text, scheme)
    weight, text = _weight(text)
    exercise = _exercise_name(text)
    if not exercise:
        return ASK_EXERCISE
    if weight is None:
        return f"What weight did you use for {exercise}? Say 'bodyweight' if there was none, and I'll log it."
    return {"exercise": exercise, "sets": args["sets"], "reps": args["reps"], "weight_kg": weight} | {
        k: v for k, v in args.items() if k not in ("sets", "reps")
    }


def _weight(text: str) -> tuple[float | None, str]:
    if (match := _BODYWEIGHT.search(text)) is not None:
        return 0, cut(text, match)
    match = _WEIGHT_UNIT.search(text) or _WEIGHT_BARE.search(text)
    if match is None:
        return None, text
    weight = float(match["w"])
    unit = (match.groupdict().get("unit") or "kg").lower()
    if unit.startswith(("lb", "pound")):
        weight = round(weight * LB_TO_KG, 1)
    return number(str(weight)), cut(text, match)


def _exercise_name(text: str) -> str:
    words = [w for w in re.findall(r"[a-z][a-z'\-]*", text.lower()) if w not in _EXERCISE_FILLER]
    if not words:
        return ""
    # The library names exercises in the singular, and "squats" or "curls" is how people say them.
    last = words[-1]
    if last.endswith("s") and not last.endswith(("ss", "us")) and len(last) > 3:
        words[-1] = last[:-1]
    return " ".join(words)


_HAS_SCHEME = re.compile(
    r"\b\d+\s*(?:x|×|by)\s*\d+\b|\b\d+\s*(?:(?:warm[- ]?ups?|working|back[- ]?offs?|drop)\s+)?sets?\b|\b\d+\s*reps?\b"
    r"|\ba set of \d+",
    re.I,
)


def workout_entries(text: str) -> list[Args] | str | None:
    """log_workout arguments, one per exercise named ("3x8 bench at 80kg and 3x10 rows at 60kg")."""
    if _HAS_SCHEME.search(text) is None:
        return None
    chunks: list[str] = []
    for chunk in re.split(r"\s*(?:;|,|\band then\b|\band\b|\bthen\b)\s*", text, flags=re.I):
        if chunks and (_HAS_SCHEME.search(chunk) is None or _HAS_SCHEME.search(chunks[-1]) is None):
            chunks[-1] += " " + chunk
        else:
            chunks.append(chunk)
    entries: list[Args] = []
    for chunk in chunks:
        entry = _set_entry(chunk)
        if isinstance(entry, str):
            return entry
        entries.append(entry)
    return entries
