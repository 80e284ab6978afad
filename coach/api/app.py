"""The app factory: the store opened in the lifespan, the model built once, routes, errors and middleware."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from jwt import PyJWKClient
from pydantic import BaseModel
from pydantic_ai.models import Model

from coach.api import account, chat, conversations, errors, memories, nutrition, training, vercel
from coach.api.auth import TokenVerifier
from coach.api.deps import Services, ServicesDep
from coach.api.errors import ApiError
from coach.api.middleware import Cors, GuardMiddleware
from coach.api.settings import ApiSettings
from coach.api.workers import InlineRunner, Limits, TurnRunner, WorkerConfig, WorkerPool
from stores import open_store
from stores.base import Store
from tools.deps import TextEmbedder

log = logging.getLogger(__name__)

VERSION = "1.0.0"
DESCRIPTION = """\
Spotter's chat API: a coach for training, nutrition and fasting that answers by calling typed tools over the
user's own data, plus the data itself.

Every route but `/health` and `/ready` needs `Authorization: Bearer <JWT>`; the token's `sub` is the user,
created on first sight. Every error has the shape `{"error": {"code", "message", "details", "request_id"}}`,
and every response carries `X-Request-ID`."""


class Status(BaseModel):
    """A probe's answer."""

    status: str


def _now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: ApiSettings | None = None,
    *,
    model: Model | None = None,
    embedder: TextEmbedder | None = None,
    jwks: PyJWKClient | None = None,
    clock: Callable[[], datetime] = _now,
    migrate: bool = False,
    telemetry: bool = True,
    freeze_heap: bool = False,
) -> FastAPI:
    """The chat API.

    Args:
        settings: Configuration; default: read from the environment (`COACH_*`).
        model: The model every turn uses; default: built once from the settings (offline without a key). Turn
            workers build their own from the settings, so a model object needs `turn_workers=0`.
        embedder: The memory embedder; default: the local MiniLM model, loaded on first use (turn workers load
            their own).
        jwks: A JWKS client to verify RS256/ES256 tokens with (tests pass one that never touches the network);
            default: one for `COACH_JWKS_URL`, when set.
        clock: Where "now" comes from (tests fix it).
        migrate: Bring a Postgres database up to date on start (SQLite always migrates itself).
        telemetry: Trace requests with `coach.telemetry`.
        freeze_heap: Once started, keep everything loaded so far out of the garbage collector's sight
            (`gc.freeze()`), for a server process that runs one app for its lifetime.

    """
    settings = settings or ApiSettings()
    if model is not None and settings.turn_workers:
        raise ValueError("a model object cannot cross into turn workers: pass turn_workers=0 with it")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncGenerator[None]:
        settings.check()
        built = model or _build_model(settings)
        async with open_store(settings.resolved_database_url(), upgrade=migrate) as store:
            if telemetry:
                instrument_store(store)
            used = embedder or _default_embedder()
            runner = await _runner(settings, store, built, used, telemetry=telemetry)
            app.state.services = Services(
                settings=settings,
                store=store,
                model=built,
                embedder=used,
                verifier=TokenVerifier(settings, jwks),
                clock=clock,
                runner=runner,
            )
            if freeze_heap:
                # What is loaded by now lives as long as the process: out of the collector's sight, a full
                # collection under load takes a few ms (what requests allocated) instead of ~100 (the whole heap).
                gc.freeze()
            try:
                yield
            finally:
                app.state.services = None
                await runner.aclose()

    app = FastAPI(title="Spotter", version=VERSION, description=DESCRIPTION, lifespan=lifespan)
    errors.install(app)
    for module in (chat, vercel, conversations, nutrition, training, memories, account):
        app.include_router(module.router)
    _probes(app)
    if origins := settings.origins():
        app.add_middleware(
            Cors,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After", "x-vercel-ai-ui-message-stream"],
            max_age=600,
        )
    if telemetry:
        from coach.telemetry import instrument_app

        instrument_app(app)
    # Added last, so it is the outermost layer: its request id is the one tracing and error bodies see.
    app.add_middleware(GuardMiddleware, max_body_bytes=settings.max_body_bytes)
    return app


def _probes(app: FastAPI) -> None:
    documented = errors.responses()

    @app.get("/health", response_model=Status, tags=["probes"], summary="Liveness", responses={500: documented[500]})
    async def health() -> Status:
        """The process is up (no dependencies are checked)."""
        return Status(status="ok")

    @app.get("/ready", response_model=Status, tags=["probes"], responses={s: documented[s] for s in (500, 503)})
    async def ready(found: ServicesDep) -> Status:
        """The database answers."""
        try:
            await found.store.user("readiness-probe")
        except Exception:
            log.exception("readiness probe failed")
            raise ApiError(503, "unavailable", "The database is not reachable.") from None
        return Status(status="ready")


def _build_model(settings: ApiSettings) -> Model:
    from coach.models import build_model

    return build_model(settings.model or None, openai_base_url=settings.openai_base_url or None)


def _default_embedder() -> TextEmbedder:
    from coach.embedder import default_embedder

    return default_embedder()


async def _runner(
    settings: ApiSettings, store: Store, model: Model, embedder: TextEmbedder, *, telemetry: bool
) -> TurnRunner:
    limits = Limits(settings.free_monthly_messages, settings.chat_per_minute)
    if not settings.turn_workers:
        return InlineRunner(store, model, embedder, limits, asyncio.Semaphore(settings.max_concurrent_turns))
    config = WorkerConfig(
        database_url=settings.resolved_database_url(),
        limits=limits,
        model=settings.model,
        openai_base_url=settings.openai_base_url,
        max_concurrent_turns=settings.max_concurrent_turns,
        telemetry=telemetry,
    )
    pool = WorkerPool(config, settings.turn_workers)
    await pool.start()
    return pool


def instrument_store(store: object) -> None:
    """Trace the SQL a store's engine runs."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    from coach.telemetry import instrument_engine

    engine = getattr(store, "engine", None)
    if isinstance(engine, AsyncEngine):
        instrument_engine(engine)


def openapi_document(app: FastAPI | None = None) -> dict[str, Any]:
    """The app's OpenAPI document (the app is not started)."""
    return (app or create_app(ApiSettings(), telemetry=False)).openapi()


def openapi_json(app: FastAPI | None = None) -> str:
    """The OpenAPI document as the checked-in file has it: sorted keys, two-space indent, final newline."""
    return json.dumps(openapi_document(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
