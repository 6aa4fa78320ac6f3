"""SQL: what happened to a case after it was filed: urgent or not, escalated, taken by
which organizer, closed. One row per alerted case; changes are atomic, so two
organizers answering at once cannot both take a case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.store.cases import CaseRow, CaseStatus, EventRow
from hotline.store.db import Base, aware, rows_changed

#: How far alerting has gone: the routed alert, everyone, the coordinators.
ALERTED, ESCALATED, COORDINATORS = 0, 1, 2


class ClaimResult(StrEnum):
    TAKEN = "taken"
    ALREADY_YOURS = "already_yours"
    TAKEN_BY_OTHER = "taken_by_other"
    CLOSED = "closed"
    MISSING = "missing"
    NOT_YOURS = "not_yours"
    NOT_TAKEN = "not_taken"


class CaseAlertRow(Base):
    __tablename__ = "case_alerts"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[int] = mapped_column(Integer, default=ALERTED)
    alerted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    claimed_by: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL"))
    claimed_name: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseOutcomeRow(Base):
    """How a closed case ended (closed in the console; ``DONE 4821`` leaves none)."""

    __tablename__ = "case_outcomes"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    outcome: Mapped[str] = mapped_column(String(32))


class Outcome(StrEnum):
    """How a case ended, chosen when it is closed in the console."""

    RESOLVED = "resolved"
    LABOR_COMMISSIONER = "labor_commissioner"
    OWS = "ows"
    LEGAL_AID = "legal_aid"
    UNREACHABLE = "unreachable"
    DUPLICATE = "duplicate"
    NOT_LABOR = "not_labor"


@dataclass(frozen=True)
class Assignment:
    """The alert state of one case."""

    case_id: int
    urgent: bool
    reasons: tuple[str, ...]
    level: int
    alerted_at: datetime
    due_at: datetime | None
    claimed_by: int | None
    claimed_name: str | None
    claimed_at: datetime | None
    closed_at: datetime | None
    outcome: str | None = None

    @property
    def open(self) -> bool:
        """Tell whether nobody has taken or closed the case yet."""
        return self.claimed_at is None and self.closed_at is None


@dataclass(frozen=True)
class Claim:
    """What a claim or close did, and the case it was about."""

    result: ClaimResult
    case_id: int | None = None
    by: str | None = None


@dataclass(frozen=True)
class OpenCase:
    """A case that is not closed, as the digest lists it (no personal fields)."""

    ref: str
    kind: str
    created_at: datetime
    locale: str
    industry: str | None
    issues: tuple[str, ...]
    urgent: bool
    level: int
    claimed_name: str | None


class AssignmentStore:
    """Start, escalate, claim and close cases, atomically."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(self, case_id: int, *, urgent: bool, reasons: tuple[str, ...],
              now: datetime, due_at: datetime) -> Assignment:
        """Record that alerting began (idempotent: a re-run keeps the first record)."""
        try:
            with Session(self.engine) as db, db.begin():
                db.add(CaseAlertRow(case_id=case_id, urgent=urgent, reasons=",".join(reasons),
                                    level=ALERTED, alerted_at=now, due_at=due_at))
                if urgent:
                    db.add(EventRow(case_id=case_id, at=now, kind="urgent",
                                    detail=",".join(reasons)))
        except IntegrityError:
            pass
        found = self.get(case_id)
        assert found is not None
        return found

    def get(self, case_id: int) -> Assignment | None:
        """Return a case's alert state, if alerting began."""
        with Session(self.engine) as db:
            row = db.get(CaseAlertRow, case_id)
            if row is None:
                return None
            outcome = db.get(CaseOutcomeRow, case_id) if row.closed_at else None
            return _view(row, outcome.outcome if outcome else None)

    def case_id(self, ref: str) -> int | None:
        """Return the id of the case with this reference."""
        with Session(self.engine) as db:
            return db.scalar(select(CaseRow.id).where(CaseRow.ref == ref))

    def escalate(self, case_id: int, level: int, now: datetime,
                 due_at: datetime | None) -> bool:
        """Raise an open case to ``level``; False if it was taken, closed or already there."""
        with Session(self.engine) as db, db.begin():
            done = rows_changed(db.execute(
                update(CaseAlertRow)
                .where(CaseAlertRow.case_id == case_id, CaseAlertRow.level < level,
                       CaseAlertRow.claimed_at.is_(None), CaseAlertRow.closed_at.is_(None))
                .values(level=level, due_at=due_at)
            ))
            if done:
                db.add(EventRow(case_id=case_id, at=now, kind="escalated", detail=str(level)))
            return bool(done)

    def claim(self, ref: str, organizer_id: int, name: str, now: datetime) -> Claim:
        """Give an open case to an organizer, unless someone already has it."""
        case_id = self.case_id(ref)
        if case_id is None:
            return Claim(ClaimResult.MISSING)
        self._ensure(case_id, now)
        with Session(self.engine) as db, db.begin():
            taken = rows_changed(db.execute(
                update(CaseAlertRow)
                .where(CaseAlertRow.case_id == case_id, CaseAlertRow.claimed_at.is_(None),
                       CaseAlertRow.closed_at.is_(None))
                .values(claimed_by=organizer_id, claimed_name=name, claimed_at=now, due_at=None)
            ))
            if taken:
                db.execute(update(CaseRow).where(CaseRow.id == case_id)
                           .values(status=str(CaseStatus.CLAIMED)))
                db.add(EventRow(case_id=case_id, at=now, kind="claimed",
                                detail=f"organizer {organizer_id}"))
                return Claim(ClaimResult.TAKEN, case_id, name)
            row = db.get(CaseAlertRow, case_id)
            assert row is not None
            if row.closed_at is not None:
                return Claim(ClaimResult.CLOSED, case_id, row.claimed_name)
            if row.claimed_by == organizer_id:
                return Claim(ClaimResult.ALREADY_YOURS, case_id, name)
            return Claim(ClaimResult.TAKEN_BY_OTHER, case_id, row.claimed_name)

    def close(self, ref: str, organizer_id: int, now: datetime, *,
              any_claimer: bool = False) -> Claim:
        """Close a case its organizer (or, with ``any_claimer``, a coordinator) took."""
        case_id = self.case_id(ref)
        if case_id is None:
            return Claim(ClaimResult.MISSING)
        self._ensure(case_id, now)
        with Session(self.engine) as db, db.begin():
            row = db.get(CaseAlertRow, case_id)
            assert row is not None
            if row.closed_at is not None:
                return Claim(ClaimResult.CLOSED, case_id, row.claimed_name)
            if row.claimed_at is None:
                return Claim(ClaimResult.NOT_TAKEN, case_id)
            if row.claimed_by != organizer_id and not any_claimer:
                return Claim(ClaimResult.NOT_YOURS, case_id, row.claimed_name)
            closed = rows_changed(db.execute(
                update(CaseAlertRow)
                .where(CaseAlertRow.case_id == case_id, CaseAlertRow.closed_at.is_(None))
                .values(closed_at=now, due_at=None)
            ))
            if closed:
                db.execute(update(CaseRow).where(CaseRow.id == case_id)
                           .values(status=str(CaseStatus.CLOSED)))
                db.add(EventRow(case_id=case_id, at=now, kind="closed",
                                detail=f"organizer {organizer_id}"))
            return Claim(ClaimResult.TAKEN, case_id, row.claimed_name)

    def assign(self, case_id: int, organizer_id: int, name: str, by: int,
               now: datetime) -> bool:
        """Give a case that is not closed to an organizer (a coordinator's choice, whoever
        had it); False if it is closed."""
        self._ensure(case_id, now)
        with Session(self.engine) as db, db.begin():
            done = rows_changed(db.execute(
                update(CaseAlertRow)
                .where(CaseAlertRow.case_id == case_id, CaseAlertRow.closed_at.is_(None))
                .values(claimed_by=organizer_id, claimed_name=name, claimed_at=now, due_at=None)
            ))
            if done:
                db.execute(update(CaseRow).where(CaseRow.id == case_id)
                           .values(status=str(CaseStatus.CLAIMED)))
                db.add(EventRow(case_id=case_id, at=now, kind="assigned",
                                detail=f"organizer {organizer_id} by organizer {by}"))
            return bool(done)

    def close_with(self, case_id: int, outcome: Outcome, by: int, now: datetime) -> bool:
        """Close a case with its outcome (the console checks who may); False if closed."""
        self._ensure(case_id, now)
        with Session(self.engine) as db, db.begin():
            done = rows_changed(db.execute(
                update(CaseAlertRow)
                .where(CaseAlertRow.case_id == case_id, CaseAlertRow.closed_at.is_(None))
                .values(closed_at=now, due_at=None)
            ))
            if done:
                db.merge(CaseOutcomeRow(case_id=case_id, outcome=str(outcome)))
                db.execute(update(CaseRow).where(CaseRow.id == case_id)
                           .values(status=str(CaseStatus.CLOSED)))
                db.add(EventRow(case_id=case_id, at=now, kind="closed",
                                detail=f"organizer {by}: {outcome}"))
            return bool(done)

    def reopen(self, case_id: int, by: int, now: datetime) -> bool:
        """Open a closed case again, with the organizer it had; False if it was not closed."""
        with Session(self.engine) as db, db.begin():
            row = db.get(CaseAlertRow, case_id)
            if row is None or row.closed_at is None:
                return False
            row.closed_at = None
            db.execute(delete(CaseOutcomeRow).where(CaseOutcomeRow.case_id == case_id))
            status = CaseStatus.CLAIMED if row.claimed_at is not None else CaseStatus.OPEN
            db.execute(update(CaseRow).where(CaseRow.id == case_id).values(status=str(status)))
            db.add(EventRow(case_id=case_id, at=now, kind="reopened", detail=f"organizer {by}"))
            return True

    def not_closed(self) -> Iterator[OpenCase]:
        """Yield every case not closed, oldest first (for the digest)."""
        query = (select(CaseRow, CaseAlertRow)
                 .join(CaseAlertRow, CaseAlertRow.case_id == CaseRow.id, isouter=True)
                 .where(CaseRow.status != str(CaseStatus.CLOSED))
                 .order_by(CaseRow.created_at, CaseRow.id))
        with Session(self.engine) as db:
            for case, alert in db.execute(query):
                created = aware(case.created_at)
                assert created is not None
                yield OpenCase(
                    ref=case.ref, kind=case.kind, created_at=created, locale=case.locale,
                    industry=case.industry, issues=tuple(i for i in case.issues.split(",") if i),
                    urgent=bool(alert and alert.urgent), level=alert.level if alert else 0,
                    claimed_name=alert.claimed_name if alert and alert.claimed_at else None,
                )

    def _ensure(self, case_id: int, now: datetime) -> None:
        """Make the row a claim needs, for a case whose alert job has not run yet."""
        try:
            with Session(self.engine) as db, db.begin():
                if db.get(CaseAlertRow, case_id) is None:
                    db.add(CaseAlertRow(case_id=case_id, urgent=False, reasons="",
                                        level=ALERTED, alerted_at=now, due_at=None))
        except IntegrityError:
            pass  # made by the alert job meanwhile


def _view(row: CaseAlertRow, outcome: str | None = None) -> Assignment:
    alerted = aware(row.alerted_at)
    assert alerted is not None
    return Assignment(
        case_id=row.case_id, urgent=row.urgent,
        reasons=tuple(r for r in row.reasons.split(",") if r), level=row.level,
        alerted_at=alerted, due_at=aware(row.due_at), claimed_by=row.claimed_by,
        claimed_name=row.claimed_name, claimed_at=aware(row.claimed_at),
        closed_at=aware(row.closed_at), outcome=outcome,
    )
