"""Turn workers: chat admitted and run in a child process gives the same answers and errors as in the server."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic_ai.exceptions import AgentRunError
from sqlalchemy.exc import OperationalError

from coach import safety
from coach.api.errors import ApiError, not_found
from coach.api.workers import (
    DatabaseUnavailable,
    TurnFailed,
    WorkerPool,
    error_message,
    error_of,
)
from stores.base import ConflictError, NotFoundError, StoreError, UnknownExerciseError
from tests.apiclient import (
    PROGRAM,
    Api,
    assert_error,
    assert_vercel_turn,
    running,
    sse_events,
    vercel_body,
    vercel_chunks,
)

pytestmark = pytest.mark.anyio

SSE = {"Accept": "text/event-stream"}


@pytest.fixture
async def api(store_url: str) -> AsyncIterator[Api]:
    async with running(store_url, turn_workers=1, chat_per_minute=3) as app:
        yield app


def _pool(api: Api) -> WorkerPool:
    runner = api.app.state.services.runner
    assert isinstance(runner, WorkerPool)
    return runner


async def test_chat_runs_in_a_worker_process_with_the_same_answers(api: Api, user_id: str) -> None:
    (pid,) = _pool(api).pids
    assert pid is not None
    assert pid != os.getpid()
    await api.as_user(
        user_id, "POST", "/v1/workouts", json={"exercise": "bench", "sets": 3, "reps": 8, "weight_kg": 80}
    )

    response = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "how many sets for chest this week?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == "spotter-offline-1"
    assert [call["name"] for call in body["tool_calls"]] == ["get_volume_by_muscle"]
    assert "3" in body["reply"]

    follow_up = {"message": "how's my fast going?", "conversation_id": body["conversation_id"]}
    streamed = await api.as_user(user_id, "POST", "/v1/chat", json=follow_up, headers=SSE)
    assert streamed.status_code == 200, streamed.text
    events = sse_events(streamed.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "safety"
    assert kinds[-1] == "done"
    assert "tool_call" in kinds
    assert events[-1][1]["conversation_id"] == body["conversation_id"]

    stored = (await api.as_user(user_id, "GET", f"/v1/conversations/{body['conversation_id']}")).json()
    said = [m["text"] for m in stored["messages"] if m["role"] == "user"]
    assert said == ["how many sets for chest this week?", "how's my fast going?"]


async def test_refusals_from_a_worker_are_http_errors(api: Api, user_id: str) -> None:
    # Another user's conversation is a 404, as JSON and before any stream starts.
    theirs = await api.as_user(user_id + "-a", "POST", "/v1/chat", json={"message": "how's my fast going?"})
    other = {"message": "what did I eat today?", "conversation_id": theirs.json()["conversation_id"]}
    assert_error(await api.as_user(user_id, "POST", "/v1/chat", json=other), 404, "not_found")
    assert_error(await api.as_user(user_id, "POST", "/v1/chat", json=other, headers=SSE), 404, "not_found")
    mine = (await api.as_user(user_id + "-a", "GET", f"/v1/conversations/{other['conversation_id']}")).json()
    assert [m["text"] for m in mine["messages"] if m["role"] == "user"] == ["how's my fast going?"]

    # The burst limit (3 a minute here) is counted and refused in the worker, with its Retry-After.
    for _ in range(3):
        ok = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "what did I eat today?"})
        assert ok.status_code == 200, ok.text
    refused = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "what did I eat today?"}, headers=SSE)
    error = assert_error(refused, 429, "rate_limited")
    assert error["details"] == {"per_minute": 3}
    assert int(refused.headers["retry-after"]) >= 1
    # A crisis message still gets its fixed reply.
    crisis = {"message": "I have crushing chest pain and my left arm is numb"}
    answered = await api.as_user(user_id, "POST", "/v1/chat", json=crisis)
    assert answered.status_code == 200, answered.text
    assert answered.json()["model"] == "safety-filter"


async def test_approvals_are_answered_through_a_worker(api: Api, user_id: str) -> None:
    await api.as_user(user_id, "PUT", "/v1/program", json={"program": PROGRAM})
    response = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "remove bench press from upper a"})
    body = response.json()
    (pending,) = body["pending_approvals"]
    url = f"/v1/conversations/{body['conversation_id']}/approvals/{pending['call_id']}"
    assert_error(await api.as_user(user_id + "-b", "POST", url, json={"approve": True}), 404)
    answered = await api.as_user(user_id, "POST", url, json={"approve": True})
    assert answered.status_code == 200, answered.text
    assert answered.json()["pending_approvals"] == []
    view = (await api.as_user(user_id, "GET", "/v1/program")).json()
    assert "bench-press" not in [e["exercise_id"] for s in view["sessions"] for e in s["exercises"]]
    assert_error(await api.as_user(user_id, "POST", url, json={"approve": True}), 404)


async def test_a_worker_that_dies_is_replaced(api: Api, user_id: str) -> None:
    pool = _pool(api)
    (first,) = pool.pids
    assert first is not None
    os.kill(first, signal.SIGKILL)
    for _ in range(100):
        if not pool._workers[0].alive:  # pyright: ignore[reportPrivateUsage]
            break
        await asyncio.sleep(0.05)
    response = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "how's my fast going?"})
    assert response.status_code == 200, response.text
    (second,) = pool.pids
    assert second not in (None, first)


async def test_vercel_turns_run_in_a_worker_too(api: Api, user_id: str) -> None:
    conversation = await assert_vercel_turn(api, user_id)

    crisis = vercel_body(f"crisis-{user_id}", "I want to kill myself")
    chunks = vercel_chunks((await api.as_user(user_id, "POST", "/v1/chat/vercel", json=crisis)).text)
    deltas = "".join(str(c["delta"]) for c in chunks if isinstance(c, dict) and c["type"] == "text-delta")
    assert deltas == safety.FIXED_REPLIES["self_harm"]

    # Another user's chat id is refused before any stream starts, and their conversation is untouched.
    intruder = await api.as_user(user_id + "-b", "POST", "/v1/chat/vercel", json=vercel_body(f"chat-{user_id}", "hi"))
    assert_error(intruder, 404)
    after = (await api.as_user(user_id, "GET", f"/v1/conversations/chat-{user_id}")).json()
    assert after["messages"] == conversation["messages"]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (not_found("The conversation"), ApiError),
        (ApiError(429, "rate_limited", "slow down", {"per_minute": 3}, {"Retry-After": "7"}), ApiError),
        (NotFoundError("no conversation 'x'"), NotFoundError),
        (ConflictError("a fast is already running"), ConflictError),
        (StoreError("bad"), StoreError),
        (UnknownExerciseError("benchh", ["bench-press"]), UnknownExerciseError),
        (OperationalError("SELECT 1", {}, ConnectionRefusedError()), DatabaseUnavailable),
        (AgentRunError("usage limit"), AgentRunError),
        (RuntimeError("a bug with private detail"), TurnFailed),
    ],
)
def test_worker_errors_cross_the_pipe_as_the_same_kind(error: Exception, expected: type[Exception]) -> None:
    rebuilt = error_of(*error_message(error))
    assert type(rebuilt) is expected
    if isinstance(error, ApiError):
        assert isinstance(rebuilt, ApiError)
        got: tuple[Any, ...] = (rebuilt.status, rebuilt.code, rebuilt.message, rebuilt.details, rebuilt.headers)
        assert got == (error.status, error.code, error.message, error.details, error.headers)
    elif isinstance(error, UnknownExerciseError):
        assert isinstance(rebuilt, UnknownExerciseError)
        assert (rebuilt.exercise_id, list(rebuilt.suggestions)) == ("benchh", ["bench-press"])
    elif isinstance(error, StoreError):
        assert str(rebuilt) == str(error)
    if isinstance(error, RuntimeError):
        assert "private" not in str(rebuilt)


async def test_a_model_object_cannot_go_to_workers(tmp_path: Any) -> None:
    from coach.api import ApiSettings, create_app
    from coach.offline import OfflineModel

    settings = ApiSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", jwt_secret="x" * 32, turn_workers=1)
    with pytest.raises(ValueError, match="turn_workers=0"):
        create_app(settings, model=OfflineModel())
