"""SQL: every message to a worker outside the webhook's own reply, and every delivery
status Twilio reports (for worker messages and organizer alerts alike).

A worker message is one row under its caller's idempotency key: sent, held for
WhatsApp's window, refused (opted out, erased, no contact) or failed, with Twilio's
message SID and the latest status its callbacks reported. Rows hold pseudonyms and
encrypted numbers and bodies, never a number or a body in clear, so staff can see what
a worker was sent and what became of it, and erasure can strip them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    and_,
    case,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import Crypto
from hotline.store.db import Base, aware, rows_changed

#: What replaces a pseudonym once the worker asked to be forgotten.
ERASED = "erased"
#: A message left ``sending`` this long was being sent by a process that died.
SENDING_LEASE = timedelta(minutes=5)


class MessageStatus(StrEnum):
    """Our own states first, then the statuses Twilio reports, in their order."""

    NEW = "new"                  # recorded, not handed to Twilio yet
    SENDING = "sending"          # being handed to Twilio now
    HELD = "held"                # WhatsApp window closed and no template: waits for the worker
    REFUSED = "refused"          # never sent: opted out, erased, no contact (see ``error``)
    FAILED = "failed"            # Twilio refused it, or it could not be handed over
    QUEUED = "queued"            # accepted by Twilio
    SENT = "sent"                # handed to the carrier
    UNDELIVERED = "undelivered"  # the carrier could not deliver it
    DELIVERED = "delivered"      # the carrier confirmed delivery
    READ = "read"                # WhatsApp: the worker opened it


#: Twilio's statuses as a worker message's status (``sending`` there is still queued here).
FROM_TWILIO = {
    "accepted": MessageStatus.QUEUED, "scheduled": MessageStatus.QUEUED,
    "queued": MessageStatus.QUEUED, "sending": MessageStatus.QUEUED,
    "sent": MessageStatus.SENT, "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED, "undelivered": MessageStatus.UNDELIVERED,
    "delivered": MessageStatus.DELIVERED, "read": MessageStatus.READ,
}
#: How far along a message Twilio took is; a callback never moves it to a lower rank, so
#: a ``failed`` that arrives after ``delivered`` is kept in the history and nothing else.
RANK = {
    MessageStatus.QUEUED: 1, MessageStatus.SENT: 2, MessageStatus.FAILED: 3,
    MessageStatus.UNDELIVERED: 3, MessageStatus.DELIVERED: 4, MessageStatus.READ: 5,
}
#: Statuses that say a message reached the phone: nothing that follows undoes that.
ARRIVED = frozenset({"delivered", "read"})
#: Statuses that say Twilio took a message: it must not be handed over again.
TAKEN = frozenset({MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.DELIVERED,
                   MessageStatus.UNDELIVERED, MessageStatus.READ})


class WorkerMessageRow(Base):
    __tablename__ = "worker_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"),
                                                index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    sender_id: Mapped[str] = mapped_column(String(32), index=True)
    recipient_id: Mapped[str] = mapped_column(String(32), index=True)
    recipient_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    channel: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(16))
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    template: Mapped[str | None] = mapped_column(String(200))
    segments: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str | None] = mapped_column(String(60))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StatusRow(Base):
    """One status callback from Twilio, as it came (order of arrival, no personal data)."""

    __tablename__ = "message_statuses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class WorkerMessage:
    """One message to a worker, decrypted for the sender path and for staff."""

    id: int
    key: str
    case_id: int | None
    purpose: str
    sender_id: str
    recipient_id: str
    recipient: str | None
    channel: str
    mode: str
    locale: str | None
    body: str | None
    template: str | None
    segments: int | None
    status: MessageStatus
    error: str | None
    provider_id: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class Draft:
    """What a caller asks to send, before anything is decided about it."""

    key: str
    purpose: str
    sender: str | None      # None: erased (nothing is kept about whom)
    recipient: str | None   # None: nowhere to send it
    channel: str
    body: str
    locale: str | None = None
    case_id: int | None = None


class MessageStore:
    """Record worker messages once per key, move them on, and hear Twilio's statuses."""

    def __init__(self, engine: Engine, crypto: Crypto) -> None:
        self.engine = engine
        self.crypto = crypto

    def add(self, draft: Draft, now: datetime) -> tuple[WorkerMessage, bool]:
        """Record a message as ``new``; return it and whether it was new (a retry finds
        the row its first try wrote)."""
        enc = self.crypto.encrypt
        erased = draft.sender is None
        row = WorkerMessageRow(
            key=draft.key[:120], case_id=draft.case_id, purpose=draft.purpose[:16],
            sender_id=self._pseudonym(draft.sender),
            recipient_id=self._pseudonym(draft.recipient),
            recipient_enc=enc(draft.recipient), channel=draft.channel, mode="text",
            locale=draft.locale, body_enc=None if erased else enc(draft.body),
            status=str(MessageStatus.NEW), created_at=now, updated_at=now)
        try:
            with Session(self.engine) as db, db.begin():
                db.add(row)
                db.flush()
                return self._view(row), True
        except IntegrityError:
            found = self.by_key(draft.key[:120])
            assert found is not None
            return found, False

    def by_key(self, key: str) -> WorkerMessage | None:
        with Session(self.engine) as db:
            row = db.scalars(select(WorkerMessageRow).where(WorkerMessageRow.key == key)).first()
            return self._view(row) if row else None

    def get(self, message_id: int) -> WorkerMessage | None:
        with Session(self.engine) as db:
            row = db.get(WorkerMessageRow, message_id)
            return self._view(row) if row else None

    def take(self, message_id: int, now: datetime, *, held: bool = False) -> bool:
        """Mark a message as being handed to Twilio by us; False if it is not ours to send
        (sent already, refused, someone else sending it, or held unless ``held``).

        A message that failed before Twilio took it (no SID) may be taken again, and so
        may one left ``sending`` past SENDING_LEASE by a process that died (the caller
        looks in Twilio's list first: it may have gone)."""
        sendable = [str(MessageStatus.NEW)] + ([str(MessageStatus.HELD)] if held else [])
        row = WorkerMessageRow
        with Session(self.engine) as db, db.begin():
            return bool(rows_changed(db.execute(
                update(row)
                .where(row.id == message_id,
                       or_(row.status.in_(sendable),
                           and_(row.status == str(MessageStatus.FAILED),
                                row.provider_id.is_(None)),
                           and_(row.status == str(MessageStatus.SENDING),
                                row.updated_at < now - SENDING_LEASE)))
                .values(status=str(MessageStatus.SENDING), updated_at=now))))

    def mark(self, message_id: int, status: MessageStatus, now: datetime, *,
             error: str | None = None, provider_id: str | None = None,
             channel: str | None = None, mode: str | None = None,
             body: str | None = None, template: str | None = None,
             segments: int | None = None) -> None:
        """Record what happened to a message (and how it went: channel, mode, body)."""
        values: dict[str, object] = {"status": str(status), "updated_at": now,
                                     "error": error[:60] if error else None}
        if provider_id is not None:
            values["provider_id"] = provider_id[:64]
        if status == MessageStatus.QUEUED:
            values["sent_at"] = now
        for name, value in (("channel", channel), ("mode", mode), ("template", template),
                            ("segments", segments)):
            if value is not None:
                values[name] = value
        if body is not None:
            values["body_enc"] = self.crypto.encrypt(body)
        with Session(self.engine) as db, db.begin():
            db.execute(update(WorkerMessageRow).where(WorkerMessageRow.id == message_id)
                       .values(values))

    def forget(self, message_id: int, now: datetime | None = None) -> None:
        """Keep that a message went, not to whom nor what (the reply to an erasure)."""
        self._strip(WorkerMessageRow.id == message_id, now)

    def held_for(self, recipient_id: str) -> list[WorkerMessage]:
        """Return the messages held for one number (by pseudonym), oldest first."""
        with Session(self.engine) as db:
            rows = db.scalars(select(WorkerMessageRow)
                              .where(WorkerMessageRow.recipient_id == recipient_id,
                                     WorkerMessageRow.status == str(MessageStatus.HELD))
                              .order_by(WorkerMessageRow.id))
            return [self._view(r) for r in rows]

    def refuse_held(self, recipient_id: str, reason: str, now: datetime) -> int:
        """Refuse every message held for one number (by pseudonym), so none is ever sent
        (the worker opted out); return how many."""
        with Session(self.engine) as db, db.begin():
            return rows_changed(db.execute(
                update(WorkerMessageRow)
                .where(WorkerMessageRow.recipient_id == recipient_id,
                       WorkerMessageRow.status == str(MessageStatus.HELD))
                .values(status=str(MessageStatus.REFUSED), error=reason[:60], updated_at=now)))

    def held_recipients(self) -> list[str]:
        """Return the pseudonyms of numbers that have messages held for them."""
        with Session(self.engine) as db:
            return sorted(set(db.scalars(
                select(WorkerMessageRow.recipient_id)
                .where(WorkerMessageRow.status == str(MessageStatus.HELD)))))

    def for_case(self, case_id: int) -> list[WorkerMessage]:
        """Return the messages about a case, oldest first (what the worker was told), for
        staff to read: a field whose key is gone reads as ``UNREADABLE`` instead of
        stopping the page (never use these to send: the sending path decrypts or fails)."""
        with Session(self.engine) as db:
            rows = db.scalars(select(WorkerMessageRow)
                              .where(WorkerMessageRow.case_id == case_id)
                              .order_by(WorkerMessageRow.id))
            return [self._view(r, shown=True) for r in rows]

    def for_sender(self, sender: str) -> list[WorkerMessage]:
        """Return the messages to a worker (by the number they wrote from), oldest first."""
        who = self.crypto.sender_id(sender)
        with Session(self.engine) as db:
            rows = db.scalars(select(WorkerMessageRow)
                              .where(or_(WorkerMessageRow.sender_id == who,
                                         WorkerMessageRow.recipient_id == who))
                              .order_by(WorkerMessageRow.id))
            return [self._view(r) for r in rows]

    def erase(self, sender: str, now: datetime | None = None) -> int:
        """Strip a worker's messages (erasure): numbers, bodies and pseudonyms go; a
        message still held is refused, so it is never sent. Returns how many rows."""
        who = self.crypto.sender_id(sender)
        return self._strip(or_(WorkerMessageRow.sender_id == who,
                               WorkerMessageRow.recipient_id == who), now)

    def strip_older_than(self, cutoff: datetime, now: datetime | None = None) -> int:
        """Strip numbers and bodies of messages created before ``cutoff`` (retention)."""
        return self._strip(WorkerMessageRow.created_at < cutoff, now)

    def _strip(self, condition: object, now: datetime | None) -> int:
        now = now or datetime.now(UTC)
        held = str(MessageStatus.HELD)
        with Session(self.engine) as db, db.begin():
            return rows_changed(db.execute(
                update(WorkerMessageRow)
                .where(condition, WorkerMessageRow.sender_id != ERASED)  # type: ignore[arg-type]
                .values(sender_id=ERASED, recipient_id=ERASED, recipient_enc=None,
                        body_enc=None, updated_at=now,
                        status=case((WorkerMessageRow.status == held,
                                     str(MessageStatus.REFUSED)),
                                    else_=WorkerMessageRow.status),
                        error=case((WorkerMessageRow.status == held, ERASED),
                                   else_=WorkerMessageRow.error))))

    # -- Twilio's status callbacks ---------------------------------------------------

    def record_status(self, provider_id: str, status: str, code: str = "",
                      now: datetime | None = None) -> bool:
        """Keep a reported status, and move the worker message it is about forward only.

        Returns whether a worker message changed (False for an alert's SID, an unknown
        SID, or a status that would move a message backwards).
        """
        now = now or datetime.now(UTC)
        status = status.strip().lower()[:16]
        with Session(self.engine) as db, db.begin():
            db.add(StatusRow(provider_id=provider_id[:64], status=status,
                             error=code[:12] or None, at=now))
        return self._advance(provider_id[:64], status, code, now)

    def settle(self, provider_id: str, now: datetime | None = None) -> None:
        """Apply the furthest status already reported for a SID (a callback can come
        before the message's row knows its SID)."""
        best = max(self.statuses(provider_id),
                   key=lambda s: RANK.get(FROM_TWILIO.get(s[0], MessageStatus.QUEUED), 0),
                   default=None)
        if best is not None:
            self._advance(provider_id, best[0], best[1] or "", now or datetime.now(UTC))

    def _advance(self, provider_id: str, status: str, code: str, now: datetime) -> bool:
        new = FROM_TWILIO.get(status)
        if new is None:
            return False
        lower = [str(s) for s, r in RANK.items() if r < RANK[new]]
        values: dict[str, object] = {"status": str(new), "updated_at": now}
        if new in (MessageStatus.FAILED, MessageStatus.UNDELIVERED):
            values["error"] = f"twilio {code or status}"[:60]
        with Session(self.engine) as db, db.begin():
            return bool(rows_changed(db.execute(
                update(WorkerMessageRow)
                .where(WorkerMessageRow.provider_id == provider_id,
                       WorkerMessageRow.status.in_(lower))
                .values(values))))

    def statuses(self, provider_id: str) -> list[tuple[str, str | None, datetime]]:
        """Return every status reported for a message SID, in the order they came."""
        with Session(self.engine) as db:
            rows = db.scalars(select(StatusRow).where(StatusRow.provider_id == provider_id)
                              .order_by(StatusRow.id))
            return [(r.status, r.error, aware(r.at) or r.at) for r in rows]

    def arrived(self, provider_id: str) -> bool:
        """Tell whether Twilio ever reported this message delivered (or read)."""
        with Session(self.engine) as db:
            return db.scalar(select(StatusRow.id).where(
                StatusRow.provider_id == provider_id,
                StatusRow.status.in_(ARRIVED)).limit(1)) is not None

    def _pseudonym(self, number: str | None) -> str:
        return self.crypto.sender_id(number) if number else ERASED

    def _view(self, row: WorkerMessageRow, *, shown: bool = False) -> WorkerMessage:
        dec = self.crypto.shown if shown else self.crypto.decrypt
        created, updated = aware(row.created_at), aware(row.updated_at)
        assert created is not None and updated is not None
        return WorkerMessage(
            id=row.id, key=row.key, case_id=row.case_id, purpose=row.purpose,
            sender_id=row.sender_id, recipient_id=row.recipient_id,
            recipient=dec(row.recipient_enc), channel=row.channel, mode=row.mode,
            locale=row.locale, body=dec(row.body_enc), template=row.template,
            segments=row.segments, status=MessageStatus(row.status), error=row.error,
            provider_id=row.provider_id, created_at=created, updated_at=updated,
            sent_at=aware(row.sent_at))
