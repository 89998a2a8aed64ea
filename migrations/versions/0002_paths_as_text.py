"""Paths as text: no length limit on file paths and sources

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_source_files") as batch:
        batch.alter_column("origin", type_=sa.Text(), existing_type=sa.String(1024), existing_nullable=False)
    with op.batch_alter_table("knowledge_documents") as batch:
        batch.alter_column("origin", type_=sa.Text(), existing_type=sa.String(1024), existing_nullable=False)
        batch.alter_column("source", type_=sa.Text(), existing_type=sa.String(1100), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("knowledge_documents") as batch:
        batch.alter_column("source", type_=sa.String(1100), existing_type=sa.Text(), existing_nullable=False)
        batch.alter_column("origin", type_=sa.String(1024), existing_type=sa.Text(), existing_nullable=False)
    with op.batch_alter_table("knowledge_source_files") as batch:
        batch.alter_column("origin", type_=sa.String(1024), existing_type=sa.Text(), existing_nullable=False)
