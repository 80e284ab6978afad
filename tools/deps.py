"""What every tool receives through the run context: the user, their store, and every source of change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

from stores.base import Store
from stores.records import ConversationMode, User

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


class TextEmbedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (see `coach.embedder`)."""

    dim: int

    async def embed(self, texts: list[str] | tuple[str, ...]) -> npt.NDArray[np.float32]:
        """Embed texts; returns an array of shape (len(texts), dim)."""
        ...


@dataclass
class CoachDeps:
    """One run's dependencies. Tools take the user from here, never from their arguments."""

    user: User
    store: Store
    embedder: TextEmbedder
    now: datetime
    """The run's clock (aware); tests and evals fix it."""
    mode: ConversationMode = "normal"
    medical: bool = False
    """The safety screen found a medical question: tools that would advise on a condition are withheld."""
    conversation_id: str | None = None
    notes: list[str] = field(default_factory=list[str])
    """Things tools want the turn to know (e.g. a pending program edit)."""

    @property
    def user_id(self) -> str:
        """The user every store call is scoped to."""
        return self.user.id

    @property
    def today(self) -> date:
        """Today in the user's timezone."""
        return self.now.astimezone(self.user.zone).date()


class ToolResult(BaseModel):
    """Base of every tool's result: typed figures plus one grounded sentence built from them."""

    summary: str
    """A plain sentence stating the result; every number in it comes from the fields."""
