"""The safety screen's rule table: named phrase rules and the number-reading finders they use.

Rules only say where a sign appears in the normalised text. Whether it counts (negation, who it is
about, whether it is a question or a report, how recent it is) is decided in `coach.safety`, so each
rule can stay a plain description of one sign. Text normalisation lives in `coach._safety_text` and
the number finders in `coach._safety_numbers`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from coach._safety_numbers import (
    find_fast_loss,
    find_hypoglycaemia,
    find_long_fast,
    find_low_bmi,
    find_low_intake,
    find_repeated_fasts,
)
from coach._safety_text import Span

Category = Literal["allow", "medical", "disordered_eating", "self_harm", "emergency"]

Finder = Callable[[str], Iterator[Span]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One named sign of a category.

    Attributes:
        name: Stable identifier, reported in `Screen.matched`.
        category: What the sign means when it counts.
        find: Where the sign appears in normalised text.
        reason: A short phrase for `Screen.reason`.
        needs: Something that must also appear somewhere in the message for the sign to count.
        unless: A benign reading (idiom, exertion, accident) that drops the sign when its sentence shows it.
        unless_overridden: A red flag that keeps the sign even when `unless` matches.
        negation_window: How many words before the match a negation cue may sit.
        timed: For emergencies, whether a mention from yesterday or earlier becomes a medical question.

    """

    name: str
    category: Category
    find: Finder
    reason: str
    needs: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    unless_overridden: re.Pattern[str] | None = None
    negation_window: int = 5
    timed: bool = True


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives))


def _matches(*alternatives: str) -> Finder:
    pattern = _rx(*alternatives)

    def find(text: str) -> Iterator[Span]:
        for match in pattern.finditer(text):
            yield match.span()

    return find


# --- the rule table ------------------------------------------------------------------------------

_EXERTION = (
    r"\b(?:after|during|from|doing|on|post)\s+(?:my\s+|the\s+|those\s+|these\s+|a\s+|that\s+|\d+\w*\s+)?(?:\w+\s+)?"
    r"(?:sprints?|burpees?|runs?|running|intervals?|hiit|wod|sets?|workout|session|class|cardio|stairs|hills?|"
    r"rowing|bike|squats|repeats|laps)\b|\blol\b|\bhaha\w*|\blmao\b"
)
_PERSISTING = (
    r"\b(?:still|not\s+stopping|will\s+not\s+stop|not\s+going\s+away|for\s+\d+|been\s+\d+|worse|at\s+rest|sitting|"
    r"lying|throat|lips|tongue|swell\w*|hives|blue|arm|jaw|sweat\w*|dizzy|nause\w*|crushing|pressure|radiat\w*|"
    r"spread\w*|faint\w*)\b"
)
_JOINT = (
    r"knees?|shoulders?|(?:lower\s+|upper\s+|mid\s+)?back|hips?|wrists?|elbows?|ankles?|neck|spine|foot|feet|heels?|"
    r"shins?|ribs?|achilles|it\s+band|si\s+joint|tailbone|groin|jaw|rotator\s+cuff|tendons?|ligaments?|acl|mcl|"
    r"meniscus|labrum"
)
_MUSCLE = r"hamstrings?|calf|calves|pecs?|quads?|biceps?|triceps?|lats?|glutes?|adductors?|obliques?|traps?|muscles?"
_PAIN = (
    r"pain|painful|hurts?|hurting|aches?|aching|achy|killing\s+me|swollen|swelling|swells?|sharp|stabbing|throbbing|numb\w*|"
    r"tingl\w*|pinch\w*|popped|pops|locked|locks|gave\s+out|gives\s+out|buckled|unstable|injur\w*"
)
_ACUTE_INJURY = r"hurt|hurts|injured|injure|tweaked|tweak|pulled|strained|sprained|tore|torn|twisted|rolled|broke"

