"""Index a user's messages by role and time, for the per-minute chat limit.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_messages_user_role_time", "messages", ["user_id", "role", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_messages_user_role_time", table_name="messages")
