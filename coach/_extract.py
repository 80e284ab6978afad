"""Arguments for the offline model's write tools, read from what the user typed.

Each reader returns the tool arguments, a question back when a figure the tool needs is missing
(the model never invents calories or a weight), or None when the text is not that kind of request.
Only figures the user wrote end up in the arguments; anything left out gets the tool's default.
"""

from __future__ import annotations

import re
from typing import Any

Args = dict[str, Any]

LB_TO_KG = 0.4536
_NUM = r"\d+(?:\.\d+)?"
_POLITE = re.compile(
    r"^(?:(?:please|pls|can you|could you|would you|i want to|i'd like to|let's|lets|ok(?:ay)?|hey)[,\s]+)+", re.I
)


def bare(text: str) -> str:
    """The text without leading politeness ("please", "can you"), so verbs can anchor at the start."""
    return _POLITE.sub("", text.strip())


def _number(token: str) -> float:
    value = float(token)
    return int(value) if value.is_integer() else value


def _hours_ago(text: str) -> tuple[float | None, str]:
    """Hours in "2 hours ago", "an hour ago", "30 minutes ago", and the text without that phrase."""
    match = re.search(rf"\b(?P<n>{_NUM}|an?|half an)\s*(?P<unit>h|hrs?|hours?|mins?|minutes?)\s+ago\b", text, re.I)
    if match is None:
        return None, text
    amount = {"a": 1.0, "an": 1.0, "half an": 0.5}.get(match["n"].lower())
    hours = amount if amount is not None else float(match["n"])
    if match["unit"].lower().startswith("m"):
        hours /= 60
    return _number(str(round(hours, 2))), text[: match.start()] + text[match.end() :]


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
    length = re.search(rf"\b({_NUM})[- ]?(?:h|hrs?|hours?)\b", rest, re.I)
    if protocol is not None:
        args["protocol"] = protocol
    elif length is not None:
        hours = _number(length[1])
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
    rf"|\b{_NUM}\s*(?:kcal|cals?|calories)\b",
    re.I,
)
_KCAL = re.compile(rf"(?P<n>{_NUM})\s*(?:kcal|cals?|calories)\b", re.I)
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


def _macro(text: str, words: str) -> tuple[float | None, str]:
    match = re.search(rf"(?P<n>{_NUM})\s*g(?:rams?)?\s*(?:of\s+)?(?:{words})\b", text, re.I) or re.search(
        rf"\b(?:{words})\s*[:=]?\s*(?P<n>{_NUM})\s*g?\b", text, re.I
    )
    if match is None:
        return None, text
    return _number(match["n"]), text[: match.start()] + " " + text[match.end() :]


def meal_args(text: str) -> list[Args] | str | None:
    """log_meal arguments for "I had chicken and rice for lunch, 650 kcal 45g protein"; ASK_KCAL without calories."""
    if _LOG_MEAL.search(text) is None:
        return None
    ago, rest = _hours_ago(text)
    kcal = _KCAL.search(rest)
    if kcal is None:
        return ASK_KCAL
    args: Args = {"kcal": _number(kcal["n"])}
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
    return [{"items": _food_items(rest)} | args]


_MEAL_FILLER = re.compile(
    r"^(?:log|add|track|record|enter)\b(?:\s+(?:my|a|the|this))?"
    r"|\bi(?:'ve| have)? (?:just )?(?:had|ate|eaten)\b|\b(?:for|as)\s+(?:my\s+|a\s+)?(?:breakfast|lunch|dinner|supper|snack)\b"
    r"|\b(?:breakfast|lunch|dinner|supper|snack|meal|food)\s*:|^\s*(?:breakfast|lunch|dinner|supper|snack)\b"
    r"|\b(?:today|yesterday|tonight|this morning|this evening)\b",
    re.I,
)


