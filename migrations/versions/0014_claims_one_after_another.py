"""Claims one after another: a file sent after the staff closed a conversation's claim opens the next

``claims.number`` counts a conversation's claims (unique with the conversation, instead of the
conversation alone), and each file says which claim it belongs to (``claim_files.claim_id``,
filled from the conversation's one claim for the files already stored).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=False, server_default="1"))
        batch.drop_constraint("uq_claims_conversation", type_="unique")
        batch.create_unique_constraint("uq_claims_conversation_number", ["conversation_id", "number"])
    with op.batch_alter_table("claims") as batch:
        batch.alter_column("number", server_default=None)
    with op.batch_alter_table("claim_files") as batch:
        batch.add_column(sa.Column("claim_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE claim_files SET claim_id = "
        "(SELECT claims.id FROM claims WHERE claims.conversation_id = claim_files.conversation_id)"
    )
    with op.batch_alter_table("claim_files") as batch:
        batch.alter_column("claim_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_claim_files_claim_id", "claims", ["claim_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_claim_files_claim_id", ["claim_id"])


def downgrade() -> None:
    # Back to one claim per conversation, which 0013 cannot hold for a conversation that claimed
    # again: refused then, rather than deleting closed claims with their receipts and outcomes.
    again = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM claims WHERE number > 1")).scalar()
    if again:
        raise RuntimeError(
            f"{again} claims were opened after an earlier one in the same conversation; revision 0013 keeps one "
            "claim per conversation. Export or erase those conversations before downgrading."
        )
    with op.batch_alter_table("claim_files") as batch:
        batch.drop_index("ix_claim_files_claim_id")
        batch.drop_constraint("fk_claim_files_claim_id", type_="foreignkey")
        batch.drop_column("claim_id")
    with op.batch_alter_table("claims") as batch:
        batch.drop_constraint("uq_claims_conversation_number", type_="unique")
        batch.create_unique_constraint("uq_claims_conversation", ["conversation_id"])
        batch.drop_column("number")
