"""The account routes: profile, settings, usage and cost, export and erasure."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.apiclient import PROGRAM, Api, assert_error, running

pytestmark = pytest.mark.anyio


@pytest.fixture
async def api(store_url: str) -> AsyncIterator[Api]:
    async with running(store_url) as app:
        yield app


async def test_me_and_patch(api: Api, user_id: str) -> None:
    me = (await api.as_user(user_id, "GET", "/v1/me")).json()
    assert (me["timezone"], me["units"], me["goals"]["daily_kcal"]) == ("UTC", "metric", 2200)
    patch = {"timezone": "Europe/London", "units": "imperial", "goals": {"protein_g": 160}}
    updated = await api.as_user(user_id, "PATCH", "/v1/me", json=patch)
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert (body["timezone"], body["units"], body["goals"]["protein_g"], body["goals"]["daily_kcal"]) == (
        "Europe/London",
        "imperial",
        160,
        2200,
    )
    assert (await api.as_user(user_id, "GET", "/v1/me")).json()["timezone"] == "Europe/London"
    assert_error(await api.as_user(user_id, "PATCH", "/v1/me", json={"timezone": "Mars/Olympus"}), 422)
    assert_error(await api.as_user(user_id, "PATCH", "/v1/me", json={"goals": {"daily_kcal": 500}}), 422)
    assert_error(await api.as_user(user_id, "PATCH", "/v1/me", json={"tier": "pro"}), 422)


async def test_usage_is_aggregated_by_model(api: Api, user_id: str) -> None:
    for text in ("how many sets for chest this week?", "am I fasting?"):
        await api.as_user(user_id, "POST", "/v1/chat", json={"message": text})
    usage = (await api.as_user(user_id, "GET", "/v1/usage")).json()
    assert (usage["from"], usage["to"], usage["turns"]) == ("2026-11-01", "2026-11-26", 2)
    (row,) = usage["by_model"]
    assert row["model"] == "spotter-offline-1"
    assert row["requests"] == usage["requests"] >= 4
    assert row["input_tokens"] == usage["input_tokens"] > 0
    assert row["cost_usd"] is None
    before = (await api.as_user(user_id, "GET", "/v1/usage?from=2026-10-01&to=2026-10-31")).json()
    assert (before["turns"], before["by_model"]) == (0, [])
    assert_error(await api.as_user(user_id, "GET", "/v1/usage?from=2026-11-02&to=2026-11-01"), 422)
    assert_error(await api.as_user(user_id, "GET", "/v1/usage?from=2020-01-01&to=2026-01-01"), 422)


async def _fill(api: Api, user_id: str) -> None:
    await api.as_user(user_id, "PUT", "/v1/program", json={"program": PROGRAM})
    await api.as_user(user_id, "POST", "/v1/chat", json={"message": "how many sets for chest this week?"})
    await api.as_user(user_id, "POST", "/v1/meals", json={"items": ["oats"], "kcal": 350})
    await api.as_user(
        user_id, "POST", "/v1/workouts", json={"exercise": "bench", "sets": 2, "reps": 5, "weight_kg": 90}
    )
    await api.as_user(user_id, "POST", "/v1/fasts", json={"protocol": "16:8"})
    await api.as_user(user_id, "POST", "/v1/memories", json={"text": "Vegetarian", "kind": "preference"})


async def test_export_holds_everything(api: Api, user_id: str) -> None:
    await _fill(api, user_id)
    exported = (await api.as_user(user_id, "GET", "/v1/me/export")).json()
    assert exported["user"]["id"] == user_id
    assert [len(exported[k]) for k in ("conversations", "fasts", "sets", "meals", "program_versions", "memories")] == [
        1,
        1,
        2,
        1,
        1,
        1,
    ]
    messages = exported["conversations"][0]["messages"]
    assert messages[0] == {**messages[0], "role": "user", "text": "how many sets for chest this week?"}
    assert exported["usage"][0]["turns"] == 1


async def test_delete_me_erases_everything(api: Api, user_id: str) -> None:
    await _fill(api, user_id)
    other = f"{user_id}-other"
    await api.as_user(other, "POST", "/v1/meals", json={"items": ["soup"], "kcal": 200})
    assert (await api.as_user(user_id, "DELETE", "/v1/me")).status_code == 204
    # The same token again finds a brand-new, empty account.
    exported = (await api.as_user(user_id, "GET", "/v1/me/export")).json()
    assert [
        exported[k] for k in ("conversations", "fasts", "sets", "meals", "program_versions", "memories", "usage")
    ] == [[]] * 7
    assert (await api.as_user(other, "GET", "/v1/meals")).json()["total"] == 1
