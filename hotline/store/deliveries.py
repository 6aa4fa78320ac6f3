"""SQL: every message sent to an organizer, a worker, the webhook or a digest reader.

One row per (case, purpose, recipient, transport), under a unique idempotency key. A
job that runs again finds the row ``sent`` and sends nothing; a row is taken for
sending by one atomic update, so two copies of a job cannot both send it. Rows hold
ids, codes and staff addresses only: bodies are written at send time from the case.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.store.db import Base, aware, rows_changed

log = logging.getLogger(__name__)

#: A delivery ``sending`` is leased to its sender: the sender renews the lease every
#: LEASE_RENEWAL while it waits for the transport (``leased``), so one not renewed for
#: SENDING_LEASE was left by a sender that died, and is closed as ``interrupted``.
SENDING_LEASE = timedelta(seconds=30)
LEASE_RENEWAL = timedelta(seconds=10)


class Purpose(StrEnum):
    ALERT = "alert"              # a new case, to the routed organizers
    ESCALATION = "escalation"    # nobody took it in time: everyone
    COORDINATOR = "coordinator"  # still nobody: the coordinators
    TAKEN = "taken"              # to the other alerted organizers: someone has it
    REPORT = "report"            # the full report, by e-mail, to who took it
    WORKER = "worker"            # to the worker: an organizer will contact you
    DIGEST = "digest"            # the daily list of open cases
    NOTICE = "notice"            # to coordinators: something staff must look at
    RELAY = "relay"              # a worker's message, to the organizer talking with them
    CONVERSATION = "conversation"  # about a conversation: it ended, moved, waits for an answer


#: Purposes that ask organizers to take a case.
ALERTS = (Purpose.ALERT, Purpose.ESCALATION, Purpose.COORDINATOR)


class Transport(StrEnum):
    SMS = "sms"
    WHATSAPP = "whatsapp"
    EMAIL = "email"
    WEBHOOK = "webhook"


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Mode(StrEnum):
    TEXT = "text"
    TEMPLATE = "template"  # WhatsApp outside the 24-hour window


class DeliveryRow(Base):
    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    chain: Mapped[str] = mapped_column(String(140), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                                index=True)
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL"))
    recipient: Mapped[str | None] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(String(16))
    transport: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16), default=Mode.TEXT)
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(60))
    provider_id: Mapped[str | None] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Delivery:
    """One message to one recipient through one transport."""

    id: int
    key: str
    chain: str
    case_id: int | None
    organizer_id: int | None
    recipient: str | None
    purpose: Purpose
    transport: Transport
    mode: Mode
    status: Status
    attempts: int
    error: str | None
    provider_id: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


def chain_of(case_id: int | None, purpose: Purpose, organizer_id: int | None,
             recipient: str | None = None, scope: str = "") -> str:
    """Return the name shared by the deliveries of one message through successive transports."""
    who = f"o{organizer_id}" if organizer_id is not None else (recipient or "hook")
    where = f"c{case_id}" if case_id is not None else scope
    return f"{where}:{purpose}:{who}"


def new_row(*, chain: str, transport: Transport, purpose: Purpose, now: datetime,
            case_id: int | None = None, organizer_id: int | None = None,
            recipient: str | None = None, status: Status = Status.PENDING,
            error: str | None = None) -> DeliveryRow:
    """Build the row of a new delivery, for a caller's own transaction."""
    return DeliveryRow(key=f"{chain}:{transport}", chain=chain, case_id=case_id,
                       organizer_id=organizer_id, recipient=recipient, purpose=str(purpose),
                       transport=str(transport), mode=str(Mode.TEXT), status=str(status),
                       attempts=0, error=error, created_at=now, updated_at=now)


