"""Outbox rows claimed under a lease by one sender at a time, and a key per event, channel and
recipient so that a second enqueue of the same notice is a no-op

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bot_outbox") as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint("uq_bot_outbox_dedupe_key", ["dedupe_key"])


def downgrade() -> None:
    with op.batch_alter_table("bot_outbox") as batch:
        batch.drop_constraint("uq_bot_outbox_dedupe_key", type_="unique")
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
        batch.drop_column("dedupe_key")
