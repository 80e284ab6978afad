"""Records that cross the store boundary: Pydantic models, never ORM rows or driver types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Muscle = Literal[
    "chest",
    "lats",
    "traps",
    "front_delts",
    "side_delts",
    "rear_delts",
    "triceps",
    "biceps",
    "forearms",
    "spinal_erectors",
    "abs",
    "obliques",
    "glutes",
    "quads",
    "hamstrings",
    "adductors",
    "calves",
]
"""The canonical muscle groups (17, the hypertrophy convention; `traps` covers traps and rhomboids,
`biceps` all elbow flexors). No 18th group: the exercise data has nothing to fill one with."""

MUSCLES: tuple[Muscle, ...] = Muscle.__args__  # pyright: ignore[reportAttributeAccessIssue]

CONTRIBUTIONS = (0.25, 0.5, 0.75, 1.0)


def _contribution(value: float) -> float:
    if value not in CONTRIBUTIONS:
        raise ValueError(f"a muscle contribution is one of {CONTRIBUTIONS}")
    return value


Contribution = Annotated[float, AfterValidator(_contribution)]
Tier = Literal["free", "pro"]
Units = Literal["metric", "imperial"]
SetType = Literal["warmup", "working", "backoff", "drop", "amrap", "failure"]
MealType = Literal["breakfast", "lunch", "dinner", "snack"]
FastProtocol = Literal["16:8", "18:6", "20:4", "OMAD", "24h", "custom"]
FastState = Literal["scheduled", "active", "completed", "abandoned"]
MemoryKind = Literal["note", "injury", "preference", "goal", "fact"]
Role = Literal["user", "assistant", "system", "tool"]
ConversationMode = Literal["normal", "disordered_eating"]

PROTOCOL_HOURS: dict[FastProtocol, float] = {"16:8": 16, "18:6": 18, "20:4": 20, "OMAD": 23, "24h": 24}


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware")
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {value!r}") from exc
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
TimeZoneName = Annotated[str, AfterValidator(_zone)]


class Record(BaseModel):
    """Base of every record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Goals(Record):
    """Daily nutrition goals and an optional target body weight."""

    daily_kcal: Annotated[int, Field(ge=1200, le=6000)] = 2200
    protein_g: Annotated[int, Field(ge=0, le=400)] = 140
    target_weight_kg: Annotated[float, Field(gt=25, lt=350)] | None = None


class User(Record):
    """A person the coach works for; days are computed in their timezone."""

    id: Annotated[str, Field(min_length=1, max_length=128)]
    display_name: Annotated[str, Field(min_length=1, max_length=80)]
    tier: Tier = "free"
    timezone: TimeZoneName = "UTC"
    units: Units = "metric"
    goals: Goals = Goals()

    @property
    def zone(self) -> ZoneInfo:
        """The user's timezone."""
        return ZoneInfo(self.timezone)


class Exercise(Record):
    """A library exercise with per-muscle contributions (1.0 primary, 0.5 secondary, finer overrides)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    category: str
    muscles: dict[Muscle, Contribution]
    source: str = "wger"
    license: str
    author: str


class PlannedExercise(Record):
    """One exercise in a program session: sets, a rep range and a target RIR."""

    exercise_id: str
    sets: Annotated[int, Field(ge=1, le=12)]
    rep_min: Annotated[int, Field(ge=1, le=50)]
    rep_max: Annotated[int, Field(ge=1, le=50)]
    target_rir: Annotated[int, Field(ge=0, le=5)] = 2

    @model_validator(mode="after")
    def _reps_ordered(self) -> Self:
        if self.rep_max < self.rep_min:
            raise ValueError("rep_max must be at least rep_min")
        return self


class ProgramSession(Record):
    """A training session of a program, on a weekday (weekly) or a day index (cyclic)."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    weekday: Annotated[int, Field(ge=0, le=6)] | None = None
    day_index: Annotated[int, Field(ge=0, le=30)] | None = None
    exercises: tuple[PlannedExercise, ...] = ()

    @model_validator(mode="after")
    def _one_schedule(self) -> Self:
        if (self.weekday is None) == (self.day_index is None):
            raise ValueError("a session has either a weekday (weekly programs) or a day index (cyclic ones)")
        return self


