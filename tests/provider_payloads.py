"""Provider responses in the shapes the real APIs send, and a transport that replays them without a network.

Anthropic: Messages API (https://docs.anthropic.com/en/api/messages), its streaming events
(https://docs.anthropic.com/en/docs/build-with-claude/streaming) and error bodies
(https://docs.anthropic.com/en/api/errors). OpenAI-compatible: Chat Completions as OpenAI and Ollama's
`/v1/chat/completions` send it, streamed as `chat.completion.chunk` server-sent events ending in `data: [DONE]`.

Streaming bodies are derived from the non-streamed payloads, event for event as the providers stream them, so one
recorded reply serves both `agent.run` (JSON) and `agent.run_stream_events` (SSE): the transport looks at the
request's `"stream"` flag, as the server does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx2

JSON = dict[str, Any]

TOOL_RESULT: JSON = {"summary": "Fasting for 14.5 h (fat-burning stage).", "active": True, "elapsed_hours": 14.5}
"""What the test tool `get_active_fast` returns."""

# --- Anthropic Messages API -------------------------------------------------------------------------------------

ANTHROPIC_MODEL = "claude-sonnet-4-6"


def _anthropic_usage(input_tokens: int, output_tokens: int) -> JSON:
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


ANTHROPIC_TOOL_USE: JSON = {
    "id": "msg_01Aq9w938a90dw8q",
    "type": "message",
    "role": "assistant",
    "model": ANTHROPIC_MODEL,
    "content": [
        {"type": "text", "text": "Let me check your fast."},
        {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_active_fast", "input": {}},
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": _anthropic_usage(612, 58),
}

ANTHROPIC_TEXT: JSON = {
    "id": "msg_01BcD7kYu2mXq3Jv",
    "type": "message",
    "role": "assistant",
    "model": ANTHROPIC_MODEL,
    "content": [{"type": "text", "text": "You're 14.5 hours into your fast, in the fat-burning stage. Keep going!"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": _anthropic_usage(731, 24),
}

ANTHROPIC_RATE_LIMIT: JSON = {
    "type": "error",
    "error": {
        "type": "rate_limit_error",
        "message": "This request would exceed the rate limit for your organization of 30,000 input tokens per minute.",
    },
    "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy",
}

ANTHROPIC_OVERLOADED: JSON = {
    "type": "error",
    "error": {"type": "overloaded_error", "message": "Overloaded"},
    "request_id": "req_011CSHoEeqs5C35K2UUqR7Fz",
}

ANTHROPIC_API_ERROR: JSON = {
    "type": "error",
    "error": {"type": "api_error", "message": "Internal server error"},
    "request_id": "req_011CSHoEeqs5C35K2UUqR7G0",
}

ANTHROPIC_AUTHENTICATION_ERROR: JSON = {
    "type": "error",
    "error": {"type": "authentication_error", "message": "invalid x-api-key"},
    "request_id": "req_011CSHoEeqs5C35K2UUqR7G1",
}


def anthropic_sse(message: JSON) -> Iterator[tuple[str, JSON]]:
    """The events Anthropic streams for `message`: start, one block at a time, the final delta, stop."""
    usage = message["usage"]
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**usage, "output_tokens": 1},
    }
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            yield "content_block_start", _block_start(index, {"type": "text", "text": ""})
            words = block["text"].split(" ")
            for i, word in enumerate(words):
                text = word if i == len(words) - 1 else word + " "
                yield "content_block_delta", _block_delta(index, {"type": "text_delta", "text": text})
        elif block["type"] == "tool_use":
            yield "content_block_start", _block_start(index, {**block, "input": {}})
            arguments = json.dumps(block["input"])
            for chunk in (arguments[: len(arguments) // 2], arguments[len(arguments) // 2 :]):
                yield "content_block_delta", _block_delta(index, {"type": "input_json_delta", "partial_json": chunk})
        else:  # pragma: no cover - the fixtures only hold text and tool_use blocks
            raise ValueError(block["type"])
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]},
            "usage": {"output_tokens": usage["output_tokens"]},
        },
    )
    yield "message_stop", {"type": "message_stop"}


def _block_start(index: int, block: JSON) -> JSON:
    return {"type": "content_block_start", "index": index, "content_block": block}


def _block_delta(index: int, delta: JSON) -> JSON:
    return {"type": "content_block_delta", "index": index, "delta": delta}


# --- OpenAI-compatible Chat Completions (OpenAI, Ollama) --------------------------------------------------------

OLLAMA_BASE_URL = "http://localhost:11434/v1"
OLLAMA_MODEL = "llama3.2"

OPENAI_TOOL_CALLS: JSON = {
    "id": "chatcmpl-497",
    "object": "chat.completion",
    "created": 1764145200,
    "model": OLLAMA_MODEL,
    "system_fingerprint": "fp_ollama",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_5t2ewkt8",
                        "index": 0,
                        "type": "function",
                        "function": {"name": "get_active_fast", "arguments": "{}"},
                    }
                ],
            },
            "finish_reason": "tool_calls",
        }
    ],
    "usage": {"prompt_tokens": 214, "completion_tokens": 15, "total_tokens": 229},
}

OPENAI_TEXT: JSON = {
    "id": "chatcmpl-498",
    "object": "chat.completion",
    "created": 1764145201,
    "model": OLLAMA_MODEL,
    "system_fingerprint": "fp_ollama",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "You have been fasting for 14.5 hours."},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 268, "completion_tokens": 11, "total_tokens": 279},
}

OPENAI_SERVER_ERROR: JSON = {
    "error": {
        "message": "The server had an error while processing your request. Sorry about that!",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}


def openai_sse(completion: JSON) -> Iterator[tuple[str, JSON]]:
    """The `chat.completion.chunk` events for `completion`, ending with the usage chunk (`include_usage`)."""
    head = {key: completion[key] for key in ("id", "created", "model", "system_fingerprint")}
    head["object"] = "chat.completion.chunk"
    choice = completion["choices"][0]
    message = choice["message"]

    def chunk(delta: JSON, finish_reason: str | None = None) -> tuple[str, JSON]:
        return "", {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}

    yield chunk({"role": "assistant", "content": ""})
    if text := message.get("content"):
        words = text.split(" ")
        for i, word in enumerate(words):
            yield chunk({"content": word if i == len(words) - 1 else word + " "})
    for call in message.get("tool_calls", []):
        function = call["function"]
        start = {"index": call["index"], "id": call["id"], "type": "function"}
        yield chunk({"tool_calls": [{**start, "function": {"name": function["name"], "arguments": ""}}]})
        yield chunk({"tool_calls": [{"index": call["index"], "function": {"arguments": function["arguments"]}}]})
    yield chunk({}, choice["finish_reason"])
    yield "", {**head, "choices": [], "usage": completion["usage"]}


def connection_refused(request: httpx2.Request) -> httpx2.ConnectError:
    """What `httpx2` raises when nothing listens on the port (e.g. Ollama is not running)."""
    return httpx2.ConnectError("[Errno 111] Connection refused", request=request)


# --- The transport ----------------------------------------------------------------------------------------------

SSE = Callable[[JSON], Iterator[tuple[str, JSON]]]


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP answer, or a transport failure when `error` is set."""

    status: int = 200
    body: JSON = field(default_factory=dict[str, Any])
    headers: dict[str, str] = field(default_factory=dict[str, str])
    error: Callable[[httpx2.Request], Exception] | None = None


