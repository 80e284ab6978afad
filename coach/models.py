"""Which model answers: the offline coach by default, Claude with a key, or an OpenAI-compatible server.

Every provider model is wrapped in a `FallbackModel` whose last model is the offline coach, so an outage (a 5xx or
429 the SDK's own retries could not get past, a refused connection, a timeout) degrades the turn to the offline
coach instead of failing it. The failed attempt stays visible on the answering `ModelResponse.failed_attempts`.

Between the two sits a circuit breaker (`coach._breaker.CircuitBreakerModel`): after
`$COACH_PROVIDER_BREAKER_THRESHOLD` (3) consecutive provider failures it stops calling the provider for
`$COACH_PROVIDER_BREAKER_COOLDOWN` (30) seconds, so during an outage a turn goes straight to the offline coach instead
of paying for the SDK's retries and backoff on every step; then one request probes the provider, and a success
closes the circuit again. A threshold of 0 turns the breaker off.

The provider SDKs are imported only in the branch that needs them: `import anthropic` alone takes about a second,
and the offline path must stay fast.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic_ai.exceptions import ModelAPIError
from pydantic_ai.models import Model
from pydantic_ai.models.fallback import FallbackModel

from coach._breaker import DEFAULT_COOLDOWN, DEFAULT_THRESHOLD, CircuitBreakerModel
from coach.offline import OfflineModel

if TYPE_CHECKING:
    import httpx2

__all__ = (
    "BREAKER_COOLDOWN_ENV",
    "BREAKER_THRESHOLD_ENV",
    "DEFAULT_ANTHROPIC_MODEL",
    "OLLAMA_BASE_URL",
    "SDK_MAX_RETRIES",
    "build_model",
    "describe",
)

DEFAULT_ANTHROPIC_MODEL = "anthropic:claude-sonnet-4-6"
"""The model used when no model is named and an Anthropic key is present.

Not `claude-sonnet-4-5`: the installed `anthropic` SDK lists it as deprecated, end of life 2026-11-30, warns on every
request for it, and once it is retired every turn would quietly fall back to the offline coach.
"""

OLLAMA_BASE_URL = "http://localhost:11434/v1"
"""Where `ollama:<model>` points when `COACH_OPENAI_BASE_URL` is not set."""

SDK_MAX_RETRIES = 2
"""Retries the provider SDK makes on 408/409/429/5xx and connection errors, with backoff that honours `retry-after`."""

BREAKER_THRESHOLD_ENV = "COACH_PROVIDER_BREAKER_THRESHOLD"
"""Consecutive provider failures that open the provider's circuit (default 3); 0 turns the breaker off."""

BREAKER_COOLDOWN_ENV = "COACH_PROVIDER_BREAKER_COOLDOWN"
"""Seconds an open circuit sends every request to the offline coach before it probes the provider (default 30)."""

_OPENAI_PREFIXES = frozenset({"openai", "openai-chat", "openai-compatible", "ollama"})
_UNKNOWN = "unknown model {spec!r}: use offline, anthropic:<model> or openai:<model> with COACH_OPENAI_BASE_URL"


def build_model(
    spec: str | None = None,
    *,
    anthropic_api_key: str | None = None,
    openai_base_url: str | None = None,
    http_client: httpx2.AsyncClient | None = None,
    clock: Callable[[], float] | None = None,
) -> Model:
    """The model for a coaching turn.

    Args:
        spec: `offline`, `anthropic:<model>`, `openai:<model>` (Chat Completions; `openai-chat:` and
            `openai-compatible:` are aliases) or `ollama:<model>`. Default: `$COACH_MODEL`, else
            `anthropic:claude-sonnet-4-6` when an Anthropic key is present, else `offline`.
        anthropic_api_key: The Anthropic key; default `$ANTHROPIC_API_KEY`.
        openai_base_url: An OpenAI-compatible server, e.g. Ollama's `http://localhost:11434/v1`;
            default `$COACH_OPENAI_BASE_URL`. Its key, if it needs one, is `$COACH_OPENAI_API_KEY`. Without a
            base URL, `openai:` talks to OpenAI itself with `$OPENAI_API_KEY`, and `ollama:` uses
            `http://localhost:11434/v1`.
        http_client: The `httpx2.AsyncClient` the provider SDK sends requests with (both SDKs use `httpx2`);
            default: the SDK's own. Tests pass one with a mock transport.
        clock: The monotonic clock (seconds) the provider's circuit breaker reads; default `time.monotonic`.
            Tests pass a fake one to get past the cooldown without sleeping.

    Raises:
        ValueError: the spec names no known model kind, or the provider it names lacks its key or server, or
            `$COACH_PROVIDER_BREAKER_THRESHOLD` / `$COACH_PROVIDER_BREAKER_COOLDOWN` is not a number >= 0.

    """
    spec = (spec or os.environ.get("COACH_MODEL") or "").strip()
    anthropic_api_key = anthropic_api_key or os.environ.get("ANTHROPIC_API_KEY") or None
    if not spec:
        spec = DEFAULT_ANTHROPIC_MODEL if anthropic_api_key else "offline"
    if spec.lower() == "offline":
        return OfflineModel()

    prefix, _, name = spec.partition(":")
    prefix, name = prefix.strip().lower(), name.strip()
    if not name:
        raise ValueError(_UNKNOWN.format(spec=spec))
    if prefix == "anthropic":
        model = _anthropic_model(name, api_key=anthropic_api_key, http_client=http_client)
    elif prefix in _OPENAI_PREFIXES:
        base_url = openai_base_url or os.environ.get("COACH_OPENAI_BASE_URL") or None
        model = _openai_model(prefix, name, base_url=base_url, http_client=http_client)
    else:
        raise ValueError(_UNKNOWN.format(spec=spec))
    threshold, cooldown = _breaker_settings()
    if threshold:
        model = CircuitBreakerModel(model, threshold=threshold, cooldown=cooldown, clock=clock or time.monotonic)
    # `ModelAPIError` covers every provider failure pydantic-ai maps: HTTP errors (`ModelHTTPError`, including
    # 4xx such as a bad key) and transport failures (`ModelConnectionError`, `ModelTimeoutError`), and the
    # breaker's `CircuitOpenError`.
    return FallbackModel(model, OfflineModel(), fallback_on=(ModelAPIError,))


