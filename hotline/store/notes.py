"""SQL: organizers' internal notes on a case, encrypted at rest, never sent to the worker.

A note may hold what the worker said on the phone, so erasure and retention delete a
case's notes with its other personal fields (``CaseStore._strip_where``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import Crypto
from hotline.store.db import Base, aware

#: Longest note kept (a page of text).
MAX_NOTE = 4000


class NoteRow(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)


@dataclass(frozen=True)
class Note:
    id: int
    case_id: int
    organizer_id: int | None
    author: str
    at: datetime
    body: str


class NoteStore:
    """Add and read a case's notes."""

    def __init__(self, engine: Engine, crypto: Crypto) -> None:
        self.engine = engine
        self.crypto = crypto

    def add(self, case_id: int, organizer_id: int, author: str, body: str,
            now: datetime | None = None) -> Note:
        """Keep a note, encrypted; ValueError if it is empty."""
        text = body.strip()[:MAX_NOTE]
        if not text:
            raise ValueError("empty note")
        row = NoteRow(case_id=case_id, organizer_id=organizer_id, author=author[:100],
                      at=now or datetime.now(UTC), body_enc=self.crypto.encrypt(text))
        with Session(self.engine) as db, db.begin():
            db.add(row)
            db.flush()
            return self._view(row)

    def for_case(self, case_id: int) -> list[Note]:
        """Return a case's notes, oldest first, decrypted."""
        with Session(self.engine) as db:
            return [self._view(r) for r in db.scalars(
                select(NoteRow).where(NoteRow.case_id == case_id).order_by(NoteRow.id))]

    def _view(self, row: NoteRow) -> Note:
        at = aware(row.at)
        assert at is not None
        return Note(id=row.id, case_id=row.case_id, organizer_id=row.organizer_id,
                    author=row.author, at=at,
                    body=self.crypto.shown(row.body_enc, "case note") or "")  # a lost key: no 500
