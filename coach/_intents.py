"""From what the user wrote to tool calls: the offline model's intent rules, as pure functions.

Rules are tables of regexes, so a new phrasing is one line. Actions (logging, program edits, starting
or ending a fast, saving a memory) are exclusive: two writes guessed from one sentence do more harm
than a question back. Questions combine, so "how's my fast and what did I eat today?" becomes two
parallel calls. Arguments for writes are read in `coach._extract` and `coach._edits`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from coach._edits import ASK_SESSION, EDIT_VERB, find_session, program_edit
from coach._extract import (
    bare,
    end_fast_args,
    find_muscles,
    find_period,
    meal_args,
    meal_query,
    start_fast_args,
    workout_entries,
)
from stores.records import Muscle
from tools.periods import Period, parse_period

Args = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One tool call to make."""

    tool: str
    args: Args


@dataclass(frozen=True)
class Plan:
    """What to do with a prompt: tool calls, a question back, or neither (help or a greeting)."""

    calls: tuple[Call, ...] = ()
    ask: str | None = None
    """A question back, when a detail the tool needs is missing (calories, weight, a session)."""
    withheld: tuple[str, ...] = ()
    """Topics the user asked about whose tools this conversation does not offer."""
    greeting: bool = False


@dataclass(frozen=True)
class Ctx:
    """One prompt, read once: its text, the muscles and period it names, and the prompts before it."""

    text: str
    today: date
    muscles: tuple[Muscle, ...]
    period: Period | None
    earlier: tuple[str, ...] = ()
    """Earlier user prompts, newest first."""


Build = Callable[[Ctx], Sequence[Args] | str]
"""Argument sets for one or more calls to the rule's tool, or a question back."""


@dataclass(frozen=True)
class Rule:
    """An intent: which tool serves it, when it applies, and how its arguments are built."""

    tool: str
    topic: str
    """How the reply names the topic when the tool is withheld ("fasting", "your program")."""
    applies: Callable[[Ctx], bool]
    build: Build


def read(text: str, today: date, earlier: Sequence[str] = ()) -> Ctx:
    """Read a prompt: normalise its spacing and quotes, and find its muscles and period."""
    clean = re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")).strip()
    return Ctx(clean, today, find_muscles(clean), find_period(clean, today), tuple(earlier))


def _has(pattern: str) -> Callable[[Ctx], bool]:
    compiled = re.compile(pattern, re.I)
    return lambda ctx: compiled.search(ctx.text) is not None


_QUESTION = re.compile(
    r"^(?:what|when|how|which|why|where|is|am|are|was|were"
    r"|(?:did|do|does|have|has|should|can|could|would|will) (?:i|you|we|my))\b|\?$",
    re.I,
)


def is_question(ctx: Ctx) -> bool:
    """Whether the prompt asks rather than tells (questions never trigger a write)."""
    return _QUESTION.search(bare(ctx.text)) is not None


# --- memory ---------------------------------------------------------------------------------------

SAVE_MEMORY = re.compile(
    r"^(?:remember|note|keep in mind|make a note|don't forget|fyi|for the record)\b(?:\s+that)?[:,]?\s*(?P<fact>.+)$",
    re.I,
)
_MEMORY_KINDS: tuple[tuple[str, str], ...] = (
    ("injury", r"hurts?|hurting|pain\w*|injur\w*|sore|strain\w*|sprain\w*|tendin\w*|surgery|torn|tear|ach(?:e|es|ing)"),
    ("goal", r"goal|want to|aim(?:ing)?|target|trying to|hoping to|hope to"),
    ("preference", r"prefer\w*|like|love|hate|dislike|rather|favou?rite|enjoy"),
    ("fact", r"i am|i'm|i weigh|years old|allergic|vegetarian|vegan|my (?:height|weight|age)"),
)


