"""The checked-in OpenAPI document is the app's, and every route documents its errors."""

from __future__ import annotations

import json
from pathlib import Path

from coach.api import openapi_json

OPENAPI_FILE = Path(__file__).parent.parent / "docs" / "openapi.json"
REGENERATE = "uv run coach openapi --output docs/openapi.json"


def test_the_checked_in_openapi_document_matches_the_app() -> None:
    current = openapi_json()
    assert OPENAPI_FILE.read_text(encoding="utf-8") == current, f"docs/openapi.json is stale; run: {REGENERATE}"


def test_every_route_documents_the_error_shape() -> None:
    document = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    error_ref = "#/components/schemas/ErrorBody"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            errors = {status: r for status, r in operation["responses"].items() if status[0] in "45"}
            assert errors, f"{method.upper()} {path} documents no errors"
            for status, response in errors.items():
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": error_ref}, f"{method.upper()} {path} {status}"
            if path.startswith("/v1/"):
                assert {"401", "422", "500"} <= set(errors), f"{method.upper()} {path}"
                assert operation.get("security"), f"{method.upper()} {path} does not declare bearer auth"
