"""The chat API: JSON and server-sent events, approvals, and the Vercel AI adapter route."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic_ai import ModelMessage
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.models.function import AgentInfo, FunctionModel

from coach import safety
from tests.apiclient import (
    PROGRAM,
    Api,
    assert_error,
    assert_vercel_turn,
    auth,
    running,
    sse_events,
    vercel_body,
    vercel_chunks,
)

pytestmark = pytest.mark.anyio

SSE = {"Accept": "text/event-stream"}


@pytest.fixture
async def api(store_url: str) -> AsyncIterator[Api]:
    async with running(store_url) as app:
        yield app


async def test_json_chat_calls_tools_and_continues_a_conversation(api: Api, user_id: str) -> None:
    await api.as_user(
        user_id, "POST", "/v1/workouts", json={"exercise": "bench", "sets": 3, "reps": 8, "weight_kg": 80}
    )
    response = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "How many sets did I do for chest?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"conversation_id", "reply", "tool_calls", "safety", "model", "usage", "pending_approvals"}
    assert [call["name"] for call in body["tool_calls"]] == ["get_volume_by_muscle"]
    assert body["safety"]["category"] == "allow"
    assert body["usage"]["requests"] >= 2
    assert "3" in body["reply"]
    follow = {"message": "and for back?", "conversation_id": body["conversation_id"]}
    again = await api.as_user(user_id, "POST", "/v1/chat", json=follow)
    assert again.json()["conversation_id"] == body["conversation_id"]
    stored = (await api.as_user(user_id, "GET", f"/v1/conversations/{body['conversation_id']}")).json()
    assert [m["role"] for m in stored["messages"]] == ["user", "assistant", "user", "assistant"]


async def test_chat_input_is_bounded_and_validated(api: Api, user_id: str) -> None:
    too_long = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "x" * 4001})
    assert assert_error(too_long, 422, "validation_error")["details"][0]["loc"] == ["body", "message"]
    assert_error(await api.as_user(user_id, "POST", "/v1/chat", json={"message": "   "}), 422)
    assert_error(await api.as_user(user_id, "POST", "/v1/chat", json={"message": "hi", "extra": 1}), 422)
    assert_error(await api.as_user(user_id, "POST", "/v1/chat", content=b"{not json", headers={}), 422)
    unknown = {"message": "hi", "conversation_id": "does-not-exist"}
    assert_error(await api.as_user(user_id, "POST", "/v1/chat", json=unknown), 404, "not_found")


async def test_sse_streams_the_turn_and_ends_with_done(api: Api, user_id: str) -> None:
    await api.as_user(user_id, "POST", "/v1/fasts", json={"protocol": "16:8", "started_hours_ago": 5})
    response = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "How is my fast going?"}, headers=SSE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "safety"
    assert kinds[-1] == "done"
    assert kinds.index("tool_call") < kinds.index("tool_result") < kinds.index("text")
    result = next(data for kind, data in events if kind == "tool_result")
    assert result["name"] == "get_active_fast"
    assert "5 hours" in result["summary"]
    done = events[-1][1]
    assert done["conversation_id"]
    assert done["usage"]["requests"] >= 1
    streamed = "".join(data["delta"] for kind, data in events if kind == "text")
    assert streamed == done["reply"]


async def test_sse_emergency_gets_the_fixed_reply_without_a_model(api: Api, user_id: str) -> None:
    message = {"message": "I have crushing chest pain and my left arm is numb"}
    response = await api.as_user(user_id, "POST", "/v1/chat", json=message, headers=SSE)
    events = sse_events(response.text)
    assert [kind for kind, _ in events] == ["safety", "text", "done"]
    assert events[0][1]["category"] == "emergency"
    assert events[-1][1]["model"] == "safety-filter"
    assert events[-1][1]["reply"] == safety.FIXED_REPLIES["emergency"]
    usage = (await api.as_user(user_id, "GET", "/v1/usage")).json()
    assert usage["turns"] == 0


async def _pending_edit(api: Api, user_id: str) -> tuple[str, str]:
    await api.as_user(user_id, "PUT", "/v1/program", json={"program": PROGRAM})
    response = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "remove bench press from upper a"})
    body = response.json()
    (pending,) = body["pending_approvals"]
    assert pending["name"] == "edit_program"
    assert any("Bench Press" in line for line in pending["metadata"]["diff"])
    return body["conversation_id"], pending["call_id"]


async def _exercise_ids(api: Api, user_id: str) -> list[str]:
    view = (await api.as_user(user_id, "GET", "/v1/program")).json()
    return [e["exercise_id"] for s in view["sessions"] for e in s["exercises"]]


async def test_approving_a_pending_edit_applies_it(api: Api, user_id: str) -> None:
    conversation_id, call_id = await _pending_edit(api, user_id)
    assert "bench-press" in await _exercise_ids(api, user_id)
    url = f"/v1/conversations/{conversation_id}/approvals/{call_id}"
    response = await api.as_user(user_id, "POST", url, json={"approve": True})
    assert response.status_code == 200, response.text
    assert response.json()["pending_approvals"] == []
    assert "bench-press" not in await _exercise_ids(api, user_id)
    # Answered once: the call is no longer pending.
    assert_error(await api.as_user(user_id, "POST", url, json={"approve": True}), 404)


async def test_rejecting_a_pending_edit_keeps_the_program(api: Api, user_id: str) -> None:
    conversation_id, call_id = await _pending_edit(api, user_id)
    url = f"/v1/conversations/{conversation_id}/approvals/{call_id}"
    response = await api.as_user(user_id, "POST", url, json={"approve": False}, headers=SSE)
    assert sse_events(response.text)[-1][0] == "done"
    assert "bench-press" in await _exercise_ids(api, user_id)


async def test_unknown_approvals_are_404(api: Api, user_id: str) -> None:
    conversation_id, _ = await _pending_edit(api, user_id)
    bad_call = f"/v1/conversations/{conversation_id}/approvals/no-such-call"
    assert_error(await api.as_user(user_id, "POST", bad_call, json={"approve": True}), 404)
    bad_conversation = "/v1/conversations/nope/approvals/offline-0-0"
    assert_error(await api.as_user(user_id, "POST", bad_conversation, json={"approve": True}), 404)


async def test_vercel_route_streams_the_ui_protocol_and_records_the_turn(api: Api, user_id: str) -> None:
    await assert_vercel_turn(api, user_id)


async def test_vercel_route_screens_the_latest_message_first(api: Api, user_id: str) -> None:
    body = vercel_body(f"chat-{user_id}", "I want to kill myself")
    response = await api.as_user(user_id, "POST", "/v1/chat/vercel", json=body)
    chunks = vercel_chunks(response.text)
    deltas = "".join(str(c["delta"]) for c in chunks if isinstance(c, dict) and c["type"] == "text-delta")
    assert deltas == safety.FIXED_REPLIES["self_harm"]
    assert chunks[-1] == "[DONE]"
    assert (await api.as_user(user_id, "GET", "/v1/usage")).json()["turns"] == 0


async def test_vercel_route_uses_the_semantic_check_too(api: Api, user_id: str) -> None:
    text = "Do you think it would hurt to take 40 sleeping tablets"
    assert safety.screen(text).category != "self_harm"  # the rules miss it; the semantic check does not
    response = await api.as_user(user_id, "POST", "/v1/chat/vercel", json=vercel_body(f"chat-{user_id}", text))
    chunks = vercel_chunks(response.text)
    deltas = "".join(str(c["delta"]) for c in chunks if isinstance(c, dict) and c["type"] == "text-delta")
    assert deltas == safety.FIXED_REPLIES["self_harm"]
    assert (await api.as_user(user_id, "GET", "/v1/usage")).json()["turns"] == 0


async def test_vercel_route_rejects_bad_requests_in_the_error_shape(api: Api, user_id: str) -> None:
    assert_error(await api.as_user(user_id, "POST", "/v1/chat/vercel", json={"id": "x"}), 422)
    bad_id = vercel_body("not a valid id!", "hi")
    assert_error(await api.as_user(user_id, "POST", "/v1/chat/vercel", json=bad_id), 422)
    form = await api.client.post(
        "/v1/chat/vercel", content=b"a=b", headers={**auth(user_id), "Content-Type": "text/plain"}
    )
    assert_error(form, 415)


async def _failing_stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    raise ModelHTTPError(529, "claude-test", "overloaded")
    yield ""  # pragma: no cover


async def test_a_failing_model_is_a_structured_503_or_error_event(store_url: str, user_id: str) -> None:
    async with running(store_url, model=FunctionModel(stream_function=_failing_stream)) as api:
        failed = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "how many sets for chest?"})
        error = assert_error(failed, 503, "coach_unavailable")
        assert "Your message is saved" in error["message"]
        streamed = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "am I fasting?"}, headers=SSE)
        events = sse_events(streamed.text)
        assert [kind for kind, _ in events] == ["safety", "error"]
        assert events[-1][1]["code"] == "coach_unavailable"
        assert events[-1][1]["request_id"] == streamed.headers["x-request-id"]
        # Both messages were stored before the model failed.
        conversations = (await api.as_user(user_id, "GET", "/v1/conversations")).json()
        assert conversations["total"] == 2
