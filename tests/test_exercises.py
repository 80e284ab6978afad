"""The exercise library: its data file, the build that derives it from wger, and search."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from stores import _build_exercises as build
from stores.exercises import DATA_FILE, compact, load_library, resolve, search, suggest
from stores.records import MUSCLES, Exercise

REPO_ROOT = Path(__file__).resolve().parents[1]
WGER_DIR = REPO_ROOT.parent / "shared" / "data" / "wger"

STABLE_IDS = (
    "bench-press",
    "incline-dumbbell-press",
    "back-squat",
    "deadlift",
    "romanian-deadlift",
    "overhead-press",
    "barbell-row",
    "pull-up",
    "lat-pulldown",
    "seated-cable-row",
    "leg-press",
    "leg-curl",
    "leg-extension",
    "standing-calf-raise",
    "biceps-curl",
    "hammer-curl",
    "triceps-pushdown",
    "skull-crusher",
    "lateral-raise",
    "face-pull",
    "hip-thrust",
    "walking-lunge",
    "dip",
    "plank",
    "cable-crunch",
)


@pytest.fixture(scope="module")
def library() -> tuple[Exercise, ...]:
    return load_library()


@pytest.fixture(scope="module")
def by_id(library: tuple[Exercise, ...]) -> dict[str, Exercise]:
    return {exercise.id: exercise for exercise in library}


# ---- the data file


def test_library_is_large(library: tuple[Exercise, ...]) -> None:
    assert len(library) >= 300


def test_ids_are_unique_slugs(library: tuple[Exercise, ...]) -> None:
    ids = [exercise.id for exercise in library]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    for exercise_id in ids:
        assert exercise_id == exercise_id.lower()
        assert exercise_id.replace("-", "").isalnum(), exercise_id
        assert len(exercise_id) <= 80  # the exercises table's key column


def test_names_and_aliases_are_unique_after_normalising(library: tuple[Exercise, ...]) -> None:
    seen: dict[str, str] = {}
    for exercise in library:
        for text in (exercise.name, *exercise.aliases):
            key = compact(text)
            assert key, text
            assert seen.setdefault(key, exercise.id) == exercise.id, (text, seen[key], exercise.id)


def test_every_record_is_attributed(library: tuple[Exercise, ...]) -> None:
    for exercise in library:
        assert exercise.name.strip() == exercise.name != ""
        assert len(exercise.name) <= 160  # the exercises table's name column
        assert exercise.license in {"CC-BY-SA 3", "CC-BY-SA 4", "CC0", "CC-BY 4"}, exercise.id
        assert exercise.author.strip(), exercise.id
        assert exercise.source in {"wger", "spotter"}
        if exercise.source == "spotter":
            assert (exercise.license, exercise.author) == ("CC0", "Spotter contributors")


def test_names_are_english(library: tuple[Exercise, ...]) -> None:
    foreign = ("supino", "jalón", "jalon", "remo ", "curl de", "estiramiento", "trazioni", "mit ", "gewicht")
    for exercise in library:
        assert not any(word in exercise.name.lower() for word in foreign), exercise.name


def test_muscles_are_canonical_with_allowed_contributions(library: tuple[Exercise, ...]) -> None:
    for exercise in library:
        assert exercise.muscles, exercise.id
        assert set(exercise.muscles) <= set(MUSCLES)
        assert set(exercise.muscles.values()) <= {0.25, 0.5, 0.75, 1.0}


def test_aliases_are_lowercase(library: tuple[Exercise, ...]) -> None:
    for exercise in library:
        assert all(alias == alias.lower() for alias in exercise.aliases), exercise.id


def test_equipment_and_categories_are_wger_names_lowercased(library: tuple[Exercise, ...]) -> None:
    categories = {"arms", "legs", "abs", "chest", "back", "shoulders", "calves", "cardio"}
    for exercise in library:
        assert exercise.category in categories
        assert all(item == item.lower() for item in exercise.equipment)


def test_stable_ids_exist(by_id: dict[str, Exercise]) -> None:
    assert set(STABLE_IDS) <= set(by_id)
    assert set(build.STABLE_IDS) <= set(by_id)
    assert "chin-up" in by_id


@pytest.mark.parametrize(
    ("exercise_id", "muscles"),
    [
        ("bench-press", {"chest": 1.0, "front_delts": 0.5, "triceps": 0.5}),
        ("back-squat", {"quads": 1.0, "glutes": 0.75, "adductors": 0.5, "spinal_erectors": 0.25}),
        (
            "deadlift",
            {"glutes": 1.0, "hamstrings": 1.0, "spinal_erectors": 1.0, "quads": 0.5, "traps": 0.5, "forearms": 0.25},
        ),
        ("romanian-deadlift", {"hamstrings": 1.0, "glutes": 0.75, "spinal_erectors": 0.5}),
        ("overhead-press", {"front_delts": 1.0, "side_delts": 0.5, "triceps": 0.5}),
        ("barbell-row", {"lats": 1.0, "traps": 0.75, "rear_delts": 0.5, "biceps": 0.5}),
        ("seated-cable-row", {"lats": 1.0, "traps": 0.75, "rear_delts": 0.5, "biceps": 0.5}),
        ("pull-up", {"lats": 1.0, "biceps": 0.5, "rear_delts": 0.25}),
        ("lat-pulldown", {"lats": 1.0, "biceps": 0.5, "rear_delts": 0.25}),
        ("dip", {"chest": 0.75, "triceps": 1.0, "front_delts": 0.5}),
        ("hip-thrust", {"glutes": 1.0, "hamstrings": 0.25}),
        ("walking-lunge", {"quads": 1.0, "glutes": 0.75}),
        ("incline-dumbbell-press", {"chest": 1.0, "front_delts": 0.75, "triceps": 0.5}),
        ("leg-press", {"quads": 1.0, "glutes": 0.5, "adductors": 0.25}),
        ("leg-curl", {"hamstrings": 1.0}),
        ("leg-extension", {"quads": 1.0}),
        ("standing-calf-raise", {"calves": 1.0}),
        ("biceps-curl", {"biceps": 1.0}),
        ("hammer-curl", {"biceps": 1.0, "forearms": 0.5}),
        ("triceps-pushdown", {"triceps": 1.0}),
        ("skull-crusher", {"triceps": 1.0}),
        ("lateral-raise", {"side_delts": 1.0}),
        ("face-pull", {"rear_delts": 1.0, "traps": 0.5}),
        ("plank", {"abs": 1.0, "obliques": 0.5}),
        ("cable-crunch", {"abs": 1.0}),
    ],
)
def test_compound_overrides(by_id: dict[str, Exercise], exercise_id: str, muscles: dict[str, float]) -> None:
    assert by_id[exercise_id].muscles == muscles


def test_delt_heads_are_split_by_name(by_id: dict[str, Exercise]) -> None:
    assert "side_delts" in by_id["cable-lateral-raises-single-arm"].muscles
    assert "rear_delts" in by_id["cable-rear-delt-fly"].muscles
    assert "rear_delts" in by_id["bent-over-lateral-raises"].muscles
    assert "front_delts" in by_id["front-raises"].muscles


def test_serratus_is_dropped_and_brachialis_counts_as_biceps(by_id: dict[str, Exercise]) -> None:
    # wger: Dumbbell Concentration Curl is brachialis (primary) and biceps brachii (secondary).
    assert by_id["dumbbell-concentration-curl"].muscles == {"biceps": 1.0}
    # wger: Crunches is rectus abdominis (primary) and serratus anterior (secondary).
    assert by_id["crunches"].muscles == {"abs": 1.0}


def test_curated_records(by_id: dict[str, Exercise]) -> None:
    assert by_id["trap-bar-deadlift"].source == "spotter"
    assert by_id["glute-ham-raise"].muscles["hamstrings"] == 1.0


def test_rebuilding_from_wger_reproduces_the_committed_file() -> None:
    assert WGER_DIR.is_dir(), f"the shared wger data should be at {WGER_DIR}"
    assert build.DEFAULT_WGER_DIR == WGER_DIR
    assert build.build(WGER_DIR) == DATA_FILE.read_text(encoding="utf-8")


def test_build_script_writes_where_told(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "exercises.json"
    build.main(["--wger-dir", str(WGER_DIR), "--out", str(out)])
    assert out.read_bytes() == DATA_FILE.read_bytes()
    assert "exercises" in capsys.readouterr().out


def test_every_wger_record_names_its_source(library: tuple[Exercise, ...]) -> None:
    wger_ids = json.loads(DATA_FILE.read_text(encoding="utf-8"))["wger_ids"]
    from_wger = {exercise.id for exercise in library if exercise.source == "wger"}
    assert set(wger_ids) == from_wger
    assert wger_ids["bench-press"] == 73


# ---- search and resolve


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bench", "bench-press"),
        ("bench press", "bench-press"),
        ("Bench Press", "bench-press"),
        ("BP", "bench-press"),
        ("benchpress", "bench-press"),
        ("RDL", "romanian-deadlift"),
        ("rdls", "romanian-deadlift"),
        ("romanian deadlift", "romanian-deadlift"),
        ("stiff legged deadlift", "romanian-deadlift"),
        ("OHP", "overhead-press"),
        ("military press", "overhead-press"),
        ("shoulder press", "overhead-press"),
        ("squat", "back-squat"),
        ("squats", "back-squat"),
        ("back squat", "back-squat"),
        ("deadlift", "deadlift"),
        ("deadlifts", "deadlift"),
        ("DL", "deadlift"),
        ("pullups", "pull-up"),
        ("pull-up", "pull-up"),
        ("pull ups", "pull-up"),
        ("chin-ups", "chin-up"),
        ("lat pulldown", "lat-pulldown"),
        ("lat pull-down", "lat-pulldown"),
        ("cable row", "seated-cable-row"),
        ("bent over row", "barbell-row"),
        ("curls", "biceps-curl"),
        ("bicep curl", "biceps-curl"),
        ("hammer curls", "hammer-curl"),
        ("skull crushers", "skull-crusher"),
        ("skullcrushers", "skull-crusher"),
        ("tricep pushdown", "triceps-pushdown"),
        ("leg press", "leg-press"),
        ("leg curls", "leg-curl"),
        ("hamstring curl", "leg-curl"),
        ("leg extensions", "leg-extension"),
        ("calf raises", "standing-calf-raise"),
        ("lateral raises", "lateral-raise"),
        ("side raises", "lateral-raise"),
        ("face pulls", "face-pull"),
        ("hip thrust", "hip-thrust"),
        ("hip thrusts", "hip-thrust"),
        ("lunges", "walking-lunge"),
        ("dips", "dip"),
        ("planks", "plank"),
        ("cable crunch", "cable-crunch"),
        ("incline db press", "incline-dumbbell-press"),
        ("incline dumbbell press", "incline-dumbbell-press"),
        ("  Incline  DB-Press ", "incline-dumbbell-press"),
        ("trap bar deadlift", "trap-bar-deadlift"),
        ("bench-press", "bench-press"),
    ],
)
def test_resolve_common_phrasings(library: tuple[Exercise, ...], text: str, expected: str) -> None:
    found = resolve(library, text)
    assert found is not None, text
    assert found.id == expected
    assert search(library, text)[0].id == expected


@pytest.mark.parametrize("text", ["quantum flux", "", "   ", "?!", "zzzz"])
def test_resolve_nothing_for_unknown_text(library: tuple[Exercise, ...], text: str) -> None:
    assert resolve(library, text) is None


def test_search_finds_nothing_for_gibberish(library: tuple[Exercise, ...]) -> None:
    assert search(library, "quantum flux") == []


@pytest.mark.parametrize("text", ["incline press", "db press", "sumo", "dead"])
def test_resolve_declines_ambiguous_text(library: tuple[Exercise, ...], text: str) -> None:
    assert resolve(library, text) is None
    assert len(search(library, text, limit=5)) >= 2


def test_search_ranks_variants_after_the_exact_match(library: tuple[Exercise, ...]) -> None:
    found = [exercise.id for exercise in search(library, "deadlift", limit=10)]
    assert found[0] == "deadlift"
    assert {"sumo-deadlift", "deficit-deadlift", "romanian-deadlift"} <= set(found)


def test_search_respects_limit_and_is_stable(library: tuple[Exercise, ...]) -> None:
    first = search(library, "press", limit=7)
    assert len(first) == 7
    assert search(library, "press", limit=7) == first
    assert search(library, "press", limit=0) == []


def test_search_works_on_a_rebuilt_tuple(library: tuple[Exercise, ...]) -> None:
    # Callers pass `tuple(mapping.values())`; a new tuple of the same records must work the same.
    copy = tuple({exercise.id: exercise for exercise in library}.values())
    assert [e.id for e in search(copy, "rdl", 3)] == [e.id for e in search(library, "rdl", 3)]


def test_search_on_a_custom_library() -> None:
    tiny = (
        Exercise(id="a", name="Alpha Press", category="chest", muscles={"chest": 1.0}, license="CC0", author="x"),
        Exercise(
            id="b", name="Beta Row", aliases=("br",), category="back", muscles={"lats": 1.0}, license="CC0", author="x"
        ),
    )
    assert [e.id for e in search(tiny, "br")] == ["b"]
    assert resolve(tiny, "alpha pres") == tiny[0]
    assert resolve(tiny, "alpha") is None  # half a name is not confident
    assert suggest(tiny, "alfa press") == ["Alpha Press"]


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("benchpress", "Bench Press"),
        ("squatt", "Barbell Back Squat"),
        ("deadlfit", "Deadlift"),
        ("lat pulldwn", "Lat Pulldown"),
    ],
)
def test_suggest_offers_close_names(library: tuple[Exercise, ...], typo: str, expected: str) -> None:
    names = suggest(library, typo)
    assert 1 <= len(names) <= 3
    assert expected in names


def test_suggest_handles_ids_and_nonsense(library: tuple[Exercise, ...]) -> None:
    assert "Bench Press" in suggest(library, "bench_pres")
    assert suggest(library, "quantum flux") == []
    assert len(suggest(library, "curl", limit=5)) == 5


def test_load_library_is_cached() -> None:
    assert load_library() is load_library()


def test_search_is_fast(library: tuple[Exercise, ...]) -> None:
    queries = ["bench", "incline db press", "squatt", "quantum flux", "romanian deadlift single leg", "press", "curl"]
    search(library, "warm up")
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for query in queries:
            search(library, query)
            resolve(library, query)
    per_query = (time.perf_counter() - started) / (rounds * len(queries) * 2)
    # The budget is 2 ms a query; allow slow CI machines some slack.
    assert per_query < 0.004