def _food_items(text: str) -> list[str]:
    rest = _MEAL_FILLER.sub(",", text)
    items: list[str] = []
    for piece in re.split(r",|;|\+|\band\b|\bwith\b|&", rest, flags=re.I):
        item = re.sub(r"^(?:an?|some|the|my)\s+", "", piece.strip(" .!:-"), flags=re.I).strip()
        if item and not re.fullmatch(rf"{_NUM}\s*\w{{0,3}}", item):
            items.append(item)
    return items


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
        re.compile(rf"(?:@\s*)?\brir\s*[:=]?\s*(?P<n>{_NUM})", re.I),
        re.compile(rf"@?\s*\b(?P<n>{_NUM})\s*(?:rir|reps? in reserve)\b", re.I),
    ),
    "rpe": (
        re.compile(rf"(?:@\s*)?\brpe\s*[:=]?\s*(?P<n>{_NUM})", re.I),
        re.compile(rf"@?\s*\b(?P<n>{_NUM})\s*rpe\b", re.I),
    ),
}
_WEIGHT_UNIT = re.compile(rf"(?P<w>{_NUM})\s*(?P<unit>kgs?|kilos?|kilograms?|lbs?|pounds?)\b", re.I)
_WEIGHT_BARE = re.compile(rf"(?:@|\bat\b|\bwith\b)\s*(?P<w>{_NUM})\b(?!\s*(?:x|sets?|reps?))", re.I)
_BODYWEIGHT = re.compile(r"\b(?:bodyweight|body weight|bw|no weight|unweighted)\b", re.I)
_SET_TYPES: tuple[tuple[str, str], ...] = (
    (r"warm[- ]?ups?", "warmup"),
    (r"back[- ]?offs?", "backoff"),
    (r"drop[- ]?sets?", "drop"),
    (r"amrap", "amrap"),
    (r"(?:to )?failure", "failure"),
)
_EXERCISE_FILLER = frozenset(
    "i i've ive just did do done log logged record add today yesterday this morning for of on at with the my some "
    "a an sets set reps rep x @ working then also".split()
)
ASK_EXERCISE = "Which exercise was that? Tell me the sets, reps, weight and the exercise name, and I'll log it."


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _set_entry(text: str) -> Args | str:
    args: Args = {}
    for field, patterns in _EFFORT.items():
        match = next((m for p in patterns if (m := p.search(text))), None)
        args[field] = _number(match["n"]) if match else None
        text = _cut(text, match) if match else text
    set_type = next(((name, m) for pattern, name in _SET_TYPES if (m := re.search(rf"\b{pattern}\b", text, re.I))), None)
    if set_type is not None:
        args["set_type"] = set_type[0]
        text = _cut(text, set_type[1])
    scheme = next((m for p in _SCHEMES if (m := p.search(text))), None)
    if scheme is None:
        return ASK_EXERCISE
    groups = scheme.groupdict()
    args["sets"] = int(groups.get("sets") or 1)
    args["reps"] = int(groups["reps"])
    text = _cut(text, scheme)
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
        return 0, _cut(text, match)
    match = _WEIGHT_UNIT.search(text) or _WEIGHT_BARE.search(text)
    if match is None:
        return None, text
    weight = float(match["w"])
    unit = (match.groupdict().get("unit") or "kg").lower()
    if unit.startswith(("lb", "pound")):
        weight = round(weight * LB_TO_KG, 1)
    return _number(str(weight)), _cut(text, match)


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


# --- program edits --------------------------------------------------------------------------------

_SESSION = re.compile(
    r"(?:\s*\b(?:on|in|to|from|for|of|at)\s+)?(?:\b(?:the|my)\s+)?"
    r"\b(?P<session>(?:upper|lower|push|pull|legs|full body|day)\s+(?:[a-d]|[1-7]))\b(?:\s+(?:session|day|workout))?",
    re.I,
)
EDIT_VERB = (
    r"(?:swap|replace|switch|sub|substitute|trade|change|set|make|bump|increase|reduce|decrease|lower|raise|add"
    r"|include|remove|delete|drop|take out|cut|ditch|get rid of|move|shift|reschedule|put|scrap|cancel|rename)\b"
)
_WEEKDAY = r"(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
ASK_SESSION = "Which session should I change? Name it as your program does, e.g. 'swap squats for leg press on Lower A'."


def find_session(text: str) -> tuple[str, str] | None:
    """The session named in the text, title-cased ("lower b" -> "Lower B"), and the text without it."""
    match = _SESSION.search(text)
    if match is None:
        return None
    name = " ".join(word.capitalize() for word in match["session"].split())
    return name, re.sub(r"\s+", " ", _cut(text, match)).strip(" ,.!?")


