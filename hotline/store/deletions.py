"""SQL: what is still to be deleted at Twilio, and when to try again.

Twilio keeps every message (numbers, body, media links) in the account's log until it
is deleted. Erasure and retention queue that deletion here and the upkeep carries it
out through Twilio's REST API, retrying: Twilio refuses to delete a message it has not
finished with (error 20009, for minutes and rarely up to 14 days), and it may be down.

Four kinds of rows: ``sid`` (delete this message), ``recording`` (delete this call
recording), ``number`` (find every message to
or from this number, then delete each: the number is kept encrypted only until Twilio
has listed them) and ``before`` (find every message sent before a date: retention).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import DateTime, Integer, LargeBinary, String, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import Unreadable
from hotline.store.cases import CaseStore
from hotline.store.db import Base, aware

log = logging.getLogger(__name__)

#: Tries before a deletion is given up (waits double from 1 minute up to a day: about
#: 16 days in all, past the 14 days Twilio may take to finish a message).
MAX_ATTEMPTS = 25
#: Longest wait between two tries.
MAX_WAIT = timedelta(days=1)


class Kind(StrEnum):
    SID = "sid"
    NUMBER = "number"
    BEFORE = "before"
    RECORDING = "recording"  # a call recording, by its SID (evidence: erasure, retention)


class State(StrEnum):
    WAITING = "waiting"
    FAILED = "failed"  # given up after MAX_ATTEMPTS (the row names a SID only)


class DeletionRow(Base):
    __tablename__ = "twilio_deletions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    number_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), default=State.WAITING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class Deletion:
    """One thing to delete at Twilio, decrypted for the upkeep."""

    id: int
    kind: Kind
    sid: str | None
    number: str | None
    before: datetime | None
    attempts: int


def wait_after(attempts: int) -> timedelta:
    """Return how long to wait after ``attempts`` failed tries (1, 2, 4 … minutes, ≤ a day)."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_WAIT)


class Deletions:
    """Queue, hand out and settle deletions at Twilio."""

    def __init__(self, cases: CaseStore) -> None:
        self.engine = cases.engine
        self.crypto = cases.crypto

    def number(self, number: str, now: datetime | None = None) -> None:
        """Queue the deletion of every message to or from a number (erasure)."""
        now = now or datetime.now(UTC)
        with Session(self.engine) as db, db.begin():
            db.add(DeletionRow(kind=str(Kind.NUMBER), number_enc=self.crypto.encrypt(number),
                               state=str(State.WAITING), attempts=0, created_at=now,
                               next_at=now))

    def before(self, cutoff: datetime, now: datetime | None = None) -> None:
        """Queue the deletion of every message sent before ``cutoff`` (retention)."""
        now = now or datetime.now(UTC)
        with Session(self.engine) as db, db.begin():
            db.add(DeletionRow(kind=str(Kind.BEFORE), before=cutoff, state=str(State.WAITING),
                               attempts=0, created_at=now, next_at=now))

    def sids(self, sids: list[str], now: datetime | None = None) -> int:
        """Queue messages by SID (each once); return how many were new."""
        return self._by_sid(Kind.SID, sids, now)

    def _by_sid(self, kind: Kind, sids: list[str], now: datetime | None) -> int:
        now = now or datetime.now(UTC)
        added = 0
        for sid in dict.fromkeys(sids):
            try:
                with Session(self.engine) as db, db.begin():
                    db.add(DeletionRow(kind=str(kind), sid=sid, state=str(State.WAITING),
                                       attempts=0, created_at=now, next_at=now))
                added += 1
            except IntegrityError:
                continue  # queued already
        return added

    def recordings(self, sids: list[str], now: datetime | None = None) -> int:
        """Queue call recordings by SID (each once); return how many were new."""
        return self._by_sid(Kind.RECORDING, sids, now)

    def due(self, now: datetime, limit: int = 200) -> list[Deletion]:
        """Return waiting deletions whose time has come: searches first, then SIDs."""
        with Session(self.engine) as db, db.begin():
            rows = db.scalars(select(DeletionRow)
                              .where(DeletionRow.state == str(State.WAITING),
                                     DeletionRow.next_at <= now)
                              .order_by((DeletionRow.kind == str(Kind.SID)), DeletionRow.id)
                              .limit(limit)).all()
            found = []
            for r in rows:
                try:
                    number = self.crypto.decrypt(r.number_enc)
                except Unreadable:  # its key is gone: nothing left to search Twilio by
                    log.error("twilio deletion %d: its number opens under no configured "
                              "key; given up", r.id)
                    r.state, r.error, r.number_enc = str(State.FAILED), "unreadable", None
                    continue
                found.append(Deletion(id=r.id, kind=Kind(r.kind), sid=r.sid, number=number,
                                      before=aware(r.before), attempts=r.attempts))
            return found

    def done(self, deletion_id: int) -> None:
        """Forget a deletion that was carried out (a number goes with its row)."""
        with Session(self.engine) as db, db.begin():
            db.execute(delete(DeletionRow).where(DeletionRow.id == deletion_id))

    def retry(self, deletion_id: int, error: str, now: datetime) -> bool:
        """Count a failed try and schedule the next; False once it is given up (and a
        number it held is dropped)."""
        with Session(self.engine) as db, db.begin():
            row = db.get(DeletionRow, deletion_id)
            if row is None:
                return False
            row.attempts += 1
            row.error = error[:60]
            row.next_at = now + wait_after(row.attempts)
            if row.attempts >= MAX_ATTEMPTS:
                row.state = str(State.FAILED)
                row.number_enc = None  # never keep a number we can no longer act on
                return False
            return True

    def count(self, state: State = State.WAITING) -> int:
        """Return how many deletions are in a state."""
        with Session(self.engine) as db:
            return int(db.scalar(select(func.count()).select_from(DeletionRow)
                                 .where(DeletionRow.state == str(state))) or 0)
