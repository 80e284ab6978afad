"""Derive `stores/data/exercises.json` from the wger project's exercise fixtures.

Run `uv run python -m stores._build_exercises [--wger-dir DIR] [--out FILE]`; the wger directory
defaults to `$COACH_WGER_DIR`, else `../shared/data/wger` beside the repository. The output is
sorted and byte-for-byte reproducible; a test rebuilds it and compares it with the committed file.

Changes from wger (`stores/data/EXERCISES_LICENSE.md` repeats them for the data's readers):
- muscles are mapped onto the canonical groups (`_WGER_MUSCLES`; serratus anterior is dropped,
  the anterior deltoid becomes front, side or rear delts by the exercise's name, `_delt_head`);
- wger's primary muscles count 1.0 and secondary ones 0.5, except where a rule in `_FAMILIES`
  sets the contributions (common compound lifts, and lifts wger labels wrongly), or where wger
  names no muscle and a rule in `_FILLS` supplies them;
- names are tidied (`_tidy`), duplicates merged, non-English and non-exercise records dropped
  (`_EXCLUDED`), stable ids, display names and aliases pinned (`_PINS`), and a few exercises that
  wger lacks added (`_CURATED`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from stores.exercises import DATA_FILE, compact
from stores.records import MUSCLES, Contribution, Exercise, Muscle

Muscles = dict[Muscle, Contribution]

DEFAULT_WGER_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "wger"
WGER_DIR_ENV = "COACH_WGER_DIR"
FALLBACK_AUTHOR = "wger.de contributors"
"""For the wger records that name no author (wger publishes them under its own name)."""

_WGER_MUSCLES: dict[str, Muscle | None] = {
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

_REAR_DELTS = re.compile(
    r"rear|reverse (cable )?fl|reverse pec|butterfly reverse|face ?pull|pull[- ]?apart|bent[- ]over lat|external rot"
)
_SIDE_DELTS = re.compile(r"lateral|side raise|lat raise|upright[- ]row|side and front|y[- ]raise|high pull")

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
_FAMILIES: tuple[tuple[str, Muscles | None], ...] = (
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
_FILLS: tuple[tuple[str, Muscles | None], ...] = (
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


_PINS: dict[int, Pin] = {
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
_EXCLUDED = frozenset(
    {1119, 1120, 1124, 1125, 1126, 1127, 1131, 1132, 1136, 1137, 1138, 1188, 1190, 1285, 1288, 1292, 1294}
    | {1322, 1491, 1574, 1589, 1590, 1591, 1592, 1616, 1618, 1702, 1703, 1707, 1718, 1719, 1914, 1282}
    | {1757, 1763, 1778, 1793, 1798, 1800, 1271, 1272, 1114, 1363, 1768, 1769}
)

# Common lifts wger lacks, written for Spotter and released CC0.
_CURATED: tuple[Exercise, ...] = (
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


class _Fields(BaseModel):
    license: int
    license_author: str = ""


class _Base(_Fields):
    category: int
    muscles: list[int]
    muscles_secondary: list[int]
    equipment: list[int]


class _Translation(_Fields):
    name: str
    exercise: int


class _Named(BaseModel):
    name: str


class _License(BaseModel):
    short_name: str


F = TypeVar("F", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


class _Row(BaseModel, Generic[F]):
    pk: int
    fields: F


@dataclass(frozen=True)
class Wger:
    """The wger fixtures the library is derived from, keyed by primary key."""

    bases: dict[int, _Base]
    translations: list[_Row[_Translation]]
    muscles: dict[int, str]
    equipment: dict[int, str]
    categories: dict[int, str]
    licenses: dict[int, str]

    @classmethod
    def load(cls, directory: Path) -> Wger:
        """Read the fixture files from a directory.

        Args:
            directory: Holds `exercise-base-data.json`, `translations-en.json`, `muscles.json`,
                `equipment.json`, `categories.json` and `licenses.json`.

        Returns:
            The parsed fixtures.

        """
        return cls(
            bases={row.pk: row.fields for row in _read(directory / "exercise-base-data.json", _Row[_Base])},
            translations=sorted(_read(directory / "translations-en.json", _Row[_Translation]), key=lambda row: row.pk),
            muscles=_names(directory / "muscles.json"),
            equipment=_names(directory / "equipment.json"),
            categories=_names(directory / "categories.json"),
            licenses={row.pk: row.fields.short_name for row in _read(directory / "licenses.json", _Row[_License])},
        )


def _read(path: Path, row: type[R]) -> list[R]:
    items: list[object] = json.loads(path.read_bytes())
    return [row.model_validate(item) for item in items]


def _names(path: Path) -> dict[int, str]:
    return {row.pk: row.fields.name for row in _read(path, _Row[_Named])}


STABLE_IDS = tuple(pin.id for pin in _PINS.values() if pin.id is not None)
ABOUT = (
    "Spotter's exercise library, derived from the wger project's exercise data (https://wger.de,"
    " https://github.com/wger-project/wger) by stores/_build_exercises.py. The file as a whole is"
    " licensed CC-BY-SA 4.0; each record keeps its source licence and author. wger_ids names the"
    " wger exercise each record comes from (https://wger.de/en/exercise/<id>/view)."
    " See EXERCISES_LICENSE.md for the changes made."
)
_FAMILY_RULES = tuple((re.compile(pattern), muscles) for pattern, muscles in _FAMILIES)
_FILL_RULES = tuple((re.compile(pattern), muscles) for pattern, muscles in _FILLS)


def build(wger_dir: Path) -> str:
    """Derive the library from wger's fixtures and render the data file.

    Args:
        wger_dir: The directory holding wger's fixture files.

    Returns:
        The text of `stores/data/exercises.json`.

    """
    exercises, provenance = derive(Wger.load(wger_dir))
    return render(exercises, provenance)


def derive(wger: Wger) -> tuple[list[Exercise], dict[str, int]]:
    """Turn wger's English exercises into library records.

    Args:
        wger: The parsed fixtures.

    Returns:
        The records ordered by id, and the wger exercise id behind each wger-derived record.

    Raises:
        ValueError: If a pinned record is dropped or clashes with another, or a stable id is missing.

    """
    claimed: dict[str, str] = {}
    records: dict[str, Exercise] = {}
    provenance: dict[str, int] = {}
    for exercise in _CURATED:
        _claim(claimed, exercise, pinned=True)
        records[exercise.id] = exercise
    for row in sorted(wger.translations, key=_priority):
        wger_id = row.fields.exercise
        if wger_id in _EXCLUDED:
            continue
        pin = _PINS.get(wger_id, Pin())
        draft = _draft(wger, row, pin)
        if draft is None or not _claim(claimed, draft, pinned=wger_id in _PINS):
            if pin.id is not None:
                raise ValueError(f"pinned wger exercise {wger_id} ({pin.id}) was dropped")
            continue
        exercise = draft.model_copy(update={"id": pin.id or _unique(_slug(draft.name), records)})
        records[exercise.id] = exercise
        provenance[exercise.id] = wger_id
    if missing := set(STABLE_IDS) - set(records):
        raise ValueError(f"stable ids missing: {sorted(missing)}")
    return [records[key] for key in sorted(records)], provenance


def render(exercises: list[Exercise], provenance: dict[str, int]) -> str:
    """Write the data file's text: one record per line, so diffs stay readable.

    Args:
        exercises: The records, in the order to write them.
        provenance: The wger exercise id behind each wger-derived record.

    Returns:
        The JSON text, ending in a newline.

    """
    records = ",\n".join("  " + json.dumps(e.model_dump(mode="json"), ensure_ascii=False) for e in exercises)
    origins = ",\n".join(f"  {json.dumps(key)}: {value}" for key, value in sorted(provenance.items()))
    about = json.dumps(ABOUT, ensure_ascii=False)
    return f'{{\n "about": {about},\n "exercises": [\n{records}\n ],\n "wger_ids": {{\n{origins}\n }}\n}}\n'


def _priority(row: _Row[_Translation]) -> tuple[int, int]:
    # Pinned records claim their names and aliases first, so wger's duplicates merge into them.
    pin = _PINS.get(row.fields.exercise)
    rank = 2 if pin is None else 0 if pin.id is not None else 1
    return rank, row.fields.exercise


def _claim(claimed: dict[str, str], exercise: Exercise, *, pinned: bool) -> bool:
    keys = {compact(text) for text in (exercise.name, *exercise.aliases)}
    taken = {claimed[key] for key in keys if key in claimed}
    if taken and pinned:
        raise ValueError(f"{exercise.name!r} clashes with {sorted(taken)}")
    if taken:
        return False
    claimed.update(dict.fromkeys(keys, exercise.id or exercise.name))
    return True


def _draft(wger: Wger, row: _Row[_Translation], pin: Pin) -> Exercise | None:
    """The record for one translation, with an empty id; None when no muscle can be given."""
    base = wger.bases[row.fields.exercise]
    source_name = _tidy(row.fields.name)
    name = pin.name or source_name
    muscles = _muscles(name.lower(), base, wger)
    if not muscles:
        return None
    return Exercise(
        id="",
        name=name,
        aliases=_aliases(name, (*pin.aliases, source_name)),
        equipment=tuple(sorted({wger.equipment[item].lower() for item in base.equipment})),
        category=pin.category or wger.categories[base.category].lower(),
        muscles=muscles,
        license=wger.licenses[row.fields.license],
        author=_author(row.fields.license_author, base.license_author),
    )


def _muscles(name: str, base: _Base, wger: Wger) -> Muscles:
    for pattern, family in _FAMILY_RULES:
        if pattern.search(name):
            if family is not None:
                return _ordered(family)
            break
    found: Muscles = {}
    tiers: tuple[tuple[list[int], Contribution], ...] = ((base.muscles_secondary, 0.5), (base.muscles, 1.0))
    for muscle_ids, share in tiers:
        for muscle_id in muscle_ids:
            muscle = _WGER_MUSCLES[wger.muscles[muscle_id]]
            if muscle is not None:
                found[_delt_head(name) if muscle == "front_delts" else muscle] = share
    if found:
        return _ordered(found)
    fill = next((fill for pattern, fill in _FILL_RULES if pattern.search(name)), None)
    return _ordered(fill) if fill else {}


def _delt_head(name: str) -> Muscle:
    """The deltoid head an exercise trains, read from its name (wger has one deltoid)."""
    if _REAR_DELTS.search(name):
        return "rear_delts"
    if _SIDE_DELTS.search(name):
        return "side_delts"
    return "front_delts"


def _ordered(muscles: Muscles) -> Muscles:
    return dict(sorted(muscles.items(), key=lambda item: (-item[1], MUSCLES.index(item[0]))))


def _tidy(name: str) -> str:
    """Whitespace collapsed, uploaders' tags and left/right variants dropped, all-caps or lowercase names cased."""
    name = re.sub(r"\s+", " ", name).strip().rstrip(":").strip()
    name = re.sub(r"\s+(HD|- NB)$", "", name)
    name = re.sub(r"[\s,]+(left|right)( leg)?$", "", name, flags=re.IGNORECASE)
    if name in (name.lower(), name.upper()):
        # Two-letter words in an all-caps name are abbreviations ("DB", "SS"): keep them.
        name = " ".join(word if len(word) <= 2 else word[:1].upper() + word[1:].lower() for word in name.split(" "))
    return name


