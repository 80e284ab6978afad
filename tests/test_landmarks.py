import pytest
from pydantic import ValidationError

from stores.records import MUSCLES, Muscle
from tools.landmarks import LANDMARKS, Landmarks, band, landmarks_for, status


def test_every_canonical_muscle_has_landmarks() -> None:
    assert set(LANDMARKS) == set(MUSCLES)


def test_rp_figures_for_chest_and_back_are_verified() -> None:
    chest = LANDMARKS["chest"]
    assert (chest.mv, chest.mev, chest.mav_low, chest.mav_high, chest.mrv) == (8, 10, 12, 20, 22)
    assert chest.verified
    lats = LANDMARKS["lats"]
    assert (lats.mv, lats.mev, lats.mav_low, lats.mav_high, lats.mrv) == (8, 10, 14, 22, 25)
    assert lats.verified
    assert "back" in lats.source


def test_only_chest_and_back_are_verified() -> None:
    assert {muscle for muscle, marks in LANDMARKS.items() if marks.verified} == {"chest", "lats"}


def test_traps_use_their_own_row_not_back() -> None:
    traps = LANDMARKS["traps"]
    assert (traps.mev, traps.mav_low, traps.mav_high, traps.mrv) == (0, 12, 20, 26)
    assert "traps" in traps.source


def test_side_and_rear_delts_share_the_rp_row() -> None:
    assert LANDMARKS["side_delts"] == LANDMARKS["rear_delts"]
    assert LANDMARKS["side_delts"].mev == 8
    assert LANDMARKS["side_delts"].mrv == 26


@pytest.mark.parametrize("muscle", ["forearms", "spinal_erectors", "obliques", "adductors"])
def test_muscles_without_rp_figures_are_unverified_defaults(muscle: Muscle) -> None:
    marks = LANDMARKS[muscle]
    assert not marks.verified
    assert "no RP figure" in marks.source


def test_landmarks_are_immutable() -> None:
    with pytest.raises(ValidationError):
        LANDMARKS["chest"].mev = 4  # pyright: ignore[reportAttributeAccessIssue]
    with pytest.raises(TypeError):
        LANDMARKS["chest"] = LANDMARKS["lats"]  # type: ignore[index]


def test_landmarks_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="MV <= MEV"):
        Landmarks(mv=0, mev=12, mav_low=10, mav_high=20, mrv=22, source="test")


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        (0, "below_mev"),
        (9.5, "below_mev"),
        (10, "productive"),
        (16, "productive"),
        (22, "productive"),
        (22.5, "above_mrv"),
    ],
)
def test_status_boundaries_for_chest(sets: float, expected: str) -> None:
    assert status("chest", sets) == expected


def test_status_with_mev_zero_is_productive_at_zero_sets() -> None:
    assert status("glutes", 0) == "productive"
    assert status("glutes", 17) == "above_mrv"


def test_status_refuses_negative_sets() -> None:
    with pytest.raises(ValueError, match="negative"):
        status("chest", -1)


def test_overrides_replace_defaults_for_their_muscles_only() -> None:
    mine = Landmarks(mv=4, mev=6, mav_low=8, mav_high=12, mrv=14, source="my coach")
    overrides: dict[Muscle, Landmarks] = {"chest": mine}
    assert landmarks_for("chest", overrides) is mine
    assert landmarks_for("quads", overrides) is LANDMARKS["quads"]
    assert status("chest", 8, overrides) == "productive"
    assert status("chest", 8) == "below_mev"
    assert status("chest", 15, overrides) == "above_mrv"


def test_band_text() -> None:
    assert band("chest", 14) == "productive (MEV 10, MAV 12-20, MRV 22)"
    assert band("chest", 4) == "below MEV (MEV 10, MAV 12-20, MRV 22)"
    assert band("quads", 24) == "above MRV (MEV 8, MAV 12-18, MRV 20)"


def test_band_uses_overrides_and_prints_fractional_landmarks() -> None:
    mine = Landmarks(mv=2, mev=4.5, mav_low=6, mav_high=9, mrv=12, source="my coach")
    assert band("biceps", 5, {"biceps": mine}) == "productive (MEV 4.5, MAV 6-9, MRV 12)"
