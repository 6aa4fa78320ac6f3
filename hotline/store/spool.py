"""SQL: inbound messages kept while Redis is unreachable, replayed once it is back.

The webhook must answer Twilio quickly even when Redis is down; it writes the message
here (encrypted) and says so to the worker. ``drain`` later runs each one through the
normal path exactly once, in arrival order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, Integer, LargeBinary, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import Unreadable
from hotline.dialogue.inbound import Channel, Inbound, Media
from hotline.store.cases import CaseStore
from hotline.store.db import Base, aware

log = logging.getLogger(__name__)
T = TypeVar("T")
#: The state of a kept message whose key is gone (``hotline db rotate`` came too late).
UNREADABLE = "unreadable"


class SpooledRow(Base):
    __tablename__ = "inbound_spool"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    replies_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class Spool:
    """Keep and hand back inbound messages that could not be handled in time."""

    def __init__(self, cases: CaseStore) -> None:
        self.engine = cases.engine
        self.crypto = cases.crypto

    def put(self, inbound: Inbound, now: datetime | None = None,
            lock: str | None = None) -> bool:
        """Keep a message; return False if it was kept already (a Twilio retry).

        ``lock``: the token its first try locked the sender with, if that try timed out
        (Redis may still have run it, and left the lock): its replay takes that lock back.
        """
        payload = json.dumps({**asdict(inbound), "lock": lock}, ensure_ascii=False)
        row = SpooledRow(sid=inbound.sid, received_at=now or datetime.now(UTC),
                         payload_enc=self.crypto.encrypt(payload), state="waiting")
        try:
            with Session(self.engine) as db, db.begin():
                db.add(row)
        except IntegrityError:
            return False
        return True

    def waiting(self, limit: int = 500) -> list[tuple[int, datetime, Inbound]]:
        """Return kept messages not yet handled, oldest first."""
        return [(row_id, at, inbound) for row_id, at, inbound, _ in self.kept(limit)]

    def kept(self, limit: int = 500) -> list[tuple[int, datetime, Inbound, str | None]]:
        """Return kept messages not yet handled, oldest first, with their first try's
        lock token (``put``)."""
        with Session(self.engine) as db:
            rows = db.scalars(select(SpooledRow).where(SpooledRow.state == "waiting")
                              .order_by(SpooledRow.id).limit(limit)).all()
            found = [(r.id, aware(r.received_at),
                      self._opened(r.id, self._with_lock, r.payload_enc)) for r in rows]
        self._set_aside([row_id for row_id, _, opened in found if opened is None])
        return [(row_id, at, *opened) for row_id, at, opened in found
                if opened is not None and at is not None]

    def has_waiting(self) -> bool:
        """Tell whether any kept message waits to be replayed."""
        with Session(self.engine) as db:
            return db.scalar(select(SpooledRow.id).where(SpooledRow.state == "waiting")
                             .limit(1)) is not None

    def handled(self, row_id: int, bodies: tuple[str, ...]) -> None:
        """Mark a kept message handled and keep the replies until they are sent."""
        with Session(self.engine) as db, db.begin():
            db.execute(update(SpooledRow).where(SpooledRow.id == row_id).values(
                state="handled", replies_enc=self.crypto.encrypt(json.dumps(bodies))))

    def unsent(self, limit: int = 500) -> list[tuple[int, Inbound, tuple[str, ...]]]:
        """Return handled messages whose replies still have to go out, oldest first."""
        with Session(self.engine) as db:
            rows = db.scalars(select(SpooledRow).where(SpooledRow.state == "handled")
                              .order_by(SpooledRow.id).limit(limit)).all()
            found = []
            for r in rows:
                inbound = self._opened(r.id, self._inbound, r.payload_enc)
                replies = self._opened(r.id, self._replies, r.replies_enc)
                found.append((r.id, inbound, replies))
        self._set_aside([row_id for row_id, inbound, replies in found
                         if inbound is None or replies is None])
        return [(row_id, inbound, replies) for row_id, inbound, replies in found
                if inbound is not None and replies is not None]

    def sent(self, row_id: int) -> None:
        """Mark the replies of a kept message as delivered; drop its contents."""
        with Session(self.engine) as db, db.begin():
            db.execute(update(SpooledRow).where(SpooledRow.id == row_id).values(
                state="sent", replies_enc=None, payload_enc=b""))

    def count(self, state: str = "waiting") -> int:
        """Return how many kept messages are in a state."""
        with Session(self.engine) as db:
            return len(db.scalars(select(SpooledRow.id).where(SpooledRow.state == state))
                       .all())

    def _opened(self, row_id: int, read: Callable[[bytes | None], T],
                token: bytes | None) -> T | None:
        """Read a kept field, or None (logged by row id, never by content) if it opens
        under no configured key: one such row must not stop every replay after it."""
        try:
            return read(token)
        except Unreadable:
            log.error("spool: message %d opens under no configured key; set aside as "
                      "unreadable", row_id)
            return None

    def _set_aside(self, row_ids: list[int]) -> None:
        if row_ids:
            with Session(self.engine) as db, db.begin():
                db.execute(update(SpooledRow).where(SpooledRow.id.in_(row_ids))
                           .values(state=UNREADABLE))

    def _replies(self, token: bytes | None) -> tuple[str, ...]:
        return tuple(json.loads(self.crypto.decrypt(token) or "[]"))

    def _with_lock(self, token: bytes | None) -> tuple[Inbound, str | None]:
        data = json.loads(self.crypto.decrypt(token) or "{}")
        return self._from(data), data.get("lock")

    def _inbound(self, token: bytes | None) -> Inbound:
        return self._from(json.loads(self.crypto.decrypt(token) or "{}"))

    @staticmethod
    def _from(data: dict[str, Any]) -> Inbound:
        return Inbound(sid=data["sid"], channel=Channel(data["channel"]), sender=data["sender"],
                       text=data["text"], media=tuple(Media(**m) for m in data["media"]),
                       to=data.get("to", ""))
