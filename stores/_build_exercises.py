"""Derive `stores/data/exercises.json` from the wger project's exercise fixtures.

Run `uv run python -m stores._build_exercises [--wger-dir DIR] [--out FILE]`; the wger directory
defaults to `$COACH_WGER_DIR`, else `../shared/data/wger` beside the repository. The output is
sorted and byte-for-byte reproducible; a test rebuilds it and compares it with the committed file.

Changes from wger (the tables are in `stores/_exercise_rules.py`; `stores/data/EXERCISES_LICENSE.md`
repeats them for the data's readers):
- muscles are mapped onto the canonical groups (`WGER_MUSCLES`; serratus anterior is dropped,
  the anterior deltoid becomes front, side or rear delts by the exercise's name, `_delt_head`);
- wger's primary muscles count 1.0 and secondary ones 0.5, except where a rule in `FAMILIES`
  sets the contributions (common compound lifts, and lifts wger labels wrongly), or where wger
  names no muscle and a rule in `FILLS` supplies them;
- names are tidied (`_tidy`), duplicates merged, non-English and non-exercise records dropped
  (`EXCLUDED`), stable ids, display names and aliases pinned (`PINS`), and a few exercises that
  wger lacks added (`CURATED`).
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

from stores._exercise_rules import (
    CURATED,
    EXCLUDED,
    FAMILIES,
    FILLS,
    PINS,
    REAR_DELT_NAMES,
    SIDE_DELT_NAMES,
    WGER_MUSCLES,
    Muscles,
    Pin,
)
from stores.exercises import DATA_FILE, compact
from stores.records import MUSCLES, Contribution, Exercise, Muscle

DEFAULT_WGER_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "wger"
WGER_DIR_ENV = "COACH_WGER_DIR"
FALLBACK_AUTHOR = "wger.de contributors"
"""For the wger records that name no author (wger publishes them under its own name)."""


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


STABLE_IDS = tuple(pin.id for pin in PINS.values() if pin.id is not None)
ABOUT = (
    "Spotter's exercise library, derived from the wger project's exercise data (https://wger.de,"
    " https://github.com/wger-project/wger) by stores/_build_exercises.py. The file as a whole is"
    " licensed CC-BY-SA 4.0; each record keeps its source licence and author. wger_ids names the"
    " wger exercise each record comes from (https://wger.de/en/exercise/<id>/view)."
    " See EXERCISES_LICENSE.md for the changes made."
)
_FAMILY_RULES = tuple((re.compile(pattern), muscles) for pattern, muscles in FAMILIES)
_FILL_RULES = tuple((re.compile(pattern), muscles) for pattern, muscles in FILLS)


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
    for exercise in CURATED:
        _claim(claimed, exercise, pinned=True)
        records[exercise.id] = exercise
    for row in sorted(wger.translations, key=_priority):
        wger_id = row.fields.exercise
        if wger_id in EXCLUDED:
            continue
        pin = PINS.get(wger_id, Pin())
        draft = _draft(wger, row, pin)
        if draft is None or not _claim(claimed, draft, pinned=wger_id in PINS):
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
    pin = PINS.get(row.fields.exercise)
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
            muscle = WGER_MUSCLES[wger.muscles[muscle_id]]
            if muscle is not None:
                found[_delt_head(name) if muscle == "front_delts" else muscle] = share
    if found:
        return _ordered(found)
    fill = next((fill for pattern, fill in _FILL_RULES if pattern.search(name)), None)
    return _ordered(fill) if fill else {}


def _delt_head(name: str) -> Muscle:
    """The deltoid head an exercise trains, read from its name (wger has one deltoid)."""
    if REAR_DELT_NAMES.search(name):
        return "rear_delts"
    if SIDE_DELT_NAMES.search(name):
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