def _aliases(name: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    seen = {compact(name)}
    kept: list[str] = []
    for alias in candidates:
        key = compact(alias)
        if key and key not in seen:
            seen.add(key)
            kept.append(alias.lower())
    return tuple(kept)


def _author(translation_author: str, base_author: str) -> str:
    """Who to credit: the English name's author, then the exercise's if someone else."""
    authors = dict.fromkeys(author.strip() for author in (translation_author, base_author) if author.strip())
    return ", ".join(authors) or FALLBACK_AUTHOR


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _unique(slug: str, taken: dict[str, Exercise]) -> str:
    suffix = 2
    candidate = slug
    while candidate in taken:
        candidate = f"{slug}-{suffix}"
        suffix += 1
    return candidate


def main(argv: list[str] | None = None) -> None:
    """Rebuild the data file from the wger fixtures.

    Args:
        argv: Command-line arguments (default: `sys.argv[1:]`).

    """
    parser = argparse.ArgumentParser(description="Derive stores/data/exercises.json from wger's fixtures.")
    default_dir = Path(os.environ.get(WGER_DIR_ENV, DEFAULT_WGER_DIR))
    parser.add_argument("--wger-dir", type=Path, default=default_dir, help="wger fixture directory")
    parser.add_argument("--out", type=Path, default=DATA_FILE, help="where to write the data file")
    args = parser.parse_args(argv)
    wger_dir: Path = args.wger_dir
    out: Path = args.out
    exercises, provenance = derive(Wger.load(wger_dir))
    out.write_text(render(exercises, provenance), encoding="utf-8", newline="\n")
    print(f"wrote {len(exercises)} exercises to {out}")


if __name__ == "__main__":
    main()
