"""Arguments for `edit_program`, read from what the user typed ("swap squats for leg press on Lower A").

Each edit names a session, or takes the one named before it in the same message. The tool needs an
added exercise's sets and rep range, so when they are missing the reply asks instead of picking them.
"""

from __future__ import annotations

import re

from coach._extract import NUM, Args, bare, cut, number

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
ASK_SESSION = (
    "Which session should I change? Name it as your program does, e.g. 'swap squats for leg press on Lower A'."
)


def find_session(text: str) -> tuple[str, str] | None:
    """The session named in the text, title-cased ("lower b" -> "Lower B"), and the text without it."""
    match = _SESSION.search(text)
    if match is None:
        return None
    name = " ".join(word.capitalize() for word in match["session"].split())
    return name, re.sub(r"\s+", " ", cut(text, match)).strip(" ,.!?")


_SPECS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        r"\b(?P<sets>\d+)\s*(?:x|×|sets?\s+of)\s*(?P<lo>\d+)(?:\s*(?:-|to)\s*(?P<hi>\d+))?(?:\s*reps?)?\b",
        r"\b(?P<sets>\d+)\s*sets?\b",
        r"\b(?P<lo>\d+)(?:\s*(?:-|to)\s*(?P<hi>\d+))?\s*reps?\b",
        rf"(?:@\s*)?\brir\s*[:=]?\s*(?P<rir>{NUM})|\b(?P<rir_>{NUM})\s*rir\b",
    )
)


def _spec(text: str) -> tuple[Args, str]:
    """Sets, rep range and target RIR in an edit ("4 sets", "3x8-10", "3 sets of 12-15", "rir 2"), and the rest."""
    args: Args = {}
    for pattern in _SPECS:
        match = pattern.search(text)
        if match is None:
            continue
        found = {key: value for key, value in match.groupdict().items() if value is not None}
        if "sets" in found and "sets" not in args:
            args["sets"] = int(found["sets"])
        if "lo" in found and "rep_min" not in args:
            args |= {"rep_min": int(found["lo"]), "rep_max": int(found.get("hi", found["lo"]))}
        if rir := found.get("rir") or found.get("rir_"):
            args["target_rir"] = number(rir)
        text = cut(text, match)
    return args, text


def _name(text: str) -> str:
    text = re.sub(r"\b(?:of|at|with|@)\b|@", " ", text, flags=re.I)
    return re.sub(r"^\s*(?:the|my|an?|some)\s+|\s+", " ", text).strip(" ,.!?")


_OPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), op)
    for pattern, op in (
        (rf"^(?:move|shift|reschedule|put)\b(?:\s+it)?\s+(?:to|on)\s+{_WEEKDAY}$", "move_session"),
        (
            r"^(?:change|set|make|bump|increase|reduce|decrease|lower|raise|drop)\s+(?P<ex>.+?)\s+(?:up |down )?to\s+"
            r"(?P<spec>.*\d.*)$",
            "change_sets",
        ),
        (
            r"^(?:swap|replace|switch|sub|substitute|trade|change)\s+(?:out\s+)?(?P<ex>.+?)\s+(?:for|with|to|by|into)\s+"
            r"(?P<new>.+)$",
            "replace_exercise",
        ),
        (r"^(?:add|include)\s+(?P<spec>.+)$", "add_exercise"),
        (
            r"^(?:remove|delete|drop|scrap|cancel|get rid of)(?:\s+(?:the|my|this|that))?"
            r"(?:\s+(?:session|day|workout))?$",
            "remove_session",
        ),
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
            spec, rest = _spec(groups["spec"])
            return args | {"exercise": _name(rest)} | spec
        args["exercise"] = _name(groups["ex"])
        if op == "change_sets":
            return args | _spec(groups["spec"])[0]
        if op == "replace_exercise":
            args["with_exercise"] = _name(groups["new"])
        return args
    return None


def program_edit(text: str) -> Args | str | None:
    """edit_program arguments for one or more edits, each naming a session (or the one before it).

    An added exercise needs its sets and rep range; without them the reply asks rather than picks.
    """
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
        if op["op"] == "add_exercise" and not {"sets", "rep_min"} <= op.keys():
            wanted = "What rep range" if "sets" in op else "How many sets and what rep range"
            return f"{wanted} should {op['exercise']} have on {op['session']}? Tell me and I'll add it."
        operations.append(op)
    edit: Args = {"operations": operations}
    if reason is not None:
        edit["reason"] = reason["why"].strip(" .!")
    return edit
