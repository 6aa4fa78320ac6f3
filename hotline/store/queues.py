"""SQL: the console's queues of cases, filtered and sorted by how long workers have waited.

Reads cases with their alert state; the only personal field it decrypts is the area
(``location``, ``UNREADABLE`` if its key is gone: a queue never fails on one case), for
the area filter and the row. A worker has waited from filing until
an organizer took the case (or until now, if nobody has).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from hotline.crypto import Crypto
from hotline.store.assignments import CaseAlertRow, CaseOutcomeRow
from hotline.store.cases import CaseRow, CaseStatus
from hotline.store.db import aware

#: Most rows one queue page shows.
PAGE = 200


class Queue(StrEnum):
    UNCLAIMED = "unclaimed"
    MINE = "mine"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Filters:
    """What a queue is narrowed to; empty values filter nothing."""

    urgency: str = ""  # "urgent" or "normal"
    language: str = ""
    industry: str = ""
    issue: str = ""
    area: str = ""
    channel: str = ""
    older_than_hours: int = 0
    ref: str = ""


@dataclass(frozen=True)
class QueueItem:
    """One row of a queue: nothing that names or reaches the worker."""

    id: int
    ref: str
    kind: str
    status: str
    created_at: datetime
    locale: str
    channel: str
    industry: str | None
    issues: tuple[str, ...]
    area: str | None
    urgent: bool
    claimed_by: int | None
    claimed_name: str | None
    claimed_at: datetime | None
    closed_at: datetime | None
    outcome: str | None

    def waited(self, now: datetime) -> timedelta:
        """How long the worker waited (or has been waiting) for an organizer."""
        return (self.claimed_at or now) - self.created_at


class QueueStore:
    """List cases as the console's queues show them."""

    def __init__(self, engine: Engine, crypto: Crypto) -> None:
        self.engine = engine
        self.crypto = crypto

    def list(self, queue: Queue, filters: Filters, now: datetime, *, organizer_id: int,
             visible: Collection[int] | None = None, limit: int = PAGE) -> list[QueueItem]:
        """Return a queue's cases: ``visible`` limits them to those ids (None: all)."""
        query = self._query(queue, filters, now, organizer_id)
        if visible is not None:
            query = query.where(CaseRow.id.in_(list(visible)))
        items = []
        with Session(self.engine) as db:
            for case, alert, outcome in db.execute(query):
                item = self._item(case, alert, outcome)
                if filters.area and filters.area.casefold() not in (item.area or "").casefold():
                    continue
                items.append(item)
                if len(items) >= limit:
                    break
        return items

    def _query(self, queue: Queue, f: Filters, now: datetime,
               organizer_id: int) -> Any:
        query = (select(CaseRow, CaseAlertRow, CaseOutcomeRow.outcome)
                 .join(CaseAlertRow, CaseAlertRow.case_id == CaseRow.id, isouter=True)
                 .join(CaseOutcomeRow, CaseOutcomeRow.case_id == CaseRow.id, isouter=True))
        closed = CaseRow.status == str(CaseStatus.CLOSED)
        if queue == Queue.UNCLAIMED:
            query = query.where(CaseRow.status == str(CaseStatus.OPEN)).order_by(
                CaseAlertRow.urgent.desc().nulls_last(), CaseRow.created_at, CaseRow.id)
        elif queue == Queue.MINE:
            query = query.where(~closed, CaseAlertRow.claimed_by == organizer_id).order_by(
                CaseRow.created_at, CaseRow.id)
        elif queue == Queue.OPEN:
            query = query.where(~closed).order_by(CaseRow.created_at, CaseRow.id)
        else:
            query = query.where(closed).order_by(CaseAlertRow.closed_at.desc().nulls_last(),
                                                 CaseRow.id.desc())
        if f.urgency == "urgent":
            query = query.where(CaseAlertRow.urgent.is_(True))
        elif f.urgency == "normal":
            query = query.where((CaseAlertRow.urgent.is_(False)) | CaseAlertRow.urgent.is_(None))
        if f.language:
            query = query.where(CaseRow.locale == f.language)
        if f.industry:
            query = query.where(CaseRow.industry == f.industry)
        if f.channel:
            query = query.where(CaseRow.channel == f.channel)
        if f.issue:
            query = query.where(("," + CaseRow.issues + ",").contains(f",{f.issue},"))
        if f.older_than_hours:
            query = query.where(CaseRow.created_at < now - timedelta(hours=f.older_than_hours))
        if f.ref:
            query = query.where(CaseRow.ref.startswith(f.ref))
        return query

    def _item(self, case: CaseRow, alert: CaseAlertRow | None,
              outcome: str | None) -> QueueItem:
        created = aware(case.created_at)
        assert created is not None
        return QueueItem(
            id=case.id, ref=case.ref, kind=case.kind, status=case.status, created_at=created,
            locale=case.locale, channel=case.channel, industry=case.industry,
            issues=tuple(i for i in case.issues.split(",") if i),
            area=self.crypto.shown(case.location_enc, "case location"),
            urgent=bool(alert and alert.urgent),
            claimed_by=alert.claimed_by if alert else None,
            claimed_name=alert.claimed_name if alert and alert.claimed_at else None,
            claimed_at=aware(alert.claimed_at) if alert else None,
            closed_at=aware(alert.closed_at) if alert else None,
            outcome=outcome)
