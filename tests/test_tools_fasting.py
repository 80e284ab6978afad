from datetime import UTC, datetime, timedelta

import pytest
from inline_snapshot import snapshot

from stores.base import Store
from stores.records import FastIn
from tests.tooling import NOW, call_tool, make_deps, parameters_schema
from tools.deps import CoachDeps
from tools.fasting import REFEED_WARNING, FastEnded, FastStatus, toolset

pytestmark = pytest.mark.anyio


async def _start(deps: CoachDeps, hours_ago: float, target: float = 16, protocol: str = "16:8") -> CoachDeps:
    fast = FastIn.model_validate(
        {"protocol": protocol, "target_hours": target, "started_at": NOW - timedelta(hours=hours_ago)}
    )
    await deps.store.start_fast(deps.user_id, fast)
    return deps


async def test_no_active_fast(store: Store, user_id: str) -> None:
    part = await call_tool(toolset, "get_active_fast", {}, await make_deps(store, user_id))
    assert part.content == FastStatus(active=False, summary="You have no active fast.")


async def test_active_fast_reports_progress_and_a_hedged_stage(store: Store, user_id: str) -> None:
    deps = await _start(await make_deps(store, user_id), hours_ago=14.5)
    status = (await call_tool(toolset, "get_active_fast", {}, deps)).content
    assert isinstance(status, FastStatus)
    assert status.model_dump(exclude={"stage"}) == {
        "active": True,
        "protocol": "16:8",
        "started_at": datetime(2026, 11, 25, 21, 30, tzinfo=UTC),
        "target_hours": 16.0,
        "elapsed_hours": 14.5,
        "remaining_hours": 1.5,
        "warnings": [],
        "summary": "You are 14.5 hours into a 16:8 fast; 1.5 hours to go. "
        "Stage: early fasting (rule-of-thumb app label, not clinical).",
    }
    assert status.stage is not None
    assert status.stage.label == "early fasting"
    assert "not clinical" in status.stage.source


async def test_past_the_target_nothing_remains(store: Store, user_id: str) -> None:
    deps = await _start(await make_deps(store, user_id), hours_ago=17.25)
    status = (await call_tool(toolset, "get_active_fast", {}, deps)).content
    assert isinstance(status, FastStatus)
    assert (status.elapsed_hours, status.remaining_hours) == (17.2, 0)
    assert status.summary.startswith("You are 17.2 hours into a 16:8 fast and have passed the 16-hour target.")
    assert "fat-burning (app label)" in status.summary


@pytest.mark.parametrize(("hours_ago", "count"), [(23.9, 0), (30, 1), (50, 2)])
async def test_long_fasts_carry_warnings_in_the_summary(
    store: Store, user_id: str, hours_ago: float, count: int
) -> None:
    deps = await _start(await make_deps(store, user_id), hours_ago=hours_ago, target=72, protocol="custom")
    status = (await call_tool(toolset, "get_active_fast", {}, deps)).content
    assert isinstance(status, FastStatus)
    assert len(status.warnings) == count
    for warning in status.warnings:
        assert warning in status.summary
    if count == 2:
        assert "refeeding" in status.summary
    assert "72-hour custom fast" in status.summary


async def test_start_fast_now_with_the_default_protocol(store: Store, user_id: str) -> None:
    status = (await call_tool(toolset, "start_fast", {}, await make_deps(store, user_id))).content
    assert isinstance(status, FastStatus)
    assert (status.protocol, status.target_hours, status.elapsed_hours, status.started_at) == ("16:8", 16, 0, NOW)
    assert status.summary == (
        "You started a 16:8 fast; 16 hours to go. Stage: fed (rule-of-thumb app label, not clinical)."
    )
    stored = await store.active_fast(user_id)
    assert stored is not None
    assert stored.started_at == NOW


async def test_start_a_custom_fast_that_began_earlier(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id)
    part = await call_tool(toolset, "start_fast", {"protocol": "custom", "hours": 20, "started_hours_ago": 2}, deps)
    status = part.content
    assert isinstance(status, FastStatus)
    assert (status.protocol, status.target_hours, status.elapsed_hours, status.remaining_hours) == (
        "custom",
        20,
        2,
        18,
    )
    assert status.summary.startswith("You started a 20-hour custom fast 2 hours ago; 18 hours to go.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"protocol": "custom"}, "A custom fast needs its length in hours."),
        ({"protocol": "16:8", "hours": 20}, "16:8 is a fixed 16-hour fast; use 'custom' for other lengths."),
    ],
)
async def test_start_fast_retries_on_an_inconsistent_length(
    store: Store, user_id: str, args: dict[str, object], message: str
) -> None:
    part = await call_tool(toolset, "start_fast", args, await make_deps(store, user_id))
    assert (part.outcome, part.content) == ("retried", message)
    assert await store.active_fast(user_id) is None


async def test_start_fast_refuses_targets_over_72_hours(store: Store, user_id: str) -> None:
    part = await call_tool(toolset, "start_fast", {"protocol": "custom", "hours": 96}, await make_deps(store, user_id))
    assert part.outcome == "retried"
    assert "less than or equal to 72" in part.model_response_str()
    assert await store.active_fast(user_id) is None


async def test_start_fast_while_one_runs_says_when_it_started_in_local_time(store: Store, user_id: str) -> None:
    deps = await _start(await make_deps(store, user_id, tz="America/Los_Angeles"), hours_ago=3)
    part = await call_tool(toolset, "start_fast", {"protocol": "18:6"}, deps)
    assert (part.outcome, part.content) == (
        "retried",
        "A 16:8 fast is already running (started 2026-11-26 01:00); end it first.",
    )