def describe(model: Model) -> str:
    """A short label for the model: `offline`, or e.g. `anthropic:claude-sonnet-4-6 -> offline`."""
    if isinstance(model, FallbackModel):
        return " -> ".join(describe(inner) for inner in model.models)
    if isinstance(model, OfflineModel):
        return "offline"
    return model.model_id


def _breaker_settings() -> tuple[int, float]:
    threshold_text = os.environ.get(BREAKER_THRESHOLD_ENV, "").strip()
    cooldown_text = os.environ.get(BREAKER_COOLDOWN_ENV, "").strip()
    try:
        threshold = int(threshold_text) if threshold_text else DEFAULT_THRESHOLD
    except ValueError:
        threshold = -1
    if threshold < 0:
        raise ValueError(
            f"{BREAKER_THRESHOLD_ENV} must be a whole number >= 0 (0 turns the breaker off), not {threshold_text!r}"
        )
    try:
        cooldown = float(cooldown_text) if cooldown_text else DEFAULT_COOLDOWN
    except ValueError:
        cooldown = -1.0
    if not (math.isfinite(cooldown) and cooldown >= 0):
        raise ValueError(f"{BREAKER_COOLDOWN_ENV} must be a number of seconds >= 0, not {cooldown_text!r}")
    return threshold, cooldown


def _anthropic_model(name: str, *, api_key: str | None, http_client: httpx2.AsyncClient | None) -> Model:
    if not api_key:
        raise ValueError(f"model 'anthropic:{name}' needs an Anthropic key: set ANTHROPIC_API_KEY")
    from anthropic import AsyncAnthropic
    from pydantic_ai.models.anthropic import AnthropicModel
    from pydantic_ai.providers.anthropic import AnthropicProvider

    client = AsyncAnthropic(api_key=api_key, http_client=http_client, max_retries=SDK_MAX_RETRIES)
    return AnthropicModel(name, provider=AnthropicProvider(anthropic_client=client))


def _openai_model(prefix: str, name: str, *, base_url: str | None, http_client: httpx2.AsyncClient | None) -> Model:
    if prefix == "ollama":
        base_url = base_url or OLLAMA_BASE_URL
    if base_url is not None:
        # Never send an OpenAI key to some other server: a local server takes any key, others get their own.
        api_key = os.environ.get("COACH_OPENAI_API_KEY") or "unused"
    elif prefix != "openai-compatible" and (openai_key := os.environ.get("OPENAI_API_KEY")):
        api_key = openai_key
    else:
        raise ValueError(
            f"model '{prefix}:{name}' needs COACH_OPENAI_BASE_URL (an OpenAI-compatible server such as Ollama's "
            "http://localhost:11434/v1), or OPENAI_API_KEY to use OpenAI itself"
        )
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=base_url, api_key=api_key, http_client=http_client, max_retries=SDK_MAX_RETRIES)
    if prefix == "ollama":
        # Ollama's profile: no strict tool schemas, JSON-schema output, per-family model profiles.
        from pydantic_ai.models.ollama import OllamaModel
        from pydantic_ai.providers.ollama import OllamaProvider

        return OllamaModel(name, provider=OllamaProvider(openai_client=client))

    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    return OpenAIChatModel(name, provider=OpenAIProvider(openai_client=client))
