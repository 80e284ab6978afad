"""Provider paths and the offline fallback chain, end to end through a real `Agent`, without a network.

The models come from `coach.models.build_model`, exactly as the CLI and API build them, except that the SDK's
`httpx2.AsyncClient` gets a `ScriptedTransport` that answers with the providers' real payload shapes
(`tests/provider_payloads.py`), so no request leaves the process. That is also why
`override_allow_model_requests(True)` is safe here.

Backoff: the SDKs retry 429/5xx twice (`max_retries=2`). They only skip their exponential backoff (0.5 s, 1 s, ...)
when the server asks for a wait *above zero*: `retry-after: 0` counts as "no header". The scripted errors therefore
also send `retry-after-ms: 1`, a 1 ms wait. A transport failure carries no header, so the connection-error test
sets `max_retries=0` for the run instead (`ModelSettings['max_retries']`, which pydantic-ai forwards to the SDK).
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from decimal import Decimal
from typing import Any, Literal

import anyio
import httpx2
import pytest
from pydantic_ai import Agent, AgentRunResultEvent, ModelMessage, ModelResponse, TextPart
from pydantic_ai.exceptions import ModelServerError
from pydantic_ai.models import Model, override_allow_model_requests
from pydantic_ai.models.anthropic import AnthropicModel
from pydantic_ai.models.fallback import FallbackModel
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.ollama import OllamaModel
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.run import AgentRunResult
from pydantic_ai.settings import ModelSettings

from coach._breaker import DEFAULT_COOLDOWN, DEFAULT_THRESHOLD, CircuitBreakerModel
from coach.models import (
    BREAKER_COOLDOWN_ENV,
    BREAKER_THRESHOLD_ENV,
    DEFAULT_ANTHROPIC_MODEL,
    SDK_MAX_RETRIES,
    build_model,
    describe,
)
from coach.offline import OfflineModel
from tests.provider_payloads import (
    ANTHROPIC_API_ERROR,
    ANTHROPIC_AUTHENTICATION_ERROR,
    ANTHROPIC_MODEL,
    ANTHROPIC_OVERLOADED,
    ANTHROPIC_RATE_LIMIT,
    ANTHROPIC_TEXT,
    ANTHROPIC_TOOL_USE,
    OLLAMA_BASE_URL,
    OLLAMA_MODEL,
    OPENAI_SERVER_ERROR,
    OPENAI_TEXT,
    OPENAI_TOOL_CALLS,
    TOOL_RESULT,
    Reply,
    ScriptedTransport,
    anthropic_sse,
    connection_refused,
    openai_sse,
)

pytestmark = pytest.mark.anyio

Mode = Literal["run", "stream"]
MODES: list[Mode] = ["run", "stream"]
"""`run` gets JSON bodies; `stream` is how `coach.turn` runs the agent (`run_stream_events`, SSE bodies)."""

FAST_RETRY = {"retry-after": "0", "retry-after-ms": "1"}
"""`retry-after: 0` alone would not skip the SDK's backoff; `retry-after-ms: 1` does (see the module docstring)."""

ANTHROPIC_KEY = "sk-ant-api03-test"

