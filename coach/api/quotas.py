"""Quotas and rate limits, counted in the database so every API instance sees the same numbers.

Free users get a monthly number of AI messages: turns that reached a model (each writes one usage record),
so safety-only replies never count. Everyone has a per-minute burst limit on chat, counted from their stored
messages. A message the safety screen answers with a fixed reply (an emergency) is never refused.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, Field

from coach.api.errors import ApiError
from stores.base import Store
from stores.records import User

BURST_WINDOW = timedelta(minutes=1)


class Limits(Protocol):
    """The limits a quota check reads (the API's settings, or a turn worker's copy of them)."""

    @property
    def free_monthly_messages(self) -> int: ...
    @property
    def chat_per_minute(self) -> int: ...


class Quota(BaseModel):
    """The user's AI-message allowance this month (UTC calendar month)."""

    tier: str
    monthly_limit: int | None = Field(description="AI messages a month; null for unlimited (pro).")
    used: int = Field(description="AI messages this month (turns that reached a model).")
    remaining: int | None = Field(description="Null for unlimited.")
    resets_at: datetime
    per_minute: int = Field(description="Chat messages allowed per minute.")


def month_window(now: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar month containing `now`, as [start, end)."""
    start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


async def quota(store: Store, user: User, limits: Limits, now: datetime) -> Quota:
    """The user's allowance and what is left of it."""
    start, end = month_window(now)
    used = await store.count_usage(user.id, start, end)
    limit = None if user.tier == "pro" else limits.free_monthly_messages
    remaining = None if limit is None else max(limit - used, 0)
    return Quota(
        tier=user.tier,
        monthly_limit=limit,
        used=used,
        remaining=remaining,
        resets_at=end,
        per_minute=limits.chat_per_minute,
    )


async def enforce(store: Store, user: User, limits: Limits, now: datetime, *, new_message: bool) -> None:
    """Refuse a turn over the monthly quota or (for a new message) the burst limit.

    Raises:
        ApiError: 429 with `Retry-After`.

    """
    if new_message:
        recent = await store.user_message_times(user.id, now - BURST_WINDOW)
        if len(recent) >= limits.chat_per_minute:
            wait = recent[-limits.chat_per_minute] + BURST_WINDOW - now
            raise _too_many(
                "rate_limited",
                f"At most {limits.chat_per_minute} messages a minute; wait a moment.",
                wait,
                {"per_minute": limits.chat_per_minute},
            )
    allowance = await quota(store, user, limits, now)
    if allowance.remaining == 0:
        raise _too_many(
            "quota_exceeded",
            f"You have used all {allowance.monthly_limit} AI messages of the free plan this month.",
            allowance.resets_at - now,
            allowance.model_dump(mode="json"),
        )


def _too_many(code: str, message: str, wait: timedelta, details: dict[str, object]) -> ApiError:
    seconds = max(1, math.ceil(wait.total_seconds()))
    return ApiError(429, code, message, details, headers={"Retry-After": str(seconds)})
