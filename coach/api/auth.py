"""Bearer tokens: HS256 with a shared secret, or RS256/ES256 verified against a provider's cached JWKS.

The key is chosen from the settings by the token's algorithm, never the other way round, so a token signed
with HS256 using a public key as the secret cannot pass as an RS256 one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import anyio
import jwt
from jwt import PyJWKClient

from coach.api.errors import ApiError
from coach.api.settings import ApiSettings
from stores.records import Tier

HS256 = "HS256"
ASYMMETRIC = ("RS256", "ES256")
LEEWAY_SECONDS = 30
_SUBJECT = re.compile(r"[\x21-\x7e]{1,128}")
"""A user id: printable ASCII without spaces, as identity providers issue them (`auth0|abc`, UUIDs)."""


@dataclass(frozen=True)
class Identity:
    """Who a verified token speaks for."""

    user_id: str
    name: str | None = None
    tier: Tier | None = None
    """The plan the identity provider vouches for, when the token carries a `tier` claim."""


def unauthorized(message: str, code: str = "invalid_token") -> ApiError:
    """A 401 with the challenge header clients expect."""
    return ApiError(401, code, message, headers={"WWW-Authenticate": 'Bearer realm="spotter"'})


class TokenVerifier:
    """Verifies bearer tokens against the configured secret or JWKS."""

    def __init__(self, settings: ApiSettings, jwks: PyJWKClient | None = None) -> None:
        self._secret = settings.jwt_secret.get_secret_value()
        self._audience = settings.jwt_audience or None
        self._issuer = settings.jwt_issuer or None
        if jwks is None and settings.jwks_url:
            jwks = PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=settings.jwks_cache_seconds, timeout=5)
        self._jwks = jwks

    async def verify(self, token: str) -> Identity:
        """The identity in a valid token.

        Raises:
            ApiError: 401 for a malformed, unsigned, expired or misaddressed token; 503 when the JWKS
                cannot be fetched.

        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise unauthorized("The bearer token is malformed.") from None
        algorithm = header.get("alg")
        key = await self._key(token, algorithm)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[str(algorithm)],
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "sub"], "verify_aud": self._audience is not None},
            )
        except jwt.ExpiredSignatureError:
            raise unauthorized("The bearer token has expired.", "token_expired") from None
        except jwt.InvalidAudienceError:
            raise unauthorized("The bearer token is meant for another audience.") from None
        except jwt.InvalidIssuerError:
            raise unauthorized("The bearer token comes from an unexpected issuer.") from None
        except jwt.InvalidTokenError:
            raise unauthorized("The bearer token is not valid.") from None
        return _identity(claims)

    async def _key(self, token: str, algorithm: object) -> Any:
        if algorithm == HS256 and self._secret:
            return self._secret
        if algorithm in ASYMMETRIC and self._jwks is not None:
            jwks = self._jwks
            try:
                # PyJWKClient fetches over blocking urllib (then caches), so it runs off the event loop.
                found = await anyio.to_thread.run_sync(jwks.get_signing_key_from_jwt, token)
            except jwt.PyJWKClientConnectionError:
                raise ApiError(503, "auth_unavailable", "The identity provider's keys cannot be fetched.") from None
            except (jwt.PyJWKClientError, jwt.InvalidTokenError):
                raise unauthorized("The bearer token is signed with an unknown key.") from None
            return found.key
        raise unauthorized("The bearer token's signing algorithm is not accepted.")


def _identity(claims: dict[str, Any]) -> Identity:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not _SUBJECT.fullmatch(subject):
        raise unauthorized("The bearer token's subject is not a usable user id.")
    name = claims.get("name")
    tier = claims.get("tier")
    return Identity(
        user_id=subject,
        name=name.strip()[:80] or None if isinstance(name, str) and "\x00" not in name else None,
        tier=tier if tier in ("free", "pro") else None,
    )


def mint_token(
    secret: str,
    user_id: str,
    *,
    days: float = 30,
    audience: str | None = None,
    issuer: str | None = None,
    tier: Literal["free", "pro"] | None = None,
    now: datetime | None = None,
) -> str:
    """A development HS256 token for `user_id`, valid for `days`."""
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {"sub": user_id, "iat": issued, "exp": issued + timedelta(days=days)}
    claims |= {key: value for key, value in (("aud", audience), ("iss", issuer), ("tier", tier)) if value}
    return jwt.encode(claims, secret, algorithm=HS256)
