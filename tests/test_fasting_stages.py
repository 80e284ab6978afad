import itertools

import pytest

from stores.records import PROTOCOL_HOURS, FastProtocol
from tools.fasting_stages import STAGES, fast_warnings, protocol_hours, stage_for


@pytest.mark.parametrize(
    ("hours", "label"),
    [
        (0, "fed"),
        (3.99, "fed"),
        (4, "post-absorptive"),
        (11.5, "post-absorptive"),
        (12, "early fasting"),
        (16, "fat-burning (app label)"),
        (17.9, "fat-burning (app label)"),
        (18, "ketosis beginning (app label)"),
        (23.9, "ketosis beginning (app label)"),
        (24, "autophagy (app label; human timing not established)"),
        (47, "autophagy (app label; human timing not established)"),
        (48, "deep ketosis (app label)"),
        (71.9, "deep ketosis (app label)"),
        (72, "extended fast"),
        (200, "extended fast"),
    ],
)
def test_stage_labels_by_elapsed_hours(hours: float, label: str) -> None:
    assert stage_for(hours).label == label


def test_stages_are_contiguous_and_hedged() -> None:
    for stage, following in itertools.pairwise(STAGES):
        assert stage.ends_at_hours == following.starts_at_hours
    assert STAGES[0].starts_at_hours == 0
    assert STAGES[-1].ends_at_hours is None
    for stage in STAGES:
        assert "not clinical" in stage.source
        assert stage.hedge.endswith(".")


def test_autophagy_stage_says_human_timing_is_not_established() -> None:
    assert "not been established" in stage_for(30).hedge


@pytest.mark.parametrize("hours", [-0.1, float("nan")])
def test_stage_for_refuses_impossible_hours(hours: float) -> None:
    with pytest.raises(ValueError, match="non-negative"):
        stage_for(hours)


def test_no_warnings_for_an_ordinary_fast() -> None:
    assert fast_warnings(14, 16) == []
    assert fast_warnings(24, 24) == []


def test_caution_past_24_hours() -> None:
    warnings = fast_warnings(24.5, 36)
    assert len(warnings) == 1
    assert "passed 24 hours" in warnings[0]


def test_medical_supervision_and_refeeding_past_48_hours() -> None:
    warnings = fast_warnings(49, 60)
    assert len(warnings) == 2
    assert "medically supervised" in warnings[-1]
    assert "refeeding" in warnings[-1]


def test_target_above_72_hours_is_flagged_from_the_start() -> None:
    warnings = fast_warnings(0, 96)
    assert len(warnings) == 1
    assert "96 hours" in warnings[0]
    assert "medical supervision" in warnings[0]
    assert fast_warnings(0, 72) == []


@pytest.mark.parametrize(("elapsed", "target"), [(-1, 16), (1, 0), (1, -16)])
def test_fast_warnings_refuses_impossible_inputs(elapsed: float, target: float) -> None:
    with pytest.raises(ValueError, match="elapsed"):
        fast_warnings(elapsed, target)


@pytest.mark.parametrize(("protocol", "hours"), list(PROTOCOL_HOURS.items()))
def test_named_protocol_hours(protocol: FastProtocol, hours: float) -> None:
    assert protocol_hours(protocol) == hours


def test_named_protocol_values() -> None:
    assert protocol_hours("OMAD") == 23
    assert protocol_hours("16:8", custom_hours=16) == 16


def test_named_protocol_with_other_hours_is_refused() -> None:
    with pytest.raises(ValueError, match="use 'custom'"):
        protocol_hours("16:8", custom_hours=14)


@pytest.mark.parametrize("hours", [0.5, 36, 72])
def test_custom_hours_within_range(hours: float) -> None:
    assert protocol_hours("custom", hours) == hours


@pytest.mark.parametrize("hours", [0, -4, 72.5, 168, float("nan")])
def test_custom_hours_out_of_range_are_refused(hours: float) -> None:
    with pytest.raises(ValueError, match="at most 72 hours"):
        protocol_hours("custom", hours)


def test_custom_without_hours_is_refused() -> None:
    with pytest.raises(ValueError, match="needs its length"):
        protocol_hours("custom")
