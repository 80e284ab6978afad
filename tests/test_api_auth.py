"""Authentication, the error shape, headers and limits that apply to every route."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from coach.api import ConfigError
from tests.apiclient import SECRET, Api, assert_error, auth, running, token

pytestmark = pytest.mark.anyio

JWKS_URL = "https://auth.example.test/.well-known/jwks.json"


class FakeJWKClient(jwt.PyJWKClient):
    """A JWKS client whose "fetch" returns a local key set (no network), counting fetches."""

    def __init__(self, keys: list[dict[str, Any]] | None = None, *, fail: bool = False) -> None:
        super().__init__(JWKS_URL, cache_keys=True, lifespan=300)
        self.keys = keys or []
        self.fail = fail
        self.fetches = 0

    def fetch_data(self) -> Any:
        self.fetches += 1
        if self.fail:
            raise jwt.PyJWKClientConnectionError("no route to the identity provider")
        return {"keys": self.keys}


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def rs256(key: rsa.RSAPrivateKey, kid: str, **claims: Any) -> str:
    body = {"sub": "rsa-user", "exp": datetime.now(UTC) + timedelta(hours=1), **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def hs256_by_hand(claims: dict[str, Any], secret: bytes) -> str:
    """An HS256 token signed with any bytes (PyJWT refuses a PEM key as an HMAC secret, as it should)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = part(b'{"alg":"HS256","typ":"JWT"}') + "." + part(json.dumps(claims).encode())
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + part(signature)


@pytest.fixture
async def api(store_url: str) -> AsyncIterator[Api]:
    async with running(store_url, jwt_audience="spotter-api", jwt_issuer="https://auth.example.test/") as app:
        yield app


def good(user: str) -> dict[str, str]:
    return auth(user, audience="spotter-api", issuer="https://auth.example.test/")


async def test_probes_need_no_token_and_carry_headers(api: Api) -> None:
    health = await api.client.get("/health")
    assert health.json() == {"status": "ok"}
    assert (await api.client.get("/ready")).json() == {"status": "ready"}
    assert health.headers["x-frame-options"] == "DENY"
    assert health.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in health.headers["content-security-policy"]


async def test_request_ids_are_echoed_when_sane_and_made_otherwise(api: Api) -> None:
    echoed = await api.client.get("/health", headers={"X-Request-ID": "req-123.abc"})
    assert echoed.headers["x-request-id"] == "req-123.abc"
    replaced = await api.client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert replaced.headers["x-request-id"] != "bad id with spaces"
    error = await api.client.get("/v1/me", headers={"X-Request-ID": "trace-me"})
    assert assert_error(error, 401)["request_id"] == "trace-me"


async def test_a_valid_token_creates_the_user_on_first_sight(api: Api, user_id: str) -> None:
    response = await api.client.get("/v1/me", headers=good(user_id))
    assert response.status_code == 200, response.text
    me = response.json()
    assert (me["id"], me["tier"], me["quota"]["monthly_limit"]) == (user_id, "free", 100)
    pro = await api.client.get(
        "/v1/me", headers=auth(user_id, audience="spotter-api", issuer="https://auth.example.test/", tier="pro")
    )
    assert pro.json()["tier"] == "pro"
    assert pro.json()["quota"]["remaining"] is None


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "missing_token"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing_token"),
        ({"Authorization": "Bearer not-a-jwt"}, "invalid_token"),
        (
            {
                "Authorization": "Bearer "
                + jwt.encode({"sub": "x", "exp": 9999999999}, "another-secret-of-32-bytes-or-more!", algorithm="HS256")
            },
            "invalid_token",
        ),
        (
            {
                "Authorization": "Bearer "
                + token("x", days=-1, audience="spotter-api", issuer="https://auth.example.test/")
            },
            "token_expired",
        ),
        (
            {"Authorization": "Bearer " + token("x", audience="someone-else", issuer="https://auth.example.test/")},
            "invalid_token",
        ),
        (
            {"Authorization": "Bearer " + token("x", audience="spotter-api", issuer="https://evil.example/")},
            "invalid_token",
        ),
        ({"Authorization": "Bearer " + token("x")}, "invalid_token"),
        (
            {"Authorization": "Bearer " + jwt.encode({"sub": "x", "exp": 9999999999}, key=None, algorithm="none")},
            "invalid_token",
        ),
    ],
    ids=[
        "none",
        "basic",
        "malformed",
        "bad-signature",
        "expired",
        "wrong-audience",
        "wrong-issuer",
        "no-audience",
        "alg-none",
    ],
)
async def test_bad_tokens_are_401(api: Api, headers: dict[str, str], code: str) -> None:
    response = await api.client.get("/v1/me", headers=headers)
    assert_error(response, 401, code)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_token_without_exp_or_with_a_strange_subject_is_401(api: Api) -> None:
    no_exp = jwt.encode(
        {"sub": "x", "aud": "spotter-api", "iss": "https://auth.example.test/"}, SECRET, algorithm="HS256"
    )
    assert_error(await api.client.get("/v1/me", headers={"Authorization": f"Bearer {no_exp}"}), 401)
    spaced = auth("has spaces", audience="spotter-api", issuer="https://auth.example.test/")
    assert_error(await api.client.get("/v1/me", headers=spaced), 401)


