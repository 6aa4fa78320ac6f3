"""The tables as hotline made them before migrations, with create_all.

Cases with their photos, history and alert outbox; organizers; each case's alert state;
deliveries; opt-outs; the inbound spool; Twilio deletions still to do. Constraints and
indexes carry the names of the naming convention (``hotline.store.db.NAMING``), written
out so this file never changes. ``tables()`` is also what a database made by
``create_all`` is checked against before it is adopted (``hotline.store.legacy``); a
table it lacks (made by a version from before that table) is created then.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from alembic.operations.ops import CreateIndexOp, CreateTableOp

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def tables() -> sa.MetaData:
    """Return the tables of this revision, parents before children."""
    meta = sa.MetaData()
    sa.Table(
        "cases", meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sender_id", sa.String(32), nullable=False),
        sa.Column("industry", sa.String(32), nullable=True),
        sa.Column("issues", sa.String(200), nullable=False),
        sa.Column("happened", sa.String(32), nullable=True),
        sa.Column("still_working", sa.Boolean(), nullable=True),
        sa.Column("contact_method", sa.String(16), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("sender_enc", sa.LargeBinary(), nullable=True),
        sa.Column("contact_enc", sa.LargeBinary(), nullable=True),
        sa.Column("name_enc", sa.LargeBinary(), nullable=True),
        sa.Column("employer_enc", sa.LargeBinary(), nullable=True),
        sa.Column("location_enc", sa.LargeBinary(), nullable=True),
        sa.Column("details_enc", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="cases_pkey"),
        sa.UniqueConstraint("ref", name="cases_ref_key"),
        sa.Index("ix_cases_sender_id", "sender_id"),
    )
    sa.Table(
        "organizers", meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("languages", sa.String(100), nullable=False),
        sa.Column("industries", sa.String(200), nullable=False),
        sa.Column("hours", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sms_opted_out", sa.Boolean(), nullable=False),
        sa.Column("whatsapp_opted_out", sa.Boolean(), nullable=False),
        sa.Column("last_inbound_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="organizers_pkey"),
        sa.UniqueConstraint("phone", name="organizers_phone_key"),
    )
    sa.Table(
        "opt_outs", meta,
        sa.Column("sender_id", sa.String(32), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("sender_id", name="opt_outs_pkey"),
    )
    sa.Table(
        "inbound_spool", meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(64), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("replies_enc", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="inbound_spool_pkey"),
        sa.UniqueConstraint("sid", name="inbound_spool_sid_key"),
        sa.Index("ix_inbound_spool_state", "state"),
    )
    sa.Table(
        "case_media", meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("url_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="case_media_case_id_fkey",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="case_media_pkey"),
        sa.Index("ix_case_media_case_id", "case_id"),
    )
    sa.Table(
        "case_events", meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="case_events_case_id_fkey",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="case_events_pkey"),
        sa.Index("ix_case_events_case_id", "case_id"),
    )
    sa.Table(
        "alert_outbox", meta,
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("queued_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="alert_outbox_case_id_fkey",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", name="alert_outbox_pkey"),
        sa.Index("ix_alert_outbox_queued_at", "queued_at"),
    )
    sa.Table(
        "case_alerts", meta,
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.String(100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("alerted_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=True),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("claimed_name", sa.String(100), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="case_alerts_case_id_fkey",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["claimed_by"], ["organizers.id"],
                                name="case_alerts_claimed_by_fkey", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("case_id", name="case_alerts_pkey"),
        sa.Index("ix_case_alerts_due_at", "due_at"),
    )
    sa.Table(
        "deliveries", meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column("chain", sa.String(140), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(254), nullable=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("transport", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(60), nullable=True),
        sa.Column("provider_id", sa.String(100), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="deliveries_case_id_fkey",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name="deliveries_organizer_id_fkey", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="deliveries_pkey"),
        sa.UniqueConstraint("key", name="deliveries_key_key"),
        sa.Index("ix_deliveries_case_id", "case_id"),
        sa.Index("ix_deliveries_chain", "chain"),
        sa.Index("ix_deliveries_provider_id", "provider_id"),
        sa.Index("ix_deliveries_status", "status"),
    )
    sa.Table(
        "twilio_deletions", meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sid", sa.String(64), nullable=True),
        sa.Column("number_enc", sa.LargeBinary(), nullable=True),
        sa.Column("before", TS, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(60), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("next_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="twilio_deletions_pkey"),
        sa.UniqueConstraint("sid", name="twilio_deletions_sid_key"),
        sa.Index("ix_twilio_deletions_next_at", "next_at"),
        sa.Index("ix_twilio_deletions_state", "state"),
    )
    return meta


def create(operations: Any, table: sa.Table) -> None:
    """Create one table and its indexes (``legacy`` adds a table a database lacks so)."""
    operations.invoke(CreateTableOp.from_table(table))
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        operations.invoke(CreateIndexOp.from_index(index))


def upgrade() -> None:
    for table in tables().sorted_tables:
        create(op, table)


def downgrade() -> None:
    for table in reversed(tables().sorted_tables):
        op.drop_table(table.name)
