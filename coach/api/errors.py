"""One error shape for every failure: `{"error": {"code", "message", "details", "request_id"}}`.

Handlers turn API, store, validation and HTTP errors into it; nothing else reaches a client, so no
stack trace or internal message ever does.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from stores.base import ConflictError, NotFoundError, StoreError, UnknownExerciseError

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "coach.request_id"
"""Where the request's id lives in the ASGI scope (set by the guard middleware)."""

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ErrorInfo(BaseModel):
    """What went wrong."""

    code: str = Field(description="A stable, machine-readable code, e.g. `not_found` or `quota_exceeded`.")
    message: str = Field(description="A sentence for a person.")
    details: Any = Field(default=None, description="Structured specifics (validation errors, a diff), or null.")
    request_id: str = Field(description="The request's id, as in the `X-Request-ID` header.")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorInfo


class ApiError(Exception):
    """An error with its HTTP status, code and message for the client."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = dict(headers or {})


def not_found(what: str) -> ApiError:
    """A 404 for a resource the user does not have (whether or not someone else does)."""
    return ApiError(404, "not_found", f"{what} was not found.")


def request_id(request: Request) -> str:
    """The request's id (one is made when the guard did not run, e.g. in a bare test app)."""
    rid = request.scope.get(REQUEST_ID_KEY)
    if not isinstance(rid, str):
        rid = uuid.uuid4().hex
        request.scope[REQUEST_ID_KEY] = rid
    return rid


def error_body(code: str, message: str, rid: str, details: Any = None) -> dict[str, Any]:
    """The JSON of an error response."""
    return ErrorBody(error=ErrorInfo(code=code, message=message, details=details, request_id=rid)).model_dump(
        mode="json"
    )


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error response in the one shape."""
    body = error_body(code, message, request_id(request), details)
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without the input (it may be large or personal) or Python objects in `ctx`."""
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", "")), "type": error["type"]}
        for error in errors
    ]


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(request, exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = str(exc.detail or code.replace("_", " "))
    return error_response(request, exc.status_code, code, message, headers=exc.headers or {})


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(exc.errors())
    return error_response(request, 422, "validation_error", "The request is not valid.", details)


async def _model_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ValidationError)
    details = validation_details(exc.errors())
    return error_response(request, 422, "validation_error", "The request is not valid.", details)


async def _store_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StoreError)
    message = str(exc)
    message = message[:1].upper() + message[1:]
    if isinstance(exc, NotFoundError):
        return error_response(request, 404, "not_found", message)
    if isinstance(exc, ConflictError):
        return error_response(request, 409, "conflict", message)
    if isinstance(exc, UnknownExerciseError):
        details = {"exercise_id": exc.exercise_id, "suggestions": list(exc.suggestions)}
        return error_response(request, 422, "unknown_exercise", message, details)
    return error_response(request, 400, "bad_request", message)


DATABASE_RETRY_SECONDS = 5


def database_down(exc: BaseException) -> bool:
    """Whether an error means the database cannot be reached (as opposed to a bug or a bad query)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout | ConnectionError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    if not database_down(exc):
        raise exc
    return error_response(
        request,
        503,
        "database_unavailable",
        "The database is not reachable just now; please try again shortly.",
        headers={"Retry-After": str(DATABASE_RETRY_SECONDS)},
    )


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(ValidationError, _model_validation)
    app.add_exception_handler(StoreError, _store_error)
    from sqlalchemy.exc import SQLAlchemyError

    for kind in (SQLAlchemyError, ConnectionError, TimeoutError):
        app.add_exception_handler(kind, _database_error)


_DESCRIPTIONS = {
    400: "The request cannot be served as sent.",
    401: "The bearer token is missing, invalid or expired.",
    403: "The token does not allow this.",
    404: "No such resource for this user.",
    409: "The request conflicts with the current state (or needs `approve: true`).",
    413: "The request body is too large.",
    415: "The request body is not JSON.",
    422: "The request is not valid; `details` lists the problems.",
    429: "A quota or rate limit was reached; see `Retry-After`.",
    500: "An unexpected error (no details are given).",
    503: "A dependency (the database, the identity provider, the model) is unavailable.",
}

COMMON = (400, 401, 413, 422, 500, 503)
"""Errors any authenticated route can return."""


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` documenting the given error statuses with the error shape, plus the common ones."""
    wanted = sorted({*COMMON, *statuses})
    documented: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]} for status in wanted
    }
    if 429 in wanted:
        documented[429]["headers"] = {
            "Retry-After": {"description": "Seconds until a retry can succeed.", "schema": {"type": "integer"}}
        }
    return documented
