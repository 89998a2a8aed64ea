"""A Telegram question sent before consent, held in the database until the consent (on any process)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_telegram_held_questions",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bot_telegram_held_questions_held_at", "bot_telegram_held_questions", ["held_at"])


def downgrade() -> None:
    op.drop_index("ix_bot_telegram_held_questions_held_at", table_name="bot_telegram_held_questions")
    op.drop_table("bot_telegram_held_questions")
