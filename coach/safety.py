"""The safety filter in front of the coach and the review of the coach's replies.

`screen` sorts a message into one of five categories with local rules only (no model, no network),
so it can run before anything else in a turn. A sign counts only in context: "no chest pain" is
negated, "my friend fainted yesterday" is a question about someone else, "what are the signs of heat
stroke" asks rather than reports, and "this workout is killing me" is an idiom. When several signs
match, the most urgent wins: emergency > self_harm > disordered_eating > medical > allow.

Context choices:
- Emergency signs count when reported in the first person, now or recently (today, "just", "since",
  or no time given). From yesterday or earlier, about someone else, or asked about ("what if",
  "signs of"), they become medical questions, except that someone else's emergency happening now
  ("my friend just collapsed") stays an emergency. A sign missing its companion symptom (a knock to
  the head without confusion or vomiting, dark urine without muscle pain) is medical.
- Self-harm counts in any person and at any time: a crisis line also helps someone worried about a friend.
- Disordered-eating signs about someone else are medical: the writer needs information, not the
  reply that switches their own conversation out of weight-loss mode.

`screen_deep` runs the rules and then, when they found no emergency or self-harm, a second check
(`coach._safety_semantic`): the message's MiniLM embedding against labelled exemplar messages. It catches
phrasings the rules have no words for ("my chest is in a vice") and can only escalate, never downgrade.
A proposed emergency still has to pass the rules' context: not negated, not asked about, not from
yesterday or earlier, not about someone else unless it is happening now.

`review_reply` checks what the coach is about to send: no intakes under 1,200 kcal a day, no fasts
past 72 hours and no medicine doses may be recommended. Reports of logged figures are fine.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel, ConfigDict

from coach._safety_numbers import fast_hours as _fast_hours
from coach._safety_rules import ROUTINE_RULES, Category, Rule
from coach._safety_rules_acute import ACUTE_RULES
from coach._safety_text import normalise, sentence_bounds

if TYPE_CHECKING:
    from coach._safety_semantic import Match, SyncEmbedder

__all__ = [
    "FIXED_REPLIES",
    "MEDICAL_INSTRUCTIONS",
    "Category",
    "ReplyReview",
    "Screen",
    "review_reply",
    "screen",
    "screen_deep",
]

log = logging.getLogger(__name__)

_RULES: Final[tuple[Rule, ...]] = (*ACUTE_RULES, *ROUTINE_RULES)
"""Every rule the screen runs: the acute ones (emergency, self-harm) first, so they give the reason on ties."""

_PRIORITY: Final[dict[Category, int]] = {
    "allow": 0,
    "medical": 1,
    "disordered_eating": 2,
    "self_harm": 3,
    "emergency": 4,
}

FIXED_REPLIES: Final[dict[Category, str]] = {
    "emergency": (
        "This could be a medical emergency. Please stop what you are doing and call your local emergency number "
        "now (911 in the US, 999 in the UK, 112 in most of Europe), or ask someone nearby to call for you. "
        "Don't drive yourself. If you're alone, unlock the door and stay on the line with the dispatcher. "
        "If you're fasting and feel shaky, sweaty or confused, end the fast with something sugary, such as juice, "
        "if you can swallow safely. "
        "I'm a fitness coach, not a medical service, so I'm pausing coaching here: getting help comes first."
    ),
    "self_harm": (
        "I'm really sorry you're going through this, and I'm glad you told me. You deserve support from a person "
        "right now. In the US you can call or text 988, the Suicide & Crisis Lifeline, at any hour; elsewhere, "
        "please contact your local crisis line. If you might act on these thoughts or you're in danger, call your "
        "local emergency number (911 in the US) or go to the nearest emergency department. If you can, tell "
        "someone you trust how you're feeling. If you're worried about someone else, these lines can help you "
        "support them too. I'm a fitness coach, so I'm not the right help for this, but you don't have to face "
        "it alone."
    ),
    "disordered_eating": (
        "Thank you for telling me. It sounds like food, eating or your weight may be weighing on you a lot right now, "
        "and you deserve real support with that. A doctor, a registered dietitian who works with eating disorders, or "
        "a national eating-disorder helpline can help, and talking to someone you trust can too. For the rest of this "
        "conversation I won't give advice on calorie deficits, weigh-ins, weight-loss targets or fasting. I'm still "
        "glad to talk about gentle movement, how training feels for you, or anything else that would help."
    ),
}
"""Replies sent instead of running the agent, keyed by the categories that never reach a model."""

MEDICAL_INSTRUCTIONS: Final = (
    "The person's message involves a health condition, a medicine, pregnancy, an injury or a symptom. "
    "Give general, educational information only. Do not diagnose, do not give advice personalised to the "
    "condition or its treatment, and do not suggest medicine doses or fasting or calorie targets that depend on "
    "it. Say plainly that their doctor, pharmacist or physiotherapist is the right person for this, and suggest "
    "they check with them before changing training, diet or fasting. If they describe new or worsening symptoms, "
    "tell them to seek medical care promptly."
)
"""Extra agent instructions for a message screened as `medical`."""


class Screen(BaseModel):
    """The safety category of one message, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: Category
    reason: str
    matched: tuple[str, ...] = ()
    """Names of the rules that counted, the deciding category's first."""


