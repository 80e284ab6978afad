"""Where turns run: on the serving event loop, or in worker processes that keep that loop free for reads.

A turn spends most of its time in pure Python (the safety screen, Pydantic AI's graph, the tools' maths). Run on the
process that serves HTTP, that work queues every other request behind it: under a chat load a `GET /v1/me` waits for
turns' steps between each of its own database round trips. `WorkerPool` runs turns in child processes instead
(`COACH_TURN_WORKERS`), each with its own store connection, model and embedder, at a lower CPU priority, so the
serving loop only parses requests, checks tokens and quotas, answers reads and relays the turns' events.

The pool speaks to a worker over a duplex pipe. Out: `("turn", job, TurnJob JSON, stream events?)`,
`("cancel", job)` and `("stop",)`. Back, in order: `("ready",)` or `("failed", why)` once at start, then per job
`("admitted", job)`, any number of `("event", job, TurnEvent JSON)` (or, for a Vercel turn, `("chunk", job, text)`)
and one `("result", job, TurnResult JSON or "")`, or at any point one `("error", job, kind, message, details)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel
from pydantic_ai.exceptions import AgentRunError
from pydantic_ai.models import Model

from coach.api import quotas
from coach.api.admission import admit
from coach.api.auth import Identity
from coach.api.errors import ApiError
from coach.turn import OnEvent, TurnContext, TurnEvent, TurnResult, run_turn
from stores.base import ConflictError, NotFoundError, Store, StoreError, UnknownExerciseError
from stores.records import Tier
from tools.deps import TextEmbedder

log = logging.getLogger(__name__)

START_TIMEOUT_S = 120.0
"""How long a worker may take to import, open the store and load its models."""
STOP_TIMEOUT_S = 10.0
"""How long a stopping worker may take to finish its turns before it is terminated."""
WORKER_NICE = 10
"""Added to a worker's nice value: when the cores are busy, serving requests goes before running turns."""


class TurnJob(BaseModel):
    """One turn to run, as the serving process hands it to a runner: who asks (from the verified token), and what."""

    kind: Literal["turn", "vercel"] = "turn"
    user_id: str
    name: str | None = None
    tier: Tier | None = None
    text: str | None
    conversation_id: str | None = None
    approvals: dict[str, bool] | None = None
    now: datetime
    request_id: str | None = None
    trace: dict[str, str] = {}
    """The caller's trace context (W3C headers), so a worker's spans join the request's trace."""
    body: str = ""
    """A Vercel turn's request body (the AI SDK's UI messages), validated by the route."""
    accept: str | None = None
    """A Vercel turn's `Accept` header."""

    def identity(self) -> Identity:
        """Who the token spoke for."""
        return Identity(user_id=self.user_id, name=self.name, tier=self.tier)


Admitted = Callable[[], None]
"""Called once the turn is admitted (user known, conversation found, quota left), before it runs."""
OnChunk = Callable[[str], Awaitable[None]]
"""Receives a Vercel turn's encoded stream, chunk by chunk."""


class TurnRunner(Protocol):
    """Runs turns for the API."""

    async def run(
        self, job: TurnJob, on_event: OnEvent | None = None, on_admitted: Admitted | None = None
    ) -> TurnResult:
        """Admit and run one turn, passing its events to `on_event` as they happen.

        Raises:
            ApiError: The turn was not admitted (404, 429).

        """
        ...

    async def vercel(self, job: TurnJob, on_chunk: OnChunk, on_admitted: Admitted) -> None:
        """Admit and run a Vercel AI turn, passing its encoded stream to `on_chunk`.

        Raises:
            ApiError: The turn was not admitted (429).
            NotFoundError: The chat id is another user's conversation.

        """
        ...

    async def aclose(self) -> None:
        """Stop running turns."""
        ...


class TurnFailed(Exception):
    """A worker's turn failed for a reason other than the store or the database (the worker logged it)."""


class DatabaseUnavailable(ConnectionError):
    """A worker could not reach the database during a turn."""


@dataclass(frozen=True)
class Limits:
    """The quota settings, as a worker gets them."""

    free_monthly_messages: int
    chat_per_minute: int


