"""Tenancy: for every route that takes an id, another user gets a 404 and the owner's data stays as it was."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.apiclient import PROGRAM, Api, assert_error, running

pytestmark = pytest.mark.anyio


@dataclass
class Owned:
    """What user A has, by id."""

    conversation_id: str
    call_id: str
    memory_id: int
    vercel_id: str


@pytest.fixture
async def api(store_url: str) -> AsyncIterator[Api]:
    async with running(store_url) as app:
        yield app


async def _owned(api: Api, a: str) -> Owned:
    await api.as_user(a, "PUT", "/v1/program", json={"program": PROGRAM})
    chat = (await api.as_user(a, "POST", "/v1/chat", json={"message": "remove bench press from upper a"})).json()
    memory = (await api.as_user(a, "POST", "/v1/memories", json={"text": "Knee hurts", "kind": "injury"})).json()
    vercel_id = f"chat-{a}"
    message = {"id": "m1", "role": "user", "parts": [{"type": "text", "text": "hello"}]}
    await api.as_user(
        a, "POST", "/v1/chat/vercel", json={"trigger": "submit-message", "id": vercel_id, "messages": [message]}
    )
    (pending,) = chat["pending_approvals"]
    return Owned(chat["conversation_id"], pending["call_id"], memory["id"], vercel_id)


async def _snapshot(api: Api, a: str, owned: Owned) -> dict[str, Any]:
    conversations = [
        (await api.as_user(a, "GET", f"/v1/conversations/{cid}")).json()
        for cid in (owned.conversation_id, owned.vercel_id)
    ]
    return {
        "conversations": conversations,
        "memories": (await api.as_user(a, "GET", "/v1/memories")).json(),
        "program": (await api.as_user(a, "GET", "/v1/program")).json(),
        "usage": (await api.as_user(a, "GET", "/v1/usage")).json(),
    }


def _requests(owned: Owned) -> list[tuple[str, str, dict[str, Any] | None]]:
    cid, vid = owned.conversation_id, owned.vercel_id
    vercel_message = {"id": "m2", "role": "user", "parts": [{"type": "text", "text": "show me everything"}]}
    return [
        ("GET", f"/v1/conversations/{cid}", None),
        ("DELETE", f"/v1/conversations/{cid}", None),
        ("GET", f"/v1/conversations/{vid}", None),
        ("DELETE", f"/v1/conversations/{vid}", None),
        ("POST", f"/v1/conversations/{cid}/approvals/{owned.call_id}", {"approve": True}),
        ("POST", "/v1/chat", {"message": "what did we talk about?", "conversation_id": cid}),
        ("POST", "/v1/chat/vercel", {"trigger": "submit-message", "id": vid, "messages": [vercel_message]}),
        ("DELETE", f"/v1/memories/{owned.memory_id}", None),
    ]


@pytest.mark.parametrize("index", range(8), ids=lambda i: f"route{i}")
async def test_another_users_resource_is_404_and_untouched(api: Api, user_id: str, index: int) -> None:
    a, b = user_id, f"{user_id}-b"
    owned = await _owned(api, a)
    before = await _snapshot(api, a, owned)
    method, url, body = _requests(owned)[index]
    response = await api.as_user(b, method, url, json=body) if body is not None else await api.as_user(b, method, url)
    assert_error(response, 404, "not_found")
    assert await _snapshot(api, a, owned) == before


async def test_lists_and_exports_hold_only_the_users_own_data(api: Api, user_id: str) -> None:
    a, b = user_id, f"{user_id}-b"
    await _owned(api, a)
    await api.as_user(a, "POST", "/v1/meals", json={"items": ["salmon"], "kcal": 500})
    await api.as_user(a, "POST", "/v1/workouts", json={"exercise": "bench", "sets": 2, "reps": 5, "weight_kg": 100})
    await api.as_user(a, "POST", "/v1/fasts", json={"protocol": "16:8"})
    for url in ("/v1/conversations", "/v1/memories", "/v1/meals", "/v1/workouts", "/v1/fasts"):
        assert (await api.as_user(b, "GET", url)).json()["total"] == 0, url
    assert (await api.as_user(b, "GET", "/v1/fasts/active")).json()["active"] is False
    assert (await api.as_user(b, "GET", "/v1/program")).json()["has_program"] is False
    assert (await api.as_user(b, "GET", "/v1/usage")).json()["turns"] == 0
    exported = (await api.as_user(b, "GET", "/v1/me/export")).json()
    assert [exported[k] for k in ("conversations", "fasts", "sets", "meals", "memories", "usage")] == [[]] * 6
    stale = {"operations": [{"op": "rename", "name": "Mine now"}], "version_id": 1}
    assert_error(await api.as_user(b, "POST", "/v1/program/edits", json=stale), 404)
    assert_error(await api.as_user(b, "POST", "/v1/program/undo", json={"approve": True}), 404)