class ReplyReview(BaseModel):
    """The outbound check of a coach reply."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ok: bool
    problems: tuple[str, ...]
    safe_text: str
    """The reply itself when ok, otherwise a cautious replacement."""


# --- context ------------------------------------------------------------------------------------

_NEGATIONS = frozenset({"no", "not", "never", "without", "nor", "neither", "zero", "denies", "deny"})
_PSEUDO_NEGATION = re.compile(
    r"\b(?:no\s+longer|not\s+only|not\s+sure|no\s+idea|no\s+matter|not\s+just|never\s+mind|can\s+not\s+stop|"
    r"could\s+not\s+stop|can\s+not\s+help|not\s+even)\b"
)
_NEGATION_SCOPE_BREAK = re.compile(r",|\b(?:and|so|because|then)\b")
_TRAILING_NO = re.compile(r"\s*[:?\-–]+\s*(?:no|none|nope|never|negative)\b")

_THIRD_PARTY = (
    r"friend|buddy|mate|bro|partner|spotter|wife|husband|gf|bf|girlfriend|boyfriend|mom|mum|mother|dad|father|son|"
    r"daughter|kid|child|brother|sister|sis|client|coworker|colleague|roommate|flatmate|coach|teammate|grandma|"
    r"grandpa|grandmother|grandfather|uncle|aunt|cousin|niece|nephew"
)
_PERSON = re.compile(
    rf"\b(?P<third>(?:my|our|a|the|his|her|their)\s+(?:\w+\s+)?(?:{_THIRD_PARTY})s?\b(?:'s)?"
    r"|he|she|they|him|them|his|her|their|himself|herself|themselves|someone|somebody|anyone|anybody|people|"
    r"a\s+(?:guy|girl|man|woman|person|lifter|runner))\b"
    r"|\b(?P<generic>you|your|yourself)\b"
    r"|\b(?P<first>i|me|my|myself|mine|we|us|our)\b"
)
_HYPOTHETICAL = re.compile(
    r"\b(?:what\s+if|if|in\s+case|signs?\s+of|symptoms?\s+of|warning\s+signs|what\s+causes|causes?\s+of|"
    r"how\s+(?:do|can|would|should)\s+(?:i|you|one|we)\s+(?:know|tell|spot|recogni[sz]e|prevent|avoid)|"
    r"how\s+to\s+(?:tell|know|spot|prevent|avoid|recogni[sz]e)|prevent\w*|avoid\w*|risks?\s+of|chance\s+of|"
    r"can\s+\w+\s+cause|what\s+(?:is|are)|is\s+it\s+possible)\b"
)
_REAL_DOUBT = re.compile(r"\b(?:not\s+sure|do\s+not\s+know|wonder\w*|unsure)\s+(?:if|whether)\b")
_NOW = re.compile(
    r"\b(?:now|right\s+now|currently|at\s+the\s+moment|atm|still|today|this\s+(?:morning|afternoon|evening)|"
    r"just\s+(?:now|\w+ed|fell|hit|threw|woke|got|had|went|collapsed)|(?:is|are)\s+not\s+(?:breathing|responding)|"
    r"tonight|last\s+night|minutes?\s+ago|an?\s+hour\s+ago|\d+\s*(?:min\w*|hours?)\s+ago|earlier|since|"
    r"mid[- ]?(?:set|workout|run|squat|rep|session)|keeps?|getting\s+worse|not\s+going\s+away|will\s+not\s+stop|"
    r"(?:is|are)\s+having|help)\b"
    # someone else's sign described as it unfolds: "he is slurring his words", "she is turning blue"
    r"|\b(?:is|are)\s+(?:still\s+)?(?:slurring|drooping|sagging|seizing|convulsing|fitting|choking|gasping|wheezing|"
    r"turning\s+blue|going\s+blue|vomiting|throwing\s+up|swelling|unconscious|unresponsive|out\s+cold|"
    r"on\s+the\s+(?:floor|ground))\b"
)
_RESOLVED = re.compile(
    r"\b(?:fine|ok|okay|better|alright|all\s+right|normal|gone|settled)\s+now\b|\bnow\s+(?:it\s+is\s+)?(?:fine|ok|okay|gone)\b"
)
"""A sign that has passed ("fine now"): its "now" does not make the sign current."""
_NOT_RECENT = re.compile(
    r"\b(?:yesterday|last\s+(?:week|month|year|summer|winter|spring|autumn|fall|time)|"
    r"(?:\d+|a|an|few|couple\s+of|several)\s+(?:days?|weeks?|months?|years?)\s+ago|years\s+ago|"
    r"as\s+a\s+(?:kid|child|teen\w*)|when\s+i\s+was\s+(?:younger|a\s+kid|little|\d+)|in\s+the\s+past|used\s+to|"
    r"history\s+of|once|back\s+in|in\s+(?:19|20)\d\d|previously|the\s+other\s+day|(?:last|over\s+the)\s+weekend|"
    r"(?:on|last)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
)


def _negated(text: str, start: int, end: int, window: int) -> bool:
    sentence_start, _ = sentence_bounds(text, start)
    scope = _NEGATION_SCOPE_BREAK.split(text[sentence_start:start])[-1]
    words = _PSEUDO_NEGATION.sub(" ", scope).split()[-window:] if window else []
    return any(word in _NEGATIONS for word in words) or bool(_TRAILING_NO.match(text, end))


def _person(text: str, start: int, end: int) -> str:
    """Who a match is about: a pronoun inside the match, else the nearest mention before it in its sentence."""
    sentence_start, _ = sentence_bounds(text, start)
    inside = [m.lastgroup for m in _PERSON.finditer(text, start, end)]
    before = [m.lastgroup for m in _PERSON.finditer(text, sentence_start, start)]
    return next((group for group in (*inside, *reversed(before)) if group), "first")


def _emergency_downgrade(rule: Rule, text: str, start: int, end: int) -> str | None:
    """Why an emergency sign is only a medical question here, or None when it is an emergency."""
    sentence_start, sentence_end = sentence_bounds(text, start)
    sentence = text[sentence_start:sentence_end]
    if _NOW.search(_RESOLVED.sub(" ", sentence)):
        return None
    if _person(text, start, end) != "first":
        return "about someone else, not happening now"
    if _HYPOTHETICAL.search(_REAL_DOUBT.sub(" ", text[sentence_start:start])):
        return "asked about, not reported"
    if rule.timed and _NOT_RECENT.search(sentence):
        return "not recent"
    return None


def _judge(rule: Rule, text: str, start: int, end: int) -> tuple[Category, str] | None:
    """The category a rule's match counts as in its context, with a note, or None when it does not count."""
    sentence_start, sentence_end = sentence_bounds(text, start)
    sentence = text[sentence_start:sentence_end]
    benign = bool(rule.unless and rule.unless.search(sentence))
    if benign and not (rule.unless_overridden and rule.unless_overridden.search(sentence)):
        return None
    if _negated(text, start, end, rule.negation_window):
        return None
    if rule.needs and not rule.needs.search(text):
        # an emergency sign without its companion symptom is still a health question
        return ("medical", "without red flags") if rule.category == "emergency" else None
    if rule.category == "emergency" and (why := _emergency_downgrade(rule, text, start, end)):
        return "medical", why
    if rule.category == "disordered_eating" and _person(text, start, end) == "third":
        return "medical", "about someone else"
    return rule.category, ""