def memory_args(text: str) -> list[Args]:
    """save_memory arguments: the fact as the user put it, and its kind from the words it uses."""
    match = SAVE_MEMORY.match(bare(text))
    fact = match["fact"].rstrip(".!") if match else text
    kind = next((kind for kind, words in _MEMORY_KINDS if re.search(rf"\b(?:{words})\b", fact, re.I)), "note")
    return [{"text": fact, "kind": kind}]


RECALL = (
    re.compile(r"\bwhat do you (?:know|remember|have)(?: (?:on|about))?\s*(?P<q>.*)$", re.I),
    re.compile(r"\bwhat did i (?:tell|say to) you about\s+(?P<q>.+)$", re.I),
    re.compile(r"\bremind me (?:about|of)\s+(?P<q>.+)$", re.I),
    re.compile(r"\b(?:any|my)\s+(?P<q>injur(?:y|ies)|goals?|preferences?|notes?|allerg\w+)\b", re.I),
)


def recall_args(text: str) -> list[Args]:
    """recall_memories arguments: the topic asked about, or the whole question when it names none."""
    for pattern in RECALL:
        if match := pattern.search(text):
            topic = re.sub(r"^(?:about\s+)?(?:my|the|me|any)\b\s*", "", match["q"].strip(" ?.!")).strip()
            if topic:
                return [{"query": topic}]
    return [{"query": text.rstrip("?.! ")}]


# --- program --------------------------------------------------------------------------------------

_UNDO = r"^(?:undo|revert|roll ?back)\b|\bundo\b"
_LOGS = ("log_workout", "log_meal", "save_memory", "start_fast", "end_fast")
ASK_UNDO_LOG = "I can only undo program changes; a logged set, meal, fast or note stays as it is for now."


def _undo(ctx: Ctx) -> list[Args] | str:
    # "undo that" right after logging something means the log, which no tool can take back.
    if ctx.earlier and tool_for(read(ctx.earlier[0], ctx.today)) in _LOGS:
        return ASK_UNDO_LOG
    return [{"operations": [{"op": "undo"}]}]


def _is_edit(ctx: Ctx) -> bool:
    return program_edit(ctx.text) is not None


def _edit(ctx: Ctx) -> list[Args] | str:
    edit = program_edit(ctx.text)
    if edit is None or isinstance(edit, str):
        return edit or ASK_SESSION
    return [edit]


_LOAD = re.compile(r"\d\s*(?:kg|kilos?|lbs?|pounds?)\b|@|\bbodyweight\b", re.I)


def _needs_session(ctx: Ctx) -> bool:
    # "add 3x8 bench at 80kg" is a log, not an edit: a load says it was done, not planned.
    verb = re.match(EDIT_VERB, bare(ctx.text), re.I) is not None
    return verb and find_session(ctx.text) is None and _LOAD.search(ctx.text) is None


_PROGRAM = (
    r"\b(?:program|routine|split|training plan|workout plan|schedule)\b|\bwhat'?s on\b|\bwhat am i (?:doing|training)\b"
)


# --- fasting --------------------------------------------------------------------------------------

_FAST_WORD = r"\bfast(?:s|ing|ed)?\b"
_PROTOCOL_WORD = r"\b(?:16:8|18:6|20:4|omad|one meal a day)\b"
_START_FAST = re.compile(
    rf"\b(?:start\w*|begin\w*|kick(?:ing)? off|commenc\w*|began|begun)\b.*(?:{_FAST_WORD}|{_PROTOCOL_WORD})", re.I
)
_END_FAST = re.compile(
    rf"\b(?:end\w*|stop\w*|finish\w*|break\w*|broke|done with|complet\w*|abandon\w*|give up|gave up|giving up|quit"
    rf"|cancel\w*|scrap)\b.*{_FAST_WORD}|{_FAST_WORD}.*\b(?:is )?(?:over|done)\b",
    re.I,
)


def _starts_fast(ctx: Ctx) -> bool:
    return not is_question(ctx) and _START_FAST.search(ctx.text) is not None


def _ends_fast(ctx: Ctx) -> bool:
    return not is_question(ctx) and _END_FAST.search(ctx.text) is not None


