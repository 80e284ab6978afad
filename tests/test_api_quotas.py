"""Quotas and the burst limit, counted in the database."""

from __future__ import annotations

import pytest

from tests.apiclient import Clock, assert_error, auth, running

pytestmark = pytest.mark.anyio

HELLO = {"message": "how many sets for chest this week?"}
EMERGENCY = {"message": "I have crushing chest pain and can't breathe"}


async def test_the_free_quota_runs_out_with_retry_after(store_url: str, user_id: str) -> None:
    async with running(store_url, free_monthly_messages=2, chat_per_minute=50) as api:
        for _ in range(2):
            assert (await api.as_user(user_id, "POST", "/v1/chat", json=HELLO)).status_code == 200
        refused = await api.as_user(user_id, "POST", "/v1/chat", json=HELLO)
        error = assert_error(refused, 429, "quota_exceeded")
        # 2026-11-26 12:00 UTC to 2026-12-01 00:00 UTC.
        assert int(refused.headers["retry-after"]) == 4 * 86400 + 12 * 3600
        assert (error["details"]["used"], error["details"]["remaining"]) == (2, 0)
        me = (await api.as_user(user_id, "GET", "/v1/me")).json()
        assert (me["quota"]["used"], me["quota"]["remaining"]) == (2, 0)
        # An emergency is still answered, with the fixed reply.
        urgent = await api.as_user(user_id, "POST", "/v1/chat", json=EMERGENCY)
        assert urgent.json()["model"] == "safety-filter"
        # A new month brings a new allowance.
        api.clock.advance(days=5)
        assert (await api.as_user(user_id, "POST", "/v1/chat", json=HELLO)).status_code == 200


async def test_safety_only_turns_do_not_count(store_url: str, user_id: str) -> None:
    async with running(store_url, free_monthly_messages=1, chat_per_minute=50) as api:
        for _ in range(3):
            assert (await api.as_user(user_id, "POST", "/v1/chat", json=EMERGENCY)).status_code == 200
        assert (await api.as_user(user_id, "GET", "/v1/me")).json()["quota"]["used"] == 0
        assert (await api.as_user(user_id, "POST", "/v1/chat", json=HELLO)).status_code == 200
        assert_error(await api.as_user(user_id, "POST", "/v1/chat", json=HELLO), 429, "quota_exceeded")


async def test_pro_users_are_unlimited(store_url: str, user_id: str) -> None:
    async with running(store_url, free_monthly_messages=1, chat_per_minute=50) as api:
        for _ in range(3):
            response = await api.client.post("/v1/chat", json=HELLO, headers=auth(user_id, tier="pro"))
            assert response.status_code == 200, response.text
        me = (await api.client.get("/v1/me", headers=auth(user_id, tier="pro"))).json()
        assert (me["tier"], me["quota"]["used"], me["quota"]["remaining"]) == ("pro", 3, None)


async def test_the_burst_limit_is_per_minute_and_per_user(store_url: str, user_id: str) -> None:
    clock = Clock()
    async with running(store_url, chat_per_minute=3, clock=clock) as api:
        for _ in range(3):
            assert (await api.as_user(user_id, "POST", "/v1/chat", json=HELLO)).status_code == 200
            clock.advance(seconds=10)
        refused = await api.as_user(user_id, "POST", "/v1/chat", json=HELLO)
        assert_error(refused, 429, "rate_limited")
        # The first message (at 0 s) leaves the window at 60 s; it is now 30 s.
        assert refused.headers["retry-after"] == "30"
        assert (await api.as_user(f"{user_id}-other", "POST", "/v1/chat", json=HELLO)).status_code == 200
        clock.advance(seconds=31)
        assert (await api.as_user(user_id, "POST", "/v1/chat", json=HELLO)).status_code == 200


async def test_vercel_chat_shares_the_quota(store_url: str, user_id: str) -> None:
    async with running(store_url, free_monthly_messages=1, chat_per_minute=50) as api:
        assert (await api.as_user(user_id, "POST", "/v1/chat", json=HELLO)).status_code == 200
        message = {"id": "m1", "role": "user", "parts": [{"type": "text", "text": "hello"}]}
        body = {"trigger": "submit-message", "id": f"v-{user_id}", "messages": [message]}
        assert_error(await api.as_user(user_id, "POST", "/v1/chat/vercel", json=body), 429, "quota_exceeded")
