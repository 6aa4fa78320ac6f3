"""Upkeep watermarks: how far reconciliation with Twilio has got, kept in SQL so losing
Redis's data does not make the upkeep answer again messages it had answered.

Revision ID: 0006_upkeep_watermarks
Revises: 0005_evidence
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_upkeep_watermarks"
down_revision: str | Sequence[str] | None = "0005_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upkeep_watermarks",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="upkeep_watermarks_pkey"),
    )


def downgrade() -> None:
    op.drop_table("upkeep_watermarks")