def screen(text: str) -> Screen:
    """Sort a message into a safety category with local rules; pure, deterministic and fast.

    Args:
        text: The person's message, as typed.

    Returns:
        The most urgent category whose signs count in context, the reason, and the rules that matched.

    """
    normalised = normalise(text)
    hits: dict[tuple[str, Category], str] = {}
    for rule in _RULES:
        for start, end in rule.find(normalised):
            if judged := _judge(rule, normalised, start, end):
                category, note = judged
                evidence = normalised[start:end]
                reason = f"{rule.reason}: '{evidence}'" + (f" ({note})" if note else "")
                hits.setdefault((rule.name, category), reason)
    if not hits:
        return Screen(category="allow", reason="no safety signs found")
    ranked = sorted(hits.items(), key=lambda item: -_PRIORITY[item[0][1]])
    (_, category), reason = ranked[0]
    names = tuple(dict.fromkeys(name for (name, _), _ in ranked))
    return Screen(category=category, reason=reason, matched=names)


# --- the semantic second check ----------------------------------------------------------------

_SEMANTIC_LABELS: Final[dict[Category, str]] = {"emergency": "emergency", "self_harm": "self-harm"}


def _emergency_context(text: str) -> str | None:
    """Why a semantically proposed emergency does not count in this message, or None when it does.

    The embedding has no span to judge, so the rules' context choices apply to the whole message:
    a sign the rules found negated ("no dizziness at all"), a question ("what are the signs of"), a
    mention from yesterday or earlier, or someone else's sign that is not happening now.
    """
    if any(_negated(text, start, end, rule.negation_window) for rule in _RULES for start, end in rule.find(text)):
        return "a sign is negated"
    if _NOW.search(_RESOLVED.sub(" ", text)):
        return None
    if _HYPOTHETICAL.search(_REAL_DOUBT.sub(" ", text)):
        return "asked about, not reported"
    if _NOT_RECENT.search(text):
        return "not recent"
    people = {match.lastgroup for match in _PERSON.finditer(text)}
    if "third" in people and "first" not in people:
        return "about someone else, not happening now"
    return None