async def test_rs256_tokens_verify_against_a_cached_jwks(store_url: str, rsa_key: rsa.RSAPrivateKey) -> None:
    keys = FakeJWKClient([public_jwk(rsa_key, "k1")])
    async with running(store_url, jwt_secret="", jwks_url=JWKS_URL, jwks=keys) as api:
        for _ in range(3):
            response = await api.client.get("/v1/me", headers={"Authorization": f"Bearer {rs256(rsa_key, 'k1')}"})
            assert response.status_code == 200, response.text
        assert response.json()["id"] == "rsa-user"
        assert keys.fetches == 1
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = await api.client.get("/v1/me", headers={"Authorization": f"Bearer {rs256(other, 'k1')}"})
        assert_error(forged, 401)
        unknown_kid = await api.client.get("/v1/me", headers={"Authorization": f"Bearer {rs256(rsa_key, 'k9')}"})
        assert_error(unknown_kid, 401)
        # The public key used as an HS256 secret (algorithm confusion) is refused.
        pem = rsa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        confused = hs256_by_hand({"sub": "x", "exp": 9999999999}, pem)
        assert_error(await api.client.get("/v1/me", headers={"Authorization": f"Bearer {confused}"}), 401)


async def test_an_unreachable_jwks_is_503(store_url: str, rsa_key: rsa.RSAPrivateKey) -> None:
    async with running(store_url, jwt_secret="", jwks_url=JWKS_URL, jwks=FakeJWKClient(fail=True)) as api:
        response = await api.client.get("/v1/me", headers={"Authorization": f"Bearer {rs256(rsa_key, 'k1')}"})
        assert_error(response, 503, "auth_unavailable")


@pytest.mark.parametrize("settings", [{"jwt_secret": ""}, {"jwt_secret": "too-short"}])
async def test_the_app_refuses_to_start_without_a_safe_key(store_url: str, settings: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        async with running(store_url, **settings):
            pass


async def test_unknown_routes_methods_and_validation_use_the_error_shape(api: Api, user_id: str) -> None:
    assert_error(await api.client.get("/nope"), 404, "not_found")
    assert_error(await api.client.delete("/health"), 405, "method_not_allowed")
    bad = await api.client.get("/v1/workouts?per_page=1000", headers=good(user_id))
    details = assert_error(bad, 422, "validation_error")["details"]
    assert details[0]["loc"] == ["query", "per_page"]


async def test_bodies_over_the_limit_are_413(api: Api, user_id: str) -> None:
    big = json.dumps({"message": "x" * 70_000}).encode()
    assert_error(await api.client.post("/v1/chat", content=big, headers=good(user_id)), 413, "payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 10_000

    streamed = await api.client.post(
        "/v1/chat", content=chunks(), headers={**good(user_id), "Content-Type": "application/json"}
    )
    assert_error(streamed, 413, "payload_too_large")


async def test_an_unexpected_error_is_a_bare_500(store_url: str) -> None:
    async with running(store_url, check=False) as api:

        @api.app.get("/boom")
        async def boom() -> None:  # pyright: ignore[reportUnusedFunction]
            raise RuntimeError("internal detail that must not leak")

        response = await api.client.get("/boom")
        error = assert_error(response, 500, "internal_error")
        assert "internal detail" not in response.text
        assert error["details"] is None


async def test_cors_allows_configured_origins(store_url: str) -> None:
    async with running(store_url, cors_origins="https://app.example") as api:
        preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
        allowed = await api.client.options("/v1/chat", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        other = await api.client.options("/v1/chat", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
