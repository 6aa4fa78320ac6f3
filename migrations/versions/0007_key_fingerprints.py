"""Key fingerprints: which HOTLINE_SECRET_KEY the database was written with, so a
changed secret stops the start instead of silently dropping every opt-out.

Revision ID: 0007_key_fingerprints
Revises: 0006_upkeep_watermarks
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_key_fingerprints"
down_revision: str | Sequence[str] | None = "0006_upkeep_watermarks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "key_fingerprints",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="key_fingerprints_pkey"),
    )


def downgrade() -> None:
    op.drop_table("key_fingerprints")
