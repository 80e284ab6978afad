"""What the coach remembers about the user: list or search, add, forget."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from coach.api import errors
from coach.api.deps import NO_NUL, CoachDepsDep, CurrentUser, Page, PageDep, StoreDep, page_of, run_tool
from coach.api.errors import not_found
from stores.records import MemoryKind
from tools.memory import MemorySaved, Recollection

router = APIRouter(prefix="/v1/memories", tags=["memories"])

MAX_RECALL = 20
MemoryId = Annotated[int, Path(ge=1, le=2**53, description="The memory's id.")]


class MemoryItem(BaseModel):
    """A stored memory; `score` is its similarity to the query when searching."""

    id: int
    text: str
    kind: MemoryKind
    created_at: datetime | date = Field(description="When it was saved (search results give the local day).")
    score: float | None = Field(default=None, description="Cosine similarity to the query, when searching.")


class MemoryNew(BaseModel):
    """Something for the coach to remember."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=500, pattern=NO_NUL)]
    kind: MemoryKind = "note"


@router.get("", response_model=Page[MemoryItem], responses=errors.responses())
async def list_memories(
    deps: CoachDepsDep,
    page: PageDep,
    query: Annotated[str | None, Query(max_length=300, pattern=NO_NUL, description="Search by meaning.")] = None,
    kind: Annotated[MemoryKind | None, Query(description="Only this kind (with a query).")] = None,
) -> Page[MemoryItem]:
    """The user's memories, newest first; with `query`, the best matches first (one page of up to 20)."""
    if query and query.strip():
        args = {"query": query, "kind": kind, "limit": min(page.per_page, MAX_RECALL)}
        found: Recollection = await run_tool(deps, "recall_memories", args)
        items = [
            MemoryItem(id=m.id, text=m.text, kind=m.kind, created_at=m.created_at, score=m.score)
            for m in found.memories
        ]
        return page_of(items if page.page == 1 else [], len(items), page)
    memories, total = await deps.store.list_memories(deps.user_id, limit=page.per_page, offset=page.offset)
    return page_of([MemoryItem(**m.model_dump()) for m in memories], total, page)


@router.post("", status_code=201, response_model=MemorySaved, responses=errors.responses())
async def add_memory(body: MemoryNew, deps: CoachDepsDep) -> MemorySaved:
    """Remember something (a near-identical memory is not stored twice)."""
    return await run_tool(deps, "save_memory", body.model_dump())


@router.delete("/{memory_id}", status_code=204, response_class=Response, responses=errors.responses(404))
async def forget(memory_id: MemoryId, user: CurrentUser, store: StoreDep) -> Response:
    """Forget one memory."""
    if not await store.forget(user.id, memory_id):
        raise not_found("The memory")
    return Response(status_code=204)
