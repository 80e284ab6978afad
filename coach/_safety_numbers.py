"""The safety screen's number-reading finders: intakes, loss rates, BMI, fast lengths, low blood sugar and heat.

Each finder reads normalised text (see `coach._safety_text`) and yields where a sign appears; the
rule table in `coach._safety_rules` names them, and `coach.safety` decides whether a match counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coach._safety_text import Span, sentence_bounds

_KG_PER = {"kg": 1.0, "lb": 0.4536, "stone": 6.35}
_WEEKS_PER = {"day": 1 / 7, "week": 1.0, "month": 4.345}
_LOW_INTAKE_KCAL = 1000
_DEFAULT_MAX_LOSS_KG_PER_WEEK = 1.0
"""Used when the message gives no body weight: 1% of a 100 kg person, so an ordinary cut is not flagged."""

_INTAKE = re.compile(
    r"^\s*(?:kcal\s*)?(?:(?:a|per|each|every|in\s+a)\s+day|daily|all\s+day|total)\b"
    r"|\b(?:eat|eats|eating|ate|eaten|consum\w*|intake|on|at|having|have|stick\w*\s+to|stay\w*|keep\w*|"
    r"limit\w*|cap\w*|down\s+to|drop\w*\s+to|survive\s+on|living\s+on|target|aim\w*|goal)\s+"
    r"(?:(?:only|just|under|below|less\s+than|no\s+more\s+than|max|barely|around|about|like|to|for)\s+)*$"
)
_DAILY_AFTER = re.compile(r"\s*(?:kcal\s*)?(?:(?:a|per|each|every|in\s+a)\s+day|daily|all\s+day)\b")
_RESTRICTIVE_BEFORE = re.compile(
    r"\b(?:only|just|under|below|less\s+than|no\s+more\s+than|max|barely|down\s+to|aim\w*\s+for)\s+$"
)
_NOT_AN_INTAKE_AFTER = re.compile(
    r"\s*(?:kcal\s+)?(?:deficit|surplus|below|under|over|above|less|more|fewer|extra|left|remaining|burn\w*|"
    r"for\s+(?:breakfast|lunch|dinner|a\s+snack)|at\s+(?:breakfast|lunch|dinner)|per\s+meal|snack|meal|shake|"
    r"bar|steps|g\b|mg|ml|reps|minutes|hours|kg|lb)"
)
_NOT_AN_INTAKE_BEFORE = re.compile(
    r"\b(?:burn\w*|burnt|deficit|surplus|maintenance|tdee|bmr|snack|meal|shake|bar|lunch|breakfast|dinner|watch)\b"
)
_KCAL_NUMBER = re.compile(r"\b(\d{2,3})(?:\s*(kcal))?\b")


def find_low_intake(text: str) -> Iterator[Span]:
    """Stated daily intakes under 1,000 kcal ("I eat 500 kcal a day", "eat under 600 calories")."""
    for match in _KCAL_NUMBER.finditer(text):
        kcal, unit = int(match.group(1)), match.group(2)
        if not 100 <= kcal < _LOW_INTAKE_KCAL or _NOT_AN_INTAKE_AFTER.match(text, match.end()):
            continue
        start, _ = sentence_bounds(text, match.start())
        before = " ".join(text[start : match.start()].split()[-4:]) + " "
        if _NOT_AN_INTAKE_BEFORE.search(before):
            continue
        daily = bool(_DAILY_AFTER.match(text, match.end()))
        eating = bool(_INTAKE.search(before))
        # "get my calories down to 600"; "1000 kcal is too much, I'm aiming for 500"
        unit = (
            unit or ("kcal" in before) or ("kcal" in text[start : match.start()] and _RESTRICTIVE_BEFORE.search(before))
        )
        if (unit and (daily or (eating and _RESTRICTIVE_BEFORE.search(before)))) or (daily and eating):
            yield match.span()


_LOSS = re.compile(
    r"\b(?:lose|losing|lost|drop|dropping|dropped|shed|shedding|cut|cutting|get\s+rid\s+of|down|minus)\s+"
    r"(?:another\s+|like\s+|about\s+|around\s+|over\s+|the\s+last\s+|at\s+least\s+)?"
    r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>kg|lb|stone)\b(?P<rest>[^.!?;\n]{0,60})"
)
_LOSS_AMOUNT_FIRST = re.compile(
    r"\b(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>kg|lb|stone)\s+(?:gone|off|lighter)\b(?P<rest>[^.!?;\n]{0,60})"
)
"""Loss goals that name the amount first: "need 12 kg gone before my holiday in 4 weeks"."""
_RATE = re.compile(r"\s*(?:a|per|each|every|/)\s*(?P<period>day|week|month)\b")
_WITHIN = re.compile(
    r"\b(?:in|within|over|by|before)\s+(?:the\s+next\s+|just\s+|only\s+|about\s+|like\s+)?"
    r"(?P<count>\d+(?:\.\d+)?|an?)\s*(?P<period>day|week|month)s?\b"
    r"|\bby\s+(?P<week>next\s+week|the\s+end\s+of\s+(?:the|this)\s+week|the\s+weekend|tomorrow|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
    r"|\bby\s+(?P<month>next\s+month|the\s+end\s+of\s+(?:the|this)\s+month)\b"
)
_BODY_WEIGHT = re.compile(
    r"(?:\bi\s+am|\bi\s+weigh|\bweigh\w*|\bcurrently|\bat|\band|,)\s*(?P<amount>\d{2,3}(?:\.\d+)?)\s*(?P<unit>kg|lb)\b"
)


def body_weight_kg(text: str) -> float | None:
    """The writer's own weight when stated ("I'm 95 kg", "5'4 and 98 lbs"), else None."""
    for match in _BODY_WEIGHT.finditer(text):
        kg = float(match["amount"]) * _KG_PER[match["unit"]]
        if 30 <= kg <= 300:
            return kg
    return None


