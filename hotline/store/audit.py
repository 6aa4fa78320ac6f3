"""SQL: the audit, an append-only record of who looked at or did what to a case.

Every view of a case page, reveal of a number, claim packet, export, erasure,
assignment, claim and close in the console writes one row: who (the organizer's id and
name at the time), what, which case, when, and from where (a keyed hash of the address,
never the address). It holds no worker words and no phone numbers: a detail is a code
chosen by the console or an organizer's reason with its digits masked.

Nothing in the hotline changes or deletes a row: this module only adds and reads, and
the migration puts triggers on the table that refuse UPDATE and DELETE in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Integer, String, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.store.db import Base, aware

#: Longest detail kept (a reason typed by an organizer is cut there).
MAX_DETAIL = 200
# two or more digits in a row: a reason could carry a number, the audit never does
_DIGITS = re.compile(r"[+(]?\d[\d\s().+-]*\d|\d")


class Action(StrEnum):
    """What was done; the words organizers read in the console."""

    VIEWED = "viewed"
    REVEALED = "revealed"
    PACKET = "packet"
    EVIDENCE = "evidence"  # a kept photo, document or recording opened
    EXPORTED = "exported"
    ERASED = "erased"
    CLAIMED = "claimed"
    ASSIGNED = "assigned"
    NOTED = "noted"
    CLOSED = "closed"
    REOPENED = "reopened"
    MERGED = "merged"
    DENIED = "denied"
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"
    ORGANIZER = "organizer"  # an admin deactivated or reactivated an organizer
    WROTE = "wrote"  # wrote to the worker from the console (never the words)
    TALK_ENDED = "talk_ended"  # ended the conversation with the worker


class AuditRow(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # no foreign keys: removing an organizer or a case never touches the record
    organizer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    case_ref: Mapped[str | None] = mapped_column(String(8))
    ip_hash: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(MAX_DETAIL), default="")


@dataclass(frozen=True)
class Entry:
    """One audit row."""

    id: int
    at: datetime
    organizer_id: int | None
    actor: str
    action: Action
    case_id: int | None
    case_ref: str | None
    ip_hash: str
    detail: str


def masked(text: str) -> str:
    """Return free text fit for the audit: digits masked, one line, cut to MAX_DETAIL."""
    return _DIGITS.sub("#", " ".join(text.split()))[:MAX_DETAIL]


class AuditStore:
    """Add to and read the audit; there is no way to change or remove an entry."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, action: Action, *, organizer_id: int | None, actor: str, ip_hash: str,
               case_id: int | None = None, case_ref: str | None = None, detail: str = "",
               now: datetime | None = None) -> None:
        """Append one entry (its detail masked: see ``masked``)."""
        with self.engine.begin() as conn:
            conn.execute(insert(AuditRow), {
                "at": now or datetime.now(UTC), "organizer_id": organizer_id,
                "actor": actor[:100], "action": str(action), "case_id": case_id,
                "case_ref": case_ref, "ip_hash": ip_hash[:32], "detail": masked(detail)})

    def record_many(self, action: Action, cases: Iterable[tuple[int, str]], *,
                    organizer_id: int | None, actor: str, ip_hash: str, detail: str = "",
                    now: datetime | None = None) -> int:
        """Append one entry per case (id, ref) of a bulk action such as an export."""
        at, text = now or datetime.now(UTC), masked(detail)
        rows = [{"at": at, "organizer_id": organizer_id, "actor": actor[:100],
                 "action": str(action), "case_id": case_id, "case_ref": ref,
                 "ip_hash": ip_hash[:32], "detail": text} for case_id, ref in cases]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(AuditRow), rows)
        return len(rows)

    def entries(self, *, case_id: int | None = None, actions: Iterable[Action] = (),
                organizer_id: int | None = None, limit: int = 200,
                before_id: int | None = None) -> list[Entry]:
        """Return entries newest first, optionally of one case, organizer or actions."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if case_id is not None:
            query = query.where(AuditRow.case_id == case_id)
        if organizer_id is not None:
            query = query.where(AuditRow.organizer_id == organizer_id)
        wanted = [str(a) for a in actions]
        if wanted:
            query = query.where(AuditRow.action.in_(wanted))
        if before_id is not None:
            query = query.where(AuditRow.id < before_id)
        with Session(self.engine) as db:
            return [_entry(r) for r in db.scalars(query)]


def _entry(row: AuditRow) -> Entry:
    at = aware(row.at)
    assert at is not None
    return Entry(id=row.id, at=at, organizer_id=row.organizer_id, actor=row.actor,
                 action=Action(row.action), case_id=row.case_id, case_ref=row.case_ref,
                 ip_hash=row.ip_hash, detail=row.detail)
