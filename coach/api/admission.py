"""Admitting a turn: the token's user, the conversation or pending approval it names, and the quotas.

Runs where the turn runs (in a turn worker, or in the serving process when there are none), so the serving loop
spends nothing on chat beyond checking the token.
"""

from __future__ import annotations

from datetime import datetime

from pydantic_ai import ModelMessagesTypeAdapter, ModelRequest, ModelResponse, ToolReturnPart

from coach import safety
from coach.api import quotas
from coach.api.auth import Identity
from coach.api.errors import ApiError, not_found
from stores.base import Store
from stores.records import Conversation, User

FIXED_REPLY_CATEGORIES = frozenset({"emergency", "self_harm"})
"""Categories answered with a fixed reply and no model: never refused by a quota."""


async def resolve_user(store: Store, identity: Identity) -> User:
    """The identity's user: created on first sight, its tier kept to the token's claim."""
    stored = await store.user(identity.user_id)
    if stored is None:
        name = identity.name or identity.user_id[:80]
        stored = await store.ensure_user(User(id=identity.user_id, display_name=name, tier=identity.tier or "free"))
    if identity.tier is not None and stored.tier != identity.tier:
        stored = await store.update_user(stored.model_copy(update={"tier": identity.tier}))
    return stored


async def admit(
    store: Store,
    limits: quotas.Limits,
    identity: Identity,
    text: str | None,
    conversation_id: str | None,
    approvals: dict[str, bool] | None,
    now: datetime,
) -> User:
    """The user, once the turn may run: a new message (`text`) or answers to pending approvals.

    Raises:
        ApiError: 404 for a conversation or pending approval the user does not have; 429 over a limit (a crisis
            message is still admitted: its fixed reply reaches no model).

    """
    user = await resolve_user(store, identity)
    if approvals is None:
        if conversation_id and await store.conversation(user.id, conversation_id, messages=False) is None:
            raise not_found("The conversation")
        try:
            await quotas.enforce(store, user, limits, now, new_message=True)
        except ApiError:
            # The deep screen runs only here, so turns under the limit do not embed the message twice.
            if (await safety.screen_deep(text or "")).category not in FIXED_REPLY_CATEGORIES:
                raise
        return user
    conversation = await store.conversation(user.id, conversation_id) if conversation_id else None
    if conversation is None:
        raise not_found("The conversation")
    if not set(approvals) <= pending_call_ids(conversation):
        raise not_found("The pending approval")
    await quotas.enforce(store, user, limits, now, new_message=False)
    return user


def pending_call_ids(conversation: Conversation) -> set[str]:
    """Tool calls of the conversation's last model response that no later message answered."""
    history = [
        m for row in conversation.messages if row.payload for m in ModelMessagesTypeAdapter.validate_json(row.payload)
    ]
    last = next((i for i in range(len(history) - 1, -1, -1) if isinstance(history[i], ModelResponse)), None)
    if last is None:
        return set()
    response = history[last]
    assert isinstance(response, ModelResponse)
    answered = {
        part.tool_call_id
        for message in history[last + 1 :]
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    }
    return {call.tool_call_id for call in response.tool_calls} - answered
