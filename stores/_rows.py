"""Row helpers shared by the SQL store's modules: rows to records, and new ids."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel

R = TypeVar("R", bound=BaseModel)

INTERNAL = frozenset({"user_id", "search_text", "embedding"})
"""Columns that stay inside the store: the owner, search helpers, vectors."""


def fields(row: sa.Row[Any]) -> dict[str, Any]:
    """A row as a dict."""
    return dict(row._mapping)  # pyright: ignore[reportPrivateUsage]  (public API despite the underscore)


def record(model: type[R], row: sa.Row[Any]) -> R:
    """A row as a record, without the store's internal columns."""
    return model.model_validate({k: v for k, v in fields(row).items() if k not in INTERNAL})


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
