"""Strength arithmetic: estimated one-rep max (e1RM) and volume load."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from stores.records import SetIn, SetType

E1rmFormula = Literal["epley", "brzycki"]

WORKING_SET_TYPES: frozenset[SetType] = frozenset({"working", "backoff", "drop", "amrap", "failure"})
"""Set types that count as training stimulus; warm-ups are preparation, not volume."""

_BRZYCKI_LIMIT = 37
"""Brzycki's denominator `37 - reps` reaches zero here."""

_MAX_REP_CAP = 30
"""Beyond this no rep-based formula means much, and Brzycki would be near its pole."""


def epley(weight: float, reps: float) -> float:
    """Epley's e1RM, `weight * (1 + reps / 30)`, unrounded.

    Args:
        weight: Load lifted, any unit (the result is in the same unit).
        reps: Repetitions to failure; may be fractional (reps + a fractional RIR).

    Raises:
        ValueError: If weight or reps is negative.

    """
    _check_non_negative(weight, reps)
    return weight * (1 + reps / 30)


def brzycki(weight: float, reps: float) -> float:
    """Brzycki's e1RM, `weight * 36 / (37 - reps)`, unrounded.

    Args:
        weight: Load lifted, any unit (the result is in the same unit).
        reps: Repetitions to failure; must be below 37.

    Raises:
        ValueError: If weight or reps is negative, or reps is 37 or more (the formula divides by <= 0).

    """
    _check_non_negative(weight, reps)
    if reps >= _BRZYCKI_LIMIT:
        raise ValueError(f"Brzycki needs fewer than {_BRZYCKI_LIMIT} reps, got {reps}")
    return weight * 36 / (_BRZYCKI_LIMIT - reps)


def estimate_1rm(
    weight_kg: float,
    reps: int,
    rir: float | None = None,
    rpe: float | None = None,
    formula: E1rmFormula = "epley",
    rep_cap: int = 12,
) -> float | None:
    """Estimate a one-rep max from one set, rounded to 0.1 kg.

    Reps to failure are `reps + RIR` (RIR = 10 - RPE). With neither RIR nor RPE the set is taken
    as being to failure, which can only underestimate.

    Args:
        weight_kg: Load lifted in kilograms.
        reps: Repetitions performed.
        rir: Reps in reserve, if known.
        rpe: Rate of perceived exertion (1-10), used when RIR is not given.
        formula: `"epley"` or `"brzycki"`.
        rep_cap: Largest reps-to-failure still trusted (1-30).

    Returns:
        The estimate in kg, or None when there is none: no reps, no load, or reps to failure above
        `rep_cap` (too unreliable to report).

    Raises:
        ValueError: On negative inputs, an out-of-range `rep_cap`, or RIR and RPE that disagree.

    """
    if not 1 <= rep_cap <= _MAX_REP_CAP:
        raise ValueError(f"rep_cap must be between 1 and {_MAX_REP_CAP}, got {rep_cap}")
    _check_non_negative(weight_kg, reps)
    to_failure = reps + _reps_in_reserve(rir, rpe)
    if reps == 0 or weight_kg == 0 or to_failure > rep_cap:
        return None
    if to_failure == 1:
        return round(weight_kg, 1)
    estimate = epley(weight_kg, to_failure) if formula == "epley" else brzycki(weight_kg, to_failure)
    return round(estimate, 1)


def volume_load(sets: Iterable[SetIn], include_warmups: bool = False) -> float:
    """Sum of weight x reps over the sets, rounded to 0.1.

    Args:
        sets: Logged (or to-be-logged) sets.
        include_warmups: Count warm-up sets too; by default only working-type sets count.

    """
    total = sum(s.weight_kg * s.reps for s in sets if include_warmups or s.set_type in WORKING_SET_TYPES)
    return round(total, 1)


def _reps_in_reserve(rir: float | None, rpe: float | None) -> float:
    if rir is not None and rir < 0:
        raise ValueError(f"RIR cannot be negative, got {rir}")
    if rpe is not None and not 0 <= rpe <= 10:
        raise ValueError(f"RPE must be between 0 and 10, got {rpe}")
    if rir is not None and rpe is not None and abs(10 - rpe - rir) > 0.01:
        raise ValueError(f"RIR {rir} and RPE {rpe} disagree (RPE = 10 - RIR); give one of them")
    if rir is not None:
        return rir
    return 10 - rpe if rpe is not None else 0.0


def _check_non_negative(weight: float, reps: float) -> None:
    if weight < 0 or reps < 0:
        raise ValueError(f"weight and reps cannot be negative, got {weight} x {reps}")
