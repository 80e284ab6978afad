"""Tracing: one trace per coaching turn, sent to Logfire, to any OTLP backend, or nowhere.

`configure` sets Logfire up once per process and instruments Pydantic AI and httpx; `instrument_app` and
`instrument_engine` add FastAPI and SQLAlchemy. `turn_span` wraps one turn with its attributes. Our own spans go
through the OpenTelemetry API rather than `logfire.span`, so code that runs without `configure` (tests, evals)
neither warns nor records anything.

Message text is kept out of traces unless `COACH_TRACE_CONTENT=1`: Pydantic AI runs with `include_content=False`,
request bodies and endpoint arguments are never captured, and SQL spans carry statements without bound values.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import uuid
from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol
from weakref import WeakSet

import logfire
from opentelemetry import trace

from coach.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.trace import Span
    from sqlalchemy import Engine
    from sqlalchemy.ext.asyncio import AsyncEngine
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
    from starlette.websockets import WebSocket

__all__ = (
    "DEFAULT_SALT",
    "TurnSpan",
    "configure",
    "hash_user",
    "instrument",
    "instrument_app",
    "instrument_engine",
    "otlp_endpoint",
    "request_id",
    "span",
    "turn_span",
)

DEFAULT_SALT = "spotter-trace-v1"
"""The salt of `hash_user` when `COACH_TRACE_SALT` is unset: ids stay stable across deploys but are not raw."""

request_id: ContextVar[str | None] = ContextVar("coach_request_id", default=None)
"""The HTTP request being served, set by `instrument_app`'s middleware and read by `turn_span`."""

_tracer = trace.get_tracer("coach")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_engines: WeakSet[Engine] = WeakSet()


@dataclass
class _State:
    service: str | None = None
    content: bool = False
    httpx: bool = False


_state = _State()


def otlp_endpoint() -> str:
    """The OTLP endpoint traces go to instead of Logfire (`OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`), or ''."""
    return os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or ""


def configure(service_name: str, *, console: bool = False, continues_traces: bool = False) -> None:
    """Set up tracing for this process (later calls do nothing).

    Traces go to Logfire when `LOGFIRE_TOKEN` is set, to the OTLP endpoint instead when
    `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and nowhere otherwise; `console` also prints them.
    `continues_traces` is for a turn worker, whose turns join the trace of the request the server passed on.
    """
    if _state.service is not None:
        return
    # Logfire itself exports to the OTLP endpoint when the variable is set; turning its own exporter off keeps the
    # traces on the backend that was chosen.
    logfire.configure(
        send_to_logfire=False if otlp_endpoint() else "if-token-present",
        service_name=service_name,
        console=None if console else False,
        distributed_tracing=True if continues_traces else None,
        # Metrics cost every request a few histogram updates (about 10% of the API's CPU per request, measured with
        # bench/api.py) and repeat what each request's span already records; COACH_METRICS=1 turns them on.
        metrics=None if Settings().metrics else False,
    )
    _state.service = service_name
    instrument()


def instrument() -> None:
    """Instrument Pydantic AI and httpx, reading `COACH_TRACE_CONTENT` again (tests call this after `capfire`)."""
    _state.content = Settings().trace_content
    logfire.instrument_pydantic_ai(include_content=_state.content, include_binary_content=_state.content)
    if not _state.httpx:
        # Provider requests carry the whole conversation, so bodies and headers are never captured.
        logfire.instrument_httpx(capture_all=False)
        _state.httpx = True


def instrument_app(app: FastAPI, *, service_name: str = "spotter-api") -> None:
    """Trace every request to `app` (health checks excepted), configuring tracing first if needed.

    Also adds a middleware that takes the request id from `X-Request-ID` (or makes one), echoes it in the
    response, and makes it the `coach.request_id` of the request's span and of any turn it runs.
    """
    configure(service_name)
    logfire.instrument_fastapi(app, request_attributes_mapper=_request_attributes, excluded_urls="/health$")
    app.add_middleware(_RequestIdMiddleware)


def _request_attributes(request: Request | WebSocket, attributes: dict[str, Any]) -> dict[str, Any] | None:
    """Keep validation errors without their input; drop endpoint arguments (message text, the raw user)."""
    errors = [{k: e[k] for k in ("type", "loc", "msg") if k in e} for e in attributes.get("errors") or ()]
    return {"errors": errors} if errors else None


