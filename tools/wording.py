"""How tool summaries write numbers, muscles and volume statuses, so every tool words them alike."""

from __future__ import annotations

from collections.abc import Mapping

from stores.records import Muscle
from tools.landmarks import VolumeStatus

STATUS_TEXT: Mapping[VolumeStatus, str] = {
    "below_mev": "below MEV",
    "productive": "productive",
    "above_mrv": "above MRV",
}


def number(value: float) -> str:
    """A figure as summaries write it: an integer or one decimal, no separators (e.g. `12.5`, `3`)."""
    return f"{round(value, 1):g}"


def muscle_label(muscle: Muscle) -> str:
    """A muscle as people write it, e.g. `front delts`."""
    return muscle.replace("_", " ")


def status_text(value: VolumeStatus) -> str:
    """A volume status as people read it, e.g. `above MRV`."""
    return STATUS_TEXT[value]
