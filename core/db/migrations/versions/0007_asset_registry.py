"""asset registry: asset_links, asset_spellings, asset_profiles, equipment_reviews;
documents.assets_linked, chat_messages.asset_context

Revision ID: 0007_asset_registry
Revises: 0006_eval_runs
Create Date: 2026-12-02 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_asset_registry"
down_revision = "0006_eval_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Versions indexed before this migration have no links: ingest rebuilds them (no re-embed).
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("assets_linked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("asset_context", sa.JSON(), nullable=False, server_default="{}")
        )
    op.create_table(
        "asset_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("tag_key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("chunk_id", sa.String(length=64), nullable=True),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("failure_mode", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=50), nullable=False),
        sa.Column("equipment_model", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asset_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_links_document_id"), ["document_id"])
        batch_op.create_index("ix_asset_links_site_key", ["site_id", "tag_key", "tag"])
        batch_op.create_index(batch_op.f("ix_asset_links_equipment_model"), ["equipment_model"])
    op.create_table(
        "asset_spellings",
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "tag"),
    )
    op.create_table(
        "asset_profiles",
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("equipment_class", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "tag"),
    )
    op.create_table(
        "equipment_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_doc_id", sa.String(length=200), nullable=False),
        sa.Column("sop_doc_id", sa.String(length=200), nullable=False),
        sa.Column("sop_revision", sa.String(length=64), nullable=False),
        sa.Column("disposition", sa.String(length=32), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("equipment_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_equipment_reviews_incident_doc_id"), ["incident_doc_id"]
        )


def downgrade() -> None:
    op.drop_table("equipment_reviews")
    op.drop_table("asset_profiles")
    op.drop_table("asset_spellings")
    with op.batch_alter_table("asset_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_links_equipment_model"))
        batch_op.drop_index("ix_asset_links_site_key")
        batch_op.drop_index(batch_op.f("ix_asset_links_document_id"))
    op.drop_table("asset_links")
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_column("asset_context")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("assets_linked")