def _weeks(rest: str) -> tuple[float, int] | None:
    """Weeks the loss is spread over, and where that phrase ends in `rest`."""
    if rate := _RATE.match(rest):
        return _WEEKS_PER[rate["period"]], rate.end()
    if within := _WITHIN.search(rest):
        if within["week"]:
            return 1.0, within.end()
        if within["month"]:
            return _WEEKS_PER["month"], within.end()
        count = 1.0 if within["count"] in ("a", "an") else float(within["count"])
        return count * _WEEKS_PER[within["period"]], within.end()
    return None


def find_fast_loss(text: str) -> Iterator[Span]:
    """Loss goals or reports faster than about 1% of body weight a week ("lose 10 kg in 2 weeks")."""
    weight = body_weight_kg(text)
    limit = weight / 100 if weight else _DEFAULT_MAX_LOSS_KG_PER_WEEK
    for match in (*_LOSS.finditer(text), *_LOSS_AMOUNT_FIRST.finditer(text)):
        if not (spread := _weeks(match["rest"])):
            continue
        weeks, length = spread
        if float(match["amount"]) * _KG_PER[match["unit"]] / weeks > limit:
            yield match.start(), match.start("rest") + length


_BMI = re.compile(r"\bbmi\s+(?:is\s+|of\s+|at\s+|around\s+|=\s*|:\s*)?(?:only\s+|like\s+)?(?P<bmi>\d{2}(?:\.\d+)?)")
_HEIGHT = re.compile(
    r"\b(?P<feet>[4-7])\s*(?:'|ft|foot|feet)\s*(?P<inches>\d{1,2})?"
    r"|\b(?P<cm>1[3-9]\d|2[0-2]\d)\s*cm\b|\b(?P<m>1\.[3-9]\d?)\s*m\b"
)
_WANTS_LESS = re.compile(
    r"\b(?:lose|losing|drop|cut|shed|get\s+down|go\s+down|thinner|skinnier|leaner|smaller|slim\w*)\b"
)
_TARGET_WEIGHT = re.compile(
    r"\b(?:(?:get|go|down|reach|hit|be)\s+(?:down\s+)?to|(?:goal|target)\s+(?:weight\s+)?(?:is|of|:)?)\s+"
    r"(?P<amount>\d{2,3}(?:\.\d+)?)\b"
)
_UNDERWEIGHT_BMI = 18.5


