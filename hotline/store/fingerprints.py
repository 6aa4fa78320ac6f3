"""SQL: which pseudonym key this database was written with, so a changed
HOTLINE_SECRET_KEY stops the start instead of silently dropping every opt-out.

Opt-outs, sessions, the marks of handled messages and the cases erasure finds are all
kept by an HMAC of the worker's number under HOTLINE_SECRET_KEY. A process started with
another secret would find none of them: it could text someone who said STOP. The first
start records a fingerprint of the key (an HMAC of a fixed text: it reveals nothing of
the key); every later start compares. Replacing a weak secret on purpose is
``hotline db accept-secret``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import Crypto
from hotline.store.db import Base

#: The row of the pseudonym key's fingerprint.
PSEUDONYMS = "pseudonyms"


class KeyChanged(RuntimeError):
    """HOTLINE_SECRET_KEY is not the one the database was written with; says what to do."""


class FingerprintRow(Base):
    __tablename__ = "key_fingerprints"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def require_same_secret(engine: Engine, crypto: Crypto) -> None:
    """Record the pseudonym key's fingerprint on first use; raise KeyChanged if it differs."""
    mine = crypto.fingerprint()
    with Session(engine) as db:
        kept = db.scalar(select(FingerprintRow.fingerprint)
                         .where(FingerprintRow.name == PSEUDONYMS))
    if kept is None:
        try:
            with Session(engine) as db, db.begin():
                db.add(FingerprintRow(name=PSEUDONYMS, fingerprint=mine,
                                      recorded_at=datetime.now(UTC)))
            return
        except IntegrityError:  # another process recorded it first: compare with theirs
            return require_same_secret(engine, crypto)
    if kept != mine:
        raise KeyChanged(
            "HOTLINE_SECRET_KEY is not the key this database was written with: with it, "
            "every opt-out, session and erasure lookup would be lost (the hotline could "
            "text workers who said STOP). Set HOTLINE_SECRET_KEY back to its old value. "
            "To replace a weak secret on purpose, read README 'Keys and rotation', then "
            "run `hotline db accept-secret`.")


def accept_secret(engine: Engine, crypto: Crypto) -> bool:
    """Make the current key the database's; return False if it was already."""
    mine = crypto.fingerprint()
    with Session(engine) as db, db.begin():
        row = db.get(FingerprintRow, PSEUDONYMS)
        if row is not None and row.fingerprint == mine:
            return False
        if row is None:
            db.add(FingerprintRow(name=PSEUDONYMS, fingerprint=mine,
                                  recorded_at=datetime.now(UTC)))
        else:
            row.fingerprint, row.recorded_at = mine, datetime.now(UTC)
    return True
