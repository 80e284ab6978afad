"""Property-based API testing with Schemathesis: bounded, seeded, in-process, on every store backend.

Each operation gets schema-conforming (positive) and schema-violating (negative) requests, sent with a valid
token. Every response must be documented, match its schema, never be a 5xx, and every error must have the
one shape with the response's request id.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coach.api import ApiSettings, create_app
from coach.embedder import HashEmbedder
from coach.offline import OfflineModel
from tests.apiclient import SECRET, Clock, auth

POSITIVE_EXAMPLES = 25
NEGATIVE_EXAMPLES = 12
MIN_REQUESTS = 500
TIME_BUDGET_SECONDS = 60


@schemathesis.check
def structured_errors(ctx: Any, response: schemathesis.Response, case: Case) -> bool | None:
    """Every error is `{"error": {"code", "message", "details", "request_id"}}`, with the header's id."""
    assert response.headers.get("x-request-id"), "no X-Request-ID"
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details", "request_id"}, error
        assert [error["request_id"]] == response.headers["x-request-id"], error
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    structured_errors,
]


@pytest.fixture
def schema(store_url: str) -> Iterator[Any]:
    config = ApiSettings(
        database_url=store_url,
        jwt_secret=SECRET,
        free_monthly_messages=100_000,
        chat_per_minute=100_000,
        turn_workers=0,
    )
    app = create_app(config, model=OfflineModel(), embedder=HashEmbedder(), clock=Clock(), migrate=True)
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        yield loaded
    finally:
        # Schemathesis runs the app's lifespan on its own event loop; close the store before the next test.
        asgi.shutdown_lifespans()


def test_schemathesis_finds_no_server_errors_and_no_unstructured_errors(schema: Any, user_id: str) -> None:
    headers = auth(user_id)
    sent: list[int] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, examples in (
            (GenerationMode.POSITIVE, POSITIVE_EXAMPLES),
            (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES),
        ):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Case) -> None:
                response = case.call(headers={**(case.headers or {}), **headers})
                sent.append(response.status_code)
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:  # nothing about the operation can be made invalid (no parameters, no body)
                assert mode is GenerationMode.NEGATIVE
    elapsed = time.monotonic() - started
    assert len(sent) >= MIN_REQUESTS, f"only {len(sent)} requests were generated"
    assert elapsed < TIME_BUDGET_SECONDS, f"{len(sent)} requests took {elapsed:.0f} s"
    assert not [status for status in sent if status >= 500]
    print(f"schemathesis: {len(sent)} requests in {elapsed:.1f} s; statuses {sorted(Counter(sent).items())}")
