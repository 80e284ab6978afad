"""The safety screen's rule type and its routine rules: disordered eating and medical questions.

Rules only say where a sign appears in the normalised text. Whether it counts (negation, who it is
about, whether it is a question or a report, how recent it is) is decided in `coach.safety`, so each
rule can stay a plain description of one sign. The acute rules (emergency and self-harm) live in
`coach._safety_rules_acute`, which builds on this module; text normalisation lives in
`coach._safety_text` and the number finders in `coach._safety_numbers`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from coach._safety_numbers import (
    find_fast_loss,
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


def rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives))


def matches(*alternatives: str) -> Finder:
    pattern = rx(*alternatives)

    def find(text: str) -> Iterator[Span]:
        for match in pattern.finditer(text):
            yield match.span()

    return find


# --- the rule table ------------------------------------------------------------------------------

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

ROUTINE_RULES: tuple[Rule, ...] = (
    # disordered_eating: first-person signs; coach.safety treats third-person mentions as medical questions
    Rule(
        "purging",
        "disordered_eating",
        matches(
            r"\b(?:make|makes|made|making|force|forces|forced|forcing|get|got)\s+(?:my|him|her|them)sel(?:f|ves)\s+"
            r"(?:to\s+)?(?:throw\s+up|puke|vomit|be\s+sick|sick)\b",
            r"\bpurg(?:e|es|ed|ing)\b|\bfingers?\s+down\s+(?:my|her|his)\s+throat\b",
            r"\b(?:throw|throwing|threw)\s+up\s+(?:my\s+|her\s+|his\s+)?(?:meals?|food|dinner|lunch|breakfast|what\s+i\s+eat)",
            r"\b(?:throw\w*|threw|puk\w*|vomit\w*)\s+(?:\w+\s+){0,3}?to\s+(?:stay|be|get|keep)\s+(?:thin|skinny|slim)",
            r"\b(?:throw|throwing|threw|puke|puking|vomit\w*)\s+(?:it\s+)?(?:up\s+)?after\s+(?:i\s+)?(?:eat\w*|meals?|"
            r"big\s+meals?|binge\w*|binging|food|dinner|lunch|breakfast)\b",
        ),
        "purging after eating",
        unless=rx(r"\bfood\s+poisoning\b|\bstomach\s+bug\b|\bflu\b|\bvirus\b|\bbad\s+(?:sushi|chicken|food|meat)\b"),
    ),
    Rule(
        "eating_disorder",
        "disordered_eating",
        matches(
            r"\b(?:anorexi\w*|bulimi\w*|binge[- ]eating\s+disorder|eating\s+disorders?|arfid|orthorexi\w*)\b",
            r"\bpro[- ]?ana\b|\bthinspo\w*|\bbonespo\b|\bmeanspo\b",
        ),
        "an eating disorder or its history",
    ),
    Rule(
        "weight_loss_drugs",
        "disordered_eating",
        matches(
            r"\b(?:laxatives?|diuretics?|water\s+pills?|diet\s+pills?|appetite\s+suppress\w*|slimming\s+(?:pills?|teas?)|"
            r"ipecac|dulcolax|senna)\b",
            r"\bsuppress\w*\s+(?:my\s+)?appetite\b",
        ),
        "laxatives, diuretics or diet pills for weight",
        needs=rx(
            r"\b(?:lose|losing|lost|weight|thin\w*|slim\w*|skinn\w*|flat|scale|drop|shed|weigh\w*|fat|bloat\w*|faster|"
            r"look|beach|surviv\w*|appetite)\b|\bafter\s+(?:i\s+)?(?:\w+\s+){0,3}?(?:eat|eating|ate|food|dinner|meals?|"
            r"binge\w*|pizza|cake|takeaway)\b",
            r"\binstead\s+of\s+(?:meals?|food|eating|breakfast|lunch|dinner)\b|\bhandfuls?\b|\bwhole\s+(?:box|pack|bottle)\b",
        ),
        unless=rx(
            r"\bconstipat\w*|\bibs\b|\bprescribed\b|\bcolonoscopy\b|\bbefore\s+(?:my\s+)?(?:surgery|procedure)\b"
        ),
    ),
    Rule(
        "compensating",
        "disordered_eating",
        matches(
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
        matches(
            r"\bto\s+make\s+up\s+for\s+(?:it|eating|what\s+i\s+ate|the\s+\w+)\b",
            r"\b(?:need|have|want|got)\s+to\s+get\s+rid\s+of\s+(?:it|the\s+food|what\s+i\s+(?:ate|eat))\b",
            r"\bto\s+punish\s+myself\b",
        ),
        "restriction or purging to make up for eating",
        needs=rx(
            r"\b(?:eat\w*|ate|binge\w*|bing(?:ed|ing)|food|kcal|meals?|breakfast|lunch|dinner|snacks?|overate|"
            r"overeat\w*)\b"
        ),
    ),
    Rule(
        "starving",
        "disordered_eating",
        matches(
            r"\bstarv(?:e|es|ed|ing)\s+(?:my|him|her|them)sel(?:f|ves)\b",
            r"\b(?:not|stop|stopped|quit|quitting)\s+eating\s+(?:anything|at\s+all|entirely|completely|for\s+days)\b",
            r"\b(?:have\s+not|has\s+not|not|barely)\s+eaten\s+(?:anything\s+)?(?:in|for)\s+(?:\d+|a\s+few|several)\s+days\b",
            r"\b(?:do\s+not|does\s+not)\s+deserve\s+(?:to\s+eat|food|dinner|lunch|breakfast|meals?)\b",
            r"\bsurviv\w*\s+on\s+(?:just\s+|only\s+)?(?:black\s+)?(?:coffee|water|diet\s+(?:coke|soda)|gum|air|tea)\b",
            r"\bone\s+meal\s+every\s+(?:\d+|other|few)\s+days?\b|\bchew\w*\s+and\s+spit\w*",
            r"\b(?:only\s+(?:drink\w*|hav\w*)|(?:drink\w*|hav\w*)\s+only)\s+water\s+for\s+(?:days|\d+\s+days|a\s+week)\b",
            r"\beat\w*\s+nothing\s+but\b|\beat\s+as\s+little\s+as\s+possible\b|\bskip\w*\s+(?:all\s+)?(?:my\s+)?meals?\s+to\s+(?:lose|drop|be|stay)\b",
            r"\bbarely\s+(?:eat|eating|ate|eaten)\b(?!\s+(?:any\s+)?(?:enough\s+)?(?:protein|veg\w*|fruit|carbs|fib(?:re|er)|fat|junk|"
            r"sugar|out|meat|breakfast))",
            r"\b(?:stop|stopped|quit|skipping|skip)\s+eating\s+(?:\w+\s+)?(?:meals|(?:breakfast|lunch|dinner)\s+and\s+"
            r"(?:breakfast|lunch|dinner))\b",
            r"\bhid\w*\s+(?:\w+\s+){0,3}?(?:not\s+eating|(?:my\s+)?eating\s+habits|(?:that\s+)?i\s+(?:do\s+not|am\s+not|have\s+not)\s+"
            r"eat\w*|skipp\w*\s+meals|(?:my\s+)?weight\s+loss|purging|throwing\s+up)",
            r"\b(?:diet\s+pills|energy\s+drinks?|coffee|water|gum|cigarettes|smoking|diet\s+(?:coke|soda))\s+(?:\w+\s+){0,2}?"
            r"instead\s+of\s+(?:meals|food|eating)\b",
            r"\bspit\w*\s+(?:it\s+|them\s+|my\s+food\s+|food\s+|everything\s+)?(?:out\s+)?(?:in|into)\s+(?:a\s+|the\s+)?"
            r"(?:napkin|tissue|bin)\b",
            r"\b(?:started|been|keep|back\s+to|began)\s+restrict\w*\b(?!\s+(?:\w+\s+)?(?:carbs|sugar|sodium|salt|alcohol|"
            r"caffeine|dairy|gluten))",
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
        matches(
            r"\b(?:can\s+not|could\s+not|unable\s+to)\s+stop\s+(?:eating|binging|bingeing)\b",
            r"\blost\s+control\s+(?:over|of|around|with)\s+(?:food|eating|my\s+eating)\b",
            r"\bout\s+of\s+control\s+(?:with|around)\s+food\b|\beating\s+is\s+out\s+of\s+control\b",
            r"\bthink\w*\s+about\s+(?:food|it)\s+(?:all\s+the\s+time|constantly|24/7|nonstop|every\s+(?:second|minute))",
            r"\bfood\s+(?:controls|rules|dominates|consumes|runs|takes\s+over)\s+(?:my|her|his)\b",
            r"\b(?:weigh\s+myself|(?:step|get|got|hop)\w*\s+on\s+the\s+scales?|check\w*\s+the\s+scales?)\s+(?:like\s+)?"
            r"(?:\w+\s+){0,2}?(?:after\s+every\s+(?:meal|bite|snack)|(?:\d+|many|several|multiple)\s+times\s+a\s+day|"
            r"every\s+(?:hour|meal|few\s+hours))\b",
            r"\b(?:can\s+not|could\s+not)\s+stop\s+thinking\s+about\s+(?:food|eating|calories|what\s+i\s+(?:eat|ate)|"
            r"my\s+weight)\b|\bobsess\w*\s+(?:over|about|with)\s+(?:food|calories|eating|my\s+weight|the\s+scale)\b",
            r"\bout\s+of\s+control\s+(?:when\s+i\s+(?:eat|see\s+food)|about\s+food|over\s+food|with\s+eating)\b",
        ),
        "loss of control around food",
    ),
    Rule(
        "bingeing",
        "disordered_eating",
        matches(r"\bbing(?:e|ed|es|eing|ing)\b"),
        "repeated or distressing binges",
        needs=rx(
            r"\b(?:again|every|always|constantly|daily|hate|disgust\w*|guilt\w*|ashamed|shame|purg\w*|starv\w*|"
            r"restrict\w*|cry\w*|\d+\s+times|compensat\w*|undo)\b|\ball\s+the\s+time\b|\bmost\s+nights\b|\bmake\s+up\b",
            r"\bto\s+fix\s+it\b|\bfast\w*\s+(?:for\s+)?\d+\s+days?\b",
        ),
        unless=rx(r"\bbinge[- ]?watch\w*"),
    ),
    Rule(
        "food_distress",
        "disordered_eating",
        matches(
            r"\b(?:hate|hating|disgusted\s+with|loathe)\s+(?:myself|my\s+body)\s+(?:\w+\s+){0,2}?(?:after|when|whenever|"
            r"every\s+time|each\s+time|if|for)\s+(?:i\s+)?(?:\w+\s+)?(?:eat\w*|ate|food)\b",
            r"\b(?:feel|feeling|felt)\s+(?:so\s+|really\s+|super\s+)?(?:disgusting|gross|guilty|ashamed|fat|huge|"
            r"worthless)\s+(?:\w+\s+){0,2}?(?:after|when|whenever|every\s+time|each\s+time|if)\s+(?:i\s+)?"
            r"(?:eat|eating|ate)\b",
            r"\bguilt\w*\s+(?:about|after|for|over)\s+(?:eating|every\s+bite|food|each\s+meal)\b",
            r"\b(?:terrified|scared|afraid|petrified|frightened)\s+(?:of|to)\s+(?:eat\w*|food|gain\w*|get\w*\s+fat|"
            r"weight\s+gain|put\w*\s+on\s+weight)\b",
            r"\b(?:panic\w*|freak\w*\s+out)\s+(?:if|when|about|over|after)\s+(?:\w+\s+){0,3}?(?:eat\w*|ate|food|scale|"
            r"weight|goes\s+up|moved|number)\b",
            r"\b(?:cry|cries|crying|cried|panic\w*|freak\w*\s+out|anxi\w*|meltdown)\s+(?:\w+\s+){0,3}?(?:every\s+time|"
            r"each\s+time|when|whenever|if|after|before)\s+(?:i\s+)?(?:have\s+to\s+|need\s+to\s+)?(?:eat|ate|eating)\b",
            r"\bnot\s+(?:\w+\s+)?(?:thin|skinny|small|light|tiny)\s+enough\b",
        ),
        "distress about eating",
    ),
    Rule(
        "feels_fat_when_thin",
        "disordered_eating",
        matches(
            r"\b(?:say|says|said|tell|tells|told|think|thinks)\s+(?:me\s+)?(?:that\s+)?i\s+am\s+(?:too\s+)?"
            r"(?:skinny|thin|underweight|tiny)\b"
        ),
        "feeling fat while others say they are thin",
        needs=rx(r"\b(?:fat|huge|big|overweight)\b"),
    ),
    # medical: questions that depend on a condition or a medicine; negation applies, any person
    Rule(
        "diabetes",
        "medical",
        matches(
            r"\b(?:pre[- ]?)?diabet\w*|\bt[12]d\b|\ba1c\b",
            r"\btype\s+(?:1|2|i|ii)\b(?!\s+(?:and\s+(?:type\s+)?(?:2|ii)\s+)?(?:muscle|fib\w*|error))",
        ),
        "diabetes",
    ),
    Rule(
        "glucose_medicine",
        "medical",
        matches(
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
        matches(
            r"\b(?:pregnan\w*|trimester|breast[- ]?feed\w*|postpartum|post-partum|c-section|ivf)\b",
            r"\bgave\s+birth\b|\bexpecting\s+a\s+baby\b|\bnursing\s+(?:mom|mother)\b",
        ),
        "pregnancy or breastfeeding",
    ),
    Rule(
        "kidney_disease",
        "medical",
        matches(
            r"\b(?:kidney|renal)\s+(?:disease|failure|problems?|issues?|stones?|function|transplant|damage|impairment)\b",
            r"\bckd\b|\bdialysis\b|\begfr\b|\bone\s+kidney\b",
        ),
        "kidney disease",
    ),
    Rule(
        "heart_or_blood_pressure",
        "medical",
        matches(
            r"\bheart\s+(?:condition|disease|problems?|issues?|failure|murmur|surgery|valve|defect|rhythm)\b",
            r"\b(?:arrhythmi\w*|a-?fib|atrial\s+fibrillation|pacemaker|stents?|cardiomyopath\w*|angina|tachycardia|"
            r"palpitations?|cardiac)\b",
            r"\b(?:high|low)\s+blood\s+pressure\b|\bhypertensi\w*|\bhypotensi\w*",
            r"\b(?:blood\s+pressure|bp)\s+(?:meds?|medications?|medicines?|pills?|tablets?|drugs?)\b",
            r"\b(?:blood\s+pressure|bp)\s+(?:is\s+|was\s+|reading\s+(?:is\s+|was\s+|of\s+)?|of\s+|at\s+)?(?:\w+\s+)?\d{2,3}\s*/\s*\d{2,3}\b",
            r"\b(?:blood\s+pressure|bp)\s+(?:is|was|has\s+been)\s+(?:\w+\s+)?(?:high|low|up|elevated|through\s+the\s+roof)\b",
            r"\b(?:beta[- ]?blockers?|ace\s+inhibitors?|lisinopril|amlodipine|metoprolol|atenolol|losartan|propranolol|"
            r"bisoprolol|ramipril|valsartan|furosemide)\b",
        ),
        "a heart condition or blood-pressure medicine",
    ),
    Rule(
        "cardiac_event",
        "medical",
        matches(
            r"\bheart\s+attacks?\b|\bcardiac\s+arrest\b|\b(?:signs?|symptoms?|warning\s+signs)\s+of\s+(?:a\s+)?stroke\b"
        ),
        "a heart attack or stroke asked about",
        unless=rx(
            r"\b(?:gave|give|giving|gives|nearly\s+had|almost\s+had)\s+(?:me\s+|him\s+|her\s+)?a\s+heart\s+attack\b",
            r"\bheart\s+attack\s+(?:on\s+a\s+plate|waiting\s+to\s+happen)\b|\blol\b|\bhaha\w*",
        ),
    ),
    Rule(
        "medicines",
        "medical",
        matches(
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
        matches(
            r"\b(?:asthma\w*|epilep\w*|seizures|cancer|chemo\w*|thyroid|hypothyroid\w*|hashimoto\w*|gout|crohn\w*|"
            r"colitis|anemi\w*|anaemi\w*|copd|lupus|multiple\s+sclerosis|parkinson\w*|fibromyalgia|osteoporosis|"
            r"osteopenia|arthritis|scoliosis|hernia)\b",
            r"\b(?:have|got|with|getting\s+over|recovering\s+from)\s+(?:a\s+|the\s+)?(?:cold|flu|fever|covid|"
            r"chest\s+infection|bronchitis|pneumonia|infection|stomach\s+bug)\b",
            r"\ballergic\s+reaction\b|\bdark\s+(?:urine|pee)\b|\b(?:urine|pee)\s+is\s+(?:\w+\s+){0,2}?dark\b",
            r"\b(?:lost|missing|missed)\s+my\s+periods?\b|\bperiods?\s+(?:has\s+|have\s+)?(?:stopped|gone|disappeared)\b|"
            r"\bamenorrh\w*",
        ),
        "a health condition",
    ),
    Rule(
        "injury",
        "medical",
        matches(
            rf"\b(?:{_JOINT})\s+(?:(?:is|are|keeps?|feels?|started|starts|still|really|so|and|clicks|always)\s+){{0,2}}"
            rf"(?:{_PAIN})\b",
            rf"\b(?:{_PAIN})\s+(?:in|on|around|inside|behind|under|at\s+the\s+(?:front|back|side)\s+of)\s+(?:my|the|his|her)\s+"
            rf"(?:\w+\s+)?(?:{_JOINT})\b",
            rf"\b(?:{_ACUTE_INJURY})\s+(?:my|a|the|his|her)\s+(?:\w+\s+)?(?:{_JOINT}|{_MUSCLE})\b",
            r"\bhurt\s+myself\s+(?:\w+ing|at|on|in|during|while)\b|\binjur(?:y|ed)\b",
            r"\b(?:shooting|stabbing|burning|searing)\s+pains?\b",
            r"\b(?:sciatica|tendini?tis|tendonitis|tendinopathy|bursitis|plantar\s+fasciitis|shin\s+splints|"
            r"stress\s+fracture|tennis\s+elbow|golfer'?s\s+elbow|(?:herniated|bulging|slipped)\s+discs?|impingement|"
            r"frozen\s+shoulder|sprain\w*|fractur\w*|dislocat\w*|whiplash)\b",
            r"\b(?:surgery|surgeries|post[- ]op|(?:hip|knee|shoulder|joint)\s+replacement)\b",
        ),
        "an injury or joint problem",
        unless=rx(r"\b(?:prevent\w*|avoid\w*|without)\s+(?:\w+\s+)?injur\w*|\binjury[- ]free\b"),
    ),
    Rule(
        "dizziness",
        "medical",
        matches(
            r"\bdizz(?:y|iness)\b|\blight\s?headed\w*|\bvertigo\b|\b(?:lose|losing|lost)\s+(?:my\s+)?balance\b",
            r"\b(?:saw|seeing)\s+stars\b|\b(?:almost|nearly)\s+(?:fainted|passed\s+out|blacked\s+out|collapsed)\b",
        ),
        "dizziness or near-fainting",
        unless=rx(r"\bwith\s+(?:excitement|joy|happiness|anticipation|nerves)\b|\blaugh\w*"),
    ),
    Rule(
        "doctor_orders",
        "medical",
        matches(
            r"\b(?:doctor|dr|gp|physio|cardiologist|physician|surgeon|specialist)\s+(?:\w+\s+)?(?:told|said|says|"
            r"advised|warned|cleared|recommended)\b"
        ),
        "a doctor's advice",
        unless=rx(r"\b(?:healthy|fine|ok|okay|all\s+clear|good\s+to\s+go|in\s+(?:great|good)\s+shape)\b"),
    ),
    Rule(
        "minor_dieting",
        "medical",
        matches(
            r"\b(?:i\s+am|age|aged)\s+(?:1[0-7]|[89])\b(?!\s*(?:kg|lb|%|hours?|days?|weeks?|minutes|reps|sets|:))",
            r"\b1[0-7]\s+years\s+old\b",
        ),
        "fasting or dieting under 18",
        needs=rx(r"\b(?:fast\w*|omad|diet\w*|cut\w*|kcal|lose\s+weight|deficit)\b"),
    ),
    Rule("long_fast", "medical", find_long_fast, "a fast of 72 hours or more"),
)
