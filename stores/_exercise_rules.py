"""The rule tables behind `stores/data/exercises.json`: what the build changes in wger's data.

`stores._build_exercises` applies them: wger's muscles mapped onto the canonical groups
(`WGER_MUSCLES`, the anterior deltoid split into heads by `REAR_DELT_NAMES` and `SIDE_DELT_NAMES`),
contribution overrides for lift families (`FAMILIES`), defaults where wger names no muscle
(`FILLS`), stable ids, display names and aliases pinned per wger exercise (`PINS`), wger ids
dropped (`EXCLUDED`) and the exercises wger lacks (`CURATED`). `stores/data/EXERCISES_LICENSE.md`
repeats them for the data's readers; keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stores.records import Contribution, Exercise, Muscle

Muscles = dict[Muscle, Contribution]

WGER_MUSCLES: dict[str, Muscle | None] = {
    "Biceps brachii": "biceps",
    "Brachialis": "biceps",
    "Anterior deltoid": "front_delts",
    # The serratus has no canonical group; counting it as chest or abs would inflate their volume.
    "Serratus anterior": None,
    "Pectoralis major": "chest",
    "Triceps brachii": "triceps",
    "Rectus abdominis": "abs",
    "Obliquus externus abdominis": "obliques",
    "Gastrocnemius": "calves",
    "Soleus": "calves",
    "Gluteus maximus": "glutes",
    "Trapezius": "traps",
    "Quadriceps femoris": "quads",
    "Biceps femoris": "hamstrings",
    "Latissimus dorsi": "lats",
    "Erector spinae": "spinal_erectors",
}

REAR_DELT_NAMES = re.compile(
    r"rear|reverse (cable )?fl|reverse pec|butterfly reverse|face ?pull|pull[- ]?apart|bent[- ]over lat|external rot"
)
SIDE_DELT_NAMES = re.compile(r"lateral|side raise|lat raise|upright[- ]row|side and front|y[- ]raise|high pull")

BENCH: Muscles = {"chest": 1.0, "front_delts": 0.5, "triceps": 0.5}
INCLINE: Muscles = {"chest": 1.0, "front_delts": 0.75, "triceps": 0.5}
CLOSE_GRIP: Muscles = {"triceps": 1.0, "chest": 0.75, "front_delts": 0.5}
OVERHEAD_PRESS: Muscles = {"front_delts": 1.0, "side_delts": 0.5, "triceps": 0.5}
SQUAT: Muscles = {"quads": 1.0, "glutes": 0.75, "adductors": 0.5, "spinal_erectors": 0.25}
LEG_PRESS: Muscles = {"quads": 1.0, "glutes": 0.5, "adductors": 0.25}
LUNGE: Muscles = {"quads": 1.0, "glutes": 0.75}
DEADLIFT: Muscles = {
    "glutes": 1.0,
    "hamstrings": 1.0,
    "spinal_erectors": 1.0,
    "quads": 0.5,
    "traps": 0.5,
    "forearms": 0.25,
}
SUMO_DEADLIFT: Muscles = {"glutes": 1.0, "quads": 0.75, "adductors": 0.75, "hamstrings": 0.5, "spinal_erectors": 0.5}
ROMANIAN_DEADLIFT: Muscles = {"hamstrings": 1.0, "glutes": 0.75, "spinal_erectors": 0.5}
ROW: Muscles = {"lats": 1.0, "traps": 0.75, "rear_delts": 0.5, "biceps": 0.5}
PULL_UP: Muscles = {"lats": 1.0, "biceps": 0.5, "rear_delts": 0.25}
CHIN_UP: Muscles = {"lats": 1.0, "biceps": 0.75, "rear_delts": 0.25}
DIP: Muscles = {"triceps": 1.0, "chest": 0.75, "front_delts": 0.5}
BENCH_DIP: Muscles = {"triceps": 1.0, "front_delts": 0.5, "chest": 0.25}
PUSH_UP: Muscles = {"chest": 1.0, "front_delts": 0.5, "triceps": 0.5}
HIP_THRUST: Muscles = {"glutes": 1.0, "hamstrings": 0.25}
REAR_DELTS: Muscles = {"rear_delts": 1.0, "traps": 0.5}
OLYMPIC: Muscles = {"glutes": 1.0, "quads": 0.75, "hamstrings": 0.75, "traps": 0.75, "spinal_erectors": 0.5}
OLYMPIC_PRESS: Muscles = {**OLYMPIC, "front_delts": 0.75, "triceps": 0.5}

# Checked in order against the tidied lowercase name; the first match wins. None keeps wger's
# muscles: it shields a name from the broader patterns further down.
FAMILIES: tuple[tuple[str, Muscles | None], ...] = (
    (r"stretch|foam roll|mobility|rowing machine|warm ?up|burpee|leg raise|knee raise", None),
    (r"calf (raise|press)|calf raises|toe press", {"calves": 1.0}),
    (r"romanian|\brdl\b|stiff[- ]leg|single[- ]leg deadlift|one legged deadlift", ROMANIAN_DEADLIFT),
    (r"good ?morning", {"hamstrings": 1.0, "spinal_erectors": 0.75, "glutes": 0.5}),
    (r"sumo deadlift", SUMO_DEADLIFT),
    (r"deadlift", DEADLIFT),
    (r"hip thrust|glute bridge$|hip bridge|glute drive", HIP_THRUST),
    (r"thruster|squat to press", {"quads": 1.0, "front_delts": 0.75, "glutes": 0.5, "triceps": 0.5}),
    (r"split squat|bulgarian|lunge|step[- ]?up", LUNGE),
    (r"leg press|hack squat|pendulum squat|belt squat|pendular hack", LEG_PRESS),
    (r"cossack|sumo squat", {"quads": 1.0, "adductors": 0.75, "glutes": 0.75}),
    (r"squat", SQUAT),
    (r"(close|narrow)[- ]grip.*bench|bench press narrow|elbows tucked", CLOSE_GRIP),
    (
        r"overhead press|shoulder press|military press|arnold|\bohp\b|push press|landmine press|^smith press$",
        OVERHEAD_PRESS,
    ),
    (r"handstand push", OVERHEAD_PRESS),
    (r"incline.*press|press.*incline", INCLINE),
    (r"bench ?press|pause bench|floor press|chest press|larsen press|hex press", BENCH),
    (r"(bench|chair|floor) dips|dips between", BENCH_DIP),
    (r"\bdips?\b", DIP),
    (r"diamond push|close[- ]grip (push|press)", CLOSE_GRIP),
    (r"pike push|hindu push|pseudo planche", {"front_delts": 1.0, "triceps": 0.5, "chest": 0.5}),
    (r"push[- ]?ups?\b|press[- ]ups?\b", PUSH_UP),
    (r"australian pull|inverted row", ROW),
    (r"chin[- ]?ups?\b", CHIN_UP),
    (r"straight[- ]arm", None),
    (r"pull[- ]?ups?\b|pull[- ]?downs?\b", PULL_UP),
    (r"muscle[- ]up", {"lats": 1.0, "biceps": 0.5, "triceps": 0.5, "chest": 0.25}),
    (
        r"rear[- ]delt|reverse (cable )?fly|butterfly reverse|face ?pull|pull[- ]?apart|reverse pec|bent[- ]over lat",
        REAR_DELTS,
    ),
    (r"lateral raise|side lateral|side raise", {"side_delts": 1.0}),
    (r"upright[- ]row", {"side_delts": 1.0, "traps": 0.75, "front_delts": 0.25}),
    (r"\brows?\b|\browing\b", ROW),
    (r"shrug", {"traps": 1.0, "forearms": 0.25}),
    (r"reverse hyper", {"glutes": 1.0, "hamstrings": 0.75, "spinal_erectors": 0.5}),
    (r"hyperextension|back extension", {"spinal_erectors": 1.0, "glutes": 0.5, "hamstrings": 0.5}),
    (r"(clean|snatch).*(press|jerk)|\bjerk\b", OLYMPIC_PRESS),
    (r"\bcleans?\b|snatch", OLYMPIC),
    (r"reverse nordic", {"quads": 1.0}),
    (r"leg curl|hamstring curl|nordic", {"hamstrings": 1.0}),
    (r"leg extension", {"quads": 1.0}),
    (r"wrist (curl|extension)|forearm curl|hand grip|plate pinch|dead ?hang|fingerboard|sloper", {"forearms": 1.0}),
    (r"hammer ?curl|reverse (bar |grip barbell )?curl|zottman", {"biceps": 1.0, "forearms": 0.5}),
    (r"\bcurls?\b", {"biceps": 1.0}),
    (r"skull ?crush|push ?down|tricep|jm press|tate press", {"triceps": 1.0}),
    (r"copenhagen", {"adductors": 1.0, "obliques": 0.5}),
    (r"adduct", {"adductors": 1.0}),
    (r"^(front |high )?plank$", {"abs": 1.0, "obliques": 0.5}),
    (r"side plank", {"obliques": 1.0, "abs": 0.5}),
    (r"cable crunch|crunches with cable", {"abs": 1.0}),
)

# For records wger gives no muscles and no family rule covers; first match wins, and None drops
# the record (a stretch trains nothing worth counting).
FILLS: tuple[tuple[str, Muscles | None], ...] = (
    (r"stretch|foam roll|mobility|warm ?up", None),
    (r"abduction|clamshell|kickback", {"glutes": 1.0}),
    (r"rotator|external rotation", {"rear_delts": 1.0}),
    (r"side|oblique|twist|wood ?chop|suitcase|landmine rotation", {"obliques": 1.0, "abs": 0.5}),
    (r"crunch|sit[- ]?up|leg raise|knee raise|toes to bar|dead ?bug|hollow|ab wheel|l hold|plank", {"abs": 1.0}),
    (r"swing", {"glutes": 1.0, "hamstrings": 0.75, "spinal_erectors": 0.25}),
    (r"hip raise|bridge", HIP_THRUST),
    (r"farmer", {"forearms": 1.0, "traps": 0.75}),
    (r"front raise", {"front_delts": 1.0}),
    (r"handstand", {"front_delts": 1.0, "triceps": 0.5, "traps": 0.25}),
    (r"forearm", {"forearms": 1.0}),
    (r"burpee|mountain climber|bear crawl", {"quads": 0.5, "chest": 0.5, "abs": 0.5}),
    (r"run|jog|sprint|high knees|jump rope|skipping|treadmill", {"quads": 0.5, "calves": 0.5, "hamstrings": 0.25}),
    (r"bike|cycling", {"quads": 0.5, "glutes": 0.25}),
    (r"swim", {"lats": 0.5, "front_delts": 0.25, "triceps": 0.25}),
    (r"tibialis", {"calves": 0.5}),
)


@dataclass(frozen=True)
class Pin:
    """What the library fixes for one wger exercise (keyed by wger's exercise id)."""

    id: str | None = None
    name: str | None = None
    aliases: tuple[str, ...] = ()
    category: str | None = None
    """Where wger files the exercise under the wrong body part."""


PINS: dict[int, Pin] = {
    73: Pin("bench-press", aliases=("bench", "bp", "flat bench", "flat bench press", "barbell bench press")),
    1277: Pin("incline-dumbbell-press", aliases=("incline db press", "incline dumbbell bench press")),
    615: Pin(
        "back-squat",
        "Barbell Back Squat",
        ("squat", "back squat", "barbell squat", "barbell full squat", "high bar squat", "low bar squat"),
    ),
    184: Pin("deadlift", "Deadlift", ("dl", "conventional deadlift", "barbell deadlift")),
    1700: Pin(
        "romanian-deadlift",
        "Romanian Deadlift",
        ("rdl", "stiff leg deadlift", "stiff legged deadlift", "sldl", "barbell rdl"),
    ),
    687: Pin(
        "overhead-press",
        aliases=(
            "ohp",
            "military press",
            "shoulder press",
            "press",
            "standing press",
            "barbell overhead press",
            "overhead barbell press",
            "barbell shoulder press",
            "shoulder press barbell",
        ),
        category="shoulders",
    ),
    83: Pin("barbell-row", "Barbell Row", ("row", "bent over row", "bb row", "bent over barbell row")),
    475: Pin("pull-up", "Pull-up", ("pullup", "overhand pull-up")),
    154: Pin("chin-up", "Chin-up", ("chin", "underhand pull-up")),
    1697: Pin("lat-pulldown", "Lat Pulldown", ("pulldown", "wide grip pulldown")),
    921: Pin("seated-cable-row", "Seated Cable Row", ("cable row", "seated row", "low row")),
    371: Pin("leg-press", aliases=("machine leg press",)),
    364: Pin("leg-curl", aliases=("hamstring curl", "machine leg curl")),
    369: Pin("leg-extension", aliases=("quad extension", "machine leg extension")),
    622: Pin("standing-calf-raise", "Standing Calf Raise", ("calf raise", "machine calf raise")),
    621: Pin("biceps-curl", "Biceps Curl", ("curl", "bicep curl", "dumbbell curl", "dumbbell biceps curl")),
    272: Pin("hammer-curl", "Hammer Curl", ("dumbbell hammer curl",)),
    1185: Pin("triceps-pushdown", aliases=("pushdown", "tricep pushdown", "cable pushdown")),
    246: Pin("skull-crusher", "Skull Crusher", ("ez bar skullcrusher", "lying triceps extension", "french press")),
    348: Pin(
        "lateral-raise", "Lateral Raise", ("side raise", "lat raise", "side lateral raise", "dumbbell lateral raise")
    ),
    222: Pin("face-pull", "Face Pull", ("cable face pull", "rope face pull")),
    294: Pin("hip-thrust", aliases=("barbell hip thrust",)),
    1903: Pin("walking-lunge", "Walking Lunge", ("lunge", "walking lunges")),
    194: Pin("dip", "Dip", ("parallel bar dip", "chest dip", "bar dip")),
    458: Pin("plank", aliases=("front plank", "forearm plank")),
    173: Pin("cable-crunch", "Cable Crunch", ("kneeling cable crunch", "rope crunch")),
    # Aliases people type for wger names, and names fixed to plain English.
    590: Pin(aliases=("seated calf raise",)),
    365: Pin(aliases=("lying leg curl",)),
    366: Pin(aliases=("seated leg curl",)),
    203: Pin(aliases=("goblet squat",)),
    301: Pin(aliases=("back extension", "hyperextension")),
    20: Pin(aliases=("arnold press",)),
    567: Pin(aliases=("dumbbell shoulder press", "seated dumbbell press")),
    538: Pin(aliases=("incline bench press", "incline bench", "incline barbell bench press")),
    1775: Pin(aliases=("reverse pec deck",)),
    571: Pin(aliases=("shrug", "barbell shrug")),
    418: Pin(name="Military Press with SZ-Bar"),
    1483: Pin(name="Biceps Curls Trifecta"),
    599: Pin(name="Snatch"),
    1338: Pin(name="Shoulder Raise (Dumbbell)"),
    927: Pin(name="Suspended Crosses"),
    1739: Pin(name="Shrimp Squat"),
}

# wger ids left out: names in another language, a typo's duplicate, or not an exercise.
EXCLUDED = frozenset(
    {1119, 1120, 1124, 1125, 1126, 1127, 1131, 1132, 1136, 1137, 1138, 1188, 1190, 1285, 1288, 1292, 1294}
    | {1322, 1491, 1574, 1589, 1590, 1591, 1592, 1616, 1618, 1702, 1703, 1707, 1718, 1719, 1914, 1282}
    | {1757, 1763, 1778, 1793, 1798, 1800, 1271, 1272, 1114, 1363, 1768, 1769}
)

# Common lifts wger lacks, written for Spotter and released CC0.
CURATED: tuple[Exercise, ...] = (
    Exercise(
        id="trap-bar-deadlift",
        name="Trap Bar Deadlift",
        aliases=("hex bar deadlift", "trap bar", "hex bar"),
        equipment=("barbell",),
        category="legs",
        muscles={"glutes": 1.0, "quads": 0.75, "hamstrings": 0.75, "spinal_erectors": 0.75, "traps": 0.5},
        source="spotter",
        license="CC0",
        author="Spotter contributors",
    ),
    Exercise(
        id="glute-ham-raise",
        name="Glute-Ham Raise",
        aliases=("ghr", "glute ham raise"),
        category="legs",
        muscles={"hamstrings": 1.0, "glutes": 0.5, "calves": 0.25},
        source="spotter",
        license="CC0",
        author="Spotter contributors",
    ),
)
