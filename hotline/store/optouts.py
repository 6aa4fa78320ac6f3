"""SQL: who asked for no more messages. Checked before every outbound to a worker."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String, bindparam, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.store.cases import CaseStore
from hotline.store.db import Base


class OptOutRow(Base):
    __tablename__ = "opt_outs"

    sender_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OptOuts:
    """Record, lift and check opt-outs by the sender's pseudonym, never the number."""

    def __init__(self, cases: CaseStore) -> None:
        self.engine = cases.engine
        self.crypto = cases.crypto

    def record(self, sender: str, now: datetime | None = None) -> None:
        """Remember that this number wants no more messages (idempotent)."""
        who = self.crypto.sender_id(sender)
        with Session(self.engine) as db, db.begin():
            if db.get(OptOutRow, who) is None:
                db.add(OptOutRow(sender_id=who, at=now or datetime.now(UTC)))

    def lift(self, sender: str) -> None:
        """Forget an opt-out (START, UNSTOP, or the worker's own word)."""
        with Session(self.engine) as db, db.begin():
            db.execute(delete(OptOutRow).where(OptOutRow.sender_id ==
                                               self.crypto.sender_id(sender)))

    def opted_out(self, sender: str) -> bool:
        """Tell whether no message may be sent to this number (Core, a statement built
        once: the first message of every conversation asks)."""
        with self.engine.connect() as conn:
            return conn.execute(_OPTED_OUT, {"who": self.crypto.sender_id(sender)}).first() \
                is not None


_OPTED_OUT = select(OptOutRow.sender_id).where(OptOutRow.sender_id == bindparam("who"))
