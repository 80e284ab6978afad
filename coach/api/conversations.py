"""The user's conversations: list, read, delete."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel

from coach.api import errors
from coach.api.chat import ConversationId
from coach.api.deps import CurrentUser, Page, PageDep, StoreDep, page_of
from coach.api.errors import not_found
from stores.records import Conversation, ConversationMode, Role

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


class ConversationSummary(BaseModel):
    """A conversation without its messages."""

    id: str
    title: str
    mode: ConversationMode
    created_at: datetime
    updated_at: datetime


class MessageView(BaseModel):
    """One message a person would see."""

    id: int
    role: Role
    text: str
    created_at: datetime


class ConversationView(ConversationSummary):
    """A conversation with its messages, oldest first."""

    messages: list[MessageView]


def summary_of(conversation: Conversation) -> ConversationSummary:
    """A conversation's summary."""
    return ConversationSummary.model_validate(conversation.model_dump(exclude={"messages"}))


def view_of(conversation: Conversation) -> ConversationView:
    """A conversation with the messages that carry text (tool traffic is left out)."""
    messages = [
        MessageView(id=m.id, role=m.role, text=m.text, created_at=m.created_at)
        for m in conversation.messages
        if m.text and m.role in ("user", "assistant")
    ]
    return ConversationView(**summary_of(conversation).model_dump(), messages=messages)


@router.get("", response_model=Page[ConversationSummary], responses=errors.responses())
async def list_conversations(user: CurrentUser, store: StoreDep, page: PageDep) -> Page[ConversationSummary]:
    """The user's conversations, most recently active first."""
    items, total = await store.conversations(user.id, limit=page.per_page, offset=page.offset)
    return page_of([summary_of(c) for c in items], total, page)


@router.get("/{conversation_id}", response_model=ConversationView, responses=errors.responses(404))
async def get_conversation(conversation_id: ConversationId, user: CurrentUser, store: StoreDep) -> ConversationView:
    """One conversation with its messages."""
    conversation = await store.conversation(user.id, conversation_id)
    if conversation is None:
        raise not_found("The conversation")
    return view_of(conversation)


@router.delete("/{conversation_id}", status_code=204, response_class=Response, responses=errors.responses(404))
async def delete_conversation(conversation_id: ConversationId, user: CurrentUser, store: StoreDep) -> Response:
    """Delete a conversation and its messages (usage records stay, for billing)."""
    if not await store.delete_conversation(user.id, conversation_id):
        raise not_found("The conversation")
    return Response(status_code=204)
