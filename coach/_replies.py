"""What the offline model says: replies built from tool results, questions back, help and greetings.

A reply after tools is each result's own `summary` plus at most one coaching line per tool, derived
from the result's fields. Coaching lines and help texts carry no figures of their own, so every
number the user reads comes from a tool result or from their own message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pydantic_ai.messages import ToolReturnPart
from pydantic_core import to_jsonable_python

from coach._intents import Plan

WHAT_I_CAN_DO = (
    "I can check, start or end your fast, show your training volume by muscle, log sets and meals, look up "
    "what you ate, show or edit your program, and remember things you tell me."
)
EXAMPLES = 'Try "how\'s my fast going?", "how many sets did I do for chest this week?" or "what did I eat yesterday?"'
HELP = f"I didn't catch what you need there. {WHAT_I_CAN_DO} {EXAMPLES}"
GREETING = f"Hi! {WHAT_I_CAN_DO} {EXAMPLES}"

_TOPICS = {
    "get_active_fast": "your fast",
    "start_fast": "starting your fast",
    "end_fast": "ending your fast",
    "get_volume_by_muscle": "your training volume",
    "log_workout": "logging that set",
    "get_meal_history": "your meals",
    "log_meal": "logging that meal",
    "get_program": "your program",
    "edit_program": "that program change",
    "recall_memories": "what you've told me",
    "save_memory": "saving that note",
}


def cannot_help(topics: Sequence[str]) -> str:
    """Say plainly which topics this conversation can't cover (their tools are withheld)."""
    if not topics:
        return ""
    return f"I can't help with {' or '.join(topics)} in this conversation."


def without_tools(plan: Plan) -> str:
    """The reply when no tool is called: a question back, what can't be done here, a greeting or help."""
    refusal = cannot_help(plan.withheld)
    if plan.ask is not None:
        return " ".join(part for part in (plan.ask, refusal) if part)
    if refusal:
        return refusal
    return GREETING if plan.greeting else HELP


def after_tools(returns: Sequence[ToolReturnPart], plan: Plan, asked: str) -> str:
    """The reply once tools have answered: their summaries, then coaching lines drawn from their fields."""
    sentences = [_sentence(part) for part in returns]
    by_tool: dict[str, list[dict[str, Any]]] = {}
    for part in returns:
        data = jsonable(part.content)
        if part.outcome == "success" and isinstance(data, dict):
            by_tool.setdefault(part.tool_name, []).append(data)
    for tool, results in by_tool.items():
        coach = COACHING.get(tool)
        sentences.append(coach(results, asked) if coach else "")
    sentences.append(cannot_help(plan.withheld))
    return " ".join(dict.fromkeys(s for s in sentences if s))


def jsonable(content: Any) -> Any:
    """A tool's content as plain JSON data (results may be Pydantic models or dicts)."""
    return to_jsonable_python(content, fallback=str)


def _sentence(part: ToolReturnPart) -> str:
    data = jsonable(part.content)
    topic = _TOPICS.get(part.tool_name, part.tool_name)
    if part.outcome == "retried":
        return _retry_words(data)
    if part.outcome == "denied":
        return (
            "Okay, I left your program as it was."
            if part.tool_name == "edit_program"
            else f"I didn't go ahead with {topic}."
        )
    if part.outcome != "success":
        return f"Something went wrong with {topic}; please try again."
    if isinstance(data, dict) and isinstance(summary := data.get("summary"), str):
        return summary
    return f"Done: {topic}."


# Retry prompts are written to the model ("call again with one", "tell the person"); the user reads ours.
_TO_USER: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), words)
    for pattern, words in (
        (r";\s*call again with one\b", "; which one did you mean?"),
        (r";?\s*ask (?:the person )?which exercise they mean\b", "; which exercise did you mean?"),
        (r"[;,]\s*tell (?:them so|the person)\b", ""),
        (r"\bthe person has\b", "you have"),
        (r"\bthe person's\b", "your"),
        (r"\bthe person\b", "you"),
        (r"\?\.$", "?"),
    )
)


def _plain(message: str) -> str:
    for pattern, words in _TO_USER:
        message = pattern.sub(words, message)
    return message[:1].upper() + message[1:]


def _retry_words(data: Any) -> str:
    """A retry prompt in plain words: the tool's own message, or each validation error's field and message."""
    if isinstance(data, str):
        return _plain(data)
    problems = [_problem(error) for error in data if isinstance(error, dict)] if isinstance(data, list) else []
    return f"I couldn't use those details: {'; '.join(p for p in problems if p) or 'some did not fit'}."


def _problem(error: dict[str, Any]) -> str:
    where = " ".join(str(step).replace("_", " ") for step in error.get("loc", ()) if not isinstance(step, int))
    message = str(error.get("msg", "")).rstrip(".")
    return f"{where}: {message}" if where else message