def semantic_counts(match: Match, text: str) -> bool:
    """Whether a semantic match counts in the message's context (self-harm always does, as with the rules)."""
    return match.category != "emergency" or _emergency_context(normalise(text)) is None


def _escalated(ruled: Screen, text: str, embedder: SyncEmbedder | None) -> Screen:
    from coach import _safety_semantic as semantic

    if embedder is None:
        from coach.embedder import default_embedder

        embedder = default_embedder()
    found = next((match for match in semantic.check(text, embedder) if semantic_counts(match, text)), None)
    if found is None or _PRIORITY[found.category] <= _PRIORITY[ruled.category]:
        return ruled
    reason = f"close to known {_SEMANTIC_LABELS[found.category]} messages (similarity {found.similarity:.2f})"
    return Screen(category=found.category, reason=reason, matched=(f"semantic:{found.category}", *ruled.matched))


async def screen_deep(text: str, embedder: SyncEmbedder | None = None) -> Screen:
    """Screen with the rules, then, unless they found an emergency or self-harm, with the semantic check.

    The semantic check embeds the message off the event loop (a few milliseconds; the model loads on first
    use) and can only escalate to `emergency` or `self_harm`. Empty text never loads the model. If the check
    fails (a missing or corrupt model), the failure is logged and the rules' screen is returned.

    Args:
        text: The person's message, as typed.
        embedder: What embeds the message; default: the process-wide MiniLM embedder.

    Returns:
        The rules' screen, or an escalation whose reason names the semantic match and whose `matched`
        starts with "semantic:<category>".

    """
    ruled = screen(text)
    if ruled.category in ("emergency", "self_harm") or not text.strip():
        return ruled
    try:
        return await asyncio.to_thread(_escalated, ruled, text, embedder)
    except Exception:
        # The second check can only add to the rules; when it cannot run, the rules' screen stands.
        log.exception("semantic safety check failed; keeping the rules' screen")
        return ruled


# --- reply review -------------------------------------------------------------------------------

