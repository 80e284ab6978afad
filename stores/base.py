"""The store contract: a narrow async protocol with methods named for what the coach needs.

Every method that touches personal data takes the user id first and only ever reads or writes
that user's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

from stores.records import (
    Conversation,
    ConversationMode,
    DayTotals,
    Exercise,
    Fast,
    FastIn,
    FastState,
    LoggedSet,
    Meal,
    MealIn,
    Memory,
    MemoryIn,
    MemoryKind,
    MessageIn,
    ProgramDraft,
    ProgramVersion,
    Recalled,
    SetIn,
    UsageIn,
    UsageRecord,
    User,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vector: TypeAlias = npt.NDArray[np.float32]
else:
    Vector = "numpy.ndarray"  # numpy loads only when vectors are used, keeping plain commands fast


class StoreError(Exception):
    """A request the store refused; the message is safe to show to a person."""


class NotFoundError(StoreError):
    """The record does not exist for this user."""


class ConflictError(StoreError):
    """The request clashes with the current state (e.g. a fast is already running)."""


class UnknownExerciseError(StoreError):
    """An exercise id that is not in the library."""

    def __init__(self, exercise_id: str, suggestions: Sequence[str] = ()) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown exercise {exercise_id!r}{hint}")
        self.exercise_id = exercise_id
        self.suggestions = tuple(suggestions)


@runtime_checkable
class Store(Protocol):
    """What the coach needs from storage."""

    def together(self, user_id: str) -> AbstractAsyncContextManager[None]:
        """Inside the block, this user's calls share one transaction (fewer round trips for a read-mostly request).

        Commits when the block ends normally, rolls back on an error.
        """
        ...

    # users
    async def ensure_user(self, user: User) -> User:
        """Create the user if missing; return the stored user."""
        ...

    async def user(self, user_id: str) -> User | None:
        """The user, or None."""
        ...

    async def update_user(self, user: User) -> User:
        """Replace the user's profile."""
        ...

    async def delete_user(self, user_id: str) -> bool:
        """Erase the user and everything they own, in one transaction."""
        ...

    # exercise library (shared, not personal)
    async def exercise(self, exercise_id: str) -> Exercise | None:
        """One exercise by id."""
        ...

    async def search_exercises(self, text: str, limit: int = 10) -> list[Exercise]:
        """Exercises matching a name, an alias or an abbreviation, best first."""
        ...

    # fasting
    async def active_fast(self, user_id: str) -> Fast | None:
        """The user's running fast, if any."""
        ...

    async def start_fast(self, user_id: str, fast: FastIn) -> Fast:
        """Start a fast; ConflictError if one is already running."""
        ...

    async def end_fast(self, user_id: str, at: datetime, state: FastState = "completed") -> Fast:
        """End the running fast; NotFoundError if there is none."""
        ...

    async def fasts_between(self, user_id: str, start: datetime, end: datetime) -> list[Fast]:
        """Fasts started in [start, end), oldest first."""
        ...

    # training
    async def log_sets(self, user_id: str, sets: Sequence[SetIn]) -> list[LoggedSet]:
        """Log sets as one workout; UnknownExerciseError writes nothing."""
        ...

    async def sets_between(self, user_id: str, start: datetime, end: datetime) -> list[LoggedSet]:
        """Sets performed in [start, end), oldest first."""
        ...

    # nutrition
    async def log_meal(self, user_id: str, meal: MealIn) -> Meal:
        """Log one meal."""
        ...

    async def meals_between(self, user_id: str, start: datetime, end: datetime) -> list[Meal]:
        """Meals eaten in [start, end), oldest first."""
        ...

    async def search_meals(self, user_id: str, text: str, limit: int = 20) -> list[Meal]:
        """Meals whose items or notes contain the text, newest first."""
        ...

    async def daily_totals(self, user_id: str, first: date, last: date) -> list[DayTotals]:
        """Per-day nutrition totals from first to last inclusive, days in the user's timezone."""
        ...

    # program
    async def program(self, user_id: str) -> ProgramVersion | None:
        """The user's current program version."""
        ...

    async def program_versions(self, user_id: str) -> list[ProgramVersion]:
        """Every version of the user's program, oldest first."""
        ...

    async def save_program_version(
        self, user_id: str, draft: ProgramDraft, parent_id: int | None = None
    ) -> ProgramVersion:
        """Store a new immutable version and make it current."""
        ...

    async def activate_program_version(self, user_id: str, version_id: int) -> ProgramVersion:
        """Make an existing version current again (undo)."""
        ...

    # memory
    async def remember(self, user_id: str, memory: MemoryIn, embedding: Vector) -> Memory:
        """Store a memory with its embedding."""
        ...

    async def recall(
        self, user_id: str, embedding: Vector, limit: int = 5, kind: MemoryKind | None = None
    ) -> list[Recalled]:
        """The user's memories nearest the embedding, best first."""
        ...

    async def memories(self, user_id: str, limit: int = 50, offset: int = 0) -> list[Memory]:
        """The user's memories, newest first."""
        ...

    async def forget(self, user_id: str, memory_id: int) -> bool:
        """Delete one memory; False if the user has no such memory."""
        ...

    # conversations and usage
    async def append_messages(
        self,
        user_id: str,
        conversation_id: str,
        messages: Sequence[MessageIn],
        usage: Sequence[UsageIn] = (),
    ) -> None:
        """Append messages (creating the conversation) and usage, in one transaction."""
        ...

    async def conversation(self, user_id: str, conversation_id: str, *, messages: bool = True) -> Conversation | None:
        """A conversation with its messages (or without, for `messages=False`), or None."""
        ...

    async def conversations(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[Conversation], int]:
        """A page of conversations (without messages), newest first, and the total count."""
        ...

    async def set_conversation_mode(self, user_id: str, conversation_id: str, mode: ConversationMode) -> None:
        """Switch a conversation's mode (e.g. out of weight-loss coaching)."""
        ...

    async def delete_conversation(self, user_id: str, conversation_id: str) -> bool:
        """Delete a conversation and its messages."""
        ...

    async def record_usage(self, user_id: str, usage: UsageIn) -> UsageRecord:
        """Record one model call's tokens and cost."""
        ...

    async def usage_between(self, user_id: str, start: datetime, end: datetime) -> list[UsageRecord]:
        """Usage records in [start, end), oldest first."""
        ...

    async def count_usage(self, user_id: str, start: datetime, end: datetime) -> int:
        """How many usage records (turns that reached a model) the user has in [start, end)."""
        ...

    async def user_message_times(self, user_id: str, since: datetime) -> list[datetime]:
        """When the user's own messages since `since` were written, oldest first."""
        ...

    # pages (newest first) with the total count, for the API
    async def list_fasts(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[Fast], int]:
        """A page of the user's fasts, latest start first, and the total count."""
        ...

    async def list_sets(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[LoggedSet], int]:
        """A page of the user's logged sets, latest first, and the total count."""
        ...

    async def list_meals(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[Meal], int]:
        """A page of the user's meals, latest first, and the total count."""
        ...

    async def list_memories(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[Memory], int]:
        """A page of the user's memories, newest first, and the total count."""
        ...
