"""SQL: cases, their photos and their history. Personal fields are encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    bindparam,
    column,
    delete,
    insert,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from hotline.crypto import Crypto
from hotline.dialogue.effects import FileCase
from hotline.store.db import Base
from hotline.store.refs import RANDOM_DIGITS, new_ref

#: What replaces the sender's pseudonym once their personal data is gone.
ERASED = "erased"
EXPIRED = "expired"
#: Tries at a random free reference before using one more digit (see ``refs``).
REF_TRIES = 20
#: Other stores' tables that hold a case's personal data (notes, the employer's blind
#: index, the conversation with its organizer): named, not imported, so those stores may
#: read cases without a circle.
PERSONAL_TABLES = ("case_notes", "case_employers", "conversation_messages")


class CaseStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(8), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locale: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    sender_id: Mapped[str] = mapped_column(String(32), index=True)
    industry: Mapped[str | None] = mapped_column(String(32))
    issues: Mapped[str] = mapped_column(String(200), default="")
    happened: Mapped[str | None] = mapped_column(String(32))
    still_working: Mapped[bool | None] = mapped_column(Boolean)
    contact_method: Mapped[str] = mapped_column(String(16))
    consent: Mapped[bool] = mapped_column(Boolean)
    # encrypted (Fernet): who the worker is and what they wrote
    sender_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    employer_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    location_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    details_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    media: Mapped[list[MediaRow]] = relationship(back_populates="case", order_by="MediaRow.id",
                                                 cascade="all, delete-orphan")
    events: Mapped[list[EventRow]] = relationship(back_populates="case", order_by="EventRow.id")


class MediaRow(Base):
    __tablename__ = "case_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    url_enc: Mapped[bytes] = mapped_column(LargeBinary)
    case: Mapped[CaseRow] = relationship(back_populates="media")


class EventRow(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(200), default="")
    case: Mapped[CaseRow] = relationship(back_populates="events")


class AlertIntentRow(Base):
    """The outbox: written with the case, so no case can exist without its alert;
    ``queued_at`` is set by the alert job when it runs."""

    __tablename__ = "alert_outbox"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class CaseView:
    """A case decrypted for staff (CLI export, organizer who claimed it)."""

    id: int
    ref: str
    kind: str
    status: str
    created_at: datetime
    locale: str
    channel: str
    industry: str | None
    issues: tuple[str, ...]
    happened: str | None
    still_working: bool | None
    contact_method: str
    contact: str | None
    name: str | None
    employer: str | None
    location: str | None
    details: str | None
    media: tuple[tuple[str, str], ...]
    consent: bool


def _strip(row: CaseRow) -> None:
    """Drop every field that could identify the worker."""
    row.sender_enc = row.contact_enc = row.name_enc = None
    row.employer_enc = row.location_enc = row.details_enc = None
    row.media.clear()


# A sender's cases that matter to filing: not closed, or filed since a moment
_FILING_STATE = (
    select(CaseRow.id, CaseRow.ref, CaseRow.kind, CaseRow.status,
           (CaseRow.created_at >= bindparam("since")).label("recent"))
    .where(CaseRow.sender_id == bindparam("who"),
           or_(CaseRow.status != bindparam("closed"), CaseRow.created_at >= bindparam("since")))
    .order_by(CaseRow.id.desc()))


class CaseStore:
    """File, read and list cases."""

    def __init__(self, engine: Engine, crypto: Crypto) -> None:
        self.engine = engine
        self.crypto = crypto

    def ping(self) -> bool:
        """Tell whether the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means unhealthy
            return False

    def file(self, effect: FileCase, now: datetime | None = None, *,
             events: Sequence[tuple[str, str]] = ()) -> tuple[int, str]:
        """Commit a case and return (id, ref); the ref is shown only after this returns.

        Core inserts in one transaction (case, photos, first event, ``events`` as
        (kind, detail), outbox row): the ORM's unit of work cost twice as much CPU here,
        on the worker's time.
        """
        now = now or datetime.now(UTC)
        enc = self.crypto.encrypt
        case = {
            "kind": str(effect.kind),
            "status": str(CaseStatus.OPEN),
            "created_at": now,
            "locale": effect.locale,
            "channel": effect.channel,
            "sender_id": self.crypto.sender_id(effect.sender),
            "industry": effect.industry,
            "issues": ",".join(effect.issues),
            "happened": effect.when,
            "still_working": effect.still_working,
            "contact_method": effect.contact_method,
            "consent": effect.consent,
            "sender_enc": enc(effect.sender),
            "contact_enc": enc(effect.contact_number),
            "name_enc": enc(effect.name),
            "employer_enc": enc(effect.employer),
            "location_enc": enc(effect.location),
            "details_enc": enc("\n\n".join(effect.details)) if effect.details else None,
        }
        media = [{"content_type": m.content_type, "url_enc": enc(m.url)} for m in effect.media]
        for attempt in range(REF_TRIES * 3):
            ref = new_ref(RANDOM_DIGITS + attempt // REF_TRIES)
            try:
                with self.engine.begin() as conn:
                    case_id = conn.execute(insert(CaseRow).returning(CaseRow.id),
                                           {**case, "ref": ref}).scalar_one()
                    if media:
                        conn.execute(insert(MediaRow),
                                     [{**m, "case_id": case_id} for m in media])
                    conn.execute(insert(EventRow), [
                        {"case_id": case_id, "at": now, "kind": kind, "detail": detail[:200]}
                        for kind, detail in (("filed", str(effect.kind)), *events)])
                    conn.execute(insert(AlertIntentRow),
                                 {"case_id": case_id, "created_at": now})
                    return case_id, ref
            except IntegrityError:
                continue  # the reference was taken; draw another
        raise RuntimeError("no free case reference")

    def with_event(self, kind: str, detail: str) -> tuple[int, str] | None:
        """Return (id, ref) of the case whose history has this event (a job run twice)."""
        with Session(self.engine) as db:
            row = db.execute(select(CaseRow.id, CaseRow.ref).join(EventRow)
                             .where(EventRow.kind == kind, EventRow.detail == detail)
                             .limit(1)).first()
            return (row.id, row.ref) if row else None

    def open_case_of(self, sender: str) -> tuple[int, str, str] | None:
        """Return (id, ref, kind) of the sender's newest case not closed, if any."""
        with Session(self.engine) as db:
            row = db.execute(select(CaseRow.id, CaseRow.ref, CaseRow.kind)
                             .where(CaseRow.sender_id == self.crypto.sender_id(sender),
                                    CaseRow.status != str(CaseStatus.CLOSED))
                             .order_by(CaseRow.id.desc()).limit(1)).first()
            return (row.id, row.ref, row.kind) if row else None

    def filing_state(self, sender: str, since: datetime
                     ) -> tuple[tuple[int, str, str] | None, int]:
        """Return what ``open_case_of`` and ``filed_since`` would, in one statement: the
        sender's newest case not closed (id, ref, kind), if any, and how many cases they
        filed since ``since`` (every filing asks both; bench/optimisations.md)."""
        with self.engine.connect() as conn:
            rows = conn.execute(_FILING_STATE, {
                "who": self.crypto.sender_id(sender), "since": since,
                "closed": str(CaseStatus.CLOSED)}).all()
        found = next(((r.id, r.ref, r.kind) for r in rows
                      if r.status != str(CaseStatus.CLOSED)), None)
        return found, sum(1 for r in rows if r.recent)

    def filed_since(self, sender: str, since: datetime) -> int:
        """Return how many cases the sender filed since ``since``."""
        from sqlalchemy import func

        with Session(self.engine) as db:
            return int(db.scalar(select(func.count()).select_from(CaseRow).where(
                CaseRow.sender_id == self.crypto.sender_id(sender),
                CaseRow.created_at >= since)) or 0)

    def add_to(self, case_id: int, effect: FileCase, now: datetime | None = None) -> None:
        """Add a repeat report to an open case: its story, photos and issue types."""
        now = now or datetime.now(UTC)
        with Session(self.engine) as db, db.begin():
            row = db.get(CaseRow, case_id)
            if row is None:
                return
            if effect.details:
                # a story whose key was dropped too soon is lost already; keep the new words
                told = [self.crypto.shown(row.details_enc, "story") or "", *effect.details]
                row.details_enc = self.crypto.encrypt("\n\n".join(t for t in told if t))
            issues = dict.fromkeys([*(i for i in row.issues.split(",") if i), *effect.issues])
            row.issues = ",".join(issues)[:200]
            for m in effect.media:
                row.media.append(MediaRow(content_type=m.content_type,
                                          url_enc=self.crypto.encrypt(m.url)))
            row.events.append(EventRow(at=now, kind="added", detail=str(effect.kind)))

    def alerts_not_queued(self, filed_before: datetime) -> list[int]:
        """Return cases filed before ``filed_before`` whose alert job has not run yet (the
        job ticks the outbox), oldest first."""
        with Session(self.engine) as db:
            return list(db.scalars(select(AlertIntentRow.case_id)
                                   .where(AlertIntentRow.queued_at.is_(None),
                                          AlertIntentRow.created_at < filed_before)
                                   .order_by(AlertIntentRow.case_id)))

    def record(self, case_id: int, kind: str, detail: str = "") -> None:
        """Add an event to a case's history."""
        with Session(self.engine) as db, db.begin():
            db.add(EventRow(case_id=case_id, at=datetime.now(UTC), kind=kind,
                            detail=detail[:200]))

    def events(self, case_id: int) -> list[tuple[str, str]]:
        """Return a case's history as (kind, detail), oldest first."""
        with Session(self.engine) as db:
            rows = db.scalars(select(EventRow).where(EventRow.case_id == case_id)
                              .order_by(EventRow.id))
            return [(r.kind, r.detail) for r in rows]

    def history(self, case_id: int) -> list[tuple[datetime, str, str]]:
        """Return a case's history as (when, kind, detail), oldest first."""
        with Session(self.engine) as db:
            rows = db.scalars(select(EventRow).where(EventRow.case_id == case_id)
                              .order_by(EventRow.id))
            return [(r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC), r.kind, r.detail)
                    for r in rows]

    def sender_of(self, case_id: int) -> str | None:
        """Return the number a case came from (to erase its worker), if it is still kept."""
        with Session(self.engine) as db:
            token = db.scalar(select(CaseRow.sender_enc).where(CaseRow.id == case_id))
            return self.crypto.decrypt(token) if token else None

    def get(self, case_id: int) -> CaseView | None:
        """Return one case, decrypted."""
        with Session(self.engine) as db:
            row = db.get(CaseRow, case_id)
            return self._view(row) if row else None

    def by_ref(self, ref: str) -> CaseView | None:
        """Return the case with this human reference, decrypted."""
        with Session(self.engine) as db:
            row = db.scalars(select(CaseRow).where(CaseRow.ref == ref)).first()
            return self._view(row) if row else None

    def newest(self, limit: int | None = None) -> Iterator[CaseView]:
        """Yield cases newest first, decrypted."""
        with Session(self.engine) as db:
            query = select(CaseRow).order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
            if limit:
                query = query.limit(limit)
            for row in db.scalars(query):
                yield self._view(row)

    def count(self) -> int:
        """Return how many cases exist."""
        from sqlalchemy import func

        with Session(self.engine) as db:
            return int(db.scalar(select(func.count()).select_from(CaseRow)) or 0)

    def ids_of(self, sender: str) -> list[int]:
        """Return the cases a sender filed whose personal data is still there."""
        return self._ids_where(CaseRow.sender_id == self.crypto.sender_id(sender))

    def ids_filed_before(self, cutoff: datetime) -> list[int]:
        """Return cases filed before ``cutoff`` whose personal data is still there."""
        return self._ids_where(CaseRow.created_at < cutoff)

    def _ids_where(self, condition: ColumnElement[bool]) -> list[int]:
        with Session(self.engine) as db:
            return list(db.scalars(select(CaseRow.id).where(
                condition, CaseRow.sender_id.not_in((ERASED, EXPIRED))).order_by(CaseRow.id)))

    def erase_sender(self, sender: str, now: datetime | None = None) -> int:
        """Strip a worker's personal data from all their cases; keep anonymous facts.

        Industry, issue types, language, dates and status stay for statistics.
        Returns how many cases were touched.
        """
        return self._strip_where(CaseRow.sender_id == self.crypto.sender_id(sender),
                                 ERASED, "at the worker's request", now)

    def strip_older_than(self, cutoff: datetime, now: datetime | None = None) -> int:
        """Remove personal data from cases filed before ``cutoff`` (retention)."""
        return self._strip_where(CaseRow.created_at < cutoff, EXPIRED,
                                 "retention period over", now)

    def _strip_where(self, condition: ColumnElement[bool], marker: str, detail: str,
                     now: datetime | None) -> int:
        with Session(self.engine) as db, db.begin():
            rows = db.scalars(select(CaseRow).where(
                condition, CaseRow.sender_id.not_in((ERASED, EXPIRED)))).all()
            for row in rows:
                _strip(row)
                row.sender_id = marker  # the pseudonym goes too: nothing links back
                row.events.append(EventRow(at=now or datetime.now(UTC), kind=marker,
                                           detail=detail))
            ids = [row.id for row in rows]
            for name in PERSONAL_TABLES:
                if ids:
                    other = table(name, column("case_id"))
                    db.execute(delete(other).where(other.c.case_id.in_(ids)))
            return len(rows)

    def _view(self, row: CaseRow) -> CaseView:
        dec = self.crypto.shown  # a field whose key is gone shows as UNREADABLE, no error
        return CaseView(
            id=row.id, ref=row.ref, kind=row.kind, status=row.status,
            created_at=row.created_at, locale=row.locale, channel=row.channel,
            industry=row.industry, issues=tuple(i for i in row.issues.split(",") if i),
            happened=row.happened, still_working=row.still_working,
            contact_method=row.contact_method, contact=dec(row.contact_enc),
            name=dec(row.name_enc), employer=dec(row.employer_enc),
            location=dec(row.location_enc), details=dec(row.details_enc),
            media=tuple((dec(m.url_enc) or "", m.content_type) for m in row.media),
            consent=row.consent,
        )
