"""Conversation state: what the assistant is waiting for (clarification, handoff details) and the topic

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bot_conversations") as batch:
        batch.add_column(sa.Column("state_json", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("bot_conversations") as batch:
        batch.drop_column("state_json")