# --- training volume and meals --------------------------------------------------------------------

_VOLUME_WORDS = re.compile(
    r"\b(?:sets?|volume|work(?:ed|ing)?|hit(?:ting)?|train(?:ed|ing)?|enough|how much|how many|done|did"
    r"|how (?:are|is)|how's|looking|progress)\b",
    re.I,
)
_ALL_MUSCLES = re.compile(
    r"\b(?:all|every|each|per|by) (?:muscles?|muscle groups?|body ?parts?)\b|\bvolume\b|\bhard sets\b", re.I
)


def _asks_volume(ctx: Ctx) -> bool:
    if ctx.muscles:
        return _VOLUME_WORDS.search(ctx.text) is not None
    return _ALL_MUSCLES.search(ctx.text) is not None


def volume_period(period: Period | None) -> Args:
    """Volume arguments for a period: calendar weeks as weeks/weeks_ago, anything else as dates."""
    if period is None:
        return {}
    if period.weeks is not None and period.weeks_ago is not None:
        args: Args = {}
        if period.weeks != 1:
            args["weeks"] = period.weeks
        if period.weeks_ago:
            args["weeks_ago"] = period.weeks_ago
        return args
    return {"start": period.first.isoformat(), "end": period.last.isoformat()}


def _volume(ctx: Ctx) -> list[Args]:
    when = volume_period(ctx.period)
    if not ctx.muscles:
        return [when]
    return [{"muscle": muscle} | when for muscle in ctx.muscles]


_MEAL_QUESTION = (
    r"\b(?:eat|ate|eaten|eating|meals?|food|calories|kcals?|protein|carbs?|carbohydrates|fib(?:er|re)|macros"
    r"|nutrition|intake|breakfast|lunch|dinner|snacks?)\b|\blast (?:have|had)\b|\bever had\b"
    r"|\b(?:did|have) i (?:ever )?(?:had|have|eaten|eat)\b"
)


def _meal_history(ctx: Ctx) -> list[Args]:
    args: Args = {}
    food = meal_query(ctx.text)
    period = ctx.period
    if period is None and food is None:
        period = parse_period("today", ctx.today)
    if period is not None:
        args |= {"start": period.first.isoformat(), "end": period.last.isoformat()}
    if food is not None:
        args["query"] = food
    return [args]


# --- the tables -----------------------------------------------------------------------------------


def _saves_memory(ctx: Ctx) -> bool:
    return SAVE_MEMORY.match(bare(ctx.text)) is not None


def _logs_workout(ctx: Ctx) -> bool:
    return not is_question(ctx) and workout_entries(ctx.text) is not None


def _logs_meal(ctx: Ctx) -> bool:
    return not is_question(ctx) and meal_args(ctx.text) is not None


def _recalls(ctx: Ctx) -> bool:
    return any(pattern.search(ctx.text) for pattern in RECALL)


def _no_args(ctx: Ctx) -> list[Args]:
    return [{}]


ACTIONS: tuple[Rule, ...] = (
    Rule("save_memory", "saving notes", _saves_memory, lambda ctx: memory_args(ctx.text)),
    Rule("edit_program", "editing your program", _has(_UNDO), _undo),
    Rule("edit_program", "editing your program", _is_edit, _edit),
    Rule("start_fast", "fasting", _starts_fast, lambda ctx: start_fast_args(ctx.text)),
    Rule("end_fast", "fasting", _ends_fast, lambda ctx: end_fast_args(ctx.text)),
    Rule("log_meal", "logging meals", _logs_meal, lambda ctx: meal_args(ctx.text) or []),
    Rule("edit_program", "editing your program", _needs_session, lambda ctx: ASK_SESSION),
    Rule("log_workout", "logging workouts", _logs_workout, lambda ctx: workout_entries(ctx.text) or []),
)
QUERIES: tuple[Rule, ...] = (
    Rule("get_active_fast", "fasting", _has(rf"{_FAST_WORD}|\bstage\b|\bketosis\b|\bautophagy\b"), _no_args),
    Rule("get_volume_by_muscle", "training volume", _asks_volume, _volume),
    Rule("get_meal_history", "meals", _has(_MEAL_QUESTION), _meal_history),
    Rule("get_program", "your program", _has(_PROGRAM), _no_args),
    Rule("recall_memories", "what you've told me", _recalls, lambda ctx: recall_args(ctx.text)),
)
_GREETING = re.compile(r"^(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|thanks|thank you)\b", re.I)