@dataclass
class InlineRunner:
    """Turns on the caller's event loop, at most `turns` at once."""

    store: Store
    model: Model
    embedder: TextEmbedder
    limits: quotas.Limits
    turns: asyncio.Semaphore

    async def run(
        self, job: TurnJob, on_event: OnEvent | None = None, on_admitted: Admitted | None = None
    ) -> TurnResult:
        """Admit and run one turn here."""
        user = await admit(
            self.store, self.limits, job.identity(), job.text, job.conversation_id, job.approvals, job.now
        )
        if on_admitted is not None:
            on_admitted()
        ctx = TurnContext(
            store=self.store, user=user, model=self.model, embedder=self.embedder, now=job.now, on_event=on_event
        )
        async with self.turns:
            return await run_turn(ctx, job.text, job.conversation_id, job.approvals)

    async def vercel(self, job: TurnJob, on_chunk: OnChunk, on_admitted: Admitted) -> None:
        """Admit and run a Vercel AI turn here."""
        from coach.api.vercel import run_vercel

        async with self.turns:
            await run_vercel(self.store, self.model, self.embedder, self.limits, job, on_chunk, on_admitted)

    async def aclose(self) -> None:
        """Nothing to stop."""


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker process builds its services from (it shares no objects with the server)."""

    database_url: str
    limits: Limits
    model: str = ""
    openai_base_url: str = ""
    max_concurrent_turns: int = 4
    telemetry: bool = True
    nice: int = WORKER_NICE


def error_message(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    """How a worker reports a failed turn: (kind, message, details)."""
    from coach.api.errors import database_down

    if isinstance(exc, ApiError):
        return (
            "api",
            exc.message,
            {"status": exc.status, "code": exc.code, "details": exc.details, "headers": exc.headers},
        )
    if isinstance(exc, UnknownExerciseError):
        return "unknown_exercise", str(exc), {"exercise_id": exc.exercise_id, "suggestions": list(exc.suggestions)}
    if isinstance(exc, NotFoundError):
        return "not_found", str(exc), {}
    if isinstance(exc, ConflictError):
        return "conflict", str(exc), {}
    if isinstance(exc, StoreError):
        return "store", str(exc), {}
    if database_down(exc):
        return "database", type(exc).__name__, {}
    if isinstance(exc, AgentRunError):
        return "agent", str(exc), {}
    return "failed", type(exc).__name__, {}


def error_of(kind: str, message: str, details: dict[str, Any]) -> Exception:
    """The exception the serving process raises for a worker's error message."""
    if kind == "api":
        return ApiError(details["status"], details["code"], message, details["details"], details["headers"])
    if kind == "unknown_exercise":
        return UnknownExerciseError(str(details.get("exercise_id", "")), details.get("suggestions") or ())
    store_errors: dict[str, type[StoreError]] = {"not_found": NotFoundError, "conflict": ConflictError}
    if kind in store_errors or kind == "store":
        return store_errors.get(kind, StoreError)(message)
    if kind == "database":
        return DatabaseUnavailable(message)
    if kind == "agent":
        return AgentRunError(message)
    return TurnFailed(message)


