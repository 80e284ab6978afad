"""The turn worker process: its own event loop, store, model and embedder, running the turns the server sends.

See `coach.api.workers` for the pipe's messages. The worker runs several turns at once (`max_concurrent_turns`),
each in the request's trace and with its request id, and answers each with its events and then a result or an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

from opentelemetry import context, propagate
from pydantic_ai.exceptions import AgentRunError

from coach import safety, telemetry
from coach.api.app import instrument_store
from coach.api.errors import ApiError
from coach.api.workers import InlineRunner, TurnJob, WorkerConfig, error_message
from coach.embedder import default_embedder
from coach.models import build_model
from coach.turn import TurnEvent
from stores import open_store
from stores.base import StoreError

log = logging.getLogger(__name__)

WARM_UP_MESSAGE = "how many sets did I do this week?"


def worker_main(conn: Connection, config: WorkerConfig) -> None:
    """Entry point of a worker process."""
    # Ctrl-C reaches the whole process group; the server stops its workers itself, after its open requests.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lower_priority(config.nice)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s [turn worker %(process)d] %(name)s: %(message)s")
    try:
        asyncio.run(_serve(conn, config))
    finally:
        conn.close()


def _lower_priority(nice: int) -> None:
    """Let the server's requests take the CPU whenever they want it (threads started later inherit this)."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(nice)
    # Linux: SCHED_IDLE runs only on cores nothing else wants, and yields to any waking request at once; a nice
    # value alone still lets a turn keep a core for a few milliseconds while a request waits for it.
    with contextlib.suppress(OSError, AttributeError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _read(conn: Connection, loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[tuple[Any, ...]]) -> None:
    try:
        while True:
            message = conn.recv()
            loop.call_soon_threadsafe(inbox.put_nowait, message)
    except (EOFError, OSError):
        pass
    with contextlib.suppress(RuntimeError):  # the loop is already closed
        loop.call_soon_threadsafe(inbox.put_nowait, ("stop",))


async def _serve(conn: Connection, config: WorkerConfig) -> None:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
    threading.Thread(target=_read, args=(conn, loop, inbox), name="coach-turn-worker-inbox", daemon=True).start()
    try:
        if config.telemetry:
            telemetry.configure("spotter-api", continues_traces=True)
        async with open_store(config.database_url) as store:
            if config.telemetry:
                instrument_store(store)
            model = build_model(config.model or None, openai_base_url=config.openai_base_url or None)
            turns = asyncio.Semaphore(config.max_concurrent_turns)
            runner = InlineRunner(store, model, default_embedder(), config.limits, turns)
            await safety.screen_deep(WARM_UP_MESSAGE)  # loads the embedding model before the first turn
            gc.freeze()  # as in the server: full collections then skip what was loaded at start
            conn.send(("ready",))
            await _dispatch(conn, inbox, runner)
    except Exception as exc:
        log.exception("turn worker stopped")
        with contextlib.suppress(OSError, ValueError):
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))


async def _dispatch(conn: Connection, inbox: asyncio.Queue[tuple[Any, ...]], runner: InlineRunner) -> None:
    tasks: dict[int, asyncio.Task[None]] = {}
    while (message := await inbox.get())[0] != "stop":
        if message[0] == "cancel":
            if (task := tasks.get(message[1])) is not None:
                task.cancel()
        elif message[0] == "turn":
            job_id: int = message[1]
            task = asyncio.create_task(_run(conn, runner, job_id, message[2], stream=bool(message[3])))
            tasks[job_id] = task
            task.add_done_callback(lambda _, job_id=job_id: tasks.pop(job_id, None))
    for task in tasks.values():
        task.cancel()
    await asyncio.gather(*tasks.values(), return_exceptions=True)


async def _run(conn: Connection, runner: InlineRunner, job_id: int, raw: str, *, stream: bool) -> None:
    job = TurnJob.model_validate_json(raw)

    async def on_event(event: TurnEvent) -> None:
        conn.send(("event", job_id, event.model_dump_json()))

    def on_admitted() -> None:
        conn.send(("admitted", job_id))

    async def on_chunk(chunk: str) -> None:
        conn.send(("chunk", job_id, chunk))

    request = telemetry.request_id.set(job.request_id)
    trace = context.attach(propagate.extract(job.trace))
    try:
        if job.kind == "vercel":
            await runner.vercel(job, on_chunk, on_admitted)
            conn.send(("result", job_id, ""))
        else:
            result = await runner.run(job, on_event if stream else None, on_admitted)
            conn.send(("result", job_id, result.model_dump_json()))
    except Exception as exc:
        if not isinstance(exc, ApiError | StoreError | AgentRunError):
            log.exception("turn failed (request %s)", job.request_id)
        with contextlib.suppress(OSError, ValueError):
            conn.send(("error", job_id, *error_message(exc)))
    finally:
        context.detach(trace)
        telemetry.request_id.reset(request)
