"""SQL: evidence, our encrypted copy of each photo, document or recording on a case.

A case's ``case_media`` rows are what the worker sent, as Twilio gave it (its URL,
encrypted): they stay as the list the case counts and numbers (1, 2 …). Each gets one
evidence row here once the evidence job takes it in: where the encrypted copy is kept
(a random object name in the vault), what its bytes are, their SHA-256, and whether
Twilio still has its own copy. The bytes themselves are never in the database.

States: ``waiting`` (at Twilio only; the job tries, with waits, while Twilio is not
ready or the vault is down), ``kept`` (stored, read back and verified), ``refused`` (too
large, or not what it claimed, or not an allowed type: not copied), ``missing`` (Twilio
never served it), ``erasing`` (its case was erased or expired: the stored copy is being
deleted, then the row goes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import Crypto
from hotline.store.cases import CaseRow, MediaRow
from hotline.store.db import Base, aware, rows_changed

#: Longest wait between two tries of one item (Twilio or the vault down for long).
MAX_WAIT = timedelta(days=1)
#: How long a job holds an item it is working on before another may take it.
LEASE = timedelta(minutes=10)


class State(StrEnum):
    WAITING = "waiting"
    KEPT = "kept"
    REFUSED = "refused"
    MISSING = "missing"
    ERASING = "erasing"


class Kind(StrEnum):
    MEDIA = "media"  # a photo, document or video sent by MMS or WhatsApp
    RECORDING = "recording"  # a voicemail


class EvidenceRow(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # the item the worker sent; unlinked (NULL) when erasure strips the case's media
    media_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_media.id", ondelete="SET NULL"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    claimed_type: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    vault: Mapped[str | None] = mapped_column(String(8))
    object_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Twilio's SIDs (no personal data): the message and its media, or the recording
    message_sid: Mapped[str | None] = mapped_column(String(64))
    twilio_sid: Mapped[str | None] = mapped_column(String(64))
    at_twilio: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer)
    next_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    error: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kept_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Item:
    """One evidence row (``number``: its place on the case, from 1)."""

    id: int
    case_id: int
    number: int
    kind: Kind
    state: State
    claimed_type: str
    content_type: str | None
    size: int | None
    sha256: str | None
    vault: str | None
    object_name: str | None
    message_sid: str | None
    twilio_sid: str | None
    at_twilio: bool
    attempts: int
    error: str | None
    kept_at: datetime | None


@dataclass(frozen=True)
class Sent:
    """An item as the worker sent it: its place on the case, Twilio's URL and claimed
    type, and its evidence row if it was taken in."""

    media_id: int
    number: int
    url: str
    claimed_type: str
    item: Item | None


def wait_after(attempts: int) -> timedelta:
    """Return the wait after ``attempts`` failed tries: 10 s, 20 s, 40 s … up to a day."""
    return min(timedelta(seconds=10 * 2 ** max(attempts - 1, 0)), MAX_WAIT)


class EvidenceStore:
    """Take in, track and forget the evidence rows of cases."""

    def __init__(self, engine: Engine, crypto: Crypto) -> None:
        self.engine = engine
        self.crypto = crypto

    def sent(self, case_id: int) -> list[Sent]:
        """Return what the worker sent on a case, in order, with its evidence rows."""
        with Session(self.engine) as db:
            rows = db.execute(select(MediaRow, EvidenceRow)
                              .outerjoin(EvidenceRow, EvidenceRow.media_id == MediaRow.id)
                              .where(MediaRow.case_id == case_id)
                              .order_by(MediaRow.id)).all()
            return [Sent(media.id, n, self.crypto.decrypt(media.url_enc) or "",
                         media.content_type, _item(row, n) if row is not None else None)
                    for n, (media, row) in enumerate(rows, 1)]

    def take_in(self, media_id: int, case_id: int, kind: Kind, claimed_type: str,
                message_sid: str | None, twilio_sid: str | None, object_name: str,
                now: datetime) -> int | None:
        """Start the evidence row of an item the worker sent; return its id, or None if
        it was taken in already (by another job)."""
        from sqlalchemy.exc import IntegrityError

        try:
            with Session(self.engine) as db, db.begin():
                row = EvidenceRow(
                    case_id=case_id, media_id=media_id, kind=str(kind),
                    state=str(State.WAITING), claimed_type=claimed_type[:100],
                    message_sid=message_sid, twilio_sid=twilio_sid, object_name=object_name,
                    at_twilio=True, attempts=0, next_at=now, created_at=now)
                db.add(row)
                db.flush()
                return row.id
        except IntegrityError:
            return None

    def claim(self, item_id: int, now: datetime) -> bool:
        """Take an item whose time has come for LEASE; False if it is not due or taken."""
        with self.engine.begin() as conn:
            return rows_changed(conn.execute(
                update(EvidenceRow).where(EvidenceRow.id == item_id,
                                          EvidenceRow.next_at <= now)
                .values(next_at=now + LEASE))) == 1

    def kept(self, item_id: int, *, content_type: str, size: int, sha256: str, vault: str,
             now: datetime) -> None:
        """Record a copy stored and verified (Twilio's copy is deleted next)."""
        self._set(item_id, state=str(State.KEPT), content_type=content_type, size=size,
                  sha256=sha256, vault=vault, kept_at=now, attempts=0, error=None,
                  next_at=now)

    def refused(self, item_id: int, reason: str, content_type: str | None = None,
                size: int | None = None) -> None:
        """Record an item not copied (too large, wrong or unknown type); Twilio keeps it."""
        self._set(item_id, state=str(State.REFUSED), error=reason[:60],
                  content_type=content_type, size=size)

    def missing(self, item_id: int, reason: str) -> None:
        """Record an item Twilio never served; nothing more is tried."""
        self._set(item_id, state=str(State.MISSING), error=reason[:60])

    def gone_at_twilio(self, item_id: int) -> None:
        """Record that Twilio's copy is deleted: ours is the only one."""
        self._set(item_id, at_twilio=False, error=None, attempts=0)

    def failed(self, item_id: int, error: str, now: datetime) -> int:
        """Count a failed try and set the next; return the tries so far."""
        with Session(self.engine) as db, db.begin():
            row = db.get(EvidenceRow, item_id)
            if row is None:
                return 0
            row.attempts += 1
            row.error = error[:60]
            row.next_at = now + wait_after(row.attempts)
            return row.attempts

    def item(self, item_id: int) -> Item | None:
        """Return one evidence row (its number on the case is 0 once unlinked)."""
        with Session(self.engine) as db:
            row = db.get(EvidenceRow, item_id)
            if row is None:
                return None
            number = 0
            if row.media_id is not None:
                number = len(db.scalars(select(MediaRow.id).where(
                    MediaRow.case_id == row.case_id, MediaRow.id <= row.media_id)).all())
            return _item(row, number)

    def due_cases(self, now: datetime, taken_in_before: datetime, limit: int = 200
                  ) -> list[int]:
        """Return cases with work for the evidence job: items sent before
        ``taken_in_before`` and never taken in, and items whose next try is due (waiting,
        or kept while Twilio still has its copy)."""
        with Session(self.engine) as db:
            untaken = (select(MediaRow.case_id)
                       .outerjoin(EvidenceRow, EvidenceRow.media_id == MediaRow.id)
                       .join(CaseRow, CaseRow.id == MediaRow.case_id)
                       .where(EvidenceRow.id.is_(None), CaseRow.created_at < taken_in_before))
            due = select(EvidenceRow.case_id).where(
                EvidenceRow.next_at <= now,
                or_(EvidenceRow.state == str(State.WAITING),
                    (EvidenceRow.state == str(State.KEPT)) & EvidenceRow.at_twilio))
            found = [*db.scalars(untaken.limit(limit)), *db.scalars(due.limit(limit))]
            return sorted(set(found))

    def stored(self, after: int = 0, limit: int = 200) -> list[Item]:
        """Return kept rows with a stored copy, by id after ``after`` (key rotation)."""
        with Session(self.engine) as db:
            rows = db.scalars(select(EvidenceRow)
                              .where(EvidenceRow.state == str(State.KEPT),
                                     EvidenceRow.object_name.is_not(None),
                                     EvidenceRow.id > after)
                              .order_by(EvidenceRow.id).limit(limit)).all()
            return [_item(r, 0) for r in rows]

    # -- forgetting ----------------------------------------------------------------------

    def of_cases(self, case_ids: list[int]) -> list[Item]:
        """Return every evidence row of these cases, whatever its state."""
        if not case_ids:
            return []
        with Session(self.engine) as db:
            rows = db.scalars(select(EvidenceRow).where(EvidenceRow.case_id.in_(case_ids))
                              .order_by(EvidenceRow.id)).all()
            return [_item(r, 0) for r in rows]

    def urls_of_cases(self, case_ids: list[int]) -> list[str]:
        """Return Twilio's URL of every item sent on these cases (decrypted)."""
        if not case_ids:
            return []
        with Session(self.engine) as db:
            rows = db.scalars(select(MediaRow.url_enc).where(MediaRow.case_id.in_(case_ids)))
            return [self.crypto.decrypt(url) or "" for url in rows]

    def doom(self, case_ids: list[int], now: datetime) -> int:
        """Mark every evidence row of these cases for deletion, unlinked from the item
        the worker sent (which erasure strips); return how many."""
        if not case_ids:
            return 0
        with self.engine.begin() as conn:
            return rows_changed(conn.execute(
                update(EvidenceRow).where(EvidenceRow.case_id.in_(case_ids))
                .values(state=str(State.ERASING), media_id=None, next_at=now,
                        attempts=0, error=None)))

    def erasing(self, limit: int = 200) -> list[Item]:
        """Return rows whose stored copy is still to be deleted."""
        with Session(self.engine) as db:
            rows = db.scalars(select(EvidenceRow)
                              .where(EvidenceRow.state == str(State.ERASING))
                              .order_by(EvidenceRow.id).limit(limit)).all()
            return [_item(r, 0) for r in rows]

    def forget(self, item_id: int) -> None:
        """Delete an evidence row (its stored copy is gone)."""
        with self.engine.begin() as conn:
            conn.execute(delete(EvidenceRow).where(EvidenceRow.id == item_id))

    def count(self, state: State | None = None) -> int:
        """Return how many evidence rows exist (in a state)."""
        from sqlalchemy import func

        query = select(func.count()).select_from(EvidenceRow)
        if state is not None:
            query = query.where(EvidenceRow.state == str(state))
        with Session(self.engine) as db:
            return int(db.scalar(query) or 0)

    def _set(self, item_id: int, **values: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(EvidenceRow).where(EvidenceRow.id == item_id).values(**values))


def _item(row: EvidenceRow, number: int) -> Item:
    return Item(id=row.id, case_id=row.case_id, number=number, kind=Kind(row.kind),
                state=State(row.state), claimed_type=row.claimed_type,
                content_type=row.content_type, size=row.size, sha256=row.sha256,
                vault=row.vault, object_name=row.object_name, message_sid=row.message_sid,
                twilio_sid=row.twilio_sid, at_twilio=row.at_twilio, attempts=row.attempts,
                error=row.error, kept_at=aware(row.kept_at))

