"""The safety screen's acute rules: emergency signs and self-harm, the two categories that must not be missed.

Each rule names one sign and says where it appears in normalised text (see `coach._safety_text`);
`coach.safety` decides whether it counts. Emergency signs are read in context (past, someone else's or
asked-about mentions become medical questions), self-harm signs count in any person and at any time.
Idioms ("this workout is killing me", "shoot myself in the foot") are dropped by each rule's `unless`.
The rule type and the routine rules (disordered eating, medical) live in `coach._safety_rules`.
"""

from __future__ import annotations

from coach._safety_numbers import find_heat_illness, find_hypoglycaemia
from coach._safety_rules import Rule, matches, rx

_EXERTION = (
    r"\b(?:after|during|from|doing|on|post)\s+(?:my\s+|the\s+|those\s+|these\s+|a\s+|that\s+|\d+\w*\s+)?(?:\w+\s+)?"
    r"(?:sprints?|burpees?|runs?|running|intervals?|hiit|wod|sets?|workout|session|class|cardio|stairs|hills?|"
    r"rowing|bike|squats|repeats|laps)\b|\blol\b|\bhaha\w*|\blmao\b"
)
_PERSISTING = (
    r"\b(?:still|not\s+stopping|will\s+not\s+stop|not\s+going\s+away|for\s+\d+|been\s+\d+|worse|at\s+rest|resting|"
    r"sitting|lying|throat|lips|tongue|swell\w*|hives|blue|arm|jaw|sweat\w*|dizzy|nause\w*|crushing|pressure|"
    r"radiat\w*|spread\w*|faint\w*|flutter\w*|skipp\w*|irregular\w*)\b"
)
_JOKING = r"\blol\b|\bhaha\w*|\blmao\b|\bjk\b|\bjust\s+kidding\b"
_REFLEXIVE = r"(?:my|him|her|them|your)sel(?:f|ves)"
_SELF_TARGET = (
    rf"(?:{_REFLEXIVE}|(?:my|his|her|their)\s+(?:\w+\s+)?(?:arms?|wrists?|legs?|thighs?|skin|stomach|hands?|"
    r"knuckles|head|face|hips?)|(?:the\s+)?walls?)"
)
_INJURE = r"(?:scratch|punch|hit|bang|bit|bite|biting|burn|cut|pinch|slap|scrap)\w*"
_HIGH_PLACE = (
    r"bridge|building|roof|rooftop|car\s+park|parking\s+(?:garage|structure|lot)|tower|cliff|balcony|window|ledge|"
    r"overpass|multi[- ]?stor\w*"
)

# --- the rule table ------------------------------------------------------------------------------