RULES: tuple[Rule, ...] = (
    # emergency: acute signs; coach.safety turns past, third-person or hypothetical mentions into medical
    Rule(
        "chest_pain",
        "emergency",
        _matches(
            r"\bchest\s+(?:pains?|pressure|tightness|discomfort|hurts?|hurting|is\s+(?:\w+\s+)?(?:tight|hurting|heavy))",
            r"\bchest\s+feels?\s+(?:\w+\s+)?(?:tight|heavy|crushed|like)",
            r"\b(?:pain|pressure|tightness|squeezing|heaviness)\s+in\s+(?:my|the|his|her)\s+chest",
            r"\b(?:crushing|squeezing|stabbing)\s+(?:\w+\s+)?chest\b|\btight\s+chest\b",
            r"\bpain\s+(?:going|radiating|spreading|shooting|moving)\s+(?:down|into|to|up)\s+(?:my\s+)?(?:left\s+)?(?:arm|jaw)",
            r"\b(?:left\s+arm\s+and\s+(?:my\s+)?jaw|jaw\s+and\s+(?:my\s+)?left\s+arm)\b",
        ),
        "chest pain or pressure",
        unless=_rx(r"\b(?:doms|sore\w*|pump\w*|stretch\w*)\b"),
        unless_overridden=_rx(_PERSISTING),
    ),
    Rule(
        "heart_attack",
        "emergency",
        _matches(r"\b(?:having|had|have)\s+a\s+heart\s+attack\b"),
        "a possible heart attack",
        unless=_rx(r"\b(?:almost|nearly|practically|basically)\s+had\b"),
    ),
    Rule(
        "breathing",
        "emergency",
        _matches(
            r"\b(?:can\s+not|could\s+not|can\s+barely|could\s+barely|struggling\s+to|hard\s+to|unable\s+to|trouble|"
            r"difficulty|problems?)\s+(?:to\s+)?(?:breathe?|breathing|catch(?:ing)?\s+my\s+breath|get\s+(?:any\s+)?air)",
            r"\bshort(?:ness)?\s+of\s+breath\b|\bwheez\w*|\bgasping\b|\bhurts\s+to\s+breathe?\b",
            r"\basthma\s+attack\b|\binhaler\s+(?:is\s+)?not\s+(?:working|helping)\b",
        ),
        "trouble breathing",
        unless=_rx(_EXERTION, r"\bthrough\s+my\s+nose\b|\bblocked\s+nose\b|\bstuffy\b|\bcongest\w*"),
        unless_overridden=_rx(_PERSISTING),
    ),
    Rule(
        "allergic_reaction",
        "emergency",
        _matches(
            r"\b(?:throat|tongue|lips?|face|mouth|eyes)(?:\s+(?:and|&)\s+\w+)?\s+(?:is\s+|are\s+|feels?\s+|keeps?\s+|"
            r"getting\s+|went\s+)?(?:\w+\s+)?(?:swell\w*|swollen|closing|puff\w*)",
            r"\bthroat\s+(?:is\s+|feels?\s+)?(?:\w+\s+)?(?:tight|closing)",
            r"\banaphyla\w*|\bepi\s?pen\b",
        ),
        "a severe allergic reaction",
    ),
    Rule(
        "fainting",
        "emergency",
        _matches(
            r"\b(?:fainted|fainting|faints|passed\s+out|passing\s+out|passes\s+out|blacked\s+out|blacking\s+out|lost\s+consciousness|"
            r"losing\s+consciousness|went\s+unconscious|unconscious|unresponsive|is\s+not\s+responding|"
            r"not\s+breathing)\b",
            r"\bcollapsed\b",
            r"\b(?:feel|feeling)\s+(?:really\s+|very\s+|so\s+)?faint\b",
            r"\b(?:feel|feeling)\s+(?:like\s+)?(?:i\s+am\s+)?(?:going\s+to|about\s+to)\s+(?:faint|pass\s+out|black\s+out|"
            r"collapse)\b|\babout\s+to\s+(?:faint|pass\s+out|black\s+out|collapse)\b",
        ),
        "fainting or loss of consciousness",
        unless=_rx(
            r"\b(?:on|in)\s+(?:the\s+)?(?:couch|sofa|bed)\b|\basleep\b|\bfor\s+the\s+night\b|\bdrunk\b",
            r"\bjk\b|\bjust\s+kidding\b|\bfrom\s+laughing\b",
            r"\b(?:knees?|form|arch|back|chest|ankles?|hips?|lungs?|veins?|tent|set|program|plan|diet)\s+(?:\w+\s+)?collaps\w*",
            r"\b(?:almost|nearly)\s+(?:fainted|passed\s+out|blacked\s+out|collapsed)\b",
        ),
    ),
    Rule(
        "seizure",
        "emergency",
        _matches(r"\b(?:having|had|has)\s+a\s+seizure\b|\bseizing\b|\bconvuls\w*"),
        "a seizure",
    ),
    Rule(
        "stroke_signs",
        "emergency",
        _matches(
            r"\b(?:having|had|have)\s+a\s+stroke\b",
            r"\bface\s+(?:is\s+)?(?:\w+\s+)?droop\w*|\bdroop\w*\s+(?:face|mouth|eye)",
            r"\bslurr\w*\s+(?:(?:my|his|her|their)\s+)?(?:speech|words)|\bspeech\s+is\s+(?:\w+\s+)?slurred|\bwords\s+(?:are\s+)?(?:coming\s+out\s+)?"
            r"(?:wrong|jumbled|garbled)",
            r"\b(?:one|left|right)\s+side\s+(?:of\s+my\s+(?:body|face)\s+)?(?:is\s+|went\s+|feels?\s+)?(?:\w+\s+)?"
            r"(?:numb|weak|limp|paraly[sz]ed|droop\w*)",
            r"\bnumb\w*\s+(?:on|down|in)\s+(?:the\s+|my\s+)?(?:one|left|right)\s+side\b",
            r"\bcan\s+not\s+(?:feel|move)\s+(?:the\s+|my\s+)?(?:one|left|right)\s+side\b",
            r"\bworst\s+headache\b|\bthunderclap\b|\bsudden\s+(?:severe\s+)?headache",
        ),
        "signs of a stroke",
    ),
    Rule(
        "heat_stroke",
        "emergency",
        _matches(r"\bheat\s?(?:stroke|exhaustion)\b|\bstopped\s+sweating\b|\b(?:skin\s+is\s+)?hot\s+and\s+dry\b"),
        "signs of heat stroke",
    ),
    Rule(
        "rhabdomyolysis",
        "emergency",
        _matches(
            r"\b(?:dark|brown|cola|coke|tea|black|red)(?:[- ]?colou?red)?\s+(?:urine|pee)\b",
            r"\b(?:urine|pee)\s+(?:is|looks|was)\s+(?:\w+\s+)?(?:dark|brown|cola|black|red|like\s+(?:cola|coke|tea))",
            r"\b(?:urine|pee)\s+(?:is|looks|was)\s+(?:the\s+)?colou?r\s+of\s+(?:cola|coke|tea)",
            r"\brhabdo\w*",
        ),
        "dark urine with severe muscle pain (possible rhabdomyolysis)",
        needs=_rx(
            r"\b(?:swollen|swelling|swell\w*|painful|rhabdo\w*|agony|excruciating|killing\s+me)\b|\bmuscles?\s+(?:pain|ache|hurt)",
            r"\b(?:super|really|very|extremely|so)\s+(?:painful|sore)\b|\bcan\s+not\s+(?:straighten|bend|move|lift)\b",
        ),
        timed=False,  # rhabdomyolysis shows up a day or more after the workout that caused it
    ),
    Rule(
        "head_injury",
        "emergency",
        _matches(
            r"\b(?:hit|bump|bang|smack|whack|knock|crack)\w*\s+(?:my|his|her)\s+head\b",
            r"\bhead\s+(?:injury|trauma)\b|\bconcuss\w*",
            r"\b(?:hit|blow|knock|kick|punch|elbow|knee)\s+to\s+(?:the|my|his|her)\s+head\b",
            r"\b(?:bar|barbell|plate|dumbbell|weight|kettlebell)\s+(?:\w+\s+)?(?:fell|dropped|landed|hit|smacked)\s+"
            r"(?:on\s+)?(?:my|his|her)\s+head",
        ),
        "a head injury with confusion or vomiting",
        needs=_rx(
            r"\b(?:confus\w*|vomit\w*|threw\s+up|throw\w*\s+up|puk\w*|memory|blurr\w*|double\s+vision|drowsy|"
            r"disorient\w*|slurr\w*|passed\s+out|knocked\s+out|unconscious|seizure)\b|\bcan\s+not\s+remember\b"
        ),
    ),
    Rule("hypoglycaemia", "emergency", find_hypoglycaemia, "signs of low blood sugar while fasting"),
    # self_harm: any person, any time; idioms are dropped by `unless`
    Rule(
        "suicide",
        "self_harm",
        _matches(r"\bsuicid\w*"),
        "suicidal thoughts",
        unless=_rx(
            r"\bsuicides?\s+(?:sprints?|drills?|runs?|grip|shuttles?|squats?|squeeze|lines?|doors?)\b",
            r"\b(?:did|doing|do|ran|run|running)\s+suicides\b",
        ),
        negation_window=3,
    ),
    Rule(
        "kill_self",
        "self_harm",
        _matches(r"\b(?:kill|hang|shoot|drown|poison)(?:ing|ed|s)?\s+(?:my|him|her|them)sel(?:f|ves)\b"),
        "thoughts of ending their life",
        unless=_rx(r"\bkilling\s+myself\s+(?:in|at|on|with|over|for|doing|to\s+(?:hit|get|make))\b"),
        negation_window=3,
    ),
    Rule(
        "self_injury",
        "self_harm",
        _matches(
            r"\b(?:want|wanted|wanting|going|plan\w*|try\w*|tried|urges?|need|thinking\s+(?:about|of)|thought\s+about|"
            r"thoughts\s+of|think\s+about|tempted|might|about|feel\w*\s+like)\s+(?:to\s+)?(?:hurt|harm|cut|burn)\w*\s+myself\b",
            r"\b(?:been|keep|kept|started|start)\s+(?:\w+\s+)?(?:cutting|hurting|harming|burning)\s+myself\b",
            r"\b(?:cut|hurt|harm|burn|burned|burnt)\s+myself\s+(?:on\s+purpose|again|deliberately|intentionally|"
            r"to\s+cope|when|with\s+(?:a\s+)?(?:cigarettes?|lighter|razor|blade|knife))",
            r"\b(?:cutting|cut|slit\w*)\s+(?:again\s+)?(?:on\s+)?(?:my\s+)?(?:wrists?|arms?|thighs?)\b",
            r"\b(?:scratch|hit|punch|bit|pinch|burn)\w*\s+(?:my|myself)\s*(?:\w+\s+)?(?:until|till|til)\s+"
            r"(?:it|they|i)\s+(?:bleed|bruise)",
            r"\bself[- ]?(?:harm|injur)\w*|\bi\s+deserve\s+to\s+(?:die|hurt|suffer|be\s+hurt|be\s+punished)\b",
        ),
        "self-harm",
        negation_window=3,
    ),
    Rule(
        "ending_life",
        "self_harm",
        _matches(
            r"\b(?:end|ending|take|taking)\s+(?:(?:my|his|her|their)\s+(?:own\s+)?li(?:fe|ves)|it\s+all)\b",
            r"\bwant\s+(?:it\s+all|everything|it)\s+to\s+end\b",
            r"\b(?:going\s+to|want\s+to|plan\w*\s+to|ready\s+to|about\s+to|decided\s+to)\s+end\s+it\b"
            r"(?!\s+(?:here|there|with|on|after|early|today|for|at))",
            r"\b(?:goodbye|farewell)\s+(?:note|letter|message)s?\b|\bgiv\w*\s+away\s+(?:all\s+)?my\s+(?:stuff|things)\b",
            r"\b(?:do|does)\s+not\s+(?:really\s+)?(?:want|wish)\s+to\s+(?:live|be\s+alive|exist|go\s+on|keep\s+living)\b",
            r"\b(?:do\s+not|no\s+longer)\s+(?:really\s+)?want\s+to\s+(?:be\s+here|wake\s+up)(?:\s+(?:anymore|again|"
            r"ever|tomorrow))?\s*(?=$|[.!?,])",
            r"\b(?:if|whether)\s+i\s+want\s+to\s+(?:live|be\s+alive|be\s+here|keep\s+living)\b",
            r"\btired\s+of\s+(?:living|life|being\s+alive)\b|\bnot\s+worth\s+living\b",
            r"\blife\s+(?:feels|is|seems)\s+(?:so\s+|completely\s+)?(?:pointless|meaningless|hopeless)\b",
            r"\bways\s+to\s+(?:die|kill\s+myself|end\s+it)\b|\bburden\s+(?:to|on)\s+(?:everyone|everybody|my\s+family|"
            r"people|others)\b",
            r"\bnever\s+wake\s+up\b(?!\s+(?:on\s+time|early|before|at|in\s+time|rested|refreshed))",
            r"\b(?:no|not\s+any|zero)\s+reason\s+to\s+(?:live|go\s+on|keep\s+going|be\s+alive)\b",
            r"\bno\s+point\s+(?:in\s+)?(?:living|going\s+on|being\s+alive|carrying\s+on|existing)\b",
            r"\bwhat\s+is\s+(?:even\s+)?the\s+point\s+(?:of|in)\s+(?:living|life|being\s+alive|going\s+on|existing)\b",
            r"\bcan\s+not\s+(?:go\s+on|take\s+it\s+anymore)\b",
        ),
        "not wanting to live",
        negation_window=3,
    ),
    Rule(
        "better_off_dead",
        "self_harm",
        _matches(
            r"\bbetter\s+off\s+(?:dead|without\s+me)\b|\b(?:nobody|no\s+one)\s+would\s+(?:miss|care|notice)\b",
            r"\bwish\s+i\s+(?:was|were|had)\s+(?:dead|never\s+been\s+born|not\s+alive|gone)\b|\brather\s+(?:be\s+)?dead\b",
            r"\b(?:better|happier)\s+(?:off\s+)?if\s+i\s+(?:was|were)\s+(?:gone|dead|not\s+(?:here|around|alive))\b",
            r"\bwant\s+to\s+disappear\b|\bwant\s+(?:it|the\s+pain|everything)\s+to\s+stop\s+(?:forever|for\s+good|permanently)",
            r"\b(?:think\w*|dream\w*|wish\w*)\s+(?:about\s+|of\s+)?(?:not|never)\s+waking\s+up\b",
            r"\bif\s+i\s+(?:did\s+not|do\s+not|never)\s+wake\s+up\b",
            r"\bhow\s+many\s+(?:sleeping\s+)?(?:pills|tablets)\s+(?:it\s+)?(?:takes|would\s+(?:it\s+)?take|to\s+(?:die|overdose))",
            r"\b(?:jump|jumping)\s+(?:off|in\s+front\s+of)\s+(?:a|the|my)\s+(?:\w+\s+)?(?:bridge|building|roof|train|"
            r"car|bus|cliff|balcony)",
            r"\boverdos\w*|\btake\s+(?:all|a\s+bunch|a\s+whole\s+bottle)\s+(?:of\s+)?(?:my\s+)?(?:pills|meds|tablets)",
        ),
        "wishing to be dead",
        unless=_rx(r"\bpre[- ]?workout\b|\bcaffeine\b|\bcoffee\b"),
        negation_window=3,
    ),
    Rule(
        "want_to_die",
        "self_harm",
        _matches(r"\bwant\s+to\s+die\b"),
        "wanting to die",
        unless=_rx(
            r"\b(?:made|makes|make)\s+me\s+want\s+to\s+die\b",
            r"\bwant\s+to\s+die\s+(?:after|from)\b",
            r"\bdie\s+on\s+(?:this|that)\s+hill\b",
        ),
        unless_overridden=_rx(r"\bactually\b|\bnot\s+(?:gym|workout)\b"),
        negation_window=3,
    ),
    # disordered_eating: first-person signs; coach.safety treats third-person mentions as medical questions
    Rule(
        "purging",
        "disordered_eating",
        _matches(
            r"\b(?:make|makes|made|making|force|forces|forced|forcing|get|got)\s+(?:my|him|her|them)sel(?:f|ves)\s+"
            r"(?:to\s+)?(?:throw\s+up|puke|vomit|be\s+sick|sick)\b",
            r"\bpurg(?:e|es|ed|ing)\b|\bfingers?\s+down\s+(?:my|her|his)\s+throat\b",
            r"\b(?:throw|throwing|threw)\s+up\s+(?:my\s+|her\s+|his\s+)?(?:meals?|food|dinner|lunch|breakfast|what\s+i\s+eat)",
            r"\b(?:throw\w*|threw|puk\w*|vomit\w*)\s+(?:\w+\s+){0,3}?to\s+(?:stay|be|get|keep)\s+(?:thin|skinny|slim)",
            r"\b(?:throw|throwing|threw|puke|puking|vomit\w*)\s+(?:it\s+)?(?:up\s+)?after\s+(?:i\s+)?(?:eat\w*|meals?|"
            r"big\s+meals?|binge\w*|binging|food|dinner|lunch|breakfast)\b",
        ),
        "purging after eating",
        unless=_rx(r"\bfood\s+poisoning\b|\bstomach\s+bug\b|\bflu\b|\bvirus\b|\bbad\s+(?:sushi|chicken|food|meat)\b"),
    ),
    Rule(
        "eating_disorder",
        "disordered_eating",
        _matches(
            r"\b(?:anorexi\w*|bulimi\w*|binge[- ]eating\s+disorder|eating\s+disorders?|arfid|orthorexi\w*)\b",
            r"\bpro[- ]?ana\b|\bthinspo\w*|\bbonespo\b|\bmeanspo\b",
        ),
        "an eating disorder or its history",
    ),
    Rule(
        "weight_loss_drugs",
        "disordered_eating",
        _matches(
            r"\b(?:laxatives?|diuretics?|water\s+pills?|diet\s+pills?|appetite\s+suppress\w*|slimming\s+(?:pills?|teas?)|"
            r"ipecac|dulcolax|senna)\b",
            r"\bsuppress\w*\s+(?:my\s+)?appetite\b",
        ),
        "laxatives, diuretics or diet pills for weight",
        needs=_rx(
            r"\b(?:lose|losing|lost|weight|thin\w*|slim\w*|skinn\w*|flat|scale|drop|shed|weigh\w*|fat|bloat\w*|faster|"
            r"look|beach|surviv\w*|appetite)\b|\bafter\s+(?:i\s+)?(?:eat|eating|dinner|meals?|binge\w*)\b"
        ),
    ),
    Rule(
        "compensating",
        "disordered_eating",
        _matches(
            r"\b(?:run|burn|work|sweat|exercise|train|walk)\w*\s+off\s+(?:every|each|all|everything)\b",
            r"\b(?:have\s+to|need\s+to|must|got\s+to|forced\s+to)\s+(?:\w+\s+){0,6}?(?:burn|run|work|sweat)\s+"
            r"(?:it|them|that|everything|every\s+\w+)\s+off\b",
            r"\bpunish\w*\s+myself\s+(?:with|by|for)\b",
            r"\b(?:if|when|whenever|after)\s+i\s+(?:eat|ate|go\s+over)\b[^.!?]{0,40}?\b(?:have\s+to|need\s+to|must|got\s+to)"
            r"\s+(?:\w+\s+){0,4}?(?:cardio|run|running|exercise|workout|burn|train|walk)",
            r"\bearn\s+(?:my|the\s+right\s+to|every)\s+(?:food|meals?|eat\w*|kcal|dinner|lunch|breakfast)\b",
            r"\b(?:can\s+not|not\s+allowed\s+to|will\s+not\s+let\s+myself)\s+eat\s+(?:unless|until)\s+i\b",
        ),
        "exercise or restriction to make up for eating",
    ),
    Rule(
        "making_up_for_eating",
        "disordered_eating",
        _matches(
            r"\bto\s+make\s+up\s+for\s+(?:it|eating|what\s+i\s+ate|the\s+\w+)\b",
            r"\b(?:need|have|want|got)\s+to\s+get\s+rid\s+of\s+(?:it|the\s+food|what\s+i\s+(?:ate|eat))\b",
            r"\bto\s+punish\s+myself\b",
        ),
        "restriction or purging to make up for eating",
        needs=_rx(
            r"\b(?:eat\w*|ate|binge\w*|bing(?:ed|ing)|food|kcal|meals?|breakfast|lunch|dinner|snacks?|overate|"
            r"overeat\w*)\b"
        ),
    ),
    Rule(
        "starving",
        "disordered_eating",
        _matches(
            r"\bstarv(?:e|es|ed|ing)\s+(?:my|him|her|them)sel(?:f|ves)\b",
            r"\b(?:not|stop|stopped|quit|quitting)\s+eating\s+(?:anything|at\s+all|entirely|completely|for\s+days)\b",
            r"\b(?:have\s+not|has\s+not|not|barely)\s+eaten\s+(?:anything\s+)?(?:in|for)\s+(?:\d+|a\s+few|several)\s+days\b",
            r"\b(?:do\s+not|does\s+not)\s+deserve\s+(?:to\s+eat|food|dinner|lunch|breakfast|meals?)\b",
            r"\bsurviv\w*\s+on\s+(?:just\s+|only\s+)?(?:black\s+)?(?:coffee|water|diet\s+(?:coke|soda)|gum|air|tea)\b",
            r"\bone\s+meal\s+every\s+(?:\d+|other|few)\s+days?\b|\bchew\w*\s+and\s+spit\w*",
            r"\b(?:only\s+(?:drink\w*|hav\w*)|(?:drink\w*|hav\w*)\s+only)\s+water\s+for\s+(?:days|\d+\s+days|a\s+week)\b",
            r"\beat\w*\s+nothing\s+but\b|\beat\s+as\s+little\s+as\s+possible\b|\bskip\w*\s+(?:all\s+)?(?:my\s+)?meals?\s+to\s+(?:lose|drop|be|stay)\b",
        ),
        "starving or not eating",
    ),
    Rule("low_intake", "disordered_eating", find_low_intake, "an intake under 1,000 kcal a day"),
    Rule("fast_loss", "disordered_eating", find_fast_loss, "a weight-loss pace over 1% of body weight a week"),
    Rule("low_bmi", "disordered_eating", find_low_bmi, "wanting to lose weight while underweight"),
    Rule("repeated_long_fasts", "disordered_eating", find_repeated_fasts, "multi-day fasts, repeated or for weight"),
    Rule(
        "loss_of_control",
        "disordered_eating",
        _matches(
            r"\b(?:can\s+not|could\s+not|unable\s+to)\s+stop\s+(?:eating|binging|bingeing)\b",
            r"\blost\s+control\s+(?:over|of|around|with)\s+(?:food|eating|my\s+eating)\b",
            r"\bout\s+of\s+control\s+(?:with|around)\s+food\b|\beating\s+is\s+out\s+of\s+control\b",
            r"\bthink\w*\s+about\s+(?:food|it)\s+(?:all\s+the\s+time|constantly|24/7|nonstop|every\s+(?:second|minute))",
            r"\bfood\s+(?:controls|rules|dominates|consumes|runs|takes\s+over)\s+(?:my|her|his)\b",
            r"\bweigh\s+myself\s+(?:like\s+)?(?:\d+|many|several|multiple)\s+times\s+a\s+day\b",
        ),
        "loss of control around food",
    ),
    Rule(
        "bingeing",
        "disordered_eating",
        _matches(r"\bbing(?:e|ed|es|eing|ing)\b"),
        "repeated or distressing binges",
        needs=_rx(
            r"\b(?:again|every|always|constantly|daily|hate|disgust\w*|guilt\w*|ashamed|shame|purg\w*|starv\w*|"
            r"restrict\w*|cry\w*|\d+\s+times)\b|\ball\s+the\s+time\b|\bmost\s+nights\b|\bmake\s+up\b"
        ),
        unless=_rx(r"\bbinge[- ]?watch\w*"),
    ),
    Rule(
        "food_distress",
        "disordered_eating",
        _matches(
            r"\b(?:hate|hating|disgusted\s+with|loathe)\s+(?:myself|my\s+body)\s+(?:\w+\s+){0,2}?(?:after|when|whenever|"
            r"every\s+time|each\s+time|if|for)\s+(?:i\s+)?(?:\w+\s+)?(?:eat\w*|ate|food)\b",
            r"\b(?:feel|feeling|felt)\s+(?:so\s+|really\s+|super\s+)?(?:disgusting|gross|guilty|ashamed|fat|huge|"
            r"worthless)\s+(?:\w+\s+){0,2}?(?:after|when|whenever|every\s+time|each\s+time|if)\s+(?:i\s+)?"
            r"(?:eat|eating|ate)\b",
            r"\bguilt\w*\s+(?:about|after|for|over)\s+(?:eating|every\s+bite|food|each\s+meal)\b",
            r"\b(?:terrified|scared|afraid|petrified|frightened)\s+(?:of|to)\s+(?:eat\w*|food|gain\w*|get\w*\s+fat|"
            r"weight\s+gain|put\w*\s+on\s+weight)\b",
            r"\bpanic\w*\s+(?:if|when|about|over|after)\s+(?:\w+\s+){0,3}?(?:eat\w*|ate|food|scale|weight|goes\s+up)\b",
        ),
        "distress about eating",
    ),
    Rule(
        "feels_fat_when_thin",
        "disordered_eating",
        _matches(
            r"\b(?:say|says|said|tell|tells|told|think|thinks)\s+(?:me\s+)?(?:that\s+)?i\s+am\s+(?:too\s+)?"
            r"(?:skinny|thin|underweight|tiny)\b"
        ),
        "feeling fat while others say they are thin",
        needs=_rx(r"\b(?:fat|huge|big|overweight)\b"),
    ),
    # medical: questions that depend on a condition or a medicine; negation applies, any person
    Rule(
        "diabetes",
        "medical",
        _matches(
            r"\b(?:pre[- ]?)?diabet\w*|\bt[12]d\b|\ba1c\b",
            r"\btype\s+(?:1|2|i|ii)\b(?!\s+(?:and\s+(?:type\s+)?(?:2|ii)\s+)?(?:muscle|fib\w*|error))",
        ),
        "diabetes",
    ),
    Rule(
        "glucose_medicine",
        "medical",
        _matches(
            r"\binsulin\b(?!\s+(?:sensitiv\w*|resist\w*|spikes?|levels?|response|index|secretion|release))",
            r"\b(?:metformin|gliclazide|glipizide|glyburide|glimepiride|sulfonylureas?|sulphonylureas?|ozempic|"
            r"semaglutide|wegovy|mounjaro|zepbound|tirzepatide|jardiance|saxenda|liraglutide|glp-?1)\b",
            r"\b(?:have|has|with|diagnosed|got)\s+(?:\w+\s+)?insulin\s+resist\w*|\bpcos\b|\bmetabolic\s+syndrome\b",
        ),
        "a blood-sugar condition or medicine",
    ),
    Rule(
        "pregnancy",
        "medical",
        _matches(
            r"\b(?:pregnan\w*|trimester|breast[- ]?feed\w*|postpartum|post-partum|c-section|ivf)\b",
            r"\bgave\s+birth\b|\bexpecting\s+a\s+baby\b|\bnursing\s+(?:mom|mother)\b",
        ),
        "pregnancy or breastfeeding",
    ),
    Rule(
        "kidney_disease",
        "medical",
        _matches(
            r"\b(?:kidney|renal)\s+(?:disease|failure|problems?|issues?|stones?|function|transplant|damage|impairment)\b",
            r"\bckd\b|\bdialysis\b|\begfr\b|\bone\s+kidney\b",
        ),
        "kidney disease",
    ),
    Rule(
        "heart_or_blood_pressure",
        "medical",
        _matches(
            r"\bheart\s+(?:condition|disease|problems?|issues?|failure|murmur|surgery|valve|defect|rhythm)\b",
            r"\b(?:arrhythmi\w*|a-?fib|atrial\s+fibrillation|pacemaker|stents?|cardiomyopath\w*|angina|tachycardia|"
            r"palpitations?|cardiac)\b",
            r"\b(?:high|low)\s+blood\s+pressure\b|\bhypertensi\w*|\bhypotensi\w*",
            r"\b(?:blood\s+pressure|bp)\s+(?:meds?|medications?|medicines?|pills?|tablets?|drugs?)\b",
            r"\b(?:beta[- ]?blockers?|ace\s+inhibitors?|lisinopril|amlodipine|metoprolol|atenolol|losartan|propranolol|"
            r"bisoprolol|ramipril|valsartan|furosemide)\b",
        ),
        "a heart condition or blood-pressure medicine",
    ),
    Rule(
        "medicines",
        "medical",
        _matches(
            r"\b(?:warfarin|coumadin|eliquis|apixaban|xarelto|rivaroxaban|heparin|clopidogrel|blood\s+thinners?|"
            r"anticoagulants?)\b",
            r"\b(?:on|taking|take|takes|started|prescribed)\s+(?:my\s+|some\s+)?(?:meds|medications?|medicines?|"
            r"prescriptions?|steroids?|the\s+pill|birth\s+control|hrt|trt)\b",
            r"\b(?:antidepressants?|ssris?|snris?|sertraline|fluoxetine|citalopram|lithium|statins?|prednisone|"
            r"levothyroxine|adderall|ritalin|accutane|isotretinoin|ibuprofen|advil|aspirin|paracetamol|tylenol|"
            r"acetaminophen|naproxen|painkillers?|nsaids?|codeine|tramadol|opioids?)\b",
        ),
        "a medicine",
    ),
    Rule(
        "chronic_condition",
        "medical",
        _matches(
            r"\b(?:asthma\w*|epilep\w*|seizures|cancer|chemo\w*|thyroid|hypothyroid\w*|hashimoto\w*|gout|crohn\w*|"
            r"colitis|anemi\w*|anaemi\w*|copd|lupus|multiple\s+sclerosis|parkinson\w*|fibromyalgia|osteoporosis|"
            r"osteopenia|arthritis|scoliosis|hernia)\b",
            r"\b(?:have|got|with|getting\s+over|recovering\s+from)\s+(?:a\s+|the\s+)?(?:cold|flu|fever|covid|"
            r"chest\s+infection|bronchitis|pneumonia|infection|stomach\s+bug)\b",
            r"\ballergic\s+reaction\b|\bdark\s+(?:urine|pee)\b|\b(?:urine|pee)\s+is\s+(?:\w+\s+)?dark\b",
        ),
        "a health condition",
    ),
    Rule(
        "injury",
        "medical",
        _matches(
            rf"\b(?:{_JOINT})\s+(?:(?:is|are|keeps?|feels?|started|starts|still|really|so|and|clicks|always)\s+){{0,2}}"
            rf"(?:{_PAIN})\b",
            rf"\b(?:{_PAIN})\s+(?:in|on|around)\s+(?:my|the|his|her)\s+(?:\w+\s+)?(?:{_JOINT})\b",
            rf"\b(?:{_ACUTE_INJURY})\s+(?:my|a|the|his|her)\s+(?:\w+\s+)?(?:{_JOINT}|{_MUSCLE})\b",
            r"\bhurt\s+myself\s+(?:\w+ing|at|on|in|during|while)\b|\binjur(?:y|ed)\b",
            r"\b(?:shooting|stabbing|burning|searing)\s+pains?\b",
            r"\b(?:sciatica|tendini?tis|tendonitis|tendinopathy|bursitis|plantar\s+fasciitis|shin\s+splints|"
            r"stress\s+fracture|tennis\s+elbow|golfer'?s\s+elbow|(?:herniated|bulging|slipped)\s+discs?|impingement|"
            r"frozen\s+shoulder|sprain\w*|fractur\w*|dislocat\w*|whiplash)\b",
            r"\b(?:surgery|surgeries|post[- ]op|(?:hip|knee|shoulder|joint)\s+replacement)\b",
        ),
        "an injury or joint problem",
        unless=_rx(r"\b(?:prevent\w*|avoid\w*|without)\s+(?:\w+\s+)?injur\w*|\binjury[- ]free\b"),
    ),
    Rule(
        "dizziness",
        "medical",
        _matches(
            r"\bdizz(?:y|iness)\b|\blight\s?headed\w*|\bvertigo\b|\b(?:lose|losing|lost)\s+(?:my\s+)?balance\b",
            r"\b(?:saw|seeing)\s+stars\b|\b(?:almost|nearly)\s+(?:fainted|passed\s+out|blacked\s+out|collapsed)\b",
        ),
        "dizziness or near-fainting",
        unless=_rx(r"\bwith\s+(?:excitement|joy|happiness|anticipation|nerves)\b|\blaugh\w*"),
    ),
    Rule(
        "doctor_orders",
        "medical",
        _matches(
            r"\b(?:doctor|dr|gp|physio|cardiologist|physician|surgeon|specialist)\s+(?:\w+\s+)?(?:told|said|says|"
            r"advised|warned|cleared|recommended)\b"
        ),
        "a doctor's advice",
        unless=_rx(r"\b(?:healthy|fine|ok|okay|all\s+clear|good\s+to\s+go|in\s+(?:great|good)\s+shape)\b"),
    ),
    Rule(
        "minor_dieting",
        "medical",
        _matches(
            r"\b(?:i\s+am|age|aged)\s+(?:1[0-7]|[89])\b(?!\s*(?:kg|lb|%|hours?|days?|weeks?|minutes|reps|sets|:))",
            r"\b1[0-7]\s+years\s+old\b",
        ),
        "fasting or dieting under 18",
        needs=_rx(r"\b(?:fast\w*|omad|diet\w*|cut\w*|kcal|lose\s+weight|deficit)\b"),
    ),
    Rule("long_fast", "medical", find_long_fast, "a fast of 72 hours or more"),
)