ClientFor = Callable[[ScriptedTransport], httpx2.AsyncClient]


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("COACH_OPENAI_BASE_URL", "COACH_OPENAI_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    monkeypatch.delenv(BREAKER_THRESHOLD_ENV, raising=False)
    monkeypatch.delenv(BREAKER_COOLDOWN_ENV, raising=False)
    with override_allow_model_requests(True):  # the scripted transport never leaves the process
        yield


def coach_agent(model: Model) -> Agent[None, str]:
    agent = Agent(model, instructions="You are a fasting coach. Use the tools for every number.")

    @agent.tool_plain
    def get_active_fast() -> dict[str, Any]:
        """The user's current fast, if any."""
        return TOOL_RESULT

    return agent


async def run(agent: Agent[None, str], mode: Mode, settings: ModelSettings | None = None) -> AgentRunResult[str]:
    prompt = "How long have I been fasting?"
    if mode == "run":
        return await agent.run(prompt, model_settings=settings)
    async with agent.run_stream_events(prompt, model_settings=settings) as events:
        async for event in events:
            if isinstance(event, AgentRunResultEvent):
                return event.result
    raise AssertionError("the event stream ended without a result")


@pytest.fixture
async def client_for() -> AsyncIterator[ClientFor]:
    clients: list[httpx2.AsyncClient] = []

    def make(transport: ScriptedTransport) -> httpx2.AsyncClient:
        clients.append(httpx2.AsyncClient(transport=transport))
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


def responses(result: AgentRunResult[str]) -> list[ModelResponse]:
    return [m for m in result.all_messages() if isinstance(m, ModelResponse)]


def breaker_of(model: Model) -> CircuitBreakerModel:
    """The circuit breaker `build_model` puts in front of the provider model."""
    assert isinstance(model, FallbackModel)
    breaker, fallback = model.models
    assert isinstance(breaker, CircuitBreakerModel)
    assert isinstance(fallback, OfflineModel)
    return breaker


def provider(model: Model) -> Model:
    """The provider model behind the fallback chain and its circuit breaker."""
    return breaker_of(model).wrapped


# --- 1. Anthropic tool-use round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "max_tokens", "streamed"),
    [
        ("run", 1024, False),
        # Without `max_tokens`, pydantic-ai asks for the model's whole output limit (128k), which the SDK only
        # allows streamed, so even `agent.run` streams behind the scenes.
        ("run", None, True),
        ("stream", None, True),
    ],
)
async def test_anthropic_tool_round_trip(
    mode: Mode, max_tokens: int | None, streamed: bool, client_for: ClientFor
) -> None:
    transport = ScriptedTransport([Reply(body=ANTHROPIC_TOOL_USE), Reply(body=ANTHROPIC_TEXT)], sse=anthropic_sse)
    model = build_model(DEFAULT_ANTHROPIC_MODEL, anthropic_api_key=ANTHROPIC_KEY, http_client=client_for(transport))

    result = await run(coach_agent(model), mode, {"max_tokens": max_tokens} if max_tokens else None)

    assert result.output == ANTHROPIC_TEXT["content"][0]["text"]
    first, second = transport.requests
    assert first.url == second.url == "https://api.anthropic.com/v1/messages"
    assert first.headers["authorization"] == f"Bearer {ANTHROPIC_KEY}"  # anthropic 2.x sends the key as a Bearer token
    assert first.streamed is second.streamed is streamed
    assert first.body["model"] == ANTHROPIC_MODEL
    assert [tool["name"] for tool in first.body["tools"]] == ["get_active_fast"]

    # The second request carries the assistant's tool_use and the user's tool_result with the tool's output.
    tool_use_id = ANTHROPIC_TOOL_USE["content"][1]["id"]
    assistant, tool_turn = second.body["messages"][-2:]
    assert assistant["role"] == "assistant"
    assert {"type": "tool_use", "id": tool_use_id, "name": "get_active_fast", "input": {}} in assistant["content"]
    assert tool_turn["role"] == "user"
    (block,) = tool_turn["content"]
    assert block["type"] == "tool_result"
    assert block["tool_use_id"] == tool_use_id
    assert block["is_error"] is False
    assert json.loads(block["content"][0]["text"]) == TOOL_RESULT

    # Usage and cost, priced offline by genai-prices: $3 / $15 per million input / output tokens.
    usage = result.usage
    assert (usage.requests, usage.tool_calls) == (2, 1)
    assert usage.input_tokens == 612 + 731
    assert usage.output_tokens == 58 + 24
    assert usage.cost == Decimal("0.005259") == Decimal(3 * (612 + 731) + 15 * (58 + 24)) / 1_000_000
    assert usage.cost == sum(r.cost().total_price for r in responses(result))
    assert all(r.model_name == ANTHROPIC_MODEL and r.provider_name == "anthropic" for r in responses(result))
    assert all(not r.failed_attempts for r in responses(result))


