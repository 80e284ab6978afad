"""Initial schema, with pgvector and row-level security on Postgres.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from stores.schema import Embedding, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PERSONAL = (
    "workouts",
    "sets",
    "meals",
    "fasts",
    "programs",
    "program_versions",
    "memories",
    "conversations",
    "messages",
    "usage",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, primary_key=True, autoincrement=True)


def _user() -> sa.Column[str]:
    return sa.Column("user_id", sa.String(128), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "users",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("tier", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("units", sa.String(8), nullable=False),
        sa.Column("goals", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "exercises",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_table("workouts", _id(), _user(), sa.Column("started_at", UTCDateTime, nullable=False))
    op.create_index("ix_workouts_user", "workouts", ["user_id", "started_at"])
    op.create_table(
        "sets",
        _id(),
        _user(),
        sa.Column("workout_id", ID, sa.ForeignKey("workouts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("exercise_id", sa.String(80), sa.ForeignKey("exercises.id"), nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("weight_kg", sa.Float, nullable=False),
        sa.Column("rir", sa.Float),
        sa.Column("rpe", sa.Float),
        sa.Column("set_type", sa.String(12), nullable=False),
        sa.Column("performed_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_sets_user_time", "sets", ["user_id", "performed_at"])
    op.create_table(
        "meals",
        _id(),
        _user(),
        sa.Column("eaten_at", UTCDateTime, nullable=False),
        sa.Column("meal_type", sa.String(12), nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        *(sa.Column(name, sa.Float, nullable=False) for name in ("kcal", "protein_g", "carbs_g", "fat_g", "fiber_g")),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
    )
    op.create_index("ix_meals_user_time", "meals", ["user_id", "eaten_at"])
    op.create_table(
        "fasts",
        _id(),
        _user(),
        sa.Column("protocol", sa.String(8), nullable=False),
        sa.Column("target_hours", sa.Float, nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime),
        sa.Column("state", sa.String(10), nullable=False),
    )
    op.create_index("ix_fasts_user_time", "fasts", ["user_id", "started_at"])
    op.create_index("ix_fasts_user_state", "fasts", ["user_id", "state"])
    op.create_table(
        "programs",
        _id(),
        _user(),
        sa.Column("current_version_id", ID),
        sa.UniqueConstraint("user_id", name="uq_programs_user"),
    )
    op.create_table(
        "program_versions",
        _id(),
        _user(),
        sa.Column("program_id", ID, sa.ForeignKey("programs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("parent_id", ID),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_program_versions_user", "program_versions", ["user_id", "program_id"])
    op.create_table(
        "memories",
        _id(),
        _user(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("embedding", Embedding, nullable=False),
        sqlite_autoincrement=True,  # ids are never reused, so a stale vector index cannot point at a new memory
    )
    # A btree on user_id and an exact sort: a global HNSW index returns too few rows under a per-user filter.
    op.create_index("ix_memories_user", "memories", ["user_id"])
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(64), primary_key=True),
        _user(),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_conversations_user", "conversations", ["user_id", "updated_at"])
    op.create_table(
        "messages",
        _id(),
        _user(),
        sa.Column(
            "conversation_id", sa.String(64), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_messages_conversation", "messages", ["conversation_id", "id"])
    op.create_table(
        "usage",
        _id(),
        _user(),
        sa.Column("conversation_id", sa.String(64)),
        sa.Column("model", sa.String(120), nullable=False),
        sa.Column("input_tokens", sa.Integer, nullable=False),
        sa.Column("output_tokens", sa.Integer, nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("cost_usd", sa.Numeric(14, 8)),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_usage_user_time", "usage", ["user_id", "at"])
    if postgres:
        _row_level_security()


def _row_level_security() -> None:
    # A second wall behind the user_id filters: rows are visible only inside a transaction that set
    # coach.user_id, and FORCE applies the policies to the owning role too.
    current = "current_setting('coach.user_id', true)"
    for table, column in (("users", "id"), *((t, "user_id") for t in PERSONAL)):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY owner_only ON {table} USING ({column} = {current}) WITH CHECK ({column} = {current})"
        )


def downgrade() -> None:
    for table in (
        "usage",
        "messages",
        "conversations",
        "memories",
        "program_versions",
        "programs",
        "fasts",
        "meals",
        "sets",
        "workouts",
        "exercises",
        "users",
    ):
        op.drop_table(table)
