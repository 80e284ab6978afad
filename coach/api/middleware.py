"""The outermost layer of the API: request ids, security headers, body size, and a last-resort 500.

A plain ASGI middleware rather than `BaseHTTPMiddleware`, so streamed (SSE) responses pass through unbuffered.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coach.api.errors import REQUEST_ID_KEY, error_body

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = b"x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
STRICT_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""For everything but HTML (the interactive docs page loads its own scripts)."""


current_request_id: ContextVar[str] = ContextVar("coach_api_request_id", default="")
"""The request being served, for layers that see no scope (the CORS preflight answer)."""


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


class GuardMiddleware:
    """Gives every response an `X-Request-ID` and security headers, bounds bodies, and hides crashes."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = 64 * 1024) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, REQUEST_ID_HEADER)
        rid = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope[REQUEST_ID_KEY] = rid
        current_request_id.set(rid)
        # Layers inside (tracing) read the id from the request, so they all agree on one id.
        headers = [(k, v) for k, v in scope.get("headers", ()) if k.lower() != REQUEST_ID_HEADER]
        scope["headers"] = [*headers, (REQUEST_ID_HEADER, rid.encode())]
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = self._headers(message.get("headers", []), rid)
            await send(message)

        if self._declared_too_large(scope):
            await self._error(guarded_send, 413, "payload_too_large", self._too_large_message(), rid)
            return
        try:
            await self.app(scope, self._bounded(receive), guarded_send)
        except Exception:
            log.exception("unhandled error serving %s %s (request %s)", scope.get("method"), scope.get("path"), rid)
            if not started:
                await self._error(guarded_send, 500, "internal_error", "Something went wrong on our side.", rid)

    def _headers(self, raw: list[tuple[bytes, bytes]], rid: str) -> list[tuple[bytes, bytes]]:
        present = {key.lower() for key, _ in raw}
        kept = [(k, v) for k, v in raw if k.lower() != REQUEST_ID_HEADER]
        added = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
        content_type = next((v for k, v in raw if k.lower() == b"content-type"), b"")
        if b"content-security-policy" not in present and not content_type.startswith(b"text/html"):
            added.append((b"content-security-policy", STRICT_CSP))
        return [*kept, *added, (REQUEST_ID_HEADER, rid.encode())]

    def _declared_too_large(self, scope: Scope) -> bool:
        declared = _header(scope, b"content-length")
        return declared.isdigit() and int(declared) > self.max_body_bytes

    def _too_large_message(self) -> str:
        return f"The request body is larger than {self.max_body_bytes} bytes."

    def _bounded(self, receive: Receive) -> Receive:
        seen = 0

        async def bounded_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    # FastAPI passes an HTTPException raised while reading the body on to its handler.
                    raise StarletteHTTPException(413, self._too_large_message())
            return message

        return bounded_receive

    async def _error(self, send: Send, status: int, code: str, message: str, rid: str) -> None:
        body = json.dumps(error_body(code, message, rid)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class Cors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the one error shape."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        message = bytes(response.body).decode() + "."
        body = error_body("cors_refused", message, current_request_id.get())
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
        return JSONResponse(body, status_code=400, headers=headers)