# --- 2. OpenAI-compatible (Ollama) tool round trip --------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("spec", "model_class"), [("openai:llama3.2", OpenAIChatModel), ("ollama:llama3.2", OllamaModel)]
)
async def test_openai_compatible_tool_round_trip(
    mode: Mode, spec: str, model_class: type[Model], client_for: ClientFor
) -> None:
    transport = ScriptedTransport([Reply(body=OPENAI_TOOL_CALLS), Reply(body=OPENAI_TEXT)], sse=openai_sse)
    model = build_model(spec, openai_base_url=OLLAMA_BASE_URL, http_client=client_for(transport))
    assert type(provider(model)) is model_class

    result = await run(coach_agent(model), mode)

    assert result.output == OPENAI_TEXT["choices"][0]["message"]["content"]
    first, second = transport.requests
    assert first.url == second.url == f"{OLLAMA_BASE_URL}/chat/completions"
    assert first.headers["authorization"] == "Bearer unused"
    assert first.streamed is second.streamed is (mode == "stream")
    assert first.body["model"] == OLLAMA_MODEL
    assert [tool["function"]["name"] for tool in first.body["tools"]] == ["get_active_fast"]

    call = OPENAI_TOOL_CALLS["choices"][0]["message"]["tool_calls"][0]
    assistant, tool_message = second.body["messages"][-2:]
    assert assistant["role"] == "assistant"
    assert [c["id"] for c in assistant["tool_calls"]] == [call["id"]]
    assert tool_message["role"] == "tool"
    assert tool_message["tool_call_id"] == call["id"]
    assert json.loads(tool_message["content"]) == TOOL_RESULT

    usage = result.usage
    assert (usage.requests, usage.tool_calls) == (2, 1)
    assert (usage.input_tokens, usage.output_tokens) == (214 + 268, 15 + 11)
    assert all(r.model_name == OLLAMA_MODEL for r in responses(result))


# --- 3. 429, then success: the SDK's own retry --------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_rate_limit_is_retried_by_the_sdk(mode: Mode, client_for: ClientFor) -> None:
    transport = ScriptedTransport(
        [
            Reply(429, ANTHROPIC_RATE_LIMIT, {**FAST_RETRY, "x-should-retry": "true"}),
            Reply(body=ANTHROPIC_TEXT),
        ],
        sse=anthropic_sse,
    )
    model = build_model(http_client=client_for(transport), anthropic_api_key=ANTHROPIC_KEY)

    started = time.perf_counter()
    result = await run(coach_agent(model), mode, {"max_tokens": 1024})

    assert time.perf_counter() - started < 0.4  # no 0.5 s+ exponential backoff
    assert result.output == ANTHROPIC_TEXT["content"][0]["text"]
    assert len(transport.requests) == 2  # the 429 and its retry, one agent step
    assert [r.headers.get("x-stainless-retry-count") for r in transport.requests] == ["0", "1"]
    assert transport.requests[0].body == transport.requests[1].body
    (response,) = responses(result)
    assert response.model_name == ANTHROPIC_MODEL
    assert not response.failed_attempts  # the retry happened inside the SDK, not the fallback chain
    assert result.usage.requests == 1


# --- 4. 5xx on every attempt: fall back to the offline coach ------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("status", "body"), [(529, ANTHROPIC_OVERLOADED), (500, ANTHROPIC_API_ERROR)])
async def test_server_errors_fall_back_to_offline(
    mode: Mode, status: int, body: dict[str, Any], client_for: ClientFor
) -> None:
    transport = ScriptedTransport([Reply(status, body, FAST_RETRY)], sse=anthropic_sse)
    model = build_model(anthropic_api_key=ANTHROPIC_KEY, http_client=client_for(transport))
    assert describe(model) == f"{DEFAULT_ANTHROPIC_MODEL} -> offline"

    result = await run(coach_agent(model), mode, {"max_tokens": 1024})

    offline = OfflineModel()
    assert result.output
    final = result.response
    assert final.model_name == offline.model_name
    # Each agent step tried Anthropic (1 + SDK_MAX_RETRIES requests) before the offline coach answered it.
    steps = responses(result)
    assert len(transport.requests) == len(steps) * (1 + SDK_MAX_RETRIES)
    for step in steps:
        assert step.model_name == offline.model_name
        (attempt,) = step.failed_attempts or []
        assert attempt.model_name == ANTHROPIC_MODEL
        assert attempt.provider_name == "anthropic"
        assert attempt.outcome == "error"
        assert attempt.error is not None
        assert attempt.error.startswith(("ModelOverloadedError", "ModelServerError"))
        assert f"status_code: {status}" in attempt.error
        assert attempt.usage is None


async def test_a_rejected_key_also_falls_back(client_for: ClientFor) -> None:
    """The default `fallback_on=(ModelAPIError,)` includes 4xx: a bad key degrades to offline, visibly."""
    transport = ScriptedTransport([Reply(401, ANTHROPIC_AUTHENTICATION_ERROR)], sse=anthropic_sse)
    model = build_model(anthropic_api_key="sk-ant-revoked", http_client=client_for(transport))

    result = await run(coach_agent(model), "stream")

    assert result.response.model_name == OfflineModel().model_name
    assert len(transport.requests) == len(responses(result))  # the SDK does not retry a 401
    (attempt,) = result.response.failed_attempts or []
    assert attempt.error is not None
    assert attempt.error.startswith("ModelAuthenticationError: status_code: 401")


