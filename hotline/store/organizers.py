"""SQL: the organizers who get alerts, managed by staff with ``hotline organizers``.

Organizers are staff, so their contact details are stored as written (not encrypted);
workers' details never come here.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import phonenumbers
from sqlalchemy import Boolean, DateTime, Integer, String, select
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.store.db import Base, aware
from hotline.store.hours import format_hours, parse_hours

#: Region assumed for numbers typed without a country code.
DEFAULT_REGION = "US"
#: Industries an organizer may cover: the values of the report flow's options.
INDUSTRIES = ("restaurant", "market", "garment", "car_wash", "cleaning", "other")

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


class Role(StrEnum):
    ORGANIZER = "organizer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"  # staff who manage organizers and words; a coordinator's powers too


#: Roles that see every case, assign them and read the audit.
COORDINATING = frozenset({Role.COORDINATOR, Role.ADMIN})


class Channel(StrEnum):
    """How an organizer's phone gets alerts."""

    SMS = "sms"
    WHATSAPP = "whatsapp"


class InvalidOrganizer(ValueError):
    """A field staff typed is not usable; the message says which and why."""


class OrganizerRow(Base):
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    channel: Mapped[str] = mapped_column(String(16), default=Channel.SMS)
    email: Mapped[str | None] = mapped_column(String(254))
    languages: Mapped[str] = mapped_column(String(100), default="en")
    industries: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[str] = mapped_column(String(200), default="always")
    role: Mapped[str] = mapped_column(String(16), default=Role.ORGANIZER)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sms_opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    whatsapp_opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Organizer:
    """One organizer as routing and the transports read it."""

    id: int
    name: str
    phone: str | None
    channel: Channel
    email: str | None
    languages: tuple[str, ...]
    industries: tuple[str, ...]
    hours: str
    role: Role
    active: bool
    sms_opted_out: bool = False
    whatsapp_opted_out: bool = False
    last_inbound_at: datetime | None = None

    @property
    def locale(self) -> str:
        """Return the language alerts are written in: the first one listed, else English."""
        return self.languages[0] if self.languages else "en"

    @property
    def coordinating(self) -> bool:
        """Tell whether this organizer sees every case (coordinator or admin)."""
        return self.role in COORDINATING


