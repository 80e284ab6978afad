"""Conversations, their messages and usage records, in portable SQL, mixed into `SqlStore`."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from stores import schema as t
from stores._rows import new_id, record
from stores.base import NotFoundError
from stores.records import Conversation, ConversationMode, MessageIn, StoredMessage, UsageIn, UsageRecord


class ConversationQueries:
    """Store methods for conversations and usage."""

    if TYPE_CHECKING:
        engine: AsyncEngine

        def _tx(self, user_id: str | None = None) -> AbstractAsyncContextManager[AsyncConnection]: ...

    def _upsert_conversation(self, values: dict[str, Any], now: datetime) -> Any:
        """Create the conversation, or touch it when it is this user's: one statement, one row or none."""
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        c = t.conversations
        statement = insert(c).values(**values, created_at=now, updated_at=now)
        return statement.on_conflict_do_update(
            index_elements=[c.c.id], set_={"updated_at": now}, where=c.c.user_id == statement.excluded.user_id
        )

    # ---- conversations and usage

    async def append_messages(
        self,
        user_id: str,
        conversation_id: str,
        messages: Sequence[MessageIn],
        usage: Sequence[UsageIn] = (),
    ) -> None:
        """Append messages (creating the conversation) and usage, in one transaction."""
        now = datetime.now(UTC)
        async with self._tx(user_id) as conn:
            title = next((m.text for m in messages if m.role == "user"), "")[:120] or "Conversation"
            values = {"id": conversation_id, "user_id": user_id, "title": title, "mode": "normal"}
            try:
                touched = (await conn.execute(self._upsert_conversation(values, now))).rowcount
            except ProgrammingError as exc:  # Postgres: another user's row, which row-level security hides
                raise NotFoundError(f"no conversation {conversation_id!r}") from exc
            if touched == 0:  # another user's id
                raise NotFoundError(f"no conversation {conversation_id!r}")
            if messages:
                rows = [m.model_dump() | {"user_id": user_id, "conversation_id": conversation_id} for m in messages]
                await conn.execute(t.messages.insert(), rows)
            if usage:
                await conn.execute(t.usage.insert(), [{"user_id": user_id, **u.model_dump()} for u in usage])

    async def conversation(self, user_id: str, conversation_id: str, *, messages: bool = True) -> Conversation | None:
        """A conversation with its messages (or without, for `messages=False`), or None."""
        c, msg = t.conversations, t.messages
        async with self._tx(user_id) as conn:
            query = sa.select(c).where(c.c.id == conversation_id, c.c.user_id == user_id)
            row = (await conn.execute(query)).first()
            if row is None or not messages:
                return None if row is None else record(Conversation, row)
            query = sa.select(msg.c.id, msg.c.role, msg.c.text, msg.c.payload, msg.c.created_at).where(
                msg.c.conversation_id == conversation_id, msg.c.user_id == user_id
            )
            stored = [record(StoredMessage, r) for r in await conn.execute(query.order_by(msg.c.id))]
        return record(Conversation, row).model_copy(update={"messages": tuple(stored)})

    async def conversations(self, user_id: str, limit: int = 20, offset: int = 0) -> tuple[list[Conversation], int]:
        """A page of conversations (without messages), newest first, and the total count."""
        c = t.conversations
        async with self._tx(user_id) as conn:
            count = sa.select(sa.func.count()).select_from(c).where(c.c.user_id == user_id)
            total = (await conn.execute(count)).scalar_one()
            query = sa.select(c).where(c.c.user_id == user_id).order_by(c.c.updated_at.desc(), c.c.id)
            rows = await conn.execute(query.limit(limit).offset(offset))
            return [record(Conversation, row) for row in rows], total

    async def set_conversation_mode(self, user_id: str, conversation_id: str, mode: ConversationMode) -> None:
        """Switch a conversation's mode (e.g. out of weight-loss coaching)."""
        c = t.conversations
        async with self._tx(user_id) as conn:
            query = c.update().where(c.c.id == conversation_id, c.c.user_id == user_id).values(mode=mode)
            if (await conn.execute(query)).rowcount == 0:
                raise NotFoundError(f"no conversation {conversation_id!r}")

    async def delete_conversation(self, user_id: str, conversation_id: str) -> bool:
        """Delete a conversation and its messages."""
        c, msg = t.conversations, t.messages
        async with self._tx(user_id) as conn:
            await conn.execute(msg.delete().where(msg.c.conversation_id == conversation_id, msg.c.user_id == user_id))
            result = await conn.execute(c.delete().where(c.c.id == conversation_id, c.c.user_id == user_id))
            return result.rowcount > 0

    async def record_usage(self, user_id: str, usage: UsageIn) -> UsageRecord:
        """Record one model call's tokens and cost."""
        async with self._tx(user_id) as conn:
            result = await conn.execute(t.usage.insert().values(user_id=user_id, **usage.model_dump()))
            return UsageRecord(id=new_id(result), **usage.model_dump())

    async def usage_between(self, user_id: str, start: datetime, end: datetime) -> list[UsageRecord]:
        """Usage records in [start, end), oldest first."""
        u = t.usage.c
        query = sa.select(t.usage).where(u.user_id == user_id, u.at >= start, u.at < end).order_by(u.at, u.id)
        async with self._tx(user_id) as conn:
            return [record(UsageRecord, row) for row in await conn.execute(query)]