async def test_openai_compatible_server_error_falls_back(client_for: ClientFor) -> None:
    transport = ScriptedTransport([Reply(500, OPENAI_SERVER_ERROR, FAST_RETRY)], sse=openai_sse)
    model = build_model("ollama:llama3.2", http_client=client_for(transport))
    assert describe(model) == "ollama:llama3.2 -> offline"

    result = await run(coach_agent(model), "stream")

    assert result.response.model_name == OfflineModel().model_name
    assert transport.requests[0].url == f"{OLLAMA_BASE_URL}/chat/completions"  # Ollama's default address
    attempts = result.response.failed_attempts or []
    assert [(a.model_name, a.outcome) for a in attempts] == [(OLLAMA_MODEL, "error")]


# --- 5. Connection errors fall back too ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("spec", [DEFAULT_ANTHROPIC_MODEL, "openai:llama3.2"])
async def test_connection_error_falls_back_to_offline(mode: Mode, spec: str, client_for: ClientFor) -> None:
    sse = anthropic_sse if spec.startswith("anthropic") else openai_sse
    transport = ScriptedTransport([Reply(error=connection_refused)], sse=sse)
    model = build_model(
        spec, anthropic_api_key=ANTHROPIC_KEY, openai_base_url=OLLAMA_BASE_URL, http_client=client_for(transport)
    )

    # A refused connection has no retry-after, so the SDK's retries would back off for real: skip them.
    result = await run(coach_agent(model), mode, {"max_tokens": 1024, "max_retries": 0})

    assert result.response.model_name == OfflineModel().model_name
    assert len(transport.requests) == len(responses(result))  # one attempt per step, no retries
    for step in responses(result):
        (attempt,) = step.failed_attempts or []
        assert attempt.outcome == "error"
        assert attempt.error is not None
        assert attempt.error.startswith("ModelConnectionError")


# --- 6. Resolution ------------------------------------------------------------------------------------------------


def test_no_key_means_offline() -> None:
    model = build_model()
    assert isinstance(model, OfflineModel)
    assert describe(model) == "offline"


def test_key_means_claude_then_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for model in (build_model(anthropic_api_key=ANTHROPIC_KEY), _with_env_key(monkeypatch)):
        primary = provider(model)  # behind its circuit breaker, in front of the offline coach
        assert isinstance(primary, AnthropicModel)
        assert primary.model_name == ANTHROPIC_MODEL
        assert describe(model) == f"{DEFAULT_ANTHROPIC_MODEL} -> offline"


def _with_env_key(monkeypatch: pytest.MonkeyPatch) -> Model:
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    return build_model()


def test_explicit_spec_wins_over_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    assert isinstance(build_model("offline"), OfflineModel)
    monkeypatch.setenv("COACH_MODEL", "offline")
    assert isinstance(build_model(), OfflineModel)
    assert describe(build_model("anthropic:claude-haiku-4-5")) == "anthropic:claude-haiku-4-5 -> offline"


