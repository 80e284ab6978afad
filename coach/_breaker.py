"""A circuit breaker in front of a provider model, so an outage degrades turns to the offline coach at once.

Without it, every agent step of every turn during an outage retries the provider (`1 + SDK_MAX_RETRIES` requests and
their backoff) before `FallbackModel` moves on to the offline coach. With it, after `threshold` consecutive provider
failures the circuit opens: for `cooldown` seconds every request fails at once with `CircuitOpenError`, a
`ModelAPIError`, without a request leaving the process, and `FallbackModel` answers with the next model. After the
cooldown the circuit half-opens: one request (the probe) goes to the provider, and its outcome closes the circuit or
opens it for another cooldown. Requests made while the probe is in flight fail at once like those of an open circuit.

A failure is what `FallbackModel` falls back on: a `ModelAPIError` (an HTTP error, a refused connection, a timeout),
raised by the request or, for a streamed request, while the stream is read. Anything else, such as a bug raising
`ValueError` or a cancelled request, neither counts as a failure nor as a success.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal

from pydantic_ai import RunContext
from pydantic_ai.exceptions import ModelAPIError
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import Model, ModelRequestParameters, StreamedResponse
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.settings import ModelSettings

__all__ = ("DEFAULT_COOLDOWN", "DEFAULT_THRESHOLD", "CircuitBreakerModel", "CircuitOpenError", "CircuitState")

log = logging.getLogger("coach.models")

DEFAULT_THRESHOLD = 3
"""Consecutive provider failures that open the circuit."""

DEFAULT_COOLDOWN = 30.0
"""Seconds an open circuit fails requests at once before it lets one through to probe the provider."""

CircuitState = Literal["closed", "open", "half-open"]


class CircuitOpenError(ModelAPIError):
    """Raised instead of a request to the provider while its circuit is open.

    A `ModelAPIError`, so `FallbackModel` moves on to its next model. `retry_after` is the seconds left until the
    circuit lets a probe through, or `None` while a probe is in flight.
    """


class _Ticket:
    """One request let through the breaker; its outcome counts only if the circuit has not changed since."""

    __slots__ = ("epoch",)

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch


class CircuitBreakerModel(WrapperModel):
    """A model that stops calling the model it wraps for a while after it failed `threshold` times in a row.

    Its state belongs to the instance: build it once per process, like the rest of the model. It is safe to use from
    several tasks and threads: the state is kept under a lock that is never held across an `await`.

    Args:
        wrapped: The provider model.
        threshold: Consecutive failures (`ModelAPIError`s) that open the circuit; at least 1.
        cooldown: Seconds the circuit stays open before it lets one request through to probe the provider.
        clock: Monotonic seconds, `time.monotonic` by default; tests pass a fake one instead of sleeping.

    """

    def __init__(
        self,
        wrapped: Model,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        cooldown: float = DEFAULT_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Set before anything else: `WrapperModel.__getattr__` would forward a missing attribute to the wrapped model.
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        """When the circuit last opened or re-opened; `None` while it is closed."""
        self._probe: _Ticket | None = None
        self._probe_started = 0.0
        self._epoch = 0
        """Bumped on every change of state, so an outcome that arrives after one is ignored."""
        super().__init__(wrapped)
        if isinstance(threshold, bool) or threshold < 1:
            raise ValueError(f"the circuit breaker threshold must be at least 1, not {threshold!r}")
        if not (math.isfinite(cooldown) and cooldown >= 0):
            raise ValueError(f"the circuit breaker cooldown must be a finite number of seconds >= 0, not {cooldown!r}")
        self.threshold = threshold
        self.cooldown = float(cooldown)
        self.clock = clock

    @property
    def state(self) -> CircuitState:
        """`closed`, `open`, or `half-open` once the cooldown is over (whether or not the probe has started)."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self._probe is not None or self.clock() >= self._opened_at + self.cooldown:
                return "half-open"
            return "open"

    @property
    def failures(self) -> int:
        """Consecutive failures so far; 0 after a success."""
        with self._lock:
            return self._failures

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        async with self._guarded():
            return await self.wrapped.request(messages, model_settings, model_request_parameters)

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncGenerator[StreamedResponse]:
        async with (
            self._guarded(),
            self.wrapped.request_stream(messages, model_settings, model_request_parameters, run_context) as stream,
        ):
            # An error the provider sends inside the stream is raised while the caller reads it, here.
            yield stream

    @asynccontextmanager
    async def _guarded(self) -> AsyncGenerator[None]:
        """One request through the breaker: admitted or refused.

        Then it counts as a success, a provider failure, or neither (cancelled, or failed for a reason of our own).
        """
        ticket = self._admit()
        try:
            yield
        except ModelAPIError as error:
            self._failed(ticket, error)
            raise
        except BaseException:
            self._released(ticket)
            raise
        self._succeeded(ticket)

    def _admit(self) -> _Ticket:
        """A ticket for a request to the provider, or `CircuitOpenError` if none may go now."""
        with self._lock:
            if self._opened_at is None:
                return _Ticket(self._epoch)
            now = self.clock()
            retry_at = self._opened_at + self.cooldown
            if now < retry_at:
                raise self._open_error(f"retrying after {retry_at - now:.1f} s", retry_at - now)
            # A probe that has not reported back within a cooldown (a stream read for that long, or a lost one)
            # stops blocking the others, so a lost probe cannot keep the circuit open for good.
            if self._probe is not None and now < self._probe_started + self.cooldown:
                raise self._open_error("retrying after the request probing the provider", None)
            self._probe, self._probe_started = _Ticket(self._epoch), now
            return self._probe

    def _open_error(self, when: str, retry_after: float | None) -> CircuitOpenError:
        return CircuitOpenError(self.model_name, f"provider circuit open; {when}", retry_after=retry_after)

    def _succeeded(self, ticket: _Ticket) -> None:
        with self._lock:
            if ticket is self._probe:
                self._failures, self._opened_at, self._probe = 0, None, None
                self._epoch += 1
                closed = True
            else:
                if self._opened_at is None and ticket.epoch == self._epoch:
                    self._failures = 0
                closed = False
        if closed:
            log.warning("%s answered again: provider circuit closed", self.model_id)

    def _failed(self, ticket: _Ticket, error: ModelAPIError) -> None:
        with self._lock:
            if ticket is self._probe:
                event = "reopened"
                self._probe = None
            elif self._opened_at is None and ticket.epoch == self._epoch:
                event = "opened" if self._failures + 1 >= self.threshold else "counted"
            else:
                return  # from a request let through before the circuit last changed state
            self._failures += 1
            failures = self._failures
            if event != "counted":
                self._opened_at = self.clock()
                self._epoch += 1
        reason = f"{type(error).__name__}: {error}"
        reason = reason if len(reason) <= 200 else reason[:199] + "…"
        if event == "opened":
            log.warning(
                "%s failed %d times in a row (last: %s): provider circuit open, other models answer for %g s",
                self.model_id,
                failures,
                reason,
                self.cooldown,
            )
        elif event == "reopened":
            log.info(
                "%s still failing (%s): provider circuit open for another %g s", self.model_id, reason, self.cooldown
            )

    def _released(self, ticket: _Ticket) -> None:
        """Neither a success nor a failure (a bug, a cancelled request): the next request may probe instead."""
        with self._lock:
            if ticket is self._probe:
                self._probe = None