_MIN_ADVISED_KCAL = 1200
_MAX_ADVISED_FAST_HOURS = 72
_SAFE_REPLY = (
    "I can't recommend that. Calorie targets under 1,200 kcal a day, fasts longer than 72 hours and medicine "
    "doses need to be set with a doctor or registered dietitian who knows your health history. I'm happy to help "
    "with a moderate, sustainable plan instead."
)
_REPLY_CLAUSE = re.compile(r"(?<!\d)[.!?;,](?!\d)|\n|\b(?:and|so|but|then|or)\b")
_ADVICE = re.compile(
    r"^\s*(?:just\s+)?(?:fast|eat|take|try|aim|do|go|stick|keep|limit|cap|extend|push|consider|start|begin|have|use|"
    r"increase|double|drop|cut|reduce|lower|inject|swallow)\b"
    r"|\b(?:you\s+(?:should|could|can|might|may|need\s+to|must|will\s+want\s+to|ought\s+to)|i\s+(?:recommend|suggest|"
    r"would)|recommend\w*|suggest\w*|aim\s+for|try|target|stick\s+to|keep\s+(?:it|your\s+\w+)|limit|cap|shoot\s+for|"
    r"go\s+for|work\s+up\s+to|build\s+up\s+to|extend|push|consider|plan\s+(?:for|on)|let\s+us|how\s+about|why\s+not|"
    r"eating|take|dose|best\s+to|is\s+ideal|works\s+well|is\s+a\s+good)\b"
)
_REPORT = re.compile(
    r"\byou\s+(?:ate|had|logged|consumed|averaged|burned|burnt|recorded|fasted|completed|did|took|were|are\s+eating|"
    r"have\s+(?:eaten|had|logged|consumed|fasted|been|taken|completed))\b|\byour\s+(?:\w+\s+)?(?:intake|fast|average|"
    r"total|log)\s+(?:was|is|has|had|came|hit|reached|stands)\b|\byour\s+longest\b|\byesterday\b|\bso\s+far\b|"
    r"\blast\s+(?:week|time|night)\b|\bhas\s+(?:run|lasted|been)\b"
)
_ADVISED_KCAL = re.compile(
    r"\b(\d{2,4}(?:\.\d+)?)\s*kcal\b(?!\s*(?:deficit|surplus|below|under|less|fewer|more|"
    r"from|off|burn\w*|left|remaining|for\s+(?:breakfast|lunch|dinner|a\s+snack)|"
    r"at\s+(?:breakfast|lunch|dinner)|per\s+meal|snack))"
)
_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|iu|units?|ml|tablets?|pills?|capsules?|puffs?|drops?)\b")
_NUTRIENT = re.compile(
    r"\b(?:creatine|caffeine|coffee|protein|sodium|salt|potassium|water|fluids?|electrolytes?|fib(?:er|re)|carbs?|"
    r"magnesium|calcium|iron|vitamins?|omega|fish\s+oil|beta[- ]alanine|citrulline|juice|milk|shake|smoothie|broth|"
    r"alcohol|drinks?|beer|wine)\b"
)


def _reply_clauses(text: str) -> list[str]:
    return [clause for clause in _REPLY_CLAUSE.split(normalise(text)) if clause and clause.strip()]


def _clause_problems(clause: str) -> list[str]:
    if _REPORT.search(clause):
        return []
    advice = bool(_ADVICE.search(clause))
    problems: list[str] = []
    low = [m for m in _ADVISED_KCAL.finditer(clause) if float(m.group(1)) < _MIN_ADVISED_KCAL]
    if advice and low:
        problems.append(f"intake under {_MIN_ADVISED_KCAL} kcal a day: '{low[0].group(0)}'")
    if advice and any(hours > _MAX_ADVISED_FAST_HOURS for hours in _fast_hours(clause)):
        problems.append(f"fast longer than {_MAX_ADVISED_FAST_HOURS} hours: '{clause.strip()}'")
    if (dose := _DOSE.search(clause)) and not _NUTRIENT.search(clause):
        problems.append(f"medicine dose: '{dose.group(0)}'")
    return problems


def review_reply(text: str) -> ReplyReview:
    """Check a coach reply before it is sent.

    Flags recommendations of intakes under 1,200 kcal a day, of fasts longer than 72 hours and of medicine
    doses. Statements of logged figures ("You ate 850 kcal yesterday") are not recommendations and pass.

    Args:
        text: The reply the coach is about to send.

    Returns:
        Whether the reply is fine, the problems found, and the text to send (a cautious general reply if not ok).

    """
    problems = tuple(problem for clause in _reply_clauses(text) for problem in _clause_problems(clause))
    if problems:
        return ReplyReview(ok=False, problems=problems, safe_text=_SAFE_REPLY)
    return ReplyReview(ok=True, problems=(), safe_text=text)
