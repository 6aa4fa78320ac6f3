"""Evidence: our encrypted copy of each photo, document or recording on a case.

``evidence``: one row per item a worker sent (``case_media``) once the evidence job takes
it in: where its encrypted copy is kept (a random object name), what its bytes are, their
SHA-256, and Twilio's SIDs while Twilio still has its copy. No bytes, no URL.

Revision ID: 0005_evidence
Revises: 0004_conversations
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_evidence"
down_revision: str | Sequence[str] | None = "0004_conversations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("claimed_type", sa.String(100), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("vault", sa.String(8), nullable=True),
        sa.Column("object_name", sa.String(64), nullable=True),
        sa.Column("message_sid", sa.String(64), nullable=True),
        sa.Column("twilio_sid", sa.String(64), nullable=True),
        sa.Column("at_twilio", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", TS, nullable=False),
        sa.Column("error", sa.String(60), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("kept_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="evidence_case_id_fkey",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["media_id"], ["case_media.id"],
                                name="evidence_media_id_fkey", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="evidence_pkey"),
        sa.UniqueConstraint("media_id", name="evidence_media_id_key"),
        sa.UniqueConstraint("object_name", name="evidence_object_name_key"),
    )
    for column in ("case_id", "state", "next_at"):
        op.create_index(f"ix_evidence_{column}", "evidence", [column])


def downgrade() -> None:
    # the stored copies are not touched: back up var/evidence/ or the bucket first
    op.drop_table("evidence")
