"""The data routes: the coach's own tools and store methods over HTTP, with pagination."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.apiclient import PROGRAM, Api, assert_error, running

pytestmark = pytest.mark.anyio


@pytest.fixture
async def api(store_url: str) -> AsyncIterator[Api]:
    async with running(store_url) as app:
        yield app


async def test_fast_lifecycle(api: Api, user_id: str) -> None:
    none = await api.as_user(user_id, "GET", "/v1/fasts/active")
    assert none.json()["active"] is False
    assert_error(await api.as_user(user_id, "POST", "/v1/fasts/active/end"), 404, "not_found")
    started = await api.as_user(user_id, "POST", "/v1/fasts", json={"protocol": "18:6", "started_hours_ago": 2})
    assert started.status_code == 201, started.text
    assert started.json()["target_hours"] == 18
    assert_error(await api.as_user(user_id, "POST", "/v1/fasts", json={"protocol": "16:8"}), 409, "conflict")
    api.clock.advance(hours=17)
    status = (await api.as_user(user_id, "GET", "/v1/fasts/active")).json()
    assert (status["active"], status["elapsed_hours"], status["remaining_hours"]) == (True, 19, 0)
    ended = await api.as_user(user_id, "POST", "/v1/fasts/active/end", json={"abandon": False})
    assert (ended.json()["state"], ended.json()["reached_target"]) == ("completed", True)
    listed = (await api.as_user(user_id, "GET", "/v1/fasts")).json()
    assert (listed["total"], listed["items"][0]["state"]) == (1, "completed")


async def test_fast_input_is_validated(api: Api, user_id: str) -> None:
    assert_error(await api.as_user(user_id, "POST", "/v1/fasts", json={"protocol": "custom", "hours": 100}), 422)
    assert_error(await api.as_user(user_id, "POST", "/v1/fasts", json={"protocol": "custom"}), 422, "refused")
    assert_error(await api.as_user(user_id, "POST", "/v1/fasts", json={"protocol": "7:17"}), 422)


async def test_workouts_and_volume(api: Api, user_id: str) -> None:
    body = {"exercise": "bench", "sets": 3, "reps": 8, "weight_kg": 80, "rir": 2}
    logged = await api.as_user(user_id, "POST", "/v1/workouts", json=body)
    assert logged.status_code == 201, logged.text
    assert (logged.json()["exercise_id"], logged.json()["week_sets"]) == ("bench-press", {"chest": 3})
    sets = (await api.as_user(user_id, "GET", "/v1/workouts")).json()
    assert (sets["total"], sets["items"][0]["reps"]) == (3, 8)
    volume = (await api.as_user(user_id, "GET", "/v1/volume?weeks=1")).json()
    chest = next(row for row in volume["muscles"] if row["muscle"] == "chest")
    assert chest["sets"] == 3
    one = (await api.as_user(user_id, "GET", "/v1/volume?muscle=quads")).json()
    assert [row["muscle"] for row in one["muscles"]] == ["quads"]
    unknown = await api.as_user(user_id, "POST", "/v1/workouts", json={**body, "exercise": "zorblax curl"})
    assert_error(unknown, 422, "unknown_exercise")
    disagree = await api.as_user(user_id, "POST", "/v1/workouts", json={**body, "rpe": 6})
    assert_error(disagree, 422)


async def test_pagination(api: Api, user_id: str) -> None:
    for reps in range(1, 6):
        await api.as_user(
            user_id, "POST", "/v1/workouts", json={"exercise": "squat", "sets": 1, "reps": reps, "weight_kg": 60}
        )
        api.clock.advance(minutes=1)
    pages = [(await api.as_user(user_id, "GET", f"/v1/workouts?page={n}&per_page=2")).json() for n in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [5, 5, 5, 5]
    assert [[s["reps"] for s in p["items"]] for p in pages] == [[5, 4], [3, 2], [1], []]
    assert (pages[1]["page"], pages[1]["per_page"]) == (2, 2)
    assert_error(await api.as_user(user_id, "GET", "/v1/workouts?page=0"), 422)
    assert_error(await api.as_user(user_id, "GET", "/v1/workouts?per_page=101"), 422)


async def test_meals_and_daily_totals(api: Api, user_id: str) -> None:
    breakfast = {"items": ["2 eggs", "toast"], "kcal": 400, "protein_g": 25, "eaten_hours_ago": 3}
    lunch = {"items": ["chicken", "rice"], "kcal": 700, "protein_g": 50, "meal_type": "lunch"}
    for body in (breakfast, lunch):
        response = await api.as_user(user_id, "POST", "/v1/meals", json=body)
        assert response.status_code == 201, response.text
    assert response.json()["day"]["kcal"] == 1100
    meals = (await api.as_user(user_id, "GET", "/v1/meals")).json()
    assert [m["kcal"] for m in meals["items"]] == [700, 400]
    daily = (await api.as_user(user_id, "GET", "/v1/meals/daily?from=2026-11-25&to=2026-11-26")).json()
    assert [(d["day"], d["kcal"]) for d in daily["days"]] == [("2026-11-25", 0), ("2026-11-26", 1100)]
    assert_error(await api.as_user(user_id, "GET", "/v1/meals/daily?from=2026-01-01&to=2026-12-31"), 422)
    assert_error(await api.as_user(user_id, "GET", "/v1/meals/daily?from=0001-01-01"), 422)
    assert_error(await api.as_user(user_id, "POST", "/v1/meals", json={"items": [], "kcal": 10}), 422)


async def test_program_put_edit_approve_and_undo(api: Api, user_id: str) -> None:
    empty = (await api.as_user(user_id, "GET", "/v1/program")).json()
    assert empty["has_program"] is False
    assert_error(await api.as_user(user_id, "POST", "/v1/program/undo", json={"approve": True}), 404)
    created = await api.as_user(user_id, "PUT", "/v1/program", json={"program": PROGRAM})
    assert (created.json()["number"], created.json()["name"]) == (1, "Upper/Lower")
    add = {
        "operations": [
            {"op": "add_exercise", "session": "Upper A", "exercise": "ohp", "sets": 3, "rep_min": 6, "rep_max": 10}
        ]
    }
    added = await api.as_user(user_id, "POST", "/v1/program/edits", json=add)
    assert added.status_code == 200, added.text
    assert added.json()["number"] == 2
    remove = {"operations": [{"op": "remove_exercise", "session": "Upper A", "exercise": "bench"}]}
    pending = assert_error(
        await api.as_user(user_id, "POST", "/v1/program/edits", json=remove), 409, "approval_required"
    )
    assert any("Bench Press" in line for line in pending["details"]["diff"])
    stale = await api.as_user(user_id, "POST", "/v1/program/edits", json={**remove, "approve": True, "version_id": 1})
    assert_error(stale, 409, "conflict")
    applied = await api.as_user(
        user_id,
        "POST",
        "/v1/program/edits",
        json={**remove, "approve": True, "version_id": pending["details"]["version_id"]},
    )
    assert applied.json()["number"] == 3
    assert_error(await api.as_user(user_id, "POST", "/v1/program/undo"), 409, "approval_required")
    undone = await api.as_user(user_id, "POST", "/v1/program/undo", json={"approve": True})
    assert undone.json()["version_id"] == added.json()["version_id"]
    bad = {"operations": [{"op": "remove_exercise", "session": "Nowhere", "exercise": "bench"}], "approve": True}
    assert_error(await api.as_user(user_id, "POST", "/v1/program/edits", json=bad), 422, "invalid_edit")


async def test_program_put_checks_exercises_and_asks_before_replacing(api: Api, user_id: str) -> None:
    unknown = {
        "program": {
            **PROGRAM,
            "sessions": [
                {
                    "name": "A",
                    "weekday": 0,
                    "exercises": [{"exercise_id": "nope", "sets": 3, "rep_min": 5, "rep_max": 5}],
                }
            ],
        }
    }
    assert_error(await api.as_user(user_id, "PUT", "/v1/program", json=unknown), 422, "unknown_exercise")
    await api.as_user(user_id, "PUT", "/v1/program", json={"program": PROGRAM})
    renamed = {"program": {**PROGRAM, "name": "PPL"}}
    diff = assert_error(await api.as_user(user_id, "PUT", "/v1/program", json=renamed), 409, "approval_required")
    assert diff["details"]["diff"] == ['renamed the program "Upper/Lower" to "PPL"']
    replaced = await api.as_user(user_id, "PUT", "/v1/program", json={**renamed, "approve": True})
    assert (replaced.json()["name"], replaced.json()["number"]) == ("PPL", 2)


async def test_exercises_search_and_list(api: Api, user_id: str) -> None:
    found = (await api.as_user(user_id, "GET", "/v1/exercises?search=rdl&per_page=3")).json()
    assert found["items"][0]["id"] == "romanian-deadlift"
    everything = (await api.as_user(user_id, "GET", "/v1/exercises?per_page=5&page=2")).json()
    assert len(everything["items"]) == 5
    assert everything["total"] > 500


async def test_memories(api: Api, user_id: str) -> None:
    for text, kind in (("Left knee hurts on deep squats", "injury"), ("Prefers morning workouts", "preference")):
        saved = await api.as_user(user_id, "POST", "/v1/memories", json={"text": text, "kind": kind})
        assert saved.status_code == 201, saved.text
    listed = (await api.as_user(user_id, "GET", "/v1/memories")).json()
    assert [m["text"] for m in listed["items"]] == ["Prefers morning workouts", "Left knee hurts on deep squats"]
    search = (await api.as_user(user_id, "GET", "/v1/memories?query=knee squats")).json()
    assert search["items"][0]["text"] == "Left knee hurts on deep squats"
    assert search["items"][0]["score"] > 0
    memory_id = listed["items"][0]["id"]
    deleted = await api.as_user(user_id, "DELETE", f"/v1/memories/{memory_id}")
    assert deleted.status_code == 204
    assert_error(await api.as_user(user_id, "DELETE", f"/v1/memories/{memory_id}"), 404)
    assert (await api.as_user(user_id, "GET", "/v1/memories")).json()["total"] == 1


async def test_conversations_list_read_delete(api: Api, user_id: str) -> None:
    ids = []
    for text in ("hello", "what's my program?", "am I fasting?"):
        ids.append((await api.as_user(user_id, "POST", "/v1/chat", json={"message": text})).json()["conversation_id"])
        api.clock.advance(minutes=1)
    listed = (await api.as_user(user_id, "GET", "/v1/conversations?per_page=2")).json()
    assert listed["total"] == 3
    assert len(listed["items"]) == 2
    one = (await api.as_user(user_id, "GET", f"/v1/conversations/{ids[0]}")).json()
    assert one["messages"][0]["text"] == "hello"
    assert (await api.as_user(user_id, "DELETE", f"/v1/conversations/{ids[0]}")).status_code == 204
    assert_error(await api.as_user(user_id, "GET", f"/v1/conversations/{ids[0]}"), 404)
    assert_error(await api.as_user(user_id, "GET", "/v1/conversations/bad%20id"), 422)
