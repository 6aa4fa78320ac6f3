"""SQL: console sign-ins, kept server-side so they can be ended.

The browser's cookie (Flask's signed session) carries only a random token; the row
here says whose sign-in it is, when it was last confirmed (a one-time code or a second
factor) and whether it has ended. Signing out ends one; deactivating or removing an
organizer ends all of theirs at once (``end_all``; removal cascades). Only a hash of
the token is stored, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Integer, String, delete, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.store.db import Base, aware, rows_changed

#: How long a sign-in lasts without being used.
IDLE = timedelta(hours=12)
#: How long the row of a sign-in that ended is kept (whose, when: for looking into a
#: misuse; the audit keeps what was done), then deleted by the daily upkeep.
KEEP_ENDED = timedelta(days=30)


class LoginRow(Base):
    __tablename__ = "console_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Login:
    """A live sign-in."""

    id: int
    organizer_id: int
    created_at: datetime
    confirmed_at: datetime
    seen_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginStore:
    """Start, find, confirm again and end console sign-ins."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(self, organizer_id: int, now: datetime | None = None) -> str:
        """Open a sign-in and return its token (kept only in the browser's cookie)."""
        now = now or datetime.now(UTC)
        token = secrets.token_urlsafe(32)
        with Session(self.engine) as db, db.begin():
            db.add(LoginRow(token_hash=_hash(token), organizer_id=organizer_id,
                            created_at=now, confirmed_at=now, seen_at=now))
        return token

    def live(self, token: str, now: datetime | None = None) -> Login | None:
        """Return the sign-in of this token if it has not ended nor idled out; mark it seen."""
        now = now or datetime.now(UTC)
        with Session(self.engine) as db, db.begin():
            row = db.scalars(select(LoginRow).where(LoginRow.token_hash == _hash(token),
                                                    LoginRow.ended_at.is_(None))).first()
            if row is None:
                return None
            seen = aware(row.seen_at)
            assert seen is not None
            if now - seen > IDLE:
                row.ended_at = now
                return None
            if now - seen > timedelta(minutes=1):  # one write a minute, not one a click
                row.seen_at = now
            return _view(row)

    def confirmed(self, token: str, now: datetime | None = None) -> None:
        """Record that the person proved again who they are (a recent sign-in)."""
        with Session(self.engine) as db, db.begin():
            db.execute(update(LoginRow).where(LoginRow.token_hash == _hash(token))
                       .values(confirmed_at=now or datetime.now(UTC)))

    def end(self, token: str, now: datetime | None = None) -> bool:
        """End one sign-in (signing out)."""
        with Session(self.engine) as db, db.begin():
            return bool(rows_changed(db.execute(
                update(LoginRow).where(LoginRow.token_hash == _hash(token),
                                       LoginRow.ended_at.is_(None))
                .values(ended_at=now or datetime.now(UTC)))))

    def end_all(self, organizer_id: int, now: datetime | None = None,
                db: Session | None = None) -> int:
        """End every sign-in of an organizer; return how many were live."""
        statement = (update(LoginRow).where(LoginRow.organizer_id == organizer_id,
                                            LoginRow.ended_at.is_(None))
                     .values(ended_at=now or datetime.now(UTC)))
        if db is not None:
            return rows_changed(db.execute(statement))
        with Session(self.engine) as own, own.begin():
            return rows_changed(own.execute(statement))

    def forget_old(self, now: datetime) -> int:
        """Delete sign-ins ended (or idled out) more than KEEP_ENDED ago; return how many."""
        cutoff = now - KEEP_ENDED
        with Session(self.engine) as db, db.begin():
            return rows_changed(db.execute(delete(LoginRow).where(or_(
                LoginRow.ended_at < cutoff,
                LoginRow.ended_at.is_(None) & (LoginRow.seen_at < cutoff - IDLE)))))

    def count_live(self, organizer_id: int) -> int:
        """Return how many sign-ins of an organizer have not ended."""
        with Session(self.engine) as db:
            return len(db.scalars(select(LoginRow.id).where(
                LoginRow.organizer_id == organizer_id, LoginRow.ended_at.is_(None))).all())


def _view(row: LoginRow) -> Login:
    created, confirmed, seen = aware(row.created_at), aware(row.confirmed_at), aware(row.seen_at)
    assert created is not None and confirmed is not None and seen is not None
    return Login(id=row.id, organizer_id=row.organizer_id, created_at=created,
                 confirmed_at=confirmed, seen_at=seen)
