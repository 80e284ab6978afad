"""`coach serve`, `coach token` and `coach openapi`: the chat API from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from cli._common import console, fail


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    migrate: Annotated[bool, typer.Option(help="Upgrade a Postgres database before serving.")] = False,
) -> None:
    """Run the chat API (needs COACH_JWT_SECRET or COACH_JWKS_URL)."""
    import uvicorn

    from coach.api import ApiSettings, ConfigError, create_app

    settings = ApiSettings()
    try:
        settings.check()
    except ConfigError as exc:
        fail(str(exc))
    app = create_app(settings, migrate=migrate, freeze_heap=True)
    uvicorn.run(app, host=host, port=port, proxy_headers=True)


def token(
    user: Annotated[str, typer.Option("--user", help="The user id (the token's `sub`).")],
    days: Annotated[float, typer.Option(min=0.001, max=366, help="Days until it expires.")] = 30,
    tier: Annotated[str | None, typer.Option(help="Put a `tier` claim in it: free or pro.")] = None,
) -> None:
    """Mint a development HS256 token from COACH_JWT_SECRET."""
    from coach.api import ApiSettings, ConfigError
    from coach.api.auth import mint_token

    settings = ApiSettings()
    secret = settings.jwt_secret.get_secret_value()
    if not secret:
        fail("set COACH_JWT_SECRET (at least 32 bytes) to mint tokens")
    try:
        settings.check()
    except ConfigError as exc:
        fail(str(exc))
    if tier not in (None, "free", "pro"):
        fail("--tier is free or pro")
    plan: Literal["free", "pro"] | None = "pro" if tier == "pro" else "free" if tier == "free" else None
    audience, issuer = settings.jwt_audience or None, settings.jwt_issuer or None
    print(mint_token(secret, user, days=days, audience=audience, issuer=issuer, tier=plan))


def openapi(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the API's OpenAPI document (the checked-in copy is docs/openapi.json)."""
    from coach.api import openapi_json

    text = openapi_json()
    if output is None:
        console.file.write(text)
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {output}")