class _RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"x-request-id"]
        incoming = next((v for k, v in scope["headers"] if k.lower() == b"x-request-id"), b"").decode("latin-1")
        rid = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Rewritten so that any other request-id layer, before or after this one, settles on the same id.
        scope["headers"] = [*headers, (b"x-request-id", rid.encode())]
        trace.get_current_span().set_attribute("coach.request_id", rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"x-request-id"]
                message["headers"] = [*sent, (b"x-request-id", rid.encode())]
            await send(message)

        token = request_id.set(rid)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)


def instrument_engine(engine: AsyncEngine) -> None:
    """Trace the SQL statements `engine` runs (the statement text only: bound values are never recorded)."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    sync = engine.sync_engine
    if sync in _engines:
        return
    _engines.add(sync)
    instrumentor = SQLAlchemyInstrumentor()
    if instrumentor.is_instrumented_by_opentelemetry:
        # The instrumentor is a singleton that ignores a second `instrument()`, so a new engine means starting over
        # with every engine still alive.
        instrumentor.uninstrument()
    logfire.instrument_sqlalchemy(engines=list(_engines))
    # The instrumentor also wraps `Engine.connect` in a "connect" span: one per pool checkout, so per store call,
    # which says nothing the statements' own spans do not and costs about a millisecond of every short request.
    from opentelemetry.instrumentation.utils import unwrap
    from sqlalchemy.engine.base import Engine as SyncEngine

    unwrap(SyncEngine, "connect")


def hash_user(user_id: str) -> str:
    """A stable pseudonym for a user id: HMAC-SHA256 keyed with `COACH_TRACE_SALT`, 16 hex digits."""
    salt = os.environ.get("COACH_TRACE_SALT") or DEFAULT_SALT
    return hmac.new(salt.encode(), user_id.encode(), hashlib.sha256).hexdigest()[:16]


@contextmanager
def span(name: str, **attributes: str | int | float | bool) -> Generator[Span]:
    """A child span of the current one."""
    with _tracer.start_as_current_span(name, attributes=attributes) as current:
        yield current


class _Usage(Protocol):
    @property
    def requests(self) -> int: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def cost_usd(self) -> Decimal | None: ...


class _Safety(Protocol):
    @property
    def category(self) -> str: ...


class _Result(Protocol):
    @property
    def model(self) -> str: ...
    @property
    def reply(self) -> str: ...
    @property
    def safety(self) -> _Safety: ...
    @property
    def usage(self) -> _Usage: ...


@dataclass
class TurnSpan:
    """The span of one turn, for the attributes known only at its end."""

    span: Span
    content: bool

    def finish(self, result: _Result) -> None:
        """Record the answering model, the safety category, tokens, cost and (with content on) the reply."""
        usage = result.usage
        attributes: dict[str, str | int | float] = {
            "coach.model": result.model,
            "coach.safety.category": result.safety.category,
            "coach.usage.requests": usage.requests,
            "coach.usage.input_tokens": usage.input_tokens,
            "coach.usage.output_tokens": usage.output_tokens,
        }
        if usage.cost_usd is not None:
            attributes["coach.cost_usd"] = float(usage.cost_usd)
        if self.content:
            attributes["coach.reply"] = result.reply
        self.span.set_attributes(attributes)


@contextmanager
def turn_span(
    user_id: str, conversation_id: str, text: str | None = None, *, request: str | None = None
) -> Generator[TurnSpan]:
    """The root span of one turn (`coach turn`): hashed user, conversation, request id, and the message if allowed.

    Token counts sit under `coach.usage.*`, not `gen_ai.usage.*`, so backends that add up GenAI usage do not count
    the turn's model requests twice.
    """
    attributes: dict[str, str] = {"coach.user": hash_user(user_id), "coach.conversation_id": conversation_id}
    if rid := request or request_id.get():
        attributes["coach.request_id"] = rid
    if _state.content and text:
        attributes["coach.message"] = text
    with _tracer.start_as_current_span("coach turn", attributes=attributes) as current:
        yield TurnSpan(current, _state.content)