def _dicts(data: Any) -> Iterator[dict[str, Any]]:
    """Every object nested in a result, so coaching finds fields whether results are flat or grouped."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _dicts(value)
    elif isinstance(data, list):
        for item in data:
            yield from _dicts(item)


def _statuses(results: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Muscles by landmark status, from any rows in the results that carry a status."""
    statuses: dict[str, list[str]] = {}
    for item in _dicts(results):
        if isinstance(status := item.get("status"), str):
            statuses.setdefault(status, []).append(str(item.get("muscle", "")).replace("_", " "))
    return statuses


def _volume_lines(statuses: dict[str, list[str]]) -> list[str]:
    lines: list[str] = []
    if below := statuses.get("below_mev"):
        lines.append(f"{_names(below)} below the productive range; adding a few hard sets a week would help.")
    if above := statuses.get("above_mrv"):
        lines.append(f"{_names(above)} above what most people recover from; trimming a few sets should help.")
    return lines


def _volume(results: list[dict[str, Any]], asked: str) -> str:
    statuses = _statuses(results)
    lines = _volume_lines(statuses)
    if not lines and statuses.get("productive"):
        lines.append("That's in the productive range; keep adding load or reps from week to week.")
    if re.search(r"\bback\b(?![- ]?off)", asked, re.I) and any(
        item.get("muscle") == "lats" for item in _dicts(results)
    ):
        lines.append("I count back work as lats; ask about traps for upper-back work.")
    return " ".join(lines)


def _program(results: list[dict[str, Any]], asked: str) -> str:
    return " ".join(f"As planned, {line[0].lower()}{line[1:]}" for line in _volume_lines(_statuses(results)))


def _names(muscles: list[str]) -> str:
    named = [m for m in dict.fromkeys(muscles) if m] or ["that"]
    singular = len(named) == 1 and not named[0].endswith("s")
    return f"{', '.join(named)} {'is' if singular else 'are'}".capitalize()


def _fast(results: list[dict[str, Any]], asked: str) -> str:
    if any(item.get("active") is False for item in results):
        return "Say 'start a fast' whenever you want to begin one."
    return _unsaid(results, "warnings")


def _unsaid(results: list[dict[str, Any]], key: str) -> str:
    """Warnings a result lists that its summary does not already say."""
    said = " ".join(str(item.get("summary", "")) for item in results)
    found = [w for item in results for w in item.get(key, ()) if isinstance(w, str) and w not in said]
    return " ".join(dict.fromkeys(found))


def _meals(results: list[dict[str, Any]], asked: str) -> str:
    for item in results:
        if item.get("query") and item.get("matches") == 0:
            return "Nothing in your meal log matches that; try another word for the food."
        if not item.get("query") and item.get("total_meals") == 0:
            return "Nothing is logged there yet; tell me what you ate and its calories and I'll log it."
    return ""


def _logged_meal(results: list[dict[str, Any]], asked: str) -> str:
    if any(item.get("protein_g") == 0 for item in results):
        return "Add the protein next time if you know it; it makes your daily totals more useful."
    return ""


def _logged_set(results: list[dict[str, Any]], asked: str) -> str:
    if any(item.get("set_type") == "warmup" for item in results):
        return "Warm-ups don't count toward your weekly volume."
    if any("rir" in item and item.get("rir") is None and item.get("rpe") is None for item in results):
        return "Next time add how many reps you had left (RIR); it sharpens the strength estimate."
    return ""


def _fast_ended(results: list[dict[str, Any]], asked: str) -> str:
    if any(item.get("state") == "abandoned" for item in results):
        return "Stopping early is fine; the routine over the weeks matters more than any one fast."
    return "Break it with a protein-rich meal and an ordinary portion."


def _edited(results: list[dict[str, Any]], asked: str) -> str:
    warnings = _unsaid(results, "warnings")
    if re.search(r"\bundo\b|\brevert\b", asked, re.I):
        return warnings
    return " ".join(line for line in (warnings, "Say 'undo that' if you want it back.") if line)


def _recalled(results: list[dict[str, Any]], asked: str) -> str:
    if any(item.get("memories") == [] for item in results):
        return "Tell me 'remember that …' and I'll keep it in mind."
    return ""


def _saved(results: list[dict[str, Any]], asked: str) -> str:
    if any(item.get("kind") == "injury" for item in results):
        return "I'll keep it in mind when we choose exercises."
    return ""


COACHING: dict[str, Callable[[list[dict[str, Any]], str], str]] = {
    "get_active_fast": _fast,
    "start_fast": lambda results, asked: "Ask 'how's my fast going?' any time to see where you are.",
    "end_fast": _fast_ended,
    "get_volume_by_muscle": _volume,
    "log_workout": _logged_set,
    "get_meal_history": _meals,
    "get_program": _program,
    "log_meal": _logged_meal,
    "edit_program": _edited,
    "recall_memories": _recalled,
    "save_memory": _saved,
}
"""One coaching line per tool, from the results' fields only (the asked text only picks wording)."""
