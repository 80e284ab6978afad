"""Fasting stage labels, safety warnings and protocol lengths.

The stage labels are the rules of thumb fasting apps show, not physiology: timing varies between
people and human autophagy timing is not established. Every stage carries a source tag and a hedge
so the coach never states a label as a clinical fact.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from stores.records import PROTOCOL_HOURS, FastProtocol

APP_LABEL_SOURCE = "rule-of-thumb app label, not clinical"

MAX_CUSTOM_HOURS = 72.0
"""Longest custom fast the coach will set up; anything longer needs medical supervision."""

CAUTION_AFTER_HOURS = 24.0
SUPERVISION_AFTER_HOURS = 48.0
EXTENDED_TARGET_HOURS = 72.0

_HEDGE = "Apps use this label around this time; it is a rule of thumb, and real timing varies from person to person."


class FastStage(BaseModel):
    """A hedged, app-style label for how far into a fast someone is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    starts_at_hours: Annotated[float, Field(ge=0)]
    ends_at_hours: Annotated[float, Field(gt=0)] | None
    """Where the next stage starts; None for the last, open-ended stage."""
    source: str = APP_LABEL_SOURCE
    hedge: str = _HEDGE


STAGES: tuple[FastStage, ...] = (
    FastStage(
        label="fed",
        starts_at_hours=0,
        ends_at_hours=4,
        hedge="Apps call the first hours after a meal the fed state; it depends on what and how much was eaten.",
    ),
    FastStage(label="post-absorptive", starts_at_hours=4, ends_at_hours=12),
    FastStage(label="early fasting", starts_at_hours=12, ends_at_hours=16),
    FastStage(
        label="fat-burning (app label)",
        starts_at_hours=16,
        ends_at_hours=18,
        hedge="Apps call this stage fat-burning; the body uses some fat at all times, and the shift is gradual.",
    ),
    FastStage(label="ketosis beginning (app label)", starts_at_hours=18, ends_at_hours=24),
    FastStage(
        label="autophagy (app label; human timing not established)",
        starts_at_hours=24,
        ends_at_hours=48,
        hedge="Apps label this stage autophagy, but when autophagy rises in humans has not been established.",
    ),
    FastStage(label="deep ketosis (app label)", starts_at_hours=48, ends_at_hours=72),
    FastStage(
        label="extended fast",
        starts_at_hours=72,
        ends_at_hours=None,
        hedge="Fasts this long are outside what apps label; they call for medical supervision.",
    ),
)
"""The stages in order; each starts where the previous one ends."""


def stage_for(hours: float) -> FastStage:
    """Return the app-style stage label for a fast that has run `hours` (start inclusive, end exclusive).

    Args:
        hours: Elapsed hours since the fast started.

    Raises:
        ValueError: If hours is negative.

    """
    if math.isnan(hours) or hours < 0:
        raise ValueError(f"elapsed hours must be a non-negative number, got {hours}")
    return next(stage for stage in reversed(STAGES) if hours >= stage.starts_at_hours)


def fast_warnings(elapsed_hours: float, target_hours: float) -> list[str]:
    """Safety warnings for a fast, most severe last; empty when there is nothing to say.

    Args:
        elapsed_hours: Hours the fast has run so far.
        target_hours: Hours the fast is planned to run.

    Raises:
        ValueError: If elapsed_hours is negative or target_hours is not positive.

    """
    if not (elapsed_hours >= 0 and target_hours > 0):  # also rejects NaN
        raise ValueError(f"need elapsed >= 0 and target > 0 hours, got {elapsed_hours} and {target_hours}")
    warnings: list[str] = []
    if target_hours > EXTENDED_TARGET_HOURS:
        warnings.append(
            f"The target of {target_hours:g} hours is beyond {EXTENDED_TARGET_HOURS:g} hours: "
            "fasts that long should only be done under medical supervision."
        )
    if elapsed_hours > CAUTION_AFTER_HOURS:
        warnings.append(
            f"This fast has passed {CAUTION_AFTER_HOURS:g} hours: keep drinking water, and break it if you feel "
            "dizzy, faint, shaky, confused or unwell."
        )
    if elapsed_hours > SUPERVISION_AFTER_HOURS:
        warnings.append(
            f"This fast has passed {SUPERVISION_AFTER_HOURS:g} hours: going further should be medically supervised, "
            "and breaking a long fast carries a risk of refeeding syndrome, so refeed gently and seek medical advice."
        )
    return warnings


def protocol_hours(protocol: FastProtocol, custom_hours: float | None = None) -> float:
    """Target length in hours of a fasting protocol.

    Args:
        protocol: One of the named protocols, or `"custom"`.
        custom_hours: The length of a custom fast, more than 0 and at most 72 hours; only for `"custom"`.

    Raises:
        ValueError: If custom hours are missing or out of range for a custom fast, or given for a named one.

    """
    if protocol != "custom":
        if custom_hours is not None and custom_hours != PROTOCOL_HOURS[protocol]:
            hours = PROTOCOL_HOURS[protocol]
            raise ValueError(f"{protocol} is a fixed {hours:g}-hour fast; use 'custom' for other lengths")
        return float(PROTOCOL_HOURS[protocol])
    if custom_hours is None:
        raise ValueError("a custom fast needs its length in hours")
    if not 0 < custom_hours <= MAX_CUSTOM_HOURS:
        raise ValueError(
            f"a custom fast must last more than 0 and at most {MAX_CUSTOM_HOURS:g} hours, got {custom_hours:g}"
        )
    return float(custom_hours)
