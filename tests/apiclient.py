"""Test helpers for the chat API: the app on a real store, driven in-process through httpx2's ASGI transport."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
from fastapi import FastAPI
from jwt import PyJWKClient
from pydantic_ai.models import Model

from coach.api import ApiSettings, create_app
from coach.api.auth import mint_token
from coach.embedder import HashEmbedder
from coach.offline import OfflineModel

SECRET = "test-secret-for-the-spotter-api-0123456789"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday

PROGRAM: dict[str, Any] = {
    "name": "Upper/Lower",
    "kind": "weekly",
    "sessions": [
        {
            "name": "Upper A",
            "weekday": 0,
            "exercises": [
                {"exercise_id": "bench-press", "sets": 3, "rep_min": 6, "rep_max": 10},
                {"exercise_id": "barbell-row", "sets": 3, "rep_min": 8, "rep_max": 12},
            ],
        },
        {
            "name": "Lower A",
            "weekday": 2,
            "exercises": [{"exercise_id": "back-squat", "sets": 4, "rep_min": 5, "rep_max": 8}],
        },
    ],
}


@dataclass
class Clock:
    """A clock tests move by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Api:
    """A running app and a client for it."""

    app: FastAPI
    client: httpx2.AsyncClient
    clock: Clock
    responses: list[httpx2.Response] = field(default_factory=list[httpx2.Response])

    async def as_user(self, user: str, method: str, url: str, **kwargs: Any) -> httpx2.Response:
        headers = {**auth(user), **kwargs.pop("headers", {})}
        return await self.client.request(method, url, headers=headers, **kwargs)


def token(user: str, **claims: Any) -> str:
    return mint_token(SECRET, user, **claims)


def auth(user: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(user, **claims)}"}


def assert_error(response: httpx2.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["request_id"] == response.headers["x-request-id"]
    if code is not None:
        assert error["code"] == code
    return error


async def _checked(response: httpx2.Response) -> None:
    """Every response has a request id; every error has the one shape; nothing is a 500."""
    assert response.headers.get("x-request-id")
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.status_code != 500, "the API produced a 500"
    if response.status_code >= 400:
        await response.aread()
        body = response.json()
        assert set(body["error"]) == {"code", "message", "details", "request_id"}


@asynccontextmanager
async def running(
    store_url: str,
    *,
    clock: Clock | None = None,
    jwks: PyJWKClient | None = None,
    check: bool = True,
    model: Model | None = None,
    **settings: Any,
) -> AsyncIterator[Api]:
    """The app on `store_url` with the offline model, a word-hash embedder and a fixed clock.

    Turns run in the app's process unless `turn_workers` is given; workers build the offline model and the
    MiniLM embedder themselves (from the settings), so `model` applies only to turns run in the process.
    """
    config = ApiSettings(**{"database_url": store_url, "jwt_secret": SECRET, "turn_workers": 0, **settings})
    clock = clock or Clock()
    inline = config.turn_workers == 0
    app = create_app(
        config,
        model=(model or OfflineModel()) if inline else None,
        embedder=HashEmbedder(),
        jwks=jwks,
        clock=clock,
        migrate=True,
    )
    hooks: dict[str, list[Any]] = {"response": [_checked] if check else []}
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver", event_hooks=hooks) as client:
            yield Api(app=app, client=client, clock=clock)


def sse_events(text: str) -> list[tuple[str, Any]]:
    """The (event, data) pairs of a server-sent event stream."""
    events: list[tuple[str, Any]] = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def vercel_body(chat_id: str, text: str) -> dict[str, object]:
    """A Vercel AI SDK chat request with one user message."""
    message = {"id": "m1", "role": "user", "parts": [{"type": "text", "text": text}]}
    return {"trigger": "submit-message", "id": chat_id, "messages": [message]}


def vercel_chunks(text: str) -> list[dict[str, object] | str]:
    """The data lines of a Vercel AI UI message stream, decoded (`[DONE]` kept as text)."""
    chunks: list[dict[str, object] | str] = []
    for line in text.splitlines():
        if line.startswith("data: "):
            payload = line.removeprefix("data: ")
            chunks.append(payload if payload == "[DONE]" else json.loads(payload))
    return chunks


async def assert_vercel_turn(api: Api, user_id: str) -> dict[str, Any]:
    """A Vercel AI turn that calls a tool streams the UI protocol and is stored like any turn; the conversation."""
    await api.as_user(
        user_id, "POST", "/v1/workouts", json={"exercise": "squat", "sets": 4, "reps": 5, "weight_kg": 100}
    )
    question = "How many sets for quads this week?"
    response = await api.as_user(user_id, "POST", "/v1/chat/vercel", json=vercel_body(f"chat-{user_id}", question))
    assert response.status_code == 200, response.text
    assert response.headers["x-vercel-ai-ui-message-stream"] == "v1"
    chunks = vercel_chunks(response.text)
    types = [c["type"] for c in chunks if isinstance(c, dict)]
    assert types[0] == "start"
    assert "tool-input-available" in types
    assert "text-delta" in types
    assert chunks[-1] == "[DONE]"
    conversation = (await api.as_user(user_id, "GET", f"/v1/conversations/chat-{user_id}")).json()
    assert (conversation["messages"][0]["role"], conversation["messages"][0]["text"]) == ("user", question)
    assert conversation["messages"][-1]["role"] == "assistant"
    assert (await api.as_user(user_id, "GET", "/v1/usage")).json()["turns"] == 1
    return conversation