async def test_start_fast_refuses_in_supportive_mode(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id, mode="disordered_eating")
    part = await call_tool(toolset, "start_fast", {}, deps)
    assert (part.outcome, part.content) == ("retried", "Fasting is switched off in this conversation.")
    assert await store.active_fast(user_id) is None


@pytest.mark.parametrize(
    ("hours_ago", "abandon", "summary"),
    [
        (16.5, False, "You completed your 16:8 fast: 16.5 hours against a 16-hour target."),
        (14, False, "You ended your 16:8 fast after 14 hours, before the 16-hour target."),
        (3.25, True, "You abandoned your 16:8 fast after 3.2 hours (target 16 hours)."),
    ],
)
async def test_end_fast(store: Store, user_id: str, hours_ago: float, abandon: bool, summary: str) -> None:
    deps = await _start(await make_deps(store, user_id), hours_ago=hours_ago)
    part = await call_tool(toolset, "end_fast", {"abandon": abandon}, deps)
    ended = part.content
    assert isinstance(ended, FastEnded)
    assert ended.summary == summary
    assert ended.reached_target == (hours_ago >= 16)
    assert ended.warnings == []
    assert ended.ended_at == NOW
    assert await store.active_fast(user_id) is None
    (stored,) = await store.fasts_between(user_id, NOW - timedelta(days=1), NOW)
    assert stored.state == ended.state == ("abandoned" if abandon else "completed")


async def test_ending_a_fast_past_48_hours_advises_a_gentle_refeed(store: Store, user_id: str) -> None:
    deps = await _start(await make_deps(store, user_id), hours_ago=50, target=72, protocol="custom")
    ended = (await call_tool(toolset, "end_fast", {}, deps)).content
    assert isinstance(ended, FastEnded)
    assert ended.warnings == [REFEED_WARNING]
    assert ended.summary == (
        "You ended your 72-hour custom fast after 50 hours, before the 72-hour target. " + REFEED_WARNING
    )
    assert "refeeding syndrome" in REFEED_WARNING


async def test_end_fast_without_one_retries(store: Store, user_id: str) -> None:
    part = await call_tool(toolset, "end_fast", {}, await make_deps(store, user_id))
    assert (part.outcome, part.content) == ("retried", "There is no running fast to end.")


async def test_times_are_in_the_users_timezone(store: Store, user_id: str) -> None:
    deps = await make_deps(store, user_id, tz="America/Los_Angeles")
    status = (await call_tool(toolset, "start_fast", {"started_hours_ago": 6}, deps)).content
    assert isinstance(status, FastStatus)
    assert status.started_at is not None
    assert status.started_at.isoformat() == "2026-11-25T22:00:00-08:00"
    ended = (await call_tool(toolset, "end_fast", {}, deps)).content
    assert isinstance(ended, FastEnded)
    assert ended.ended_at.isoformat() == "2026-11-26T04:00:00-08:00"


async def test_users_are_isolated(store: Store, user_id: str) -> None:
    await _start(await make_deps(store, user_id), hours_ago=10)
    other = await make_deps(store, f"{user_id}-b")
    assert (await call_tool(toolset, "get_active_fast", {}, other)).content == FastStatus(
        active=False, summary="You have no active fast."
    )
    assert (await call_tool(toolset, "end_fast", {}, other)).outcome == "retried"
    started = (await call_tool(toolset, "start_fast", {"protocol": "20:4"}, other)).content
    assert isinstance(started, FastStatus)
    assert started.protocol == "20:4"
    assert (await call_tool(toolset, "end_fast", {}, other)).outcome == "success"
    mine = await store.active_fast(user_id)
    assert mine is not None
    assert (mine.protocol, mine.started_at) == ("16:8", NOW - timedelta(hours=10))


def test_every_parameter_is_described() -> None:
    for name in toolset.tools:
        for prop, schema in parameters_schema(toolset, name).get("properties", {}).items():
            assert schema.get("description", "").strip(), f"{name}.{prop} has no description"


def test_get_active_fast_schema() -> None:
    assert parameters_schema(toolset, "get_active_fast") == snapshot(
        {"additionalProperties": False, "properties": {}, "type": "object"}
    )


def test_start_fast_schema() -> None:
    assert parameters_schema(toolset, "start_fast") == snapshot(
        {
            "additionalProperties": False,
            "properties": {
                "protocol": {
                    "default": "16:8",
                    "description": """\
The fasting schedule; the number before the colon is the hours of fasting (OMAD is 23 h,
24h is 24 h). Use "custom" with `hours` for any other length.\
""",
                    "enum": ["16:8", "18:6", "20:4", "OMAD", "24h", "custom"],
                    "type": "string",
                },
                "hours": {
                    "anyOf": [{"maximum": 72.0, "minimum": 1, "type": "number"}, {"type": "null"}],
                    "default": None,
                    "description": """\
Length of a custom fast in hours, 1 to 72; only with protocol "custom". Longer fasts need
medical supervision and cannot be set up.\
""",
                },
                "started_hours_ago": {
                    "default": 0,
                    "description": "How many hours ago the fast began, if the user started it earlier (0 = now).",
                    "maximum": 24,
                    "minimum": 0,
                    "type": "number",
                },
            },
            "type": "object",
        }
    )


def test_end_fast_schema() -> None:
    assert parameters_schema(toolset, "end_fast") == snapshot(
        {
            "additionalProperties": False,
            "properties": {
                "abandon": {
                    "default": False,
                    "description": "True when the user is giving up on the fast rather than finishing it.",
                    "type": "boolean",
                }
            },
            "type": "object",
        }
    )
