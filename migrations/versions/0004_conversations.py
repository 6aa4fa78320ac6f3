"""Conversations between the organizer who has a case and its worker, and their messages.

``conversations``: one per case and period of talking (ids and times only: who has it,
since when the worker waits for an answer, why it ended). ``conversation_messages``:
every message of them in both directions, the words and photo links encrypted, under
the provider's SID (unique, so nothing is passed on twice).

Revision ID: 0004_conversations
Revises: 0003_console
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_conversations"
down_revision: str | Sequence[str] | None = "0003_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("worker_id", sa.String(32), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("last_at", TS, nullable=False),
        sa.Column("waiting_since", TS, nullable=True),
        sa.Column("escalated_at", TS, nullable=True),
        sa.Column("invited_at", TS, nullable=True),
        sa.Column("told_closed_until", TS, nullable=True),
        sa.Column("introduced", sa.Boolean(), nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("ended", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="conversations_case_id_fkey",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name="conversations_organizer_id_fkey", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="conversations_pkey"),
    )
    for column in ("case_id", "closed_at", "worker_id"):
        op.create_index(f"ix_conversations_{column}", "conversations", [column])
    op.create_table(
        "conversation_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("worker_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("body_enc", sa.LargeBinary(), nullable=True),
        sa.Column("media_enc", sa.LargeBinary(), nullable=True),
        sa.Column("provider_id", sa.String(64), nullable=True),
        sa.Column("worker_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name="conversation_messages_conversation_id_fkey",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="conversation_messages_case_id_fkey", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name="conversation_messages_organizer_id_fkey",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["worker_message_id"], ["worker_messages.id"],
                                name="conversation_messages_worker_message_id_fkey",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="conversation_messages_pkey"),
        sa.UniqueConstraint("provider_id", name="conversation_messages_provider_id_key"),
    )
    for column in ("case_id", "conversation_id", "worker_id"):
        op.create_index(f"ix_conversation_messages_{column}", "conversation_messages",
                        [column])


def downgrade() -> None:
    op.drop_table("conversation_messages")
    op.drop_table("conversations")