class DeliveryStore:
    """Create deliveries once, take them for sending once, and record what happened."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._held: set[int] = set()
        self._renewer: threading.Thread | None = None
        self._lock = threading.Lock()

    def ensure(self, *, chain: str, transport: Transport, purpose: Purpose, now: datetime,
               case_id: int | None = None, organizer_id: int | None = None,
               recipient: str | None = None) -> Delivery:
        """Return the delivery of ``chain`` by ``transport``, creating it if new."""
        row = new_row(chain=chain, transport=transport, purpose=purpose, now=now,
                      case_id=case_id, organizer_id=organizer_id, recipient=recipient)
        try:
            with Session(self.engine) as db, db.begin():
                db.add(row)
                db.flush()
                return view(row)
        except IntegrityError:
            found = self.by_key(row.key)
            assert found is not None
            return found

    def by_key(self, key: str) -> Delivery | None:
        with Session(self.engine) as db:
            row = db.scalars(select(DeliveryRow).where(DeliveryRow.key == key)).first()
            return view(row) if row else None

    def get(self, delivery_id: int) -> Delivery | None:
        with Session(self.engine) as db:
            row = db.get(DeliveryRow, delivery_id)
            return view(row) if row else None

    def by_provider_id(self, provider_id: str) -> Delivery | None:
        """Return the delivery Twilio knows by this message SID."""
        with Session(self.engine) as db:
            row = db.scalars(select(DeliveryRow)
                             .where(DeliveryRow.provider_id == provider_id)).first()
            return view(row) if row else None

    def take(self, delivery_id: int, now: datetime) -> Delivery | None:
        """Mark a delivery as being sent by us; None if it is sent, done or someone else's."""
        with Session(self.engine) as db, db.begin():
            taken = rows_changed(db.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id, DeliveryRow.status == str(Status.PENDING))
                .values(status=str(Status.SENDING), attempts=DeliveryRow.attempts + 1,
                        updated_at=now)
            ))
            if not taken:
                return None
            row = db.get(DeliveryRow, delivery_id)
            return view(row) if row else None

    @contextmanager
    def leased(self, delivery_id: int) -> Iterator[None]:
        """Keep renewing the lease of a delivery being sent, while the send lasts."""
        with self._lock:
            self._held.add(delivery_id)
            if self._renewer is None or not self._renewer.is_alive():  # (a forked process)
                self._renewer = threading.Thread(target=self._renew, daemon=True,
                                                 name="hotline-leases")
                self._renewer.start()
        try:
            yield
        finally:
            with self._lock:
                self._held.discard(delivery_id)

    def _renew(self) -> None:
        """Renew the leases held, until none is (the next ``leased`` starts it again)."""
        from datetime import UTC

        while True:
            time.sleep(LEASE_RENEWAL.total_seconds())
            with self._lock:
                held = sorted(self._held)
                if not held:
                    self._renewer = None
                    return
            try:
                with Session(self.engine) as db, db.begin():
                    db.execute(update(DeliveryRow)
                               .where(DeliveryRow.id.in_(held),
                                      DeliveryRow.status == str(Status.SENDING))
                               .values(updated_at=datetime.now(UTC)))
            except SQLAlchemyError as exc:
                log.warning("delivery leases not renewed: %s", type(exc).__name__)

    def unfinished(self, before: datetime, limit: int = 500) -> list[Delivery]:
        """Return deliveries still ``pending`` or ``sending``, untouched since ``before``."""
        with Session(self.engine) as db:
            rows = db.scalars(select(DeliveryRow).where(
                DeliveryRow.status.in_((str(Status.PENDING), str(Status.SENDING))),
                DeliveryRow.updated_at < before).order_by(DeliveryRow.id).limit(limit))
            return [view(r) for r in rows]

    def interrupted(self, delivery_id: int, now: datetime, *,
                    look_up: str | None = None) -> Delivery | None:
        """Close a send whose worker died mid-way (still ``sending`` past the lease).

        It may or may not have reached the provider. Where the provider can be asked
        (Twilio), ``look_up`` is the error code that makes the next try look for it
        before sending: the row goes back to ``pending`` with it. Elsewhere it is never
        sent again: it is marked failed ("interrupted") and the caller falls back.
        """
        stale = now - SENDING_LEASE
        status, error = ((Status.PENDING, look_up) if look_up
                         else (Status.FAILED, "interrupted"))
        with Session(self.engine) as db, db.begin():
            closed = rows_changed(db.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id, DeliveryRow.status == str(Status.SENDING),
                       DeliveryRow.updated_at < stale)
                .values(status=str(status), error=error, updated_at=now)
            ))
            if not closed:
                return None
            row = db.get(DeliveryRow, delivery_id)
            return view(row) if row else None

    def mark(self, delivery_id: int, status: Status, now: datetime, *,
             error: str | None = None, provider_id: str | None = None,
             mode: Mode | None = None) -> None:
        """Record the outcome of a send (or put it back to pending for a retry)."""
        values: dict[str, object] = {"status": str(status), "updated_at": now, "error": error}
        if provider_id is not None:
            values["provider_id"] = provider_id[:100]
        if status == Status.SENT:
            values["sent_at"] = now
        if mode is not None:
            values["mode"] = str(mode)
        with Session(self.engine) as db, db.begin():
            db.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(values))

    def reopen(self, delivery_id: int, now: datetime) -> bool:
        """Put a failed or skipped delivery back to pending (a retry by staff, a fallback)."""
        with Session(self.engine) as db, db.begin():
            return bool(rows_changed(db.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id,
                       DeliveryRow.status.in_((str(Status.FAILED), str(Status.SKIPPED))))
                .values(status=str(Status.PENDING), attempts=0, error=None, updated_at=now,
                        mode=str(Mode.TEXT))
            )))

    def chain(self, chain: str) -> list[Delivery]:
        """Return the deliveries of one message, oldest first."""
        with Session(self.engine) as db:
            rows = db.scalars(select(DeliveryRow).where(DeliveryRow.chain == chain)
                              .order_by(DeliveryRow.id))
            return [view(r) for r in rows]

    def for_case(self, case_id: int) -> list[Delivery]:
        """Return every delivery about a case, oldest first."""
        with Session(self.engine) as db:
            rows = db.scalars(select(DeliveryRow).where(DeliveryRow.case_id == case_id)
                              .order_by(DeliveryRow.id))
            return [view(r) for r in rows]

    def sent_to(self, case_id: int, purposes: Iterable[Purpose]) -> set[int]:
        """Return the organizers who were sent one of these purposes about a case."""
        with Session(self.engine) as db:
            ids = db.scalars(select(DeliveryRow.organizer_id).where(
                DeliveryRow.case_id == case_id,
                DeliveryRow.purpose.in_([str(p) for p in purposes]),
                DeliveryRow.status == str(Status.SENT),
                DeliveryRow.organizer_id.is_not(None)))
            return {i for i in ids if i is not None}

    def alerted(self, case_id: int) -> set[int]:
        """Return the organizers a case was alerted to (routed, escalated or as coordinators),
        whatever became of the message."""
        with Session(self.engine) as db:
            ids = db.scalars(select(DeliveryRow.organizer_id).where(
                DeliveryRow.case_id == case_id,
                DeliveryRow.purpose.in_([str(p) for p in ALERTS]),
                DeliveryRow.organizer_id.is_not(None)))
            return {i for i in ids if i is not None}

    def failed(self, now: datetime, stuck_after: timedelta = timedelta(minutes=30)
               ) -> list[list[Delivery]]:
        """Return messages that reached nobody: every transport failed, or stuck unsent.

        Each item is one chain, its transports in the order they were tried.
        """
        stuck = now - stuck_after
        with Session(self.engine) as db:
            chains = set(db.scalars(select(DeliveryRow.chain).where(or_(
                DeliveryRow.status == str(Status.FAILED),
                DeliveryRow.status.in_((str(Status.PENDING), str(Status.SENDING)))
                & (DeliveryRow.updated_at < stuck)))))
        result = []
        for name in sorted(chains):
            rows = self.chain(name)
            if any(r.status == Status.SENT for r in rows):
                continue
            live = [r for r in rows if r.status in (Status.PENDING, Status.SENDING)]
            if live and all(r.updated_at >= stuck for r in live):
                continue  # still being worked on
            result.append(rows)
        return result


def view(row: DeliveryRow) -> Delivery:
    """Return a row as a Delivery value."""
    created, updated = aware(row.created_at), aware(row.updated_at)
    assert created is not None and updated is not None
    return Delivery(
        id=row.id, key=row.key, chain=row.chain, case_id=row.case_id,
        organizer_id=row.organizer_id, recipient=row.recipient, purpose=Purpose(row.purpose),
        transport=Transport(row.transport), mode=Mode(row.mode), status=Status(row.status),
        attempts=row.attempts, error=row.error, provider_id=row.provider_id,
        created_at=created, updated_at=updated, sent_at=aware(row.sent_at),
    )
