"""The case console: sign-ins, second factors, notes, the audit, repeat employers, outcomes.

``console_logins``: server-side console sign-ins (a token's hash), ended by signing out
or deactivation. ``organizer_factors`` and ``recovery_codes``: TOTP secrets (encrypted)
and recovery codes (hashed). ``case_notes``: organizers' notes, encrypted. ``audit``:
who looked at or did what, append-only (triggers refuse UPDATE and DELETE on SQLite and
PostgreSQL alike). ``case_employers`` and ``employer_merges``: the employers' keyed
blind index and staff's merges. ``case_outcomes``: how a case closed in the console ended.

Revision ID: 0003_console
Revises: 0002_outbound_messages
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_console"
down_revision: str | Sequence[str] | None = "0002_outbound_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)

_SQLITE_GUARDS = [
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit is append-only'); END",
]
_POSTGRES_GUARDS = [
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit is append-only'; END $$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "console_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("confirmed_at", TS, nullable=False),
        sa.Column("seen_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name="console_logins_organizer_id_fkey", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="console_logins_pkey"),
        sa.UniqueConstraint("token_hash", name="console_logins_token_hash_key"),
    )
    op.create_index("ix_console_logins_organizer_id", "console_logins", ["organizer_id"])
    op.create_table(
        "organizer_factors",
        sa.Column("organizer_id", sa.Integer(), nullable=False),
        sa.Column("totp_enc", sa.LargeBinary(), nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name="organizer_factors_organizer_id_fkey", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organizer_id", name="organizer_factors_pkey"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name="recovery_codes_organizer_id_fkey", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="recovery_codes_pkey"),
    )
    op.create_index("ix_recovery_codes_organizer_id", "recovery_codes", ["organizer_id"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("body_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="case_notes_case_id_fkey",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organizer_id"], ["organizers.id"],
                                name="case_notes_organizer_id_fkey", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="case_notes_pkey"),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_ref", sa.String(8), nullable=True),
        sa.Column("ip_hash", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="audit_pkey"),
    )
    for column in ("at", "case_id", "organizer_id"):
        op.create_index(f"ix_audit_{column}", "audit", [column])
    guards = _POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)
    op.create_table(
        "case_employers",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="case_employers_case_id_fkey",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", name="case_employers_pkey"),
    )
    op.create_index("ix_case_employers_key", "case_employers", ["key"])
    op.create_table(
        "employer_merges",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("into", sa.String(64), nullable=False),
        sa.Column("merged_at", TS, nullable=False),
        sa.Column("merged_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="employer_merges_pkey"),
    )
    op.create_index("ix_employer_merges_into", "employer_merges", ["into"])
    op.create_table(
        "case_outcomes",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="case_outcomes_case_id_fkey",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", name="case_outcomes_pkey"),
    )


def downgrade() -> None:
    op.drop_table("case_outcomes")
    op.drop_table("employer_merges")
    op.drop_table("case_employers")
    op.drop_table("audit")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    op.drop_table("case_notes")
    op.drop_table("recovery_codes")
    op.drop_table("organizer_factors")
    op.drop_table("console_logins")
