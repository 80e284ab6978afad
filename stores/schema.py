"""The tables, as SQLAlchemy Core, shared by both backends (migrations create them; see `migrations/`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

EMBEDDING_DIM = 384


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; SQLite keeps naive UTC text that sorts correctly."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Embedding(TypeDecorator[Any]):
    """A 384-dim float32 vector: pgvector `vector(384)` on Postgres, raw float32 bytes on SQLite."""

    impl = sa.LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from pgvector.sqlalchemy import Vector

            return dialect.type_descriptor(Vector(EMBEDDING_DIM))
        return dialect.type_descriptor(sa.LargeBinary())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        import numpy as np

        if value is None:
            return None
        array = np.asarray(value, dtype=np.float32)
        if array.shape != (EMBEDDING_DIM,):
            raise ValueError(f"embedding must have shape ({EMBEDDING_DIM},), got {array.shape}")
        return array if dialect.name == "postgresql" else array.tobytes()

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        import numpy as np

        if value is None:
            return None
        if isinstance(value, bytes | bytearray | memoryview):
            return np.frombuffer(bytes(value), dtype=np.float32)
        return np.asarray(value, dtype=np.float32)


Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()


def _user_fk() -> sa.Column[str]:
    return sa.Column("user_id", sa.String(128), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("display_name", sa.String(80), nullable=False),
    sa.Column("tier", sa.String(8), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("units", sa.String(8), nullable=False),
    sa.Column("goals", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

exercises = sa.Table(
    "exercises",
    metadata,
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("name", sa.String(160), nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
)

workouts = sa.Table(
    "workouts",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Index("ix_workouts_user", "user_id", "started_at"),
)

sets = sa.Table(
    "sets",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("workout_id", Id, sa.ForeignKey("workouts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("exercise_id", sa.String(80), sa.ForeignKey("exercises.id"), nullable=False),
    sa.Column("reps", sa.Integer, nullable=False),
    sa.Column("weight_kg", sa.Float, nullable=False),
    sa.Column("rir", sa.Float),
    sa.Column("rpe", sa.Float),
    sa.Column("set_type", sa.String(12), nullable=False),
    sa.Column("performed_at", UTCDateTime, nullable=False),
    sa.Index("ix_sets_user_time", "user_id", "performed_at"),
)

meals = sa.Table(
    "meals",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("eaten_at", UTCDateTime, nullable=False),
    sa.Column("meal_type", sa.String(12), nullable=False),
    sa.Column("items", sa.JSON, nullable=False),
    sa.Column("kcal", sa.Float, nullable=False),
    sa.Column("protein_g", sa.Float, nullable=False),
    sa.Column("carbs_g", sa.Float, nullable=False),
    sa.Column("fat_g", sa.Float, nullable=False),
    sa.Column("fiber_g", sa.Float, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("search_text", sa.Text, nullable=False),
    sa.Index("ix_meals_user_time", "user_id", "eaten_at"),
)

fasts = sa.Table(
    "fasts",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("protocol", sa.String(8), nullable=False),
    sa.Column("target_hours", sa.Float, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("ended_at", UTCDateTime),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Index("ix_fasts_user_time", "user_id", "started_at"),
    sa.Index("ix_fasts_user_state", "user_id", "state"),
)

programs = sa.Table(
    "programs",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("current_version_id", Id),
    sa.UniqueConstraint("user_id", name="uq_programs_user"),
)

program_versions = sa.Table(
    "program_versions",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("program_id", Id, sa.ForeignKey("programs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("parent_id", Id),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_program_versions_user", "user_id", "program_id"),
)

memories = sa.Table(
    "memories",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("embedding", Embedding, nullable=False),
    sa.Index("ix_memories_user", "user_id"),
    sqlite_autoincrement=True,
)

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    _user_fk(),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index("ix_conversations_user", "user_id", "updated_at"),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_messages_conversation", "conversation_id", "id"),
    sa.Index("ix_messages_user_role_time", "user_id", "role", "created_at"),
)

usage = sa.Table(
    "usage",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _user_fk(),
    sa.Column("conversation_id", sa.String(64)),
    sa.Column("model", sa.String(120), nullable=False),
    sa.Column("input_tokens", sa.Integer, nullable=False),
    sa.Column("output_tokens", sa.Integer, nullable=False),
    sa.Column("requests", sa.Integer, nullable=False),
    sa.Column("cost_usd", sa.Numeric(14, 8)),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_usage_user_time", "user_id", "at"),
)

PERSONAL_TABLES: tuple[sa.Table, ...] = (
    sets,
    workouts,
    meals,
    fasts,
    program_versions,
    programs,
    memories,
    messages,
    conversations,
    usage,
)
"""Tables keyed by `user_id` (the `users` table is keyed by `id`); children before parents."""