def _height_m(text: str) -> float | None:
    match = _HEIGHT.search(text)
    if not match:
        return None
    if match["feet"]:
        return (int(match["feet"]) * 12 + int(match["inches"] or 0)) * 0.0254
    return int(match["cm"]) / 100 if match["cm"] else float(match["m"])


def _wants_less(text: str) -> bool:
    if _WANTS_LESS.search(text):
        return True
    # compared in the unit the weight was given in: "101 lb, goal is 95"
    target, stated = _TARGET_WEIGHT.search(text), _BODY_WEIGHT.search(text)
    return bool(target and stated and float(target["amount"]) < float(stated["amount"]))


def find_low_bmi(text: str) -> Iterator[Span]:
    """A BMI under 18.5 (stated, or from height and weight) together with a wish to lose more."""
    if not _wants_less(text):
        return
    weight = body_weight_kg(text)
    if (stated := _BMI.search(text)) and float(stated["bmi"]) < _UNDERWEIGHT_BMI:
        yield stated.span()
        return
    height = _height_m(text)
    if weight and height and weight / height**2 < _UNDERWEIGHT_BMI and (where := _BODY_WEIGHT.search(text)):
        yield where.span("amount")


_FAST_LENGTH = re.compile(
    r"\b(?P<n1>\d+(?:\.\d+)?)\s*(?P<u1>day|hour)s?\s+(?:water\s+|dry\s+|juice\s+|extended\s+|long\s+)?fast"
    r"|\bfast(?:ed|ing|s)?\s+(?:for\s+)?(?P<n2>\d+(?:\.\d+)?)\s*(?P<u2>day|hour)s?\b"
    r"|\bday\s+(?P<n3>\d+)\s+of\s+(?:my\s+|a\s+)?(?:water\s+)?fast"
)
_REPEATED = re.compile(
    r"\b(?:every|each)\s+(?:other\s+)?(?:week|month|weekend|few\s+days)|\bweekly\b|\bback\s+to\s+back\b|"
    r"\bin\s+a\s+row\b|\bat\s+a\s+time\b|\brepeated\w*|\bregularly\b|\ball\s+the\s+time\b|"
    r"\b(?:twice|once|\d+\s+times)\s+a\s+(?:week|month)\b"
)
_FOR_WEIGHT = re.compile(r"\b(?:lose|losing|drop|dropping|shed|weight|thin(?:ner)?|skinn\w*|slim\w*|scale|kg|lb|fat)\b")


def _fast_lengths(text: str) -> Iterator[tuple[float, Span]]:
    for match in _FAST_LENGTH.finditer(text):
        number = match["n1"] or match["n2"] or match["n3"]
        unit = match["u1"] or match["u2"] or "day"
        yield float(number) * (24 if unit == "day" else 1), match.span()


def fast_hours(text: str) -> Iterator[float]:
    """Lengths in hours of the fasts named in normalised text ("a 96 hour fast", "fast for 5 days")."""
    for hours, _ in _fast_lengths(text):
        yield hours


def _fasts(text: str, min_hours: float) -> Iterator[Span]:
    for hours, span in _fast_lengths(text):
        if hours >= min_hours:
            yield span


def find_repeated_fasts(text: str) -> Iterator[Span]:
    """Fasts of two days or more, repeated or done to lose weight."""
    if _REPEATED.search(text) or _FOR_WEIGHT.search(text):
        yield from _fasts(text, 48)


def find_long_fast(text: str) -> Iterator[Span]:
    """A single fast of 72 hours or more, which needs medical supervision."""
    yield from _fasts(text, 72)


