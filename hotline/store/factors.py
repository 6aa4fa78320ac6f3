"""SQL: organizers' second factors for the console: a TOTP secret (encrypted) and
single-use recovery codes (only their hashes).

The codes themselves are checked with pyotp in the console; this store keeps the
secret, the last time step used (so a code is accepted once) and the recovery codes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import Crypto
from hotline.store.db import Base, rows_changed

#: Recovery codes given at enrolment.
RECOVERY_CODES = 10


class FactorRow(Base):
    __tablename__ = "organizer_factors"

    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE"), primary_key=True)
    totp_enc: Mapped[bytes] = mapped_column(LargeBinary)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_step: Mapped[int] = mapped_column(Integer, default=0)


class RecoveryRow(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def _hash(code: str) -> str:
    return hashlib.sha256("".join(code.split()).replace("-", "").lower().encode()).hexdigest()


class FactorStore:
    """Keep each organizer's TOTP secret and recovery codes."""

    def __init__(self, engine: Engine, crypto: Crypto) -> None:
        self.engine = engine
        self.crypto = crypto

    def secret(self, organizer_id: int) -> tuple[str, bool] | None:
        """Return (TOTP secret, confirmed?) of an organizer, if one was made."""
        with Session(self.engine) as db:
            row = db.get(FactorRow, organizer_id)
            if row is None:
                return None
            return self.crypto.decrypt(row.totp_enc) or "", row.confirmed_at is not None

    def begin(self, organizer_id: int, secret: str) -> None:
        """Keep a new, unconfirmed secret (replacing an unconfirmed one)."""
        with Session(self.engine) as db, db.begin():
            row = db.get(FactorRow, organizer_id)
            if row is not None and row.confirmed_at is not None:
                raise ValueError("a confirmed authenticator is replaced only after a reset")
            if row is None:
                db.add(FactorRow(organizer_id=organizer_id, totp_enc=self.crypto.encrypt(secret),
                                 confirmed_at=None, last_step=0))
            else:
                row.totp_enc = self.crypto.encrypt(secret) or b""
                row.last_step = 0

    def confirm(self, organizer_id: int, step: int) -> list[str]:
        """Mark the secret confirmed (its first code at ``step``); return new recovery codes."""
        codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
        now = datetime.now(UTC)
        with Session(self.engine) as db, db.begin():
            db.execute(update(FactorRow).where(FactorRow.organizer_id == organizer_id)
                       .values(confirmed_at=now, last_step=step))
            db.execute(delete(RecoveryRow).where(RecoveryRow.organizer_id == organizer_id))
            db.add_all(RecoveryRow(organizer_id=organizer_id, code_hash=_hash(c))
                       for c in codes)
        return codes

    def use_step(self, organizer_id: int, step: int) -> bool:
        """Accept a TOTP time step once: False if it (or a later one) was used already."""
        with Session(self.engine) as db, db.begin():
            return bool(rows_changed(db.execute(
                update(FactorRow).where(FactorRow.organizer_id == organizer_id,
                                        FactorRow.last_step < step)
                .values(last_step=step))))

    def use_recovery(self, organizer_id: int, code: str) -> bool:
        """Accept a recovery code once."""
        with Session(self.engine) as db, db.begin():
            return bool(rows_changed(db.execute(
                update(RecoveryRow).where(RecoveryRow.organizer_id == organizer_id,
                                          RecoveryRow.code_hash == _hash(code),
                                          RecoveryRow.used_at.is_(None))
                .values(used_at=datetime.now(UTC)))))

    def forget_used(self, before: datetime) -> int:
        """Delete recovery codes used before ``before`` (only unused ones matter)."""
        with Session(self.engine) as db, db.begin():
            return rows_changed(db.execute(delete(RecoveryRow).where(
                RecoveryRow.used_at < before)))

    def recovery_left(self, organizer_id: int) -> int:
        """Return how many recovery codes are unused."""
        with Session(self.engine) as db:
            return len(db.scalars(select(RecoveryRow.id).where(
                RecoveryRow.organizer_id == organizer_id, RecoveryRow.used_at.is_(None))).all())

    def reset(self, organizer_id: int) -> None:
        """Forget an organizer's authenticator and recovery codes (staff, on a lost phone)."""
        with Session(self.engine) as db, db.begin():
            db.execute(delete(FactorRow).where(FactorRow.organizer_id == organizer_id))
            db.execute(delete(RecoveryRow).where(RecoveryRow.organizer_id == organizer_id))
