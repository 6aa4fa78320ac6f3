"""Messages to workers and Twilio's delivery reports (the one path to a worker).

``worker_messages``: every message sent, held or refused to a worker outside the
webhook's reply, under its caller's key, with pseudonyms and encrypted number and body.
``message_statuses``: every status callback as it came (a SID and a status, nothing
personal), for worker messages and organizer alerts alike.

Revision ID: 0002_outbound_messages
Revises: 0001_initial
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_outbound_messages"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "worker_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("sender_id", sa.String(32), nullable=False),
        sa.Column("recipient_id", sa.String(32), nullable=False),
        sa.Column("recipient_enc", sa.LargeBinary(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("locale", sa.String(16), nullable=True),
        sa.Column("body_enc", sa.LargeBinary(), nullable=True),
        sa.Column("template", sa.String(200), nullable=True),
        sa.Column("segments", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.String(60), nullable=True),
        sa.Column("provider_id", sa.String(64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="worker_messages_case_id_fkey",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="worker_messages_pkey"),
        sa.UniqueConstraint("key", name="worker_messages_key_key"),
    )
    for column in ("case_id", "provider_id", "recipient_id", "sender_id", "status"):
        op.create_index(f"ix_worker_messages_{column}", "worker_messages", [column])
    op.create_table(
        "message_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.String(12), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="message_statuses_pkey"),
    )
    op.create_index("ix_message_statuses_provider_id", "message_statuses", ["provider_id"])


def downgrade() -> None:
    op.drop_table("message_statuses")
    op.drop_table("worker_messages")
