"""Weekly set landmarks per muscle (MV / MEV / MAV / MRV) and where a weekly volume falls.

Figures are Renaissance Periodization's 2017 volume-landmark articles; only chest and back were
checked against the source, so every other row is marked unverified and all can be overridden.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stores.records import Muscle

VolumeStatus = Literal["below_mev", "productive", "above_mrv"]

SetCount = Annotated[float, Field(ge=0, le=100)]

RP_2017 = "Renaissance Periodization 2017 volume landmarks"
PROJECT_DEFAULT = "project default (no RP figure; conservative, trained indirectly by compound lifts)"


class Landmarks(BaseModel):
    """Weekly working-set landmarks for one muscle."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mv: SetCount
    """Maintenance volume."""
    mev: SetCount
    """Minimum effective volume: below this, little growth is expected."""
    mav_low: SetCount
    mav_high: SetCount
    """Maximum adaptive volume, a range where most growth happens."""
    mrv: SetCount
    """Maximum recoverable volume: above this, fatigue outpaces recovery."""
    source: str
    verified: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.mv <= self.mev <= self.mav_low <= self.mav_high <= self.mrv:
            raise ValueError("landmarks must satisfy MV <= MEV <= MAV low <= MAV high <= MRV")
        return self


def _rp(row: str, mv: int, mev: int, mav: tuple[int, int], mrv: int, verified: bool = False) -> Landmarks:
    return Landmarks(
        mv=mv, mev=mev, mav_low=mav[0], mav_high=mav[1], mrv=mrv, source=f"{RP_2017}: {row}", verified=verified
    )


def _default(mav: tuple[int, int], mrv: int) -> Landmarks:
    # MEV 0: these muscles get enough indirect work from squats, hinges and pulls to hold size.
    return Landmarks(mv=0, mev=0, mav_low=mav[0], mav_high=mav[1], mrv=mrv, source=PROJECT_DEFAULT)


_BACK = _rp("back", 8, 10, (14, 22), 25, verified=True)
_SIDE_REAR_DELTS = _rp("side+rear delts", 0, 8, (16, 22), 26)

LANDMARKS: Mapping[Muscle, Landmarks] = MappingProxyType(
    {
        "chest": _rp("chest", 8, 10, (12, 20), 22, verified=True),
        "lats": _BACK,
        "traps": _rp("traps", 0, 0, (12, 20), 26),
        "front_delts": _rp("front delts", 0, 0, (6, 8), 12),
        "side_delts": _SIDE_REAR_DELTS,
        "rear_delts": _SIDE_REAR_DELTS,
        "triceps": _rp("triceps", 4, 6, (10, 14), 18),
        "biceps": _rp("biceps", 5, 8, (14, 20), 26),
        "forearms": _default((4, 10), 16),
        # Low MRV because erector fatigue from heavy squats and deadlifts limits everything else.
        "spinal_erectors": _default((4, 8), 12),
        "abs": _rp("abs", 0, 0, (16, 20), 25),
        "obliques": _default((4, 10), 16),
        "glutes": _rp("glutes", 0, 0, (4, 12), 16),
        "quads": _rp("quads", 6, 8, (12, 18), 20),
        "hamstrings": _rp("hamstrings", 4, 6, (10, 16), 20),
        "adductors": _default((4, 10), 16),
        "calves": _rp("calves", 6, 8, (12, 16), 20),
    }
)
"""Default landmarks for every canonical muscle."""


def landmarks_for(muscle: Muscle, overrides: Mapping[Muscle, Landmarks] | None = None) -> Landmarks:
    """Return the landmarks for a muscle, preferring the user's override.

    Args:
        muscle: A canonical muscle group.
        overrides: The user's own landmarks, for any subset of muscles.

    """
    if overrides is not None and muscle in overrides:
        return overrides[muscle]
    return LANDMARKS[muscle]


def status(muscle: Muscle, sets_per_week: float, overrides: Mapping[Muscle, Landmarks] | None = None) -> VolumeStatus:
    """Classify a weekly set count: below MEV, productive (MEV to MRV inclusive) or above MRV.

    Args:
        muscle: A canonical muscle group.
        sets_per_week: Working sets per week, fractional sets allowed.
        overrides: The user's own landmarks, for any subset of muscles.

    Raises:
        ValueError: If sets_per_week is negative.

    """
    if sets_per_week < 0:
        raise ValueError(f"sets per week cannot be negative, got {sets_per_week}")
    marks = landmarks_for(muscle, overrides)
    if sets_per_week < marks.mev:
        return "below_mev"
    if sets_per_week > marks.mrv:
        return "above_mrv"
    return "productive"


_STATUS_TEXT: Mapping[VolumeStatus, str] = {
    "below_mev": "below MEV",
    "productive": "productive",
    "above_mrv": "above MRV",
}


def band(muscle: Muscle, sets: float, overrides: Mapping[Muscle, Landmarks] | None = None) -> str:
    """Human text for a weekly set count, e.g. `"productive (MEV 10, MAV 12-20, MRV 22)"`.

    Args:
        muscle: A canonical muscle group.
        sets: Working sets per week, fractional sets allowed.
        overrides: The user's own landmarks, for any subset of muscles.

    """
    marks = landmarks_for(muscle, overrides)
    text = _STATUS_TEXT[status(muscle, sets, overrides)]
    return f"{text} (MEV {_num(marks.mev)}, MAV {_num(marks.mav_low)}-{_num(marks.mav_high)}, MRV {_num(marks.mrv)})"


def _num(value: float) -> str:
    return f"{value:g}"