def normalize_phone(text: str) -> str:
    """Return a phone number as E.164, or raise InvalidOrganizer saying why."""
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidOrganizer(f"phone {text!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidOrganizer(f"phone {text!r} is not a valid number (include the area "
                               "code, and +country code outside the US)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(text: str) -> str:
    """Return an e-mail address trimmed, or raise InvalidOrganizer."""
    cleaned = text.strip()
    if not _EMAIL.match(cleaned):
        raise InvalidOrganizer(f"e-mail {text!r} is not an address like name@example.org")
    return cleaned


def normalize_languages(text: str) -> tuple[str, ...]:
    """Return language codes from ``ko, en``; the first one is the alerts' language."""
    codes = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    for code in codes:
        if not _LANGUAGE.match(code):
            raise InvalidOrganizer(f"language {code!r} is not a code such as en, es or ko")
    if not codes:
        raise InvalidOrganizer("languages: give at least one, e.g. en")
    return codes


def normalize_industries(text: str) -> tuple[str, ...]:
    """Return industry values from ``restaurant,car_wash``; empty or ``all`` covers all."""
    if text.strip().lower() in ("", "all"):
        return ()
    values = tuple(dict.fromkeys(v.strip().lower() for v in text.split(",") if v.strip()))
    for value in values:
        if value not in INDUSTRIES:
            raise InvalidOrganizer(f"industry {value!r} is not one of {', '.join(INDUSTRIES)} "
                                   "(or all)")
    return values


def normalize_hours(text: str) -> str:
    """Return on-call hours in their canonical spelling, or raise InvalidOrganizer."""
    try:
        return format_hours(parse_hours(text))
    except ValueError as exc:
        raise InvalidOrganizer(str(exc)) from None


@dataclass(frozen=True)
class Changes:
    """Fields staff set when adding or editing; None leaves a field as it is."""

    name: str | None = None
    phone: str | None = None
    channel: str | None = None
    email: str | None = None
    languages: str | None = None
    industries: str | None = None
    hours: str | None = None
    role: str | None = None
    active: bool | None = None
    clear_opt_out: bool = False


#: How long the set of organizer numbers is trusted before it is read again.
PHONES_CACHE_SECONDS = 10.0


class OrganizerStore:
    """Add, change, remove and look up organizers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._phones: tuple[float, frozenset[str]] | None = None

    def active_phones(self) -> frozenset[str]:
        """Return the numbers of active organizers, re-read at most every few seconds.

        Every inbound message asks "is this an organizer?"; this keeps that question off
        the database. Changes made here show at once; made by another process (the CLI),
        within ``PHONES_CACHE_SECONDS``.
        """
        now = time.monotonic()
        if self._phones is None or now - self._phones[0] > PHONES_CACHE_SECONDS:
            with Session(self.engine) as db:
                phones = frozenset(p for p in db.scalars(
                    select(OrganizerRow.phone).where(OrganizerRow.active.is_(True))) if p)
            self._phones = (now, phones)
        return self._phones[1]

    def add(self, changes: Changes) -> Organizer:
        """Store a new organizer; raise InvalidOrganizer for a bad or duplicate field."""
        if not (changes.name or "").strip():
            raise InvalidOrganizer("name is required")
        row = OrganizerRow(name="", channel=str(Channel.SMS), languages="en", industries="",
                           hours="always", role=str(Role.ORGANIZER), active=True,
                           sms_opted_out=False, whatsapp_opted_out=False)
        _apply(row, changes)
        return self._save(None, row)

    def edit(self, organizer_id: int, changes: Changes) -> Organizer:
        """Change some fields of an organizer."""
        with Session(self.engine) as db:
            row = db.get(OrganizerRow, organizer_id)
            if row is None:
                raise InvalidOrganizer(f"no organizer {organizer_id}")
            db.expunge(row)
        _apply(row, changes)
        return self._save(organizer_id, row)

    def _save(self, organizer_id: int | None, row: OrganizerRow) -> Organizer:
        if not row.phone and not row.email:
            raise InvalidOrganizer("give a phone or an e-mail, or both")
        if row.channel == Channel.WHATSAPP and not row.phone:
            raise InvalidOrganizer("WhatsApp alerts need a phone")
        self._phones = None
        try:
            with Session(self.engine) as db, db.begin():
                row = db.merge(row) if organizer_id is not None else row
                db.add(row)
                db.flush()
                if organizer_id is not None and not row.active:
                    # a deactivated organizer's console sign-ins end with the change
                    from hotline.store.logins import LoginStore

                    LoginStore(self.engine).end_all(organizer_id, db=db)
                return _view(row)
        except IntegrityError:
            raise InvalidOrganizer(f"phone {row.phone} belongs to another organizer") from None

    def remove(self, organizer_id: int) -> Organizer:
        """Delete an organizer; their past deliveries stay, without a name."""
        self._phones = None
        with Session(self.engine) as db, db.begin():
            row = db.get(OrganizerRow, organizer_id)
            if row is None:
                raise InvalidOrganizer(f"no organizer {organizer_id}")
            view = _view(row)
            db.delete(row)
            return view

    def get(self, organizer_id: int) -> Organizer | None:
        """Return one organizer."""
        with Session(self.engine) as db:
            row = db.get(OrganizerRow, organizer_id)
            return _view(row) if row else None

    def all(self) -> list[Organizer]:
        """Return every organizer, active or not, by id (Core, one statement built once:
        every filing asks whether someone can be alerted)."""
        with self.engine.connect() as conn:
            return [_view(r) for r in conn.execute(_ALL)]

    def active_by_phone(self, phone: str) -> Organizer | None:
        """Return the active organizer with this E.164 number, if any."""
        with Session(self.engine) as db:
            row = db.scalars(select(OrganizerRow).where(OrganizerRow.phone == phone,
                                                        OrganizerRow.active.is_(True))).first()
            return _view(row) if row else None

    def heard_from(self, organizer_id: int, at: datetime) -> None:
        """Remember an organizer's last message (it opens WhatsApp's 24-hour window)."""
        with Session(self.engine) as db, db.begin():
            row = db.get(OrganizerRow, organizer_id)
            if row is not None:
                row.last_inbound_at = at

    def opted_out(self, organizer_id: int, channel: Channel, value: bool = True) -> None:
        """Record that an organizer's phone refuses (or again accepts) our messages."""
        with Session(self.engine) as db, db.begin():
            row = db.get(OrganizerRow, organizer_id)
            if row is None:
                return
            if channel == Channel.WHATSAPP:
                row.whatsapp_opted_out = value
            else:
                row.sms_opted_out = value


def _apply(row: OrganizerRow, c: Changes) -> None:
    if c.name is not None:
        if not c.name.strip():
            raise InvalidOrganizer("name is required")
        row.name = c.name.strip()[:100]
    if c.phone is not None:
        row.phone = normalize_phone(c.phone) if c.phone.strip() else None
    if c.channel is not None:
        if c.channel not in tuple(Channel):
            raise InvalidOrganizer("channel must be sms or whatsapp")
        row.channel = c.channel
    if c.email is not None:
        row.email = normalize_email(c.email) if c.email.strip() else None
    if c.languages is not None:
        row.languages = ",".join(normalize_languages(c.languages))
    if c.industries is not None:
        row.industries = ",".join(normalize_industries(c.industries))
    if c.hours is not None:
        row.hours = normalize_hours(c.hours)
    if c.role is not None:
        if c.role not in tuple(Role):
            raise InvalidOrganizer("role must be organizer, coordinator or admin")
        row.role = c.role
    if c.active is not None:
        row.active = c.active
    if c.clear_opt_out:
        row.sms_opted_out = False
        row.whatsapp_opted_out = False


_ALL = select(OrganizerRow.__table__).order_by(OrganizerRow.id)


def _view(row: OrganizerRow | Row[Any]) -> Organizer:
    return Organizer(
        id=row.id, name=row.name, phone=row.phone, channel=Channel(row.channel),
        email=row.email, languages=tuple(x for x in row.languages.split(",") if x),
        industries=tuple(x for x in row.industries.split(",") if x), hours=row.hours,
        role=Role(row.role), active=row.active, sms_opted_out=row.sms_opted_out,
        whatsapp_opted_out=row.whatsapp_opted_out, last_inbound_at=aware(row.last_inbound_at),
    )
