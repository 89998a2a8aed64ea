"""Inbound messages stored before they are acknowledged: idempotency keys, turn leases, replies
linked to what they answer and their delivery; Telegram updates kept until handled

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bot_messages") as batch:
        batch.add_column(sa.Column("client_key", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("reply_to_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("payload_json", sa.Text(), nullable=True))
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_bot_messages_status", ["status"])
        batch.create_index("ix_bot_messages_reply_to_id", ["reply_to_id"])
        batch.create_unique_constraint("uq_bot_messages_client_key", ["conversation_id", "client_key"])
    with op.batch_alter_table("bot_telegram_updates") as batch:
        batch.add_column(sa.Column("payload_json", sa.Text(), nullable=True))
        batch.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_bot_telegram_updates_handled_at", ["handled_at"])
    # Updates recorded before this revision were handled when they were recorded.
    op.execute("UPDATE bot_telegram_updates SET handled_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table("bot_telegram_updates") as batch:
        batch.drop_index("ix_bot_telegram_updates_handled_at")
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
        batch.drop_column("handled_at")
        batch.drop_column("payload_json")
    with op.batch_alter_table("bot_messages") as batch:
        batch.drop_constraint("uq_bot_messages_client_key", type_="unique")
        batch.drop_index("ix_bot_messages_reply_to_id")
        batch.drop_index("ix_bot_messages_status")
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
        batch.drop_column("delivered_at")
        batch.drop_column("payload_json")
        batch.drop_column("reply_to_id")
        batch.drop_column("status")
        batch.drop_column("client_key")