def _spec(text: str) -> Args:
    """Sets, rep range and target RIR written in an edit ("4 sets", "3x8-10", "10-12 reps", "rir 2")."""
    args: Args = {}
    if match := re.search(r"\b(\d+)\s*(?:x|×)\s*(\d+)(?:\s*(?:-|to)\s*(\d+))?", text, re.I):
        args |= {"sets": int(match[1]), "rep_min": int(match[2]), "rep_max": int(match[3] or match[2])}
    elif match := re.search(r"\b(\d+)\s*sets?\b", text, re.I):
        args["sets"] = int(match[1])
    if "rep_min" not in args and (match := re.search(r"\b(\d+)\s*(?:-|to)\s*(\d+)\s*reps?\b", text, re.I)):
        args |= {"rep_min": int(match[1]), "rep_max": int(match[2])}
    elif "rep_min" not in args and (match := re.search(r"\b(\d+)\s*reps?\b", text, re.I)):
        args |= {"rep_min": int(match[1]), "rep_max": int(match[1])}
    if match := re.search(rf"\brir\s*[:=]?\s*({_NUM})", text, re.I) or re.search(rf"({_NUM})\s*rir\b", text, re.I):
        args["target_rir"] = _number(match[1])
    return args


def _name(text: str) -> str:
    text = re.sub(r"\b\d+\s*(?:x|×)\s*\d+(?:\s*(?:-|to)\s*\d+)?|\b\d+(?:\s*(?:-|to)\s*\d+)?\s*(?:sets?|reps?)\b", " ", text)
    text = re.sub(rf"(?:@\s*)?\brir\s*{_NUM}|{_NUM}\s*rir\b|\b(?:of|at|@)\b", " ", text, flags=re.I)
    return re.sub(r"^(?:the|my|an?|some)\s+|\s+", " ", text).strip(" ,.!?")


_OPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), op)
    for pattern, op in (
        (rf"^(?:move|shift|reschedule|put)\b(?:\s+it)?\s+(?:to|on)\s+{_WEEKDAY}$", "move_session"),
        (r"^(?:change|set|make|bump|increase|reduce|decrease|lower|raise|drop)\s+(?P<ex>.+?)\s+(?:up |down )?to\s+"
         r"(?P<spec>.*\d.*)$", "change_sets"),
        (r"^(?:swap|replace|switch|sub|substitute|trade|change)\s+(?:out\s+)?(?P<ex>.+?)\s+(?:for|with|to|by|into)\s+"
         r"(?P<new>.+)$", "replace_exercise"),
        (r"^(?:add|include)\s+(?P<spec>.+)$", "add_exercise"),
        (r"^(?:remove|delete|drop|scrap|cancel|get rid of)(?:\s+(?:the|my|this|that))?(?:\s+(?:session|day|workout))?$",
         "remove_session"),
        (r"^(?:remove|delete|drop|take out|cut|ditch|get rid of)\s+(?P<ex>.+)$", "remove_exercise"),
    )
)
_RENAME = re.compile(
    r"^(?:rename|call|name)\s+(?:my\s+|the\s+|this\s+)?(?:program|plan|routine|split)\s+(?:to\s+|as\s+)?"
    r"[\"']?(?P<name>[^\"']+?)[\"']?[.!]?$",
    re.I,
)


def _op(clause: str, session: str) -> Args | None:
    for pattern, op in _OPS:
        if (match := pattern.match(clause)) is None:
            continue
        groups = match.groupdict()
        args: Args = {"op": op, "session": session}
        if op == "move_session":
            return args | {"weekday": groups["day"].lower()}
        if op == "remove_session":
            return args
        if op == "add_exercise":
            return args | {"exercise": _name(groups["spec"])} | _spec(groups["spec"])
        args["exercise"] = _name(groups["ex"])
        if op == "change_sets":
            return args | _spec(groups["spec"])
        if op == "replace_exercise":
            args["with_exercise"] = _name(groups["new"])
        return args
    return None


def program_edit(text: str) -> Args | None:
    """edit_program arguments for one or more edits, each naming a session (or the one before it)."""
    rest = bare(text)
    reason = re.search(r"\s*,?\s*\b(?:because|due to|since my)\b\s*(?P<why>.+)$", rest, re.I)
    if reason is not None:
        rest = rest[: reason.start()]
    if rename := _RENAME.match(rest):
        return {"operations": [{"op": "rename", "name": rename["name"].strip()}]}
    operations: list[Args] = []
    session: str | None = None
    for clause in re.split(rf"\s*[,;]?\s*\b(?:and then|and|then)\s+(?={EDIT_VERB})", rest, flags=re.I):
        found = find_session(clause)
        if found is not None:
            session, clause = found
        if session is None or (op := _op(bare(clause.strip(" ,.!?")), session)) is None:
            return None
        operations.append(op)
    edit: Args = {"operations": operations}
    if reason is not None:
        edit["reason"] = reason["why"].strip(" .!")
    return edit
