"""Failure: a failing provider degrades to the offline model; a database outage is a 503 that loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from pydantic_ai import ModelMessage
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.models.fallback import FallbackModel
from pydantic_ai.models.function import AgentInfo, DeltaToolCalls, FunctionModel

from coach.offline import OfflineModel
from tests.apiclient import assert_error, running, sse_events

pytestmark = pytest.mark.anyio
SSE = {"Accept": "text/event-stream"}


def _down(messages: list[ModelMessage], info: AgentInfo) -> object:
    raise ModelHTTPError(status_code=503, model_name="claude-test", body={"type": "overloaded_error"})


async def _down_streaming(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
    _down(messages, info)
    yield ""  # pragma: no cover


async def test_a_failing_provider_falls_back_to_the_offline_model(store_url: str, user_id: str) -> None:
    provider = FunctionModel(_down, stream_function=_down_streaming)  # pyright: ignore[reportArgumentType]
    async with running(store_url, model=FallbackModel(provider, OfflineModel())) as api:
        answered = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "how's my fast going?"})
        assert answered.status_code == 200, answered.text
        body = answered.json()
        assert body["model"] == "spotter-offline-1"
        assert [c["name"] for c in body["tool_calls"]] == ["get_active_fast"]
        streamed = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "am I fasting?"}, headers=SSE)
        events = sse_events(streamed.text)
        assert events[-1][0] == "done"
        assert events[-1][1]["model"] == "spotter-offline-1"


class Proxy:
    """A TCP proxy on loopback in front of the database, which a test can take down and bring back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.streams: list[asyncio.StreamWriter] = []

    async def up(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        assert self.server is not None
        self.server.close()
        for stream in self.streams:
            stream.transport.abort()
        self.streams.clear()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.streams += [writer, upstream_writer]
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    writer.transport.abort()


@pytest.mark.postgres
async def test_a_database_outage_is_a_503_and_nothing_is_lost(postgres_database: str, user_id: str) -> None:
    parts = urlsplit(postgres_database)
    proxy = Proxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.up()
    netloc = f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}"
    url = urlunsplit(parts._replace(netloc=netloc))
    async with running(url) as api:
        first = await api.as_user(user_id, "POST", "/v1/chat", json={"message": "how's my fast going?"})
        assert first.status_code == 200, first.text
        conversation_id = first.json()["conversation_id"]
        await proxy.down()
        assert_error(await api.client.get("/ready"), 503, "unavailable")
        question = {"message": "what did I eat today?", "conversation_id": conversation_id}
        refused = await api.as_user(user_id, "POST", "/v1/chat", json=question)
        assert_error(refused, 503, "database_unavailable")
        assert refused.headers["retry-after"] == "5"
        await proxy.up()
        assert (await api.client.get("/ready")).status_code == 200
        retried = await api.as_user(user_id, "POST", "/v1/chat", json=question)
        assert retried.status_code == 200, retried.text
        stored = (await api.as_user(user_id, "GET", f"/v1/conversations/{conversation_id}")).json()
        said = [m["text"] for m in stored["messages"] if m["role"] == "user"]
        assert said == ["how's my fast going?", "what did I eat today?"]
    await proxy.down()