_EMERGENCY_RULES: tuple[Rule, ...] = (
    # coach.safety turns past, third-person or hypothetical mentions into medical questions
    Rule(
        "chest_pain",
        "emergency",
        matches(
            r"\bchest\s+(?:pains?|pressure|tightness|discomfort|hurts?|hurting|is\s+(?:\w+\s+)?(?:tight|hurting|heavy|"
            r"squeez\w*|crush\w*|aching))",
            r"\bchest\s+feels?\s+(?:\w+\s+)?(?:tight|heavy|crushed|like|squeez\w*)",
            r"\b(?:pain|pressure|tightness|squeezing|heaviness)\s+(?:in|across|on)\s+(?:my|the|his|her)\s+chest",
            r"\b(?:crushing|squeezing|stabbing)\s+(?:\w+\s+)?chest\b|\btight\s+chest\b",
            r"\b(?:elephant|ton\s+of\s+bricks|someone|something\s+heavy|a\s+brick|a\s+truck)\s+(?:is\s+)?(?:sitting|"
            r"standing|pressing|pushing|squeezing|parked)\s+(?:on|down\s+on)\s+(?:my|his|her)\s+chest",
            r"\bpain\s+(?:going|radiating|spreading|shooting|moving)\s+(?:down|into|to|up)\s+(?:my\s+)?(?:left\s+)?(?:arm|jaw)",
            r"\b(?:left\s+arm\s+and\s+(?:my\s+)?jaw|jaw\s+and\s+(?:my\s+)?left\s+arm)\b",
        ),
        "chest pain or pressure",
        unless=rx(r"\b(?:doms|sore\w*|pump\w*|stretch\w*)\b"),
        unless_overridden=rx(_PERSISTING),
    ),
    Rule(
        "cardiac_referred_pain",
        "emergency",
        matches(
            r"\b(?:left\s+arm|jaw)\s+(?:is\s+|has\s+been\s+|feels?\s+|keeps?\s+)?(?:\w+\s+)?(?:ache|aches|aching|pain|"
            r"painful|hurts|hurting|tingl\w*|numb\w*|heavy)\b",
            r"\b(?:pain|ache|aching|tingling|numbness|heaviness)\s+(?:in|down)\s+my\s+(?:left\s+arm|jaw)\b",
        ),
        "arm or jaw pain with sweating, nausea or breathlessness",
        needs=rx(
            r"\b(?:chest|sweat\w*|clammy|nause\w*|sick|short\s+of\s+breath|breath\w*|faint\w*|dizzy|light\s?headed)\b"
        ),
    ),
    Rule(
        "heart_attack",
        "emergency",
        matches(
            r"\b(?:having|had|have)\s+a\s+heart\s+attack\b",
            r"\b(?:this\s+is|this\s+(?:could|might|must)\s+be|is\s+this|it\s+is|it\s+(?:could|might)\s+be|am\s+i\s+having|"
            r"i\s+think\s+(?:it\s+is|this\s+is))\s+(?:\w+\s+)?a\s+heart\s+attack\b",
            r"\bheart\s+attack\s+(?:right\s+)?now\b|\bcardiac\s+arrest\b",
        ),
        "a possible heart attack",
        unless=rx(
            r"\b(?:almost|nearly|practically|basically)\s+had\b",
            r"\b(?:gave|give|giving|gives)\s+(?:me|him|her|us)\s+a\s+heart\s+attack\b",
            _JOKING,
        ),
    ),
    Rule(
        "palpitations_with_faintness",
        "emergency",
        matches(
            r"\bheart\s+(?:is\s+|was\s+|keeps\s+)?(?:\w+\s+)?(?:flutter\w*|skipping|racing|beating\s+(?:all\s+over|"
            r"irregular\w*|weird\w*|funny|out\s+of\s+rhythm))",
            r"\birregular\s+heart\s*beat\b|\bheart\s+(?:is\s+)?(?:doing\s+)?flips\b",
        ),
        "a racing or irregular heart with faintness",
        needs=rx(
            r"\b(?:faint\w*|blacked?\s+out|black\s+out|pass(?:ed|ing)?\s+out|dizzy|light\s?headed|chest|short\s+of\s+breath|"
            r"can\s+not\s+breathe|collaps\w*)\b"
        ),
        unless=rx(_EXERTION, r"\bexcit\w*|\bnervous\b|\bcrush\b|\bdate\b"),
        unless_overridden=rx(r"\b(?:at\s+rest|resting|sitting|lying|still|flutter\w*|skipp\w*|irregular\w*)\b"),
    ),
    Rule(
        "breathing",
        "emergency",
        matches(
            r"\b(?:can\s+not|could\s+not|can\s+barely|could\s+barely|struggling\s+to|hard\s+to|unable\s+to|trouble|"
            r"difficulty|problems?)\s+(?:to\s+)?(?:breathe?|breathing|catch(?:ing)?\s+my\s+breath|get\s+(?:any\s+|enough\s+)?air)",
            r"\bshort(?:ness)?\s+of\s+breath\b|\bwheez\w*|\bgasping\b|\bhurts\s+to\s+breathe?\b",
            r"\b(?:struggling|fighting)\s+for\s+(?:breath|air)\b|\bsuffocat\w*",
            r"\bbreathing\s+(?:is\s+|feels\s+)?(?:really\s+|very\s+|so\s+)?(?:hard|difficult|laboured|labored|shallow)\b",
            r"\bbreath\w*\s+(?:\w+\s+){0,3}?through\s+a\s+(?:straw|pillow)\b",
            r"\basthma\s+attack\b|\binhaler\s+(?:is\s+)?not\s+(?:working|helping)\b",
        ),
        "trouble breathing",
        unless=rx(_EXERTION, r"\bthrough\s+my\s+nose\b|\bblocked\s+nose\b|\bstuffy\b|\bcongest\w*"),
        unless_overridden=rx(_PERSISTING),
    ),
    Rule(
        "turning_blue",
        "emergency",
        matches(
            r"\b(?:lips?|face|fingers?|fingertips|fingernails|mouth)\s+(?:is\s+|are\s+)?(?:turning|going|gone|went|"
            r"looks?|getting|turned)\s+(?:\w+\s+)?(?:blue|grey|gray|purple)\b",
            r"\bblue\s+lips\b",
        ),
        "blue or grey lips or face",
        unless=rx(
            r"\b(?:raynaud\w*|dye\w*|paint\w*|lipstick|bruis\w*|tattoo\w*|veins?|gatorade|slushie|sweets?|candy)\b",
            r"\bice\s+bath\b|\bcold\s+plunge\b",
            _JOKING,
        ),
    ),
    Rule(
        "allergic_reaction",
        "emergency",
        matches(
            r"\b(?:throat|tongue|lips?|face|mouth|eyes)(?:\s+(?:and|&)\s+\w+)?\s+(?:is\s+|are\s+|feels?\s+|keeps?\s+|"
            r"getting\s+|went\s+)?(?:\w+\s+)?(?:swell\w*|swollen|closing|puff\w*)",
            r"\bthroat\s+(?:is\s+|feels?\s+)?(?:like\s+(?:it\s+is\s+)?)?(?:\w+\s+)?(?:tight|closing)",
            r"\banaphyla\w*|\bepi\s?pen\b",
        ),
        "a severe allergic reaction",
    ),
    Rule(
        "fainting",
        "emergency",
        matches(
            r"\b(?:fainted|fainting|faints|passed\s+out|passing\s+out|passes\s+out|blacked\s+out|blacking\s+out|lost\s+consciousness|"
            r"losing\s+consciousness|went\s+unconscious|unconscious|unresponsive|is\s+not\s+responding|"
            r"not\s+breathing)\b",
            r"\bcollapsed\b",
            r"\b(?:feel|feeling)\s+(?:really\s+|very\s+|so\s+)?faint\b",
            r"\b(?:feel|feeling)\s+(?:like\s+)?(?:i\s+am\s+)?(?:going\s+to|about\s+to)\s+(?:faint|pass\s+out|black\s+out|"
            r"collapse)\b|\babout\s+to\s+(?:faint|pass\s+out|black\s+out|collapse)\b",
            r"\beverything\s+(?:went|goes|going|turned|is\s+going)\s+(?:black|dark)\b",
            r"\b(?:came\s+to|woke\s+up|came\s+round|came\s+around)\s+(?:on|lying\s+on)\s+(?:the\s+)?(?:\w+\s+){0,3}?"
            r"(?:floor|ground|tiles|mat|deck)\b|\bwhen\s+i\s+(?:came\s+to|came\s+round)\b",
            r"\bhow\s+long\s+i\s+was\s+out\b|\bwas\s+out\s+cold\b|\bknocked\s+(?:myself\s+|him\s+|her\s+)?out\s+cold\b",
            r"(?<!\bi\s)\b(?:will\s+not|would\s+not|can\s+not\s+get\s+(?:him|her|them)\s+to)\s+wake\s+(?:up\b)?"
            r"(?!\s+(?:for|early|on\s+time|in\s+time|before|at|me))",
            r"\b(?:is|are)\s+not\s+(?:moving|waking\s+up)\b",
        ),
        "fainting or loss of consciousness",
        unless=rx(
            r"\b(?:on|in)\s+(?:the\s+)?(?:couch|sofa|bed)\b|\basleep\b|\bfor\s+the\s+night\b|\bdrunk\b|\bslept\b|\bnap\w*",
            r"\bjk\b|\bjust\s+kidding\b|\bfrom\s+laughing\b|\balarm\b|\bschool\b",
            r"\b(?:knees?|form|arch|back|chest|ankles?|hips?|lungs?|veins?|tent|set|program|plan|diet)\s+(?:\w+\s+)?collaps\w*",
            r"\b(?:almost|nearly)\s+(?:fainted|passed\s+out|blacked\s+out|collapsed)\b",
        ),
    ),
    Rule(
        "seizure",
        "emergency",
        matches(r"\b(?:having|had|has)\s+a\s+seizure\b|\bseizing\b|\bconvuls\w*"),
        "a seizure",
    ),
    Rule(
        "stroke_signs",
        "emergency",
        matches(
            r"\b(?:having|had|have)\s+a\s+stroke\b",
            r"\b(?:face|mouth|smile)\s+(?:is\s+|looks\s+|went\s+|has\s+gone\s+|feels?\s+)?(?:\w+\s+)?(?:droop\w*|sagg\w*|"
            r"lopsided|crooked|slack)\b|\bdroop\w*\s+(?:face|mouth|eye)",
            r"\bslurr\w*\s+(?:(?:my|his|her|their)\s+)?(?:speech|words)|\bspeech\s+is\s+(?:\w+\s+)?slurred|\bwords\s+(?:are\s+)?(?:coming\s+out\s+)?"
            r"(?:wrong|jumbled|garbled)",
            r"\b(?:speech|talking)\s+(?:is\s+|sounds?\s+)?(?:all\s+)?(?:slurred|slurry|garbled|jumbled|weird|strange|off)\b",
            r"\bcan\s+not\s+(?:get\s+(?:my|the|his|her)\s+words\s+out|speak\s+properly|talk\s+properly|find\s+(?:my|the)\s+words)",
            r"\b(?:one|left|right)\s+side\s+(?:of\s+(?:my|his|her|their|the)\s+(?:body|face|mouth)\s+)?(?:is\s+|went\s+|feels?\s+|"
            r"has\s+gone\s+)?(?:\w+\s+)?(?:numb|weak|limp|paraly[sz]ed|droop\w*|sagg\w*|slack)",
            r"\bnumb\w*\s+(?:on|down|in)\s+(?:the\s+|my\s+)?(?:one|left|right)\s+side\b",
            r"\bcan\s+not\s+(?:feel|move)\s+(?:the\s+|my\s+)?(?:one|left|right)\s+side\b",
            r"\bworst\s+headache\b|\bthunderclap\b|\bsudden\s+(?:severe\s+)?headache",
        ),
        "signs of a stroke",
    ),
    Rule(
        "sudden_vision_loss",
        "emergency",
        matches(
            r"\b(?:vision|sight)\s+(?:\w+\s+)?(?:went|going|is|has\s+gone|suddenly)\s+(?:\w+\s+)?(?:double|blurry|blurred)\b",
            r"\bseeing\s+double\b|\bdouble\s+vision\b|\blost\s+(?:the\s+|my\s+|all\s+)?(?:vision|sight)\b",
            r"\b(?:can\s+not|could\s+not)\s+see\s+(?:out\s+of|with)\s+(?:my|one|his|her)\b",
        ),
        "sudden loss of vision with other stroke signs",
        needs=rx(r"\b(?:numb\w*|weak\w*|limp|slurr\w*|droop\w*|sagg\w*|speech|headache|confus\w*|arm|leg|face)\b"),
    ),
    Rule(
        "limb_weakness",
        "emergency",
        matches(
            r"\b(?:my|his|her|their)\s+(?:left\s+|right\s+)?(?:arm|leg|hand)\s+(?:is\s+|went\s+|has\s+gone\s+|feels?\s+|"
            r"suddenly\s+)?(?:\w+\s+)?(?:numb|limp|paraly[sz]ed|weak|floppy)\b",
            r"\bcan\s+not\s+(?:feel|move|lift|raise)\s+(?:my|his|her|their)\s+(?:left\s+|right\s+)?(?:arm|leg|hand)\b"
            r"(?!\s+(?:above|over|past|higher|after|since|from|because|properly\s+after))",
        ),
        "sudden weakness or numbness with other stroke or heart signs",
        needs=rx(
            r"\b(?:slurr\w*|droop\w*|sagg\w*|speech|words|face|mouth|headache|confus\w*|vision|double|seeing|dizzy|chest|"
            r"sweat\w*)\b"
        ),
        unless=rx(
            r"\b(?:slept|sleeping|lying|sitting|sat)\s+(?:on\s+it|too\s+long)\b|\bpins\s+and\s+needles\b|\bdoms\b|\bsore\b|"
            r"\bpump\w*"
        ),
    ),
    Rule(
        "heat_stroke",
        "emergency",
        matches(r"\bheat\s?(?:stroke|exhaustion)\b|\bstopped\s+sweating\b|\b(?:skin\s+is\s+)?hot\s+and\s+dry\b"),
        "signs of heat stroke",
    ),
    Rule("heat_illness", "emergency", find_heat_illness, "signs of heat illness"),
    Rule(
        "rhabdomyolysis",
        "emergency",
        matches(
            r"\b(?:dark|brown|cola|coke|tea|black|red)(?:[- ]?colou?red)?\s+(?:urine|pee)\b",
            r"\b(?:urine|pee)\s+(?:is|looks|was)\s+(?:\w+\s+){0,2}?(?:dark|brown|cola|black|red|like\s+(?:cola|coke|tea))",
            r"\b(?:urine|pee)\s+(?:is|looks|was)\s+(?:the\s+)?colou?r\s+of\s+(?:cola|coke|tea)",
            r"\b(?:peeing|pissing|urinating)\s+(?:out\s+)?(?:what\s+looks\s+like\s+|something\s+like\s+)?(?:\w+\s+)?"
            r"(?:dark|brown|cola|coke|tea|black|red|blood)\b",
            r"\brhabdo\w*",
        ),
        "dark urine with severe muscle pain (possible rhabdomyolysis)",
        needs=rx(
            r"\b(?:swollen|swelling|swell\w*|painful|rhabdo\w*|agony|agonis\w*|agoniz\w*|excruciating|unbearabl\w*|"
            r"killing\s+me|rock\s+hard)\b|\bmuscles?\s+(?:pain|ache|hurt)",
            r"\b(?:super|really|very|extremely|so)\s+(?:painful|sore)\b|\bcan\s+not\s+(?:straighten|bend|move|lift)\b",
        ),
        timed=False,  # rhabdomyolysis shows up a day or more after the workout that caused it
    ),
    Rule(
        "head_injury",
        "emergency",
        matches(
            r"\b(?:hit|bump|bang|smack|whack|knock|crack)\w*\s+(?:my|his|her)\s+head\b",
            r"\bhead\s+(?:injury|trauma)\b|\bconcuss\w*",
            r"\b(?:hit|blow|knock|kick|punch|elbow|knee)\s+to\s+(?:the|my|his|her)\s+head\b",
            r"\b(?:bar|barbell|plate|dumbbell|weight|kettlebell)\s+(?:\w+\s+)?(?:fell|dropped|landed|hit|smacked)\s+"
            r"(?:on\s+)?(?:my|his|her)\s+head",
        ),
        "a head injury with confusion or vomiting",
        needs=rx(
            r"\b(?:confus\w*|vomit\w*|threw\s+up|throw\w*\s+up|puk\w*|memory|blurr\w*|double\s+vision|drowsy|"
            r"disorient\w*|slurr\w*|passed\s+out|knocked\s+out|unconscious|seizure|dazed|forget\w*|forgot)\b",
            r"\bcan\s+not\s+remember\b|\b(?:been|being|was|is|got|feel|feels|feeling)\s+sick\b|\bout\s+of\s+it\b",
            r"\bsame\s+(?:questions?|things?)\b|\bkeeps?\s+(?:asking|repeating)\b|\b(?:know|knows|remember)\s+where\b",
            r"\bspeech\b|\bpupils?\b|\bwill\s+not\s+wake\b",
        ),
    ),
    Rule("hypoglycaemia", "emergency", find_hypoglycaemia, "signs of low blood sugar while fasting"),
)