class ProgramDraft(Record):
    """The content of a program version, before it is stored."""

    name: Annotated[str, Field(min_length=1, max_length=80)]
    kind: Literal["weekly", "cyclic"] = "weekly"
    sessions: tuple[ProgramSession, ...]
    note: str = ""

    @model_validator(mode="after")
    def _schedule_matches_kind(self) -> Self:
        for session in self.sessions:
            if (self.kind == "weekly") != (session.weekday is not None):
                raise ValueError(f"session {session.name!r} does not match a {self.kind} program")
        return self


class ProgramVersion(ProgramDraft):
    """An immutable stored program version; an edit makes a new one pointing at its parent."""

    id: int
    program_id: int
    number: int
    parent_id: int | None
    created_at: AwareDatetime


class SetIn(Record):
    """One set to log."""

    exercise_id: str
    reps: Annotated[int, Field(ge=0, le=100)]
    weight_kg: Annotated[float, Field(ge=0, le=1000)]
    rir: Annotated[float, Field(ge=0, le=10)] | None = None
    rpe: Annotated[float, Field(ge=1, le=10)] | None = None
    set_type: SetType = "working"
    performed_at: AwareDatetime

    @model_validator(mode="after")
    def _effort_once(self) -> Self:
        if self.rir is not None and self.rpe is not None and abs(10 - self.rpe - self.rir) > 0.01:
            raise ValueError("RIR and RPE disagree (RPE = 10 - RIR); give one of them")
        return self


class LoggedSet(SetIn):
    """A logged set."""

    id: int
    workout_id: int


class MealIn(Record):
    """One meal to log."""

    eaten_at: AwareDatetime
    meal_type: MealType
    items: tuple[Annotated[str, Field(min_length=1, max_length=120)], ...] = Field(min_length=1)
    kcal: Annotated[float, Field(ge=0, le=10000)]
    protein_g: Annotated[float, Field(ge=0, le=1000)] = 0
    carbs_g: Annotated[float, Field(ge=0, le=2000)] = 0
    fat_g: Annotated[float, Field(ge=0, le=1000)] = 0
    fiber_g: Annotated[float, Field(ge=0, le=500)] = 0
    notes: Annotated[str, Field(max_length=1000)] = ""


class Meal(MealIn):
    """A logged meal."""

    id: int


class DayTotals(Record):
    """Nutrition totals of one day in the user's timezone."""

    day: date
    meals: int
    kcal: float
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float


class FastIn(Record):
    """A fasting window to store."""

    protocol: FastProtocol
    target_hours: Annotated[float, Field(gt=0, le=168)]
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    state: FastState = "active"

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("a fast cannot end before it starts")
        if self.state == "active" and self.ended_at is not None:
            raise ValueError("an active fast has no end time")
        if self.state in ("completed", "abandoned") and self.ended_at is None:
            raise ValueError(f"a {self.state} fast needs an end time")
        return self


class Fast(FastIn):
    """A stored fasting window."""

    id: int


class MemoryIn(Record):
    """A note for the coach to remember."""

    text: Annotated[str, Field(min_length=1, max_length=2000)]
    kind: MemoryKind = "note"
    created_at: AwareDatetime


class Memory(MemoryIn):
    """A stored memory (its embedding stays in the store)."""

    id: int


class Recalled(Record):
    """A memory found by similarity, with its score."""

    memory: Memory
    score: float
    """Cosine similarity, 1.0 for the same direction."""


class MessageIn(Record):
    """A conversation message to store."""

    role: Role
    text: str
    payload: str = ""
    """The message as the agent layer serialised it (opaque to the store)."""
    created_at: AwareDatetime


class StoredMessage(MessageIn):
    """A stored conversation message."""

    id: int


class Conversation(Record):
    """A conversation, with its messages when read one at a time."""

    id: str
    title: str
    mode: ConversationMode
    created_at: AwareDatetime
    updated_at: AwareDatetime
    messages: tuple[StoredMessage, ...] = ()


class UsageIn(Record):
    """One model call's tokens and cost."""

    model: str
    conversation_id: str | None = None
    input_tokens: Annotated[int, Field(ge=0)]
    output_tokens: Annotated[int, Field(ge=0)]
    requests: Annotated[int, Field(ge=0)] = 1
    cost_usd: Annotated[Decimal, Field(ge=0)] | None = None
    at: AwareDatetime


class UsageRecord(UsageIn):
    """A stored usage record."""

    id: int


class Window(Record):
    """A half-open time window [start, end)."""

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError("the end of a window cannot be before its start")
        return self
