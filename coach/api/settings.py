"""The API's settings: the coach's own plus identity, limits and CORS (same `COACH_` prefix)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from coach.settings import Settings

MIN_SECRET_BYTES = 32


class ConfigError(ValueError):
    """The API cannot start with these settings; the message says what to set."""


class ApiSettings(Settings):
    """What the chat API reads from the environment."""

    model_config = SettingsConfigDict(env_prefix="COACH_", extra="ignore")

    jwt_secret: SecretStr = Field(default=SecretStr(""), description="HS256 signing secret, at least 32 bytes.")
    jwks_url: str = Field(default="", description="JWKS URL of a hosted identity provider (RS256/ES256 tokens).")
    jwks_cache_seconds: int = Field(default=300, ge=1, description="How long fetched JWKS keys are kept.")
    jwt_audience: str = Field(default="", description="Required `aud` claim, when set.")
    jwt_issuer: str = Field(default="", description="Required `iss` claim, when set.")
    cors_origins: str = Field(default="", description="Comma-separated origins allowed by CORS, or `*`.")
    free_monthly_messages: int = Field(default=100, ge=0, description="AI messages a free user gets per month.")
    chat_per_minute: int = Field(default=10, ge=1, description="Chat messages a user may send per minute.")
    max_concurrent_turns: int = Field(default=4, ge=1, description="Coaching turns run at once per process.")
    turn_workers: int = Field(
        default=1,
        ge=0,
        le=32,
        description="Worker processes that run coaching turns, keeping the serving loop free for reads; "
        "0 runs turns in the serving process.",
    )
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, description="Largest request body accepted.")

    def origins(self) -> list[str]:
        """The CORS origins, parsed."""
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    def check(self) -> None:
        """Refuse settings the API must not start with.

        Raises:
            ConfigError: No way to verify tokens, or an HS256 secret too short to be safe.

        """
        secret = self.jwt_secret.get_secret_value()
        if not secret and not self.jwks_url:
            raise ConfigError("set COACH_JWT_SECRET (HS256, at least 32 bytes) or COACH_JWKS_URL to verify tokens")
        if secret and len(secret.encode()) < MIN_SECRET_BYTES:
            raise ConfigError(f"COACH_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