_SELF_HARM_RULES: tuple[Rule, ...] = (
    # any person, any time; idioms are dropped by `unless`
    Rule(
        "suicide",
        "self_harm",
        matches(r"\bsuicid\w*|\bunaliv\w*"),
        "suicidal thoughts",
        unless=rx(
            r"\bsuicides?\s+(?:sprints?|drills?|runs?|grip|shuttles?|squats?|squeeze|lines?|doors?)\b",
            r"\b(?:did|doing|do|ran|run|running)\s+suicides\b",
        ),
        negation_window=3,
    ),
    Rule(
        "kill_self",
        "self_harm",
        matches(
            rf"\b(?:kill|hang|shoot|drown|poison|gas|off)(?:ing|ed|s)?\s+{_REFLEXIVE}\b",
            r"\bblow\s+(?:my|his|her)\s+brains\s+out\b|\bnoose\b|\bgun\s+to\s+my\s+head\b",
        ),
        "thoughts of ending their life",
        unless=rx(
            r"\bkilling\s+myself\s+(?:in|at|on|with|over|for|doing|to\s+(?:hit|get|make))\b",
            rf"\bshoot\w*\s+{_REFLEXIVE}\s+in\s+the\s+foot\b",
        ),
        negation_window=3,
    ),
    Rule(
        "self_injury",
        "self_harm",
        matches(
            r"\b(?:want|wanted|wanting|going|plan\w*|try\w*|tried|urges?|need|thinking\s+(?:about|of)|thought\s+about|"
            r"thoughts\s+of|think\s+about|tempted|might|about|feel\w*\s+like)\s+(?:to\s+)?(?:hurt|harm|cut|burn)\w*\s+myself\b",
            rf"\b(?:been|keep|keeps|kept|started|start|is|are)\s+(?:\w+\s+)?(?:cutting|hurting|harming|burning)\s+{_REFLEXIVE}\b",
            rf"\b(?:cut|cuts|hurt|hurts|harm|harms|burn|burns|burned|burnt)\s+{_REFLEXIVE}\s+(?:on\s+purpose|again|deliberately|"
            r"intentionally|to\s+cope|when|with\s+(?:a\s+)?(?:cigarettes?|lighter|razor|blade|knife))",
            r"\b(?:cutting|cut|slit\w*)\s+(?:again\s+)?(?:on\s+)?(?:my\s+|his\s+|her\s+)?(?:wrists?|arms?|thighs?)\b",
            rf"\b{_INJURE}\s+{_SELF_TARGET}\s+(?:\w+\s+){{0,4}}?(?:until|till|til)\s+(?:\w+\s+){{0,2}}?(?:bleed\w*|bled|bruis\w*)",
            rf"\b{_INJURE}\s+{_SELF_TARGET}\s+(?:\w+\s+){{0,6}}?(?:on\s+purpose|deliberately|intentionally|to\s+cope|"
            r"to\s+feel\s+(?:something|better|in\s+control)|(?:when|whenever)\s+(?:it|things)\s+gets?\s+(?:bad|too\s+much)|"
            r"when\s+i\s+(?:get|am|feel)\s+(?:overwhelmed|upset|angry|sad|anxious)|only\s+thing\s+that\s+helps)",
            r"\brelaps\w*\s+(?:\w+\s+){0,3}?(?:razor|blade|cutting|self[- ]?harm\w*|hurting\s+myself|burning\s+myself)",
            r"\b(?:razor|blade)s?\s+(?:on|to|across|against)\s+(?:my|his|her)\s+(?:wrists?|arms?|thighs?)\b",
            r"\bself[- ]?(?:harm|injur)\w*|\bi\s+deserve\s+to\s+(?:die|hurt|suffer|be\s+hurt|be\s+punished)\b",
        ),
        "self-harm",
        negation_window=3,
    ),
    Rule(
        "ending_life",
        "self_harm",
        matches(
            r"\b(?:end|ending|take|taking)\s+(?:(?:my|his|her|their)\s+(?:own\s+)?li(?:fe|ves)|it\s+all)\b",
            r"\b(?:end|ending)\s+everything\b(?!\s+(?:with|on|at|by|after|before|early|today))",
            r"\bwant\s+(?:it\s+all|everything|it|all\s+of\s+(?:this|it)|my\s+life|life)\s+to\s+(?:end|be\s+over)\b"
            r"(?!\s+(?:already|soon|so\s+i|lol))",
            r"\b(?:it|this|everything|all\s+of\s+(?:this|it)|the\s+pain|life)\s+to\s+(?:end|be\s+over|stop)\s+(?:for\s+good|"
            r"forever|permanently)\b",
            r"\b(?:going\s+to|want\s+to|plan\w*\s+to|ready\s+to|about\s+to|decided\s+to)\s+end\s+it\b"
            r"(?!\s+(?:here|there|with|on|early|today|for|at|after\s+(?:this|that|the|my|a|\d)))",
            r"\b(?:think\w*|thought\w*|consider\w*)\s+(?:about\s+|of\s+)?ending\s+(?:it|things|everything)\b(?!\s+with)",
            r"\b(?:goodbye|farewell|suicide)\s+(?:note|letter|message)s?\b|\bgiv\w*\s+away\s+(?:all\s+)?my\s+(?:stuff|things)\b",
            r"\b(?:do|does)\s+not\s+(?:really\s+)?(?:want|wish)\s+to\s+(?:live|be\s+alive|exist|go\s+on|keep\s+living)\b",
            r"\b(?:do\s+not|no\s+longer)\s+(?:really\s+)?want\s+to\s+(?:be\s+here|wake\s+up)(?:\s+(?:anymore|again|"
            r"ever|tomorrow))?\s*(?=$|[.!?,])",
            r"\b(?:if|whether)\s+i\s+want\s+to\s+(?:live|be\s+alive|be\s+here|keep\s+living)\b",
            r"\btired\s+of\s+(?:living|life|being\s+alive)\b|\bnot\s+worth\s+(?:living|staying\s+alive)\b",
            r"\b(?:done|finished)\s+(?:with\s+)?(?:living|life|being\s+alive|existing)\b(?!\s+like)",
            r"\blife\s+(?:feels|is|seems)\s+(?:so\s+|completely\s+)?(?:pointless|meaningless|hopeless)\b",
            r"\bways\s+to\s+(?:die|kill\s+myself|end\s+it)\b",
            r"\bnever\s+wake\s+up\b(?!\s+(?:on\s+time|early|before|at|in\s+time|rested|refreshed))",
            r"\b(?:hope|hoping|wish|wishing|pray|praying)\s+(?:that\s+)?i\s+(?:just\s+)?(?:do\s+not|never|will\s+not|"
            r"would\s+not|did\s+not|might\s+not)\s+wake\s+up\b",
            r"\blast\s+time\s+i\s+(?:close\s+my\s+eyes|wake\s+up|fall\s+asleep|go\s+to\s+sleep)\b",
            r"\b(?:go\s+to\s+sleep|fall\s+asleep|sleep)\s+(?:\w+\s+){0,2}?(?:and\s+)?(?:just\s+)?never\s+(?:come\s+back|wake)\b",
            r"\b(?:(?:do\s+not|does\s+not|can\s+not)\s+(?:have|see|find|think\s+of)\s+(?:any|a|one)|no|zero|not\s+any)\s+"
            r"(?:\w+\s+)?reasons?\s+(?:left\s+)?(?:to|for)\s+(?:live|living|go\s+on|going\s+on|keep\s+(?:going|living)\b"
            r"(?!\s+to\b)|be\s+alive|stay\s+alive|be\s+here|exist\w*)",
            r"\b(?:can\s+not\s+see\s+(?:why|the\s+point)|why\s+(?:should|would|do)\s+i|no\s+point|what\s+is\s+the\s+point)\s+"
            r"(?:\w+\s+){0,4}?(?:stay\w*|be|being|keep\w*)\s+alive\b",
            r"\bno\s+point\s+(?:in\s+)?(?:living|going\s+on|being\s+alive|carrying\s+on|existing)\b",
            r"\bwhat\s+is\s+(?:even\s+)?the\s+point\s+(?:of|in)\s+(?:living|life|being\s+alive|going\s+on|existing)\b",
            r"\b(?:lost|losing|no|zero|without)\s+(?:the\s+|my\s+|any\s+)?will\s+to\s+live\b",
            r"\b(?:do\s+not|does\s+not)\s+deserve\s+to\s+(?:live|be\s+alive|exist|be\s+here)\b",
            r"\bcan\s+not\s+(?:go\s+on|take\s+it\s+anymore)\b",
            r"\b(?:will\s+not|not\s+going\s+to)\s+be\s+(?:around|here|alive)\s+(?:much\s+longer|for\s+(?:much\s+)?long|"
            r"after\s+(?:tonight|today|this\s+week))\b",
        ),
        "not wanting to live",
        unless=rx(_JOKING),
        unless_overridden=rx(r"\b(?:suicid\w*|kill\s+myself|end\s+my\s+life|actually|seriously)\b"),
        negation_window=3,
    ),
    Rule(
        "better_off_dead",
        "self_harm",
        matches(
            r"\bbetter\s+off\s+dead\b|\b(?:better|happier|easier)\s+(?:off\s+)?without\s+me\b",
            r"\b(?:nobody|no\s+one)\s+would\s+(?:\w+\s+)?(?:miss|care|notice)\b",
            r"\bwould\s+(?:anyone|anybody)\s+(?:even\s+)?(?:notice|care|miss\s+me)\s+if\s+i\b",
            r"\bwish\s+i\s+(?:was|were|had)\s+(?:dead|never\s+been\s+born|not\s+alive|gone)\b|\brather\s+(?:be\s+)?dead\b",
            r"\bwish\s+i\s+could\s+(?:just\s+)?(?:disappear|vanish|die|stop\s+existing|not\s+wake\s+up|sleep\s+forever)\b",
            r"\b(?:better|happier)\s+(?:off\s+)?if\s+i\s+(?:was|were)\s+(?:gone|dead|not\s+(?:here|around|alive))\b",
            r"\bwant\s+to\s+disappear\b|\bdisappear\w*\s+(?:forever|for\s+good|permanently)\b",
            r"\bwant\s+(?:it|the\s+pain|everything)\s+to\s+stop\s+(?:forever|for\s+good|permanently)",
            r"\b(?:stop|quit|cease)\s+existing\b|\bnot\s+(?:to\s+)?exist\s+anymore\b",
            r"\b(?:think\w*|dream\w*|wish\w*)\s+(?:about\s+|of\s+)?(?:not|never)\s+waking\s+up\b",
            r"\bif\s+i\s+(?:did\s+not|do\s+not|never)\s+wake\s+up\b",
            r"\b(?:i\s+am|i\s+feel\s+like|i\s+have\s+become|being)\s+(?:\w+\s+){0,2}?(?:a\s+)?burden\b",
            r"\bburden\s+(?:to|on|for)\s+(?:my|everyone|everybody|people|others|them|him|her|the\s+people)\b",
            r"\b(?:i\s+am|being|am)\s+(?:just\s+|nothing\s+but\s+|such\s+)?a\s+waste\s+of\s+(?:space|oxygen|air|a\s+life|skin)\b",
            r"\b(?:world|everyone|everybody|nobody|no\s+one|my\s+family)\s+(?:does\s+not|would\s+not|will\s+not|do\s+not|"
            r"needs|wants)\s+(?:need\s+|want\s+)?me\b(?!\s+(?:to|on|in\s+their))",
        ),
        "wishing to be dead",
        unless=rx(_JOKING),
        unless_overridden=rx(r"\b(?:suicid\w*|kill\s+myself|end\s+my\s+life|actually|seriously)\b"),
        negation_window=3,
    ),
    Rule(
        "overdose",
        "self_harm",
        matches(
            r"\bhow\s+many\s+(?:sleeping\s+)?(?:pills|tablets)\s+(?:it\s+)?(?:takes|would\s+(?:it\s+)?take|to\s+(?:die|overdose))",
            r"\boverdos\w*|\btake\s+(?:all|a\s+bunch|a\s+whole\s+bottle)\s+(?:of\s+)?(?:my\s+)?(?:pills|meds|tablets)",
            r"\b(?:take|taking|took|swallow\w*|down\w*)\s+(?:all|every|a\s+bunch\s+of|a\s+(?:whole|full)\s+(?:bottle|box|pack)\s+of|"
            r"the\s+(?:whole|entire)\s+(?:bottle|box|pack)\s+of|a\s+handful\s+of|handfuls\s+of)\s+(?:of\s+)?(?:my\s+|the\s+|his\s+|"
            r"her\s+)?(?:\w+\s+)?(?:pills?|meds|tablets?|medications?|painkillers|paracetamol|tylenol)\b",
            r"\b(?:stockpil|hoard|stash)\w*\s+(?:up\s+)?(?:\w+\s+){0,2}?(?:pills|meds|tablets|medications?|painkillers)\b",
            r"\bsav\w*\s+up\s+(?:\w+\s+){0,2}?(?:pills|meds|tablets|painkillers)\b",
        ),
        "an overdose or gathering pills",
        unless=rx(
            r"\bpre[- ]?workout\b|\bcaffeine\b|\bcoffee\b|\bcreatine\b|\bsupplements?\b|\bvitamins?\b|\bfish\s+oil\b",
            r"\bwith\s+(?:food|breakfast|a\s+meal|water|dinner|lunch)\b|\bevery\s+(?:morning|day|night)\b|\bas\s+prescribed\b",
        ),
        negation_window=3,
    ),
    Rule(
        "method",
        "self_harm",
        matches(
            rf"\b(?:jump\w*|step\w*|throw\w*\s+myself|leap\w*|fall\w*)\s+(?:off|from)\s+(?:a|the|my|this|that)\s+"
            rf"(?:\w+\s+){{0,3}}?(?:{_HIGH_PLACE})\b",
            r"\b(?:jump\w*|step\w*|walk\w*|throw\w*\s+myself|lie|lying|lay)\s+(?:out\s+)?in\s+front\s+of\s+(?:a|the|an)\s+"
            r"(?:\w+\s+)?(?:train|bus|car|truck|lorry|tram)\b|\bwalk\w*\s+(?:out\s+)?into\s+(?:oncoming\s+)?traffic\b",
            r"\b(?:driv\w*|crash\w*|steer\w*|swerv\w*)\s+(?:my\s+car\s+|myself\s+|the\s+car\s+)?(?:in)?to\s+(?:a|the|an|"
            r"oncoming)\s+(?:\w+\s+)?(?:wall|tree|truck|lorry|bridge|traffic|pillar)\b",
            r"\b(?:who|whoever)\s+(?:would|will|is\s+going\s+to|might)\s+find\s+(?:me|my\s+body)\b|\bfind\s+my\s+body\b",
            r"\bplan\w*\s+(?:how|when|where)\s+(?:i\s+(?:would|will|could|am\s+going\s+to)\s+)?(?:end\s+it|kill\s+myself|die)\b",
        ),
        "a method of ending their life",
        needs=rx(
            r"\b(?:on\s+purpose|deliberately|think\w*|thought|imagin\w*|pictur\w*|urges?|tempted|want\w*|plan\w*|"
            r"fantasi\w*|dream\w*|keep|keeps|going\s+to|about\s+to|tonight|find|body|end\s+it|die|wish\w*)\b"
        ),
        unless=rx(
            r"\binto\s+(?:the\s+)?(?:water|lake|sea|pool|river|ocean)\b|\bbungee\b|\bparachut\w*|\bskydiv\w*|"
            r"\bbase\s+jump\w*|\bcliff\s+div\w*|\bparkour\b",
            _JOKING,
        ),
        negation_window=3,
    ),
    Rule(
        "means",
        "self_harm",
        matches(
            r"\b(?:bought|buy|buying|got|get|getting|found)\s+(?:a\s+|the\s+|some\s+)?(?:rope|noose|gun|pills|"
            r"razor\s+blades?|blades?|charcoal)\b"
        ),
        "getting the means to end their life",
        needs=rx(
            r"\bknow\s+what\s+(?:i\s+am\s+going\s+to|to|i\s+will|i\s+need\s+to)\s+do\b|\b(?:do|end)\s+it\s+(?:tonight|soon|tomorrow)\b",
            r"\bgoing\s+to\s+use\s+(?:it|them)\s+on\s+myself\b|\bwhen\s+the\s+time\s+comes\b|\bfor\s+myself\b",
        ),
        negation_window=3,
    ),
    Rule(
        "affairs_in_order",
        "self_harm",
        matches(
            r"\b(?:gave|giving|give)\s+(?:away\s+)?(?:all\s+)?my\s+(?:\w+\s+)?(?:dog|cat|pets?|stuff|things|belongings|"
            r"possessions|clothes|weights|gear|bike)\b",
            r"\brehom\w*\s+my\s+(?:dog|cat|pets?)\b|\baffairs\s+in\s+order\b",
            r"\b(?:made|make|wrote|written|writing|sorted|sorting|updated|finished)\s+(?:out\s+)?my\s+will\b",
            r"\b(?:wrote|written|writing|left)\s+(?:a\s+)?(?:letters?|notes?)\s+(?:to|for)\s+(?:my\s+)?(?:family|parents|kids|"
            r"children|wife|husband|partner|mum|mom|dad|everyone|everybody|loved\s+ones)\b",
        ),
        "putting affairs in order or saying goodbye",
        needs=rx(
            r"\b(?:will\s+not\s+need|not\s+going\s+to\s+need|no\s+longer\s+need|ready\s+to\s+go|goodbye|in\s+case|"
            r"when\s+i\s+am\s+gone|after\s+i\s+am\s+gone|for\s+good|my\s+will|it\s+is\s+time)\b",
            r"\bnot\s+(?:be\s+)?(?:here|around)\b",
        ),
        negation_window=3,
    ),
    Rule(
        "saying_goodbye",
        "self_harm",
        matches(
            r"\bthis\s+is\s+(?:my\s+)?goodbye\b(?!\s+to\s+(?:my|the|this|that)\b)",
            r"\bgoodbye\s+(?:forever|for\s+good|world|cruel\s+world)\b|\b(?:my|a)\s+final\s+goodbye\b",
            r"\b(?:this\s+(?:is|will\s+be)|that\s+was)\s+my\s+(?:very\s+)?last\s+(?:message|post|text)\b",
        ),
        "saying a final goodbye",
        negation_window=3,
    ),
    Rule(
        "want_to_die",
        "self_harm",
        matches(r"\bwant\s+to\s+die\b"),
        "wanting to die",
        unless=rx(
            r"\b(?:made|makes|make)\s+me\s+want\s+to\s+die\b",
            r"\bwant\s+to\s+die\s+(?:after|from)\b",
            r"\bdie\s+on\s+(?:this|that)\s+hill\b",
        ),
        unless_overridden=rx(r"\bactually\b|\bnot\s+(?:gym|workout)\b"),
        negation_window=3,
    ),
)

ACUTE_RULES: tuple[Rule, ...] = (*_EMERGENCY_RULES, *_SELF_HARM_RULES)
"""The emergency and self-harm rules, in the order the screen runs them."""