_HYPO_CONTEXT = re.compile(
    r"\b(?:fasting|fasted|(?:my|a|the|this|water|\d+\s+hours?|\d+\s+days?)\s+fast|hours\s+into|not\s+eaten|omad)\b"
)
_CONFUSED = r"confus\w*(?!\s+(?:about|by|with|on|as\s+to|why|how|what|which|whether|if))"
"""Confusion as a symptom, not "confused about macros"."""
_HYPO_STRONG = re.compile(rf"\b(?:shak\w*|trembl\w*|{_CONFUSED}|disorient\w*|can\s+not\s+think\s+straight|blurr\w*)\b")
_HYPO_WEAK = re.compile(r"\b(?:sweat\w*|clammy|heart\s+(?:is\s+)?(?:racing|pounding)|light\s?headed|dizzy|weak)\b")
_LOW_SUGAR = re.compile(
    r"\bblood\s+(?:sugar|glucose)\s+(?:is\s+|at\s+|of\s+|was\s+)?(?:(?P<word>low|crash\w*|dropp\w*)|"
    r"(?P<value>\d+(?:\.\d+)?))|\bhypo(?:glyc\w*)?\b"
)


def _low_sugar(text: str) -> bool:
    for match in _LOW_SUGAR.finditer(text):
        value = match["value"]
        if not value or float(value) < 4.0 or 40 <= float(value) < 70:
            return True
    return False


def find_hypoglycaemia(text: str) -> Iterator[Span]:
    """Shaking, sweating or confusion while fasting or with a low blood sugar reading."""
    if not (_HYPO_CONTEXT.search(text) or _low_sugar(text)):
        return
    strong, weak = list(_HYPO_STRONG.finditer(text)), list(_HYPO_WEAK.finditer(text))
    if strong:
        yield strong[0].span()
    elif len(weak) >= 2:
        yield weak[0].span()


_HEAT = re.compile(
    r"\b(?:heat|heatwave|hot|humid\w*|scorching|boiling|sweltering|sun|sunny)\b"
    r"|\b(?P<temp>\d{2,3})\s*(?:degrees?|deg|°)\s*(?P<unit>c|f|celsius|fahrenheit)?\b"
)
_HEAT_STRONG = re.compile(
    rf"\b(?:{_CONFUSED}|disorient\w*|stopped\s+sweating|not\s+sweating|collaps\w*|passed\s+out|fainted|seizure|"
    r"slurr\w*|can\s+not\s+think\s+straight|out\s+of\s+it)\b"
)
_HEAT_VOMIT = re.compile(r"\b(?:vomit\w*|throw\w*\s+up|threw\s+up|puk\w*|being\s+sick)\b")
_HEAT_WEAK = re.compile(
    r"\b(?:nause\w*|dizzy|light\s?headed|headache|head\s+is\s+(?:pounding|throbbing|splitting)|pounding\s+head|"
    r"cramp\w*|chills|heart\s+is\s+racing|racing\s+heart|weak|faint)\b"
)


def _hot(text: str) -> bool:
    for match in _HEAT.finditer(text):
        if not match["temp"]:
            return True
        degrees, unit = int(match["temp"]), match["unit"] or ""
        if (unit.startswith("f") and degrees >= 86) or (not unit.startswith("f") and 30 <= degrees <= 50):
            return True
        if not unit and degrees >= 86:
            return True
    return False


def find_heat_illness(text: str) -> Iterator[Span]:
    """Heat with confusion or collapse, or with vomiting and another symptom, or with three symptoms."""
    if not _hot(text):
        return
    strong = _HEAT_STRONG.search(text)
    vomit = _HEAT_VOMIT.search(text)
    weak = list(_HEAT_WEAK.finditer(text))
    if strong:
        yield strong.span()
    elif vomit and weak:
        yield vomit.span()
    elif len({m.group(0) for m in weak}) >= 3:
        yield weak[0].span()
