"""What routes depend on, as `Annotated` aliases: the app's services, the store, the current user, a page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, StringConstraints
from pydantic_ai.models import Model

from coach import direct
from coach.api.admission import resolve_user
from coach.api.auth import Identity, TokenVerifier, unauthorized
from coach.api.errors import ApiError
from coach.api.settings import ApiSettings
from coach.api.workers import TurnRunner
from stores.base import Store
from stores.records import User
from tools.deps import CoachDeps, TextEmbedder

T = TypeVar("T")

NO_NUL = r"^[^\x00]*$"
"""Text never carries NUL characters (PostgreSQL cannot store them)."""

Text = Annotated[str, StringConstraints(pattern=NO_NUL)]


@dataclass
class Services:
    """What the app builds once and every request shares."""

    settings: ApiSettings
    store: Store
    model: Model
    embedder: TextEmbedder
    verifier: TokenVerifier
    clock: Callable[[], datetime]
    runner: TurnRunner
    """Where coaching turns run: here (capped, since they are CPU-bound on the event loop) or in workers."""


async def services(request: Request) -> Services:
    """The app's services (opened by the lifespan)."""
    found = getattr(request.app.state, "services", None)
    if not isinstance(found, Services):
        raise ApiError(503, "unavailable", "The service is starting or stopping; try again shortly.")
    return found


ServicesDep = Annotated[Services, Depends(services)]


async def store(found: ServicesDep) -> Store:
    """The store."""
    return found.store


StoreDep = Annotated[Store, Depends(store)]

_bearer = HTTPBearer(auto_error=False, description="A JWT: HS256 with the shared secret, or RS256/ES256 via JWKS.")


async def current_identity(
    found: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Identity:
    """Who the bearer token speaks for (verified; the user record is not read)."""
    if credentials is None or not credentials.credentials:
        raise unauthorized("A bearer token is required.", "missing_token")
    return await found.verifier.verify(credentials.credentials)


CurrentIdentity = Annotated[Identity, Depends(current_identity)]


async def current_user(request: Request, found: ServicesDep, identity: CurrentIdentity) -> AsyncIterator[User]:
    """The user the bearer token speaks for, created on first sight.

    For a GET, the user's lookup and the route's reads share one transaction (`Store.together`): one checkout,
    BEGIN, scope and COMMIT for the request instead of one per store call.
    """
    if request.method != "GET":
        yield await resolve_user(found.store, identity)
        return
    async with found.store.together(identity.user_id):
        yield await resolve_user(found.store, identity)


CurrentUser = Annotated[User, Depends(current_user)]


async def coach_deps(user: CurrentUser, found: ServicesDep) -> CoachDeps:
    """Deps for calling the coach's tools directly (normal mode, the app's clock)."""
    return CoachDeps(user=user, store=found.store, embedder=found.embedder, now=found.clock())


CoachDepsDep = Annotated[CoachDeps, Depends(coach_deps)]


@dataclass(frozen=True)
class PageParams:
    """Which page of a list."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.per_page


async def page_params(
    page: Annotated[int, Query(ge=1, le=10_000, description="Page number, from 1.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=100, description="Items per page, at most 100.")] = 20,
) -> PageParams:
    """The page asked for."""
    return PageParams(page=page, per_page=per_page)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    """One page of a list, newest first."""

    items: list[T]
    total: int = Field(description="Items in the whole list.")
    page: int
    per_page: int


def page_of(items: list[T], total: int, params: PageParams) -> Page[T]:
    """A page response."""
    return Page[T](items=items, total=total, page=params.page, per_page=params.per_page)


async def run_tool(
    deps: CoachDeps,
    name: str,
    args: dict[str, Any],
    *,
    refused: tuple[int, str] = (422, "refused"),
    approved: bool = False,
    metadata: dict[str, Any] | None = None,
) -> Any:
    """Call one of the coach's tools as the agent would; a refusal becomes the given status and code."""
    try:
        return await direct.call_tool(deps, name, args, approved=approved, metadata=metadata)
    except direct.ToolRefused as exc:
        raise ApiError(refused[0], refused[1], exc.message) from None