def test_coach_model_env_openai_with_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_MODEL", "openai:llama3.2")
    monkeypatch.setenv("COACH_OPENAI_BASE_URL", OLLAMA_BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-must-not-leak")
    model = build_model()
    primary = provider(model)
    assert type(primary) is OpenAIChatModel
    assert primary.model_name == OLLAMA_MODEL
    assert primary.base_url == f"{OLLAMA_BASE_URL}/"
    assert primary.client.api_key == "unused"  # the OpenAI key is only ever sent to OpenAI
    assert describe(model) == "openai:llama3.2 -> offline"


def test_openai_without_base_url_uses_openai_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-test")
    primary = provider(build_model("openai:gpt-4.1-mini"))
    assert isinstance(primary, OpenAIChatModel)
    assert primary.base_url == "https://api.openai.com/v1/"
    assert primary.client.api_key == "sk-proj-test"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gpt-5", "unknown model 'gpt-5': use offline, anthropic:<model> or openai:<model> with COACH_OPENAI_BASE_URL"),
        ("gemini:gemini-2.5-pro", "unknown model 'gemini:gemini-2.5-pro'"),
        ("anthropic:", "unknown model 'anthropic:'"),
        (DEFAULT_ANTHROPIC_MODEL, "needs an Anthropic key: set ANTHROPIC_API_KEY"),
        ("openai:llama3.2", "needs COACH_OPENAI_BASE_URL"),
        ("openai-compatible:llama3.2", "needs COACH_OPENAI_BASE_URL"),
    ],
)
def test_bad_specs_raise(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build_model(spec)


def test_offline_path_does_not_import_the_provider_sdks() -> None:
    code = (
        "import sys; from coach.models import build_model, describe; "
        "print(describe(build_model('offline')), *sorted({'anthropic', 'openai'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["offline"]


# --- 7. The circuit breaker: an outage costs three failures, then nothing until the cooldown is over ---------------


class FakeClock:
    """Monotonic seconds that only move when a test moves them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


CALLS_PER_STEP = 1 + SDK_MAX_RETRIES
"""HTTP requests one failing agent step makes: the SDK's first try and its retries."""

OUTAGE = [Reply(500, ANTHROPIC_API_ERROR, FAST_RETRY)]
OPEN_FOR_THE_COOLDOWN = f"CircuitOpenError: provider circuit open; retrying after {DEFAULT_COOLDOWN:.1f} s"


def attempt_errors(result: AgentRunResult[str]) -> list[str]:
    """The errors of the provider attempts each step of the turn fell back from, in order."""
    return [attempt.error or "" for step in responses(result) for attempt in step.failed_attempts or []]


def breaker_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "coach.models" and r.levelno == logging.WARNING]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("recovered", [True, False], ids=["recovered", "still-down"])
async def test_breaker_opens_after_consecutive_failures_and_probes_after_the_cooldown(
    mode: Mode, recovered: bool, client_for: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="coach.models")
    clock = FakeClock()
    transport = ScriptedTransport(OUTAGE, sse=anthropic_sse)
    model = build_model(anthropic_api_key=ANTHROPIC_KEY, http_client=client_for(transport), clock=clock)
    breaker = breaker_of(model)
    assert (breaker.threshold, breaker.cooldown) == (DEFAULT_THRESHOLD, DEFAULT_COOLDOWN) == (3, 30.0)
    assert describe(model) == f"{DEFAULT_ANTHROPIC_MODEL} -> offline"
    agent = coach_agent(model)
    settings: ModelSettings = {"max_tokens": 1024}

    # Turn 1: two steps (the tool call, the reply), each tries Anthropic 1 + 2 times before the offline coach answers.
    result = await run(agent, mode, settings)
    assert len(responses(result)) == 2
    assert len(transport.requests) == 2 * CALLS_PER_STEP
    assert (breaker.state, breaker.failures) == ("closed", 2)
    assert breaker_warnings(caplog) == []

    # Turn 2: its first step is the third failure in a row and opens the circuit; its second step skips Anthropic.
    result = await run(agent, mode, settings)
    assert len(transport.requests) == 3 * CALLS_PER_STEP
    assert (breaker.state, breaker.failures) == ("open", 3)
    first, second = attempt_errors(result)
    assert first.startswith("ModelServerError: status_code: 500")
    assert second == OPEN_FOR_THE_COOLDOWN
    (opened,) = breaker_warnings(caplog)
    assert opened.startswith(f"{DEFAULT_ANTHROPIC_MODEL} failed 3 times in a row (last: ModelServerError")
    assert opened.endswith("provider circuit open, other models answer for 30 s")

    # Until the cooldown is over, a turn makes no request at all: the offline coach answers every step at once.
    clock.now += DEFAULT_COOLDOWN - 0.5
    result = await run(agent, mode, settings)
    assert len(transport.requests) == 3 * CALLS_PER_STEP
    assert result.output
    assert [r.model_name for r in responses(result)] == [OfflineModel().model_name] * 2
    assert attempt_errors(result) == ["CircuitOpenError: provider circuit open; retrying after 0.5 s"] * 2
    assert breaker.state == "open"

    # The cooldown is over: half-open, the next request goes through to probe Anthropic.
    clock.now += 0.5
    assert breaker.state == "half-open"
    if recovered:
        transport.rescript([Reply(body=ANTHROPIC_TOOL_USE), Reply(body=ANTHROPIC_TEXT)])
        result = await run(agent, mode, settings)
        assert result.output == ANTHROPIC_TEXT["content"][0]["text"]
        assert len(transport.requests) == 3 * CALLS_PER_STEP + 2  # the probe, then the turn's second step
        assert all(r.model_name == ANTHROPIC_MODEL and not r.failed_attempts for r in responses(result))
        assert (breaker.state, breaker.failures) == ("closed", 0)
        assert breaker_warnings(caplog) == [
            opened,
            f"{DEFAULT_ANTHROPIC_MODEL} answered again: provider circuit closed",
        ]
    else:
        result = await run(agent, mode, settings)
        # The probe (with the SDK's retries, as any request) fails and re-opens the circuit for another cooldown.
        assert len(transport.requests) == 4 * CALLS_PER_STEP
        first, second = attempt_errors(result)
        assert first.startswith("ModelServerError: status_code: 500")
        assert second == OPEN_FOR_THE_COOLDOWN
        assert (breaker.state, breaker.failures) == ("open", 4)
        assert breaker_warnings(caplog) == [opened]  # the failed probe is only logged at INFO
        assert any("still failing" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)
        clock.now += DEFAULT_COOLDOWN - 1
        await run(agent, mode, settings)
        assert len(transport.requests) == 4 * CALLS_PER_STEP


@pytest.mark.parametrize("mode", MODES)
async def test_a_bug_in_a_tool_is_not_a_provider_failure(mode: Mode, client_for: ClientFor) -> None:
    transport = ScriptedTransport([Reply(body=ANTHROPIC_TOOL_USE)], sse=anthropic_sse)
    model = build_model(anthropic_api_key=ANTHROPIC_KEY, http_client=client_for(transport), clock=FakeClock())
    agent = Agent(model)

    @agent.tool_plain
    def get_active_fast() -> dict[str, Any]:
        """The user's current fast, if any."""
        raise ValueError("a bug in the tool")

    for turn in range(1, DEFAULT_THRESHOLD + 2):
        with pytest.raises(ValueError, match="a bug in the tool"):
            await run(agent, mode, {"max_tokens": 1024})
        assert len(transport.requests) == turn  # every turn still asks Anthropic
    assert (breaker_of(model).state, breaker_of(model).failures) == ("closed", 0)


class Provider:
    """A provider model whose next answer a test decides: text, a `ModelAPIError`, or a bug's `ValueError`.

    With `gate` set, each request sets `arrived` and waits for the gate, so a test can hold requests in flight.
    """

    def __init__(self) -> None:
        self.error: Exception | None = None
        self.gate: anyio.Event | None = None
        self.arrived = anyio.Event()
        self.calls = 0
        self.model = FunctionModel(self.respond, stream_function=self.stream, model_name="provider")

    async def answer(self) -> str:
        self.calls += 1
        if self.error is not None:
            raise self.error
        if self.gate is not None:
            self.arrived.set()
            await self.gate.wait()
        return "from the provider"

    async def respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart(await self.answer())])

    async def stream(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield await self.answer()


DOWN = ModelServerError("provider", "status_code: 500")


@pytest.mark.parametrize("mode", MODES)
async def test_only_consecutive_failures_open_the_circuit(mode: Mode) -> None:
    fake = Provider()
    breaker = CircuitBreakerModel(fake.model, threshold=2, clock=FakeClock())
    agent = Agent(FallbackModel(breaker, OfflineModel()))
    for error, failures in [(DOWN, 1), (None, 0), (DOWN, 1), (None, 0), (DOWN, 1), (DOWN, 2)]:
        fake.error = error
        await run(agent, mode)
        assert breaker.failures == failures
    assert breaker.state == "open"
    assert fake.calls == 6


async def test_an_error_inside_an_open_stream_counts() -> None:
    """A provider that drops the stream after its first event fails the turn (too late to fall back), and counts."""

    async def dropped(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "You have been "
        raise ModelServerError("provider", "stream dropped")

    breaker = CircuitBreakerModel(FunctionModel(stream_function=dropped, model_name="provider"), clock=FakeClock())
    agent = Agent(FallbackModel(breaker, OfflineModel()))
    for failures in range(1, DEFAULT_THRESHOLD + 1):
        with pytest.raises(ModelServerError, match="stream dropped"):
            await run(agent, "stream")
        assert breaker.failures == failures
    assert breaker.state == "open"
    assert (await run(agent, "stream")).response.model_name == OfflineModel().model_name


@pytest.mark.parametrize("mode", MODES)
async def test_a_bug_in_the_provider_model_neither_counts_nor_blocks_the_probe(mode: Mode) -> None:
    clock = FakeClock()
    fake = Provider()
    breaker = CircuitBreakerModel(fake.model, threshold=2, cooldown=10, clock=clock)
    agent = Agent(FallbackModel(breaker, OfflineModel()))

    fake.error = DOWN
    assert (await run(agent, mode)).response.model_name == OfflineModel().model_name
    assert breaker.failures == 1
    # `FallbackModel` does not fall back on a bug: the turn fails, and the breaker does not count it.
    fake.error = ValueError("a bug in the model")
    with pytest.raises(ValueError, match="a bug in the model"):
        await run(agent, mode)
    assert (breaker.state, breaker.failures) == ("closed", 1)
    fake.error = DOWN
    await run(agent, mode)
    assert (breaker.state, breaker.failures, fake.calls) == ("open", 2, 3)

    # A probe that hits a bug neither closes nor re-opens the circuit: the next request probes again.
    clock.now += 10
    fake.error = ValueError("a bug in the model")
    with pytest.raises(ValueError, match="a bug in the model"):
        await run(agent, mode)
    assert (breaker.state, breaker.failures, fake.calls) == ("half-open", 2, 4)
    fake.error = None
    assert (await run(agent, mode)).output == "from the provider"
    assert (breaker.state, breaker.failures, fake.calls) == ("closed", 0, 5)


async def test_one_probe_at_a_time() -> None:
    clock = FakeClock()
    fake = Provider()
    breaker = CircuitBreakerModel(fake.model, threshold=1, cooldown=10, clock=clock)
    agent = Agent(FallbackModel(breaker, OfflineModel()))
    fake.error = DOWN
    await run(agent, "stream")
    assert breaker.state == "open"

    clock.now += 10
    fake.error, fake.gate = None, anyio.Event()
    outputs: list[str] = []

    async def turn() -> None:
        outputs.append((await run(agent, "stream")).output)

    with anyio.fail_after(5):  # a request let through by mistake would wait for the gate for good
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(turn)  # the probe, held in flight
            await fake.arrived.wait()
            fake.arrived = anyio.Event()
            # Meanwhile other turns do not pile onto a provider that may still be down.
            result = await run(agent, "run")
            assert result.response.model_name == OfflineModel().model_name
            assert attempt_errors(result) == [
                "CircuitOpenError: provider circuit open; retrying after the request probing the provider"
            ]
            # A probe that has not come back within a cooldown (a lost one) no longer blocks the next one.
            clock.now += 10
            tasks.start_soon(turn)
            await fake.arrived.wait()
            fake.gate.set()

    assert outputs == ["from the provider"] * 2
    assert fake.calls == 3
    assert (breaker.state, breaker.failures) == ("closed", 0)


def test_breaker_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BREAKER_THRESHOLD_ENV, "5")
    monkeypatch.setenv(BREAKER_COOLDOWN_ENV, "2.5")
    model = build_model(anthropic_api_key=ANTHROPIC_KEY)
    breaker = breaker_of(model)
    assert (breaker.threshold, breaker.cooldown, breaker.state) == (5, 2.5, "closed")
    assert describe(model) == f"{DEFAULT_ANTHROPIC_MODEL} -> offline"

    monkeypatch.setenv(BREAKER_THRESHOLD_ENV, "0")  # no breaker: the provider model sits in the chain directly
    model = build_model(anthropic_api_key=ANTHROPIC_KEY)
    assert isinstance(model, FallbackModel)
    assert isinstance(model.models[0], AnthropicModel)
    assert describe(model) == f"{DEFAULT_ANTHROPIC_MODEL} -> offline"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (BREAKER_THRESHOLD_ENV, "-1"),
        (BREAKER_THRESHOLD_ENV, "three"),
        (BREAKER_THRESHOLD_ENV, "2.5"),
        (BREAKER_COOLDOWN_ENV, "-1"),
        (BREAKER_COOLDOWN_ENV, "inf"),
        (BREAKER_COOLDOWN_ENV, "nan"),
        (BREAKER_COOLDOWN_ENV, "soon"),
    ],
)
def test_bad_breaker_settings_raise(name: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"^{name} must be"):
        build_model(anthropic_api_key=ANTHROPIC_KEY)
