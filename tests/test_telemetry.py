"""Tracing: the span tree of a turn, what it may and may not record, the API's spans, and OTLP export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from inline_snapshot import snapshot
from logfire.testing import CaptureLogfire
from pydantic import BaseModel
from pydantic_ai import Agent

from coach import telemetry
from coach.demo import seed_demo
from coach.embedder import HashEmbedder
from coach.offline import OfflineModel
from coach.turn import TurnContext, TurnResult, run_turn
from stores import SqlStore, open_store

NOW = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
QUESTION = "how many sets did I do for chest this week?"
SQL = ("SELECT", "INSERT", "UPDATE", "DELETE", "connect")
KEYS = {
    "coach.user",
    "coach.conversation_id",
    "coach.request_id",
    "coach.model",
    "coach.safety.category",
    "coach.usage.requests",
    "gen_ai.agent.name",
    "gen_ai.request.model",
    "gen_ai.tool.name",
}
"""The attributes the snapshots keep: the ones that do not change with timing, ids or token estimates."""


@pytest.fixture
def capfire_traced(capfire: CaptureLogfire, monkeypatch: pytest.MonkeyPatch) -> Iterator[CaptureLogfire]:
    """`capfire` stands in for `telemetry.configure`; the instrumentation is ours."""
    monkeypatch.setattr(telemetry._state, "service", "capfire")  # pyright: ignore[reportPrivateUsage]
    monkeypatch.delenv("COACH_TRACE_CONTENT", raising=False)
    monkeypatch.delenv("COACH_TRACE_SALT", raising=False)
    telemetry.instrument()
    yield capfire
    Agent.instrument_all(False)


@pytest.fixture
async def demo_store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    async with open_store(f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}") as store:
        assert isinstance(store, SqlStore)
        await seed_demo(store, HashEmbedder(), NOW)
        telemetry.instrument_engine(store.engine)
        yield store


async def _turn(store: SqlStore, capfire: CaptureLogfire, text: str = QUESTION) -> TurnResult:
    user = await store.user("demo")
    assert user is not None
    capfire.exporter.clear()
    ctx = TurnContext(store=store, user=user, model=OfflineModel(), embedder=HashEmbedder(), now=NOW)
    return await run_turn(ctx, text, "conv-1")


def _spans(capfire: CaptureLogfire) -> list[dict[str, Any]]:
    return capfire.exporter.exported_spans_as_dict()


def _tree(spans: list[dict[str, Any]], *, sql: bool = False) -> list[dict[str, Any]]:
    """Spans nested under their parents in start order, with the stable attributes; SQL spans left out."""
    kept = [s for s in spans if sql or not s["name"].startswith(SQL)]
    children: dict[int | None, list[dict[str, Any]]] = {}
    for span in sorted(kept, key=lambda s: s["start_time"]):
        parent = span["parent"]["span_id"] if span["parent"] else None
        children.setdefault(parent, []).append(span)

    def node(span: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": span["name"]}
        if attributes := {k: v for k, v in span["attributes"].items() if k in KEYS}:
            out["attributes"] = attributes
        if below := children.get(span["context"]["span_id"]):
            out["children"] = [node(child) for child in below]
        return out

    return [node(root) for root in children.get(None, [])]


def _named(spans: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(s for s in spans if s["name"] == name)


@pytest.mark.anyio
async def test_a_turn_is_one_trace(capfire_traced: CaptureLogfire, demo_store: SqlStore) -> None:
    result = await _turn(demo_store, capfire_traced)
    spans = _spans(capfire_traced)
    assert len({s["context"]["trace_id"] for s in spans}) == 1
    assert _tree(spans) == snapshot(
        [
            {
                "name": "coach turn",
                "attributes": {
                    "coach.user": "31790e38838e3696",
                    "coach.conversation_id": "conv-1",
                    "coach.model": "spotter-offline-1",
                    "coach.safety.category": "allow",
                    "coach.usage.requests": 2,
                },
                "children": [
                    {"name": "safety screen", "attributes": {"coach.safety.category": "allow"}},
                    {
                        "name": "invoke_agent coach",
                        "attributes": {"gen_ai.agent.name": "coach"},
                        "children": [
                            {
                                "name": "chat spotter-offline-1",
                                "attributes": {
                                    "gen_ai.agent.name": "coach",
                                    "gen_ai.request.model": "spotter-offline-1",
                                },
                            },
                            {
                                "name": "execute_tool get_volume_by_muscle",
                                "attributes": {
                                    "gen_ai.agent.name": "coach",
                                    "gen_ai.tool.name": "get_volume_by_muscle",
                                },
                            },
                            {
                                "name": "chat spotter-offline-1",
                                "attributes": {
                                    "gen_ai.agent.name": "coach",
                                    "gen_ai.request.model": "spotter-offline-1",
                                },
                            },
                        ],
                    },
                ],
            }
        ]
    )
    turn = _named(spans, "coach turn")["attributes"]
    assert turn["coach.usage.input_tokens"] == result.usage.input_tokens > 0
    assert turn["coach.usage.output_tokens"] == result.usage.output_tokens > 0
    assert "coach.cost_usd" not in turn  # the offline model has no price


@pytest.mark.anyio
async def test_sql_spans_sit_under_the_turn_and_the_tool(capfire_traced: CaptureLogfire, demo_store: SqlStore) -> None:
    await _turn(demo_store, capfire_traced)
    spans = _spans(capfire_traced)
    by_id = {s["context"]["span_id"]: s for s in spans}
    sql = [s for s in spans if s["name"].startswith(SQL[:-1])]
    assert sql
    for span in sql:
        assert span["attributes"]["db.system"] == "sqlite"
        root = span
        while root["parent"]:
            root = by_id[root["parent"]["span_id"]]
        assert root["name"] == "coach turn"
    tool = _named(spans, "execute_tool get_volume_by_muscle")["context"]["span_id"]
    assert any(s["parent"]["span_id"] == tool and s["name"].startswith("SELECT") for s in sql)


@pytest.mark.anyio
async def test_message_text_and_the_raw_user_are_absent_by_default(
    capfire_traced: CaptureLogfire, demo_store: SqlStore
) -> None:
    result = await _turn(demo_store, capfire_traced)
    spans = _spans(capfire_traced)
    dumped = json.dumps(spans)
    assert QUESTION not in dumped
    assert result.reply[:40] not in dumped
    assert '"demo"' not in dumped
    assert _named(spans, "coach turn")["attributes"]["coach.user"] == telemetry.hash_user("demo")
    tool = _named(spans, "execute_tool get_volume_by_muscle")["attributes"]
    assert "gen_ai.tool.call.arguments" not in tool
    assert "gen_ai.tool.call.result" not in tool


@pytest.mark.anyio
async def test_message_text_is_recorded_with_trace_content(
    capfire_traced: CaptureLogfire, demo_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_TRACE_CONTENT", "1")
    telemetry.instrument()
    result = await _turn(demo_store, capfire_traced)
    spans = _spans(capfire_traced)
    turn = _named(spans, "coach turn")["attributes"]
    assert turn["coach.message"] == QUESTION
    assert turn["coach.reply"] == result.reply
    assert QUESTION in _named(spans, "invoke_agent coach")["attributes"]["pydantic_ai.all_messages"]
    assert "gen_ai.tool.call.arguments" in _named(spans, "execute_tool get_volume_by_muscle")["attributes"]


@pytest.mark.anyio
async def test_an_emergency_turn_never_reaches_the_agent(capfire_traced: CaptureLogfire, demo_store: SqlStore) -> None:
    await _turn(demo_store, capfire_traced, "I have crushing chest pain and can't breathe right now")
    assert _tree(_spans(capfire_traced)) == snapshot(
        [
            {
                "name": "coach turn",
                "attributes": {
                    "coach.user": "31790e38838e3696",
                    "coach.conversation_id": "conv-1",
                    "coach.model": "safety-filter",
                    "coach.safety.category": "emergency",
                    "coach.usage.requests": 0,
                },
                "children": [{"name": "safety screen", "attributes": {"coach.safety.category": "emergency"}}],
            }
        ]
    )


def test_hash_user_is_stable_salted_and_never_the_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COACH_TRACE_SALT", raising=False)
    default = telemetry.hash_user("demo")
    assert default == telemetry.hash_user("demo") == snapshot("31790e38838e3696")
    assert "demo" not in default
    assert telemetry.hash_user("demo2") != default
    monkeypatch.setenv("COACH_TRACE_SALT", "another deploy")
    assert telemetry.hash_user("demo") not in (default, "demo")


def test_the_request_id_reaches_the_turn_span(capfire_traced: CaptureLogfire) -> None:
    token = telemetry.request_id.set("req-1")
    try:
        with telemetry.turn_span("demo", "conv-1"):
            pass
    finally:
        telemetry.request_id.reset(token)
    with telemetry.turn_span("demo", "conv-2", request="req-2"):
        pass
    assert [s["attributes"].get("coach.request_id") for s in _spans(capfire_traced)] == ["req-1", "req-2"]


class Note(BaseModel):
    text: str


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, str]:  # pyright: ignore[reportUnusedFunction]
        return {"status": "ok"}

    @app.post("/notes/{note_id}")
    async def add(note_id: str, note: Note) -> dict[str, str | None]:  # pyright: ignore[reportUnusedFunction]
        return {"request_id": telemetry.request_id.get()}

    telemetry.instrument_app(app)
    return app


def test_api_spans_carry_the_request_id_and_not_the_body(capfire_traced: CaptureLogfire) -> None:
    client = TestClient(_app())
    assert client.get("/health").status_code == 200
    response = client.post("/notes/n1", json={"text": QUESTION}, headers={"X-Request-ID": "abc-123"})
    assert response.json() == {"request_id": "abc-123"}
    assert response.headers["x-request-id"] == "abc-123"
    generated = client.post("/notes/n2", json={"text": QUESTION}, headers={"X-Request-ID": "no spaces allowed"})
    assert generated.headers["x-request-id"] == generated.json()["request_id"] != "no spaces allowed"
    invalid = client.post("/notes/n3", json={"txt": QUESTION})
    assert invalid.status_code == 422

    spans = _spans(capfire_traced)
    roots = [s for s in spans if s["parent"] is None]
    assert [s["name"] for s in roots] == ["POST /notes/{note_id}"] * 3  # health checks are not traced
    assert roots[0]["attributes"]["coach.request_id"] == "abc-123"
    dumped = json.dumps(spans)
    assert QUESTION not in dumped
    assert "fastapi.arguments.values" not in dumped
    errors = json.loads(roots[2]["attributes"]["fastapi.arguments.errors"])
    assert errors == [{"type": "missing", "loc": ["body", "text"], "msg": "Field required"}]


class _Collector(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, bytes]]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    """A fake OTLP/HTTP collector on 127.0.0.1: the endpoint and what it received."""
    received: list[tuple[str, bytes]] = []
    handler = type("Collector", (_Collector,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_cli_turn_exports_to_an_otlp_endpoint(collector: tuple[str, list[tuple[str, bytes]]], tmp_path: Path) -> None:
    endpoint, received = collector
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOGFIRE_", "OTEL_", "COACH_TRACE"))}
    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
    coach = Path(sys.executable).parent / "coach"
    done = subprocess.run(
        [coach, "chat", "--once", QUESTION, "--json", "--db", str(tmp_path / "coach.db")],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    traces = b"".join(body for path, body in received if path == "/v1/traces")
    assert b"coach turn" in traces
    assert b"invoke_agent coach" in traces
    assert b"spotter-cli" in traces
    assert QUESTION.encode() not in traces


def test_otlp_endpoint_replaces_logfire(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert telemetry.otlp_endpoint() == ""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert telemetry.otlp_endpoint() == "http://collector:4318"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/v1/traces")
    assert telemetry.otlp_endpoint() == "http://traces:4318/v1/traces"


def test_configure_runs_once_and_prefers_the_otlp_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(telemetry.logfire, "configure", lambda **kwargs: calls.append(kwargs))
    monkeypatch.setattr(telemetry, "instrument", lambda: None)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("COACH_METRICS", raising=False)

    monkeypatch.setattr(telemetry, "_state", telemetry._State())  # pyright: ignore[reportPrivateUsage]
    telemetry.configure("spotter-cli")
    telemetry.configure("spotter-cli")
    monkeypatch.setattr(telemetry, "_state", telemetry._State())  # pyright: ignore[reportPrivateUsage]
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    telemetry.configure("spotter-api", console=True)
    monkeypatch.setattr(telemetry, "_state", telemetry._State())  # pyright: ignore[reportPrivateUsage]
    monkeypatch.setenv("COACH_METRICS", "1")
    telemetry.configure("spotter-api", continues_traces=True)
    cli = {"send_to_logfire": "if-token-present", "service_name": "spotter-cli", "console": False, "metrics": False}
    api = {"send_to_logfire": False, "service_name": "spotter-api", "console": None, "metrics": False}
    worker = {"send_to_logfire": False, "service_name": "spotter-api", "console": False, "metrics": None}
    assert calls == [
        cli | {"distributed_tracing": None},
        api | {"distributed_tracing": None},
        worker | {"distributed_tracing": True},
    ]
