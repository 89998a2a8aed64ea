"""Outbox, alert subscriptions, Telegram update log; staff message author; escalation start

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bot_messages") as batch:
        batch.add_column(sa.Column("author", sa.String(length=200), nullable=True))
    with op.batch_alter_table("bot_escalations") as batch:
        batch.add_column(sa.Column("since_message_id", sa.Integer(), nullable=True))
    op.create_table(
        "bot_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["bot_contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["conversation_id"], ["bot_conversations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["escalation_id"], ["bot_escalations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["bot_messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bot_outbox_due", "bot_outbox", ["channel", "status", "next_attempt_at"])
    op.create_index("ix_bot_outbox_sent_ref", "bot_outbox", ["channel", "address", "sent_ref"])
    for column in ("contact_id", "conversation_id", "escalation_id", "message_id"):
        op.create_index(f"ix_bot_outbox_{column}", "bot_outbox", [column])
    op.create_table(
        "bot_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["bot_contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "kind", "value"),
    )
    op.create_index("ix_bot_subscriptions_contact_id", "bot_subscriptions", ["contact_id"])
    op.create_table(
        "bot_alert_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["bot_contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "entry_id", "reason"),
    )
    op.create_index("ix_bot_alert_log_contact_id", "bot_alert_log", ["contact_id"])
    op.create_table(
        "bot_catalog_seen",
        sa.Column("entry_id", sa.String(length=200), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entry_id"),
    )
    op.create_table(
        "bot_telegram_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )
    op.create_index("ix_bot_telegram_updates_received_at", "bot_telegram_updates", ["received_at"])


def downgrade() -> None:
    op.drop_table("bot_telegram_updates")
    op.drop_table("bot_catalog_seen")
    op.drop_table("bot_alert_log")
    op.drop_table("bot_subscriptions")
    op.drop_table("bot_outbox")
    with op.batch_alter_table("bot_escalations") as batch:
        batch.drop_column("since_message_id")
    with op.batch_alter_table("bot_messages") as batch:
        batch.drop_column("author")
