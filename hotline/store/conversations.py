"""SQL: conversations between the organizer who has a case and its worker, through the
hotline number, and every message of them, in both directions.

A conversation belongs to one case and one organizer at a time (reassigning the case
hands it over) and is open until it ends (``ended`` says why). Its messages hold the
words encrypted, who wrote them, and the provider's SID: a worker's message is recorded
under its inbound MessageSid and an organizer's under the SID of the text they sent, so
a duplicate delivery or a reconciliation replay finds its row and is never passed on
twice. Erasure and retention delete a case's messages with its other personal fields
(``cases.PERSONAL_TABLES``); the conversation rows themselves hold ids and times only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import Crypto
from hotline.store.cases import EventRow, MediaRow
from hotline.store.db import Base, aware, rows_changed
from hotline.store.messages import WorkerMessageRow


class Ended(StrEnum):
    """Why a conversation ended."""

    BYE = "bye"                # the organizer ended it (BYE 482135, or the console)
    DONE = "done"              # the case was closed (DONE 482135, or the console)
    MENU = "menu"              # the worker went back to the menu
    SILENCE = "silence"        # nobody wrote for CONVERSATION_SILENCE_DAYS
    OPTED_OUT = "opted_out"    # the worker sent STOP
    ERASED = "erased"          # the worker's data was erased
    NO_CONTACT = "no_contact"  # the worker can no longer be written to


class Direction(StrEnum):
    IN = "in"    # from the worker, to the organizer
    OUT = "out"  # from the organizer, to the worker


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL"))
    # the pseudonym of the number the worker writes from (their Redis flag's key)
    worker_id: Mapped[str] = mapped_column(String(32), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the worker wrote and the organizer has not answered since
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the WhatsApp template asking the worker to reply went out (cleared when they write)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the worker was told the center is closed, until this time
    told_closed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    introduced: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    ended: Mapped[str | None] = mapped_column(String(16))


class ConversationMessageRow(Base):
    __tablename__ = "conversation_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    # the author of an organizer's message; the organizer a worker's message went to
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL"))
    worker_id: Mapped[str] = mapped_column(String(32), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    media_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    provider_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # an organizer's message: the one path's record of it (status, held, refused)
    worker_message_id: Mapped[int | None] = mapped_column(
        ForeignKey(WorkerMessageRow.id, ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Conversation:
    """One conversation, as the relay reads it."""

    id: int
    case_id: int
    organizer_id: int | None
    worker_id: str
    opened_at: datetime
    last_at: datetime
    waiting_since: datetime | None
    escalated_at: datetime | None
    invited_at: datetime | None
    told_closed_until: datetime | None
    introduced: bool
    closed_at: datetime | None
    ended: str | None

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class TalkMessage:
    """One message of a conversation, decrypted for its organizer and the console."""

    id: int
    conversation_id: int
    case_id: int
    direction: Direction
    organizer_id: int | None
    channel: str
    body: str | None
    media: tuple[tuple[str, str], ...]
    provider_id: str | None
    worker_message_id: int | None
    created_at: datetime


class ConversationStore:
    """Open, hand over and close conversations; record their messages once each."""

    def __init__(self, engine: Engine, crypto: Crypto) -> None:
        self.engine = engine
        self.crypto = crypto

    # -- conversations ---------------------------------------------------------------

    def get(self, conversation_id: int) -> Conversation | None:
        with Session(self.engine) as db:
            row = db.get(ConversationRow, conversation_id)
            return _view(row) if row else None

    def open_for_case(self, case_id: int) -> Conversation | None:
        """Return the case's open conversation, if it has one."""
        return self._first(ConversationRow.case_id == case_id)

    def open_for_worker(self, worker_id: str) -> Conversation | None:
        """Return the open conversation of a worker (by pseudonym), if any."""
        return self._first(ConversationRow.worker_id == worker_id)

    def open_ones(self) -> list[Conversation]:
        """Return every open conversation, oldest first (the upkeep's sweep)."""
        with Session(self.engine) as db:
            return [_view(r) for r in db.scalars(
                select(ConversationRow).where(ConversationRow.closed_at.is_(None))
                .order_by(ConversationRow.id))]

    def for_case(self, case_id: int) -> list[Conversation]:
        """Return every conversation of a case, oldest first."""
        with Session(self.engine) as db:
            return [_view(r) for r in db.scalars(
                select(ConversationRow).where(ConversationRow.case_id == case_id)
                .order_by(ConversationRow.id))]

    def start(self, case_id: int, organizer_id: int, worker_id: str,
              now: datetime) -> Conversation:
        """Open a conversation on a case (the caller made sure none is open)."""
        row = ConversationRow(case_id=case_id, organizer_id=organizer_id, worker_id=worker_id,
                              opened_at=now, last_at=now, introduced=False)
        with Session(self.engine) as db, db.begin():
            db.add(row)
            db.add(EventRow(case_id=case_id, at=now, kind="talk_opened",
                            detail=f"organizer {organizer_id}"))
            db.flush()
            return _view(row)

    def close(self, conversation_id: int, why: Ended, now: datetime) -> Conversation | None:
        """End an open conversation; return it as it was, or None if it had ended."""
        with Session(self.engine) as db, db.begin():
            row = db.get(ConversationRow, conversation_id)
            if row is None or row.closed_at is not None:
                return None
            before = _view(row)
            closed = rows_changed(db.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id,
                       ConversationRow.closed_at.is_(None))
                .values(closed_at=now, ended=str(why))))
            if not closed:
                return None
            db.add(EventRow(case_id=row.case_id, at=now, kind="talk_ended", detail=str(why)))
            return before

    def hand_over(self, conversation_id: int, organizer_id: int, now: datetime) -> bool:
        """Give an open conversation to another organizer; False if it ended or was theirs."""
        with Session(self.engine) as db, db.begin():
            row = db.get(ConversationRow, conversation_id)
            if row is None or row.closed_at is not None or row.organizer_id == organizer_id:
                return False
            row.organizer_id = organizer_id
            row.escalated_at = None
            db.add(EventRow(case_id=row.case_id, at=now, kind="talk_handed_over",
                            detail=f"organizer {organizer_id}"))
            return True

    def mark(self, conversation_id: int, **values: Any) -> None:
        """Set bookkeeping fields (escalated_at, invited_at, told_closed_until)."""
        allowed = {"escalated_at", "invited_at", "told_closed_until"}
        assert set(values) <= allowed, values
        with Session(self.engine) as db, db.begin():
            db.execute(update(ConversationRow).where(ConversationRow.id == conversation_id)
                       .values(values))

    # -- messages --------------------------------------------------------------------

    def add(self, conversation: Conversation, direction: Direction, organizer_id: int | None,
            channel: str, body: str, now: datetime, *, provider_id: str | None = None,
            media: tuple[tuple[str, str], ...] = ()) -> int | None:
        """Record a message and what it means for the conversation; None if a message
        with this provider SID was recorded before (a duplicate: pass nothing on).

        A worker's message leaves the conversation waiting for an answer (from its first
        unanswered message) and photos go to the case; an organizer's answers it."""
        enc = self.crypto.encrypt
        changes: dict[str, Any] = {"last_at": now}
        if direction == Direction.IN:
            changes["invited_at"] = None
            if conversation.waiting_since is None:
                changes["waiting_since"] = now
        else:
            changes.update(waiting_since=None, escalated_at=None, introduced=True,
                           told_closed_until=None)
        try:
            with Session(self.engine) as db, db.begin():
                message_id = db.execute(insert(ConversationMessageRow).returning(
                    ConversationMessageRow.id), {
                    "conversation_id": conversation.id, "case_id": conversation.case_id,
                    "direction": str(direction), "organizer_id": organizer_id,
                    "worker_id": conversation.worker_id, "channel": channel,
                    "body_enc": enc(body),
                    "media_enc": enc(json.dumps([list(m) for m in media])) if media else None,
                    "provider_id": provider_id[:64] if provider_id else None,
                    "created_at": now}).scalar_one()
                db.execute(update(ConversationRow)
                           .where(ConversationRow.id == conversation.id).values(changes))
                if media:
                    db.execute(insert(MediaRow), [
                        {"case_id": conversation.case_id, "content_type": kind[:100],
                         "url_enc": enc(url)} for url, kind in media])
                    db.add(EventRow(case_id=conversation.case_id, at=now, kind="talk_photo",
                                    detail=str(len(media))))
                return int(message_id)
        except IntegrityError:
            if provider_id and self.by_provider_id(provider_id) is not None:
                return None
            raise

    def link(self, message_id: int, worker_message_id: int) -> None:
        """Tie an organizer's message to the one path's record of it."""
        with Session(self.engine) as db, db.begin():
            db.execute(update(ConversationMessageRow)
                       .where(ConversationMessageRow.id == message_id)
                       .values(worker_message_id=worker_message_id))

    def message(self, message_id: int) -> TalkMessage | None:
        with Session(self.engine) as db:
            row = db.get(ConversationMessageRow, message_id)
            return self._message(row) if row else None

    def by_provider_id(self, provider_id: str) -> TalkMessage | None:
        with Session(self.engine) as db:
            row = db.scalars(select(ConversationMessageRow).where(
                ConversationMessageRow.provider_id == provider_id[:64])).first()
            return self._message(row) if row else None

    def messages_for_case(self, case_id: int) -> list[TalkMessage]:
        """Return a case's conversation messages, oldest first, decrypted."""
        with Session(self.engine) as db:
            return [self._message(r) for r in db.scalars(
                select(ConversationMessageRow)
                .where(ConversationMessageRow.case_id == case_id)
                .order_by(ConversationMessageRow.id))]

    def erase(self, worker_id: str) -> int:
        """Delete every message of a worker (by pseudonym); return how many."""
        with Session(self.engine) as db, db.begin():
            return rows_changed(db.execute(delete(ConversationMessageRow).where(
                ConversationMessageRow.worker_id == worker_id)))

    def strip_older_than(self, cutoff: datetime) -> int:
        """Delete messages written before ``cutoff`` (retention); return how many."""
        with Session(self.engine) as db, db.begin():
            return rows_changed(db.execute(delete(ConversationMessageRow).where(
                ConversationMessageRow.created_at < cutoff)))

    # -- rows to values ---------------------------------------------------------------

    def _first(self, condition: Any) -> Conversation | None:
        with Session(self.engine) as db:
            row = db.scalars(select(ConversationRow)
                             .where(condition, ConversationRow.closed_at.is_(None))
                             .order_by(ConversationRow.id.desc()).limit(1)).first()
            return _view(row) if row else None

    def _message(self, row: ConversationMessageRow) -> TalkMessage:
        shown = self.crypto.shown
        media: tuple[tuple[str, str], ...] = ()
        raw = shown(row.media_enc, "conversation photo")
        if raw and raw.startswith("["):
            media = tuple((str(url), str(kind)) for url, kind in json.loads(raw))
        created = aware(row.created_at)
        assert created is not None
        return TalkMessage(
            id=row.id, conversation_id=row.conversation_id, case_id=row.case_id,
            direction=Direction(row.direction), organizer_id=row.organizer_id,
            channel=row.channel, body=shown(row.body_enc, "conversation message"),
            media=media, provider_id=row.provider_id,
            worker_message_id=row.worker_message_id, created_at=created)


def _view(row: ConversationRow) -> Conversation:
    opened, last = aware(row.opened_at), aware(row.last_at)
    assert opened is not None and last is not None
    return Conversation(
        id=row.id, case_id=row.case_id, organizer_id=row.organizer_id,
        worker_id=row.worker_id, opened_at=opened, last_at=last,
        waiting_since=aware(row.waiting_since), escalated_at=aware(row.escalated_at),
        invited_at=aware(row.invited_at), told_closed_until=aware(row.told_closed_until),
        introduced=bool(row.introduced), closed_at=aware(row.closed_at), ended=row.ended)

