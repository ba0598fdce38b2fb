"""interactions: audit trail of questions, retrieved sources, answers and feedback

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("retrieved", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("abstained", sa.Boolean(), nullable=False),
        sa.Column("safety_notices", sa.JSON(), nullable=False),
        sa.Column("answerer", sa.String(length=32), nullable=False),
        sa.Column("fallback_reason", sa.Text(), nullable=True),
        sa.Column("support_score", sa.Float(), nullable=True),
        sa.Column("latency_ms", sa.JSON(), nullable=False),
        sa.Column("feedback_score", sa.Integer(), nullable=True),
        sa.Column("feedback_comment", sa.Text(), nullable=True),
        sa.Column("feedback_by", sa.String(length=200), nullable=True),
        sa.Column("feedback_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interactions_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_interactions_username"), ["username"])
        batch_op.create_index(batch_op.f("ix_interactions_role"), ["role"])
        batch_op.create_index(batch_op.f("ix_interactions_site"), ["site"])


def downgrade() -> None:
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interactions_site"))
        batch_op.drop_index(batch_op.f("ix_interactions_role"))
        batch_op.drop_index(batch_op.f("ix_interactions_username"))
        batch_op.drop_index(batch_op.f("ix_interactions_created_at"))
    op.drop_table("interactions")
