from datetime import UTC, datetime

import pytest

from stores.records import SetIn, SetType
from tools.strength import brzycki, epley, estimate_1rm, volume_load

AT = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def a_set(reps: int, weight_kg: float, set_type: SetType = "working") -> SetIn:
    return SetIn(exercise_id="bench-press", reps=reps, weight_kg=weight_kg, set_type=set_type, performed_at=AT)


def test_epley_formula() -> None:
    assert epley(100, 10) == pytest.approx(133.333, abs=1e-3)


def test_brzycki_formula() -> None:
    assert brzycki(100, 10) == pytest.approx(133.333, abs=1e-3)
    assert brzycki(100, 5) == pytest.approx(112.5)


@pytest.mark.parametrize("reps", [37, 40])
def test_brzycki_refuses_to_divide_by_zero_or_less(reps: int) -> None:
    with pytest.raises(ValueError, match="fewer than 37"):
        brzycki(100, reps)


def test_formulas_refuse_negative_inputs() -> None:
    with pytest.raises(ValueError, match="negative"):
        epley(-5, 3)
    with pytest.raises(ValueError, match="negative"):
        brzycki(100, -1)


def test_zero_reps_gives_no_estimate() -> None:
    assert estimate_1rm(100, 0) is None


def test_a_true_single_is_the_weight_itself() -> None:
    assert estimate_1rm(142.5, 1, rir=0) == 142.5
    assert estimate_1rm(142.5, 1, formula="brzycki") == 142.5


def test_a_single_with_reserve_is_estimated_from_reps_to_failure() -> None:
    # 1 rep at RIR 2 is 3 reps to failure.
    assert estimate_1rm(100, 1, rir=2) == 110.0


def test_epley_estimate_is_rounded_to_one_decimal() -> None:
    assert estimate_1rm(100, 5) == 116.7


def test_brzycki_estimate() -> None:
    assert estimate_1rm(100, 5, formula="brzycki") == 112.5


def test_rir_adds_reps_to_failure() -> None:
    assert estimate_1rm(100, 5, rir=2) == estimate_1rm(100, 7) == 123.3


def test_rpe_is_read_as_ten_minus_rir() -> None:
    assert estimate_1rm(100, 5, rpe=8) == estimate_1rm(100, 5, rir=2)
    assert estimate_1rm(100, 5, rpe=8.5) == estimate_1rm(100, 5, rir=1.5)


def test_agreeing_rir_and_rpe_are_accepted() -> None:
    assert estimate_1rm(100, 5, rir=2, rpe=8) == 123.3


def test_disagreeing_rir_and_rpe_are_refused() -> None:
    with pytest.raises(ValueError, match="disagree"):
        estimate_1rm(100, 5, rir=1, rpe=7)


def test_reps_to_failure_above_the_cap_give_no_estimate() -> None:
    assert estimate_1rm(60, 12) is not None
    assert estimate_1rm(60, 13) is None
    assert estimate_1rm(60, 10, rir=3) is None
    assert estimate_1rm(60, 13, rep_cap=15) == 86.0


def test_unloaded_set_gives_no_estimate() -> None:
    assert estimate_1rm(0, 8) is None


@pytest.mark.parametrize("rep_cap", [0, 31, 40])
def test_rep_cap_out_of_range_is_refused(rep_cap: int) -> None:
    with pytest.raises(ValueError, match="rep_cap"):
        estimate_1rm(100, 5, rep_cap=rep_cap)


def test_negative_rir_is_refused() -> None:
    with pytest.raises(ValueError, match="RIR"):
        estimate_1rm(100, 5, rir=-1)


def test_volume_load_sums_working_sets_only() -> None:
    sets = [a_set(10, 40, "warmup"), a_set(8, 100), a_set(6, 100, "backoff"), a_set(12, 60, "drop")]
    assert volume_load(sets) == 800 + 600 + 720


def test_volume_load_can_include_warmups() -> None:
    sets = [a_set(10, 40, "warmup"), a_set(8, 100)]
    assert volume_load(sets, include_warmups=True) == 1200


def test_volume_load_rounds_to_one_decimal() -> None:
    assert volume_load([a_set(3, 33.33), a_set(1, 0.01)]) == 100.0


def test_volume_load_of_nothing_is_zero() -> None:
    assert volume_load([]) == 0