@dataclass
class Recorded:
    """A request the transport answered."""

    method: str
    url: str
    headers: dict[str, str]
    body: JSON

    @property
    def streamed(self) -> bool:
        return bool(self.body.get("stream"))


class ScriptedTransport(httpx2.AsyncBaseTransport):
    """Answers each request with the next scripted reply, repeating the last one once the script runs out.

    A 200 reply to a request that asked for `"stream": true` goes out as server-sent events built by `sse`.
    `rescript` swaps the script for the requests still to come, e.g. when an outage ends.
    """

    def __init__(self, replies: Sequence[Reply], *, sse: SSE) -> None:
        self.sse = sse
        self.requests: list[Recorded] = []
        self.rescript(replies)

    def rescript(self, replies: Sequence[Reply]) -> None:
        """Answer the next requests with `replies` instead, again repeating the last one."""
        if not replies:
            raise ValueError("script at least one reply")
        self.replies = list(replies)
        self._first = len(self.requests)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body: JSON = json.loads(await request.aread() or b"{}")
        self.requests.append(Recorded(request.method, str(request.url), dict(request.headers), body))
        reply = self.replies[min(len(self.requests) - self._first, len(self.replies)) - 1]
        if reply.error is not None:
            raise reply.error(request)
        if reply.status == 200 and body.get("stream"):
            events = "".join(_sse_event(name, data) for name, data in self.sse(reply.body))
            if self.sse is openai_sse:
                events += "data: [DONE]\n\n"
            headers = {"content-type": "text/event-stream", **reply.headers}
            return httpx2.Response(200, headers=headers, content=events.encode())
        return httpx2.Response(reply.status, headers=reply.headers, json=reply.body)


def _sse_event(name: str, data: JSON) -> str:
    prefix = f"event: {name}\n" if name else ""
    return f"{prefix}data: {json.dumps(data)}\n\n"