def tool_for(ctx: Ctx) -> str | None:
    """The tool of the first rule the prompt matches, actions first."""
    return next((rule.tool for rule in (*ACTIONS, *QUERIES) if rule.applies(ctx)), None)


def plan(text: str, today: date, offered: frozenset[str], earlier: Sequence[str] = ()) -> Plan:
    """Decide what to do with the latest user prompt.

    Args:
        text: The latest user prompt.
        today: The user's local date, for periods such as "yesterday".
        offered: Names of the tools this request offers.
        earlier: Earlier user prompts, newest first, for follow-ups ("and last week?").

    """
    ctx = read(text, today, earlier)
    own = _act(ctx, offered)
    if own is not None and own.calls:
        return own
    completed = _complete(ctx, offered)
    if completed is not None:
        return completed
    if own is not None:
        return own
    rules = tuple(rule for rule in QUERIES if rule.applies(ctx))
    if not rules:
        ctx, rules = _carry_over(ctx)
    if not rules:
        return Plan(greeting=_GREETING.match(ctx.text) is not None)
    return _run(rules, ctx, offered)


def _act(ctx: Ctx, offered: frozenset[str]) -> Plan | None:
    action = next((rule for rule in ACTIONS if rule.applies(ctx)), None)
    return None if action is None else _run((action,), ctx, offered)


def _complete(ctx: Ctx, offered: frozenset[str]) -> Plan | None:
    """An answer to our question back ("500 kcal" after "I ate salmon") completes the earlier request."""
    if not ctx.earlier:
        return None
    before = _act(read(ctx.earlier[0], ctx.today, ctx.earlier[1:]), offered)
    if before is None or before.ask is None:
        return None
    joined = _act(read(f"{ctx.earlier[0]} {ctx.text}", ctx.today, ctx.earlier[1:]), offered)
    return joined if joined is not None and joined.calls else None


def _run(rules: Sequence[Rule], ctx: Ctx, offered: frozenset[str]) -> Plan:
    calls: list[Call] = []
    withheld: list[str] = []
    asks: list[str] = []
    for rule in rules:
        if rule.tool not in offered:
            withheld.append(rule.topic)
            continue
        built = rule.build(ctx)
        if isinstance(built, str):
            asks.append(built)
        else:
            calls.extend(Call(rule.tool, args) for args in built)
    return Plan(calls=tuple(calls), ask=" ".join(asks) or None, withheld=tuple(dict.fromkeys(withheld)))


def _carry_over(ctx: Ctx) -> tuple[Ctx, tuple[Rule, ...]]:
    """A follow-up ("and last week?", "what about back?") re-asks the last question with what it changes.

    A follow-up must name a muscle or a period; the newest one named wins, so "what about back?" then
    "and 3 weeks ago?" asks about back. Only questions carry over: repeating a log or edit writes it twice.
    """
    muscles, period = ctx.muscles, ctx.period
    if not (muscles or period):
        return ctx, ()
    for earlier in ctx.earlier:
        before = read(earlier, ctx.today)
        if any(rule.applies(before) for rule in ACTIONS):
            return ctx, ()
        rules = tuple(rule for rule in QUERIES if rule.applies(before))
        if not rules:
            muscles, period = muscles or before.muscles, period or before.period
            continue
        if muscles and all(rule.tool != "get_volume_by_muscle" for rule in rules):
            return ctx, ()
        return replace(before, muscles=muscles or before.muscles, period=period or before.period), rules
    return ctx, ()
