"""Paginated listings and counts for the API, in portable SQL, mixed into `SqlStore`.

Every query filters by `user_id`; pages are newest first with the id as a tie-break, so a page never
repeats or skips a row when several share a timestamp.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from stores import schema as t
from stores._rows import R, record
from stores.records import Fast, LoggedSet, Meal, Memory


class PageQueries:
    """Store methods that page through a user's rows or count them."""

    if TYPE_CHECKING:

        def _tx(self, user_id: str | None = None) -> AbstractAsyncContextManager[AsyncConnection]: ...

    async def _page(
        self,
        user_id: str,
        table: sa.Table,
        model: type[R],
        newest: sa.ColumnElement[Any],
        limit: int,
        offset: int,
        columns: tuple[sa.ColumnElement[Any], ...] = (),
    ) -> tuple[list[R], int]:
        owned = table.c.user_id == user_id
        count = sa.select(sa.func.count()).select_from(table).where(owned)
        query = sa.select(*columns) if columns else sa.select(table)
        query = query.where(owned).order_by(newest.desc(), table.c.id.desc()).limit(limit).offset(offset)
        async with self._tx(user_id) as conn:
            total = (await conn.execute(count)).scalar_one()
            rows = await conn.execute(query)
            return [record(model, row) for row in rows], total

    async def list_fasts(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[Fast], int]:
        """A page of the user's fasts, latest start first, and the total count."""
        return await self._page(user_id, t.fasts, Fast, t.fasts.c.started_at, limit, offset)

    async def list_sets(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[LoggedSet], int]:
        """A page of the user's logged sets, latest first, and the total count."""
        return await self._page(user_id, t.sets, LoggedSet, t.sets.c.performed_at, limit, offset)

    async def list_meals(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[Meal], int]:
        """A page of the user's meals, latest first, and the total count."""
        return await self._page(user_id, t.meals, Meal, t.meals.c.eaten_at, limit, offset)

    async def list_memories(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[Memory], int]:
        """A page of the user's memories (without embeddings), newest first, and the total count."""
        m = t.memories.c
        columns = (m.id, m.text, m.kind, m.created_at)
        return await self._page(user_id, t.memories, Memory, m.created_at, limit, offset, columns)

    async def count_usage(self, user_id: str, start: datetime, end: datetime) -> int:
        """How many usage records (turns that reached a model) the user has in [start, end)."""
        u = t.usage.c
        query = sa.select(sa.func.count()).where(u.user_id == user_id, u.at >= start, u.at < end)
        async with self._tx(user_id) as conn:
            return (await conn.execute(query)).scalar_one()

    async def user_message_times(self, user_id: str, since: datetime) -> list[datetime]:
        """When the user's own messages since `since` were written, oldest first."""
        m = t.messages.c
        query = sa.select(m.created_at).where(m.user_id == user_id, m.role == "user", m.created_at >= since)
        async with self._tx(user_id) as conn:
            return list((await conn.execute(query.order_by(m.created_at, m.id))).scalars())