class _Worker:
    """One worker process, the pipe to it, and a thread that hands what it sends to the event loop."""

    def __init__(self, config: WorkerConfig, loop: asyncio.AbstractEventLoop) -> None:
        from coach.api._turn_worker import worker_main

        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=worker_main, args=(child, config), name="coach-turn-worker", daemon=True)
        self.process.start()
        child.close()
        self.jobs: dict[int, asyncio.Queue[tuple[Any, ...]]] = {}
        self.alive = True
        self.ready: asyncio.Future[None] = loop.create_future()
        self._loop = loop
        threading.Thread(target=self._read, name="coach-turn-worker-reader", daemon=True).start()

    def send(self, message: tuple[Any, ...]) -> None:
        self.conn.send(message)

    def _read(self) -> None:
        try:
            while True:
                message = self.conn.recv()
                self._loop.call_soon_threadsafe(self._deliver, message)
        except (EOFError, OSError):
            pass
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self._loop.call_soon_threadsafe(self._exited)

    def _deliver(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            if not self.ready.done():
                self.ready.set_result(None)
        elif kind == "failed":
            if not self.ready.done():
                self.ready.set_exception(RuntimeError(f"a turn worker failed to start: {message[1]}"))
        elif (queue := self.jobs.get(message[1])) is not None:
            queue.put_nowait(message)

    def _exited(self) -> None:
        self.alive = False
        if not self.ready.done():
            self.ready.set_exception(RuntimeError("a turn worker exited while starting"))
        for job, queue in self.jobs.items():
            queue.put_nowait(("error", job, "failed", "the turn worker exited", {}))

    def stop(self) -> None:
        """Ask the worker to finish (it cancels running turns); terminate it if it does not exit in time."""
        if self.alive:
            with contextlib.suppress(OSError, ValueError):
                self.send(("stop",))
        self.process.join(STOP_TIMEOUT_S)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(STOP_TIMEOUT_S)
        self.conn.close()


class WorkerPool:
    """Turns in `size` worker processes; a worker that dies is replaced on the next turn."""

    def __init__(self, config: WorkerConfig, size: int) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.config = config
        self.size = size
        self._workers: list[_Worker] = []
        self._ids = itertools.count(1)

    async def start(self) -> None:
        """Start the workers and wait until each has its store and models ready.

        Raises:
            RuntimeError: A worker could not start (its reason is in the message).

        """
        loop = asyncio.get_running_loop()
        self._workers = [_Worker(self.config, loop) for _ in range(self.size)]
        try:
            async with asyncio.timeout(START_TIMEOUT_S):
                await asyncio.gather(*(worker.ready for worker in self._workers))
        except BaseException:
            await self.aclose()
            raise

    @property
    def pids(self) -> list[int | None]:
        """The workers' process ids (tests and diagnostics)."""
        return [worker.process.pid for worker in self._workers]

    async def _worker(self) -> _Worker:
        loop = asyncio.get_running_loop()
        for index, worker in enumerate(self._workers):
            if not worker.alive:
                log.warning(
                    "turn worker %s exited (code %s); starting another", worker.process.pid, worker.process.exitcode
                )
                self._workers[index] = _Worker(self.config, loop)
                loop.run_in_executor(None, worker.stop)
        if not self._workers:
            raise TurnFailed("the worker pool is not running")
        chosen = min(self._workers, key=lambda worker: len(worker.jobs))
        async with asyncio.timeout(START_TIMEOUT_S):
            await asyncio.shield(chosen.ready)
        return chosen

    async def run(
        self, job: TurnJob, on_event: OnEvent | None = None, on_admitted: Admitted | None = None
    ) -> TurnResult:
        """Admit and run one turn in the least busy worker, relaying its events; cancelling cancels the turn."""
        result = await self._exchange(job, on_event=on_event, on_admitted=on_admitted)
        assert result is not None
        return result

    async def vercel(self, job: TurnJob, on_chunk: OnChunk, on_admitted: Admitted) -> None:
        """Admit and run a Vercel AI turn in the least busy worker, relaying its encoded stream."""
        await self._exchange(job, on_chunk=on_chunk, on_admitted=on_admitted)

    async def _exchange(
        self,
        job: TurnJob,
        *,
        on_event: OnEvent | None = None,
        on_chunk: OnChunk | None = None,
        on_admitted: Admitted | None = None,
    ) -> TurnResult | None:
        worker = await self._worker()
        job_id = next(self._ids)
        queue: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        worker.jobs[job_id] = queue
        try:
            worker.send(("turn", job_id, job.model_dump_json(), on_event is not None))
            while True:
                message = await queue.get()
                kind = message[0]
                if kind == "event" and on_event is not None:
                    await on_event(TurnEvent.model_validate_json(message[2]))
                elif kind == "chunk" and on_chunk is not None:
                    await on_chunk(message[2])
                elif kind == "admitted" and on_admitted is not None:
                    on_admitted()
                elif kind == "result":
                    return TurnResult.model_validate_json(message[2]) if message[2] else None
                elif kind == "error":
                    raise error_of(message[2], message[3], message[4])
        except asyncio.CancelledError:
            if worker.alive:
                with contextlib.suppress(OSError, ValueError):
                    worker.send(("cancel", job_id))
            raise
        finally:
            worker.jobs.pop(job_id, None)

    async def aclose(self) -> None:
        """Stop every worker."""
        workers, self._workers = self._workers, []
        await asyncio.gather(*(asyncio.to_thread(worker.stop) for worker in workers))
