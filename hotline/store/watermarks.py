"""SQL: how far the upkeep's periodic work has got, kept where Redis's data loss cannot
reach it.

Reconciliation keeps its watermark in Redis (read every minute) and here. Redis also
holds the marks of handled MessageSids, so when Redis comes back empty the watermark
here is what tells "never reconciled" (look back an hour) from "Redis lost what it knew"
(look back at nothing: every message before that moment may have been answered, and
answering it again could resurrect an erased worker's words).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.store.cases import CaseStore
from hotline.store.db import Base, aware, rows_changed


class WatermarkRow(Base):
    __tablename__ = "upkeep_watermarks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Watermarks:
    """Read and move the upkeep's durable watermarks, one row per chore."""

    def __init__(self, cases: CaseStore) -> None:
        self.engine = cases.engine

    def get(self, name: str) -> datetime | None:
        """Return where ``name`` last got to, or None if it never ran here."""
        with Session(self.engine) as db:
            return aware(db.scalar(select(WatermarkRow.at).where(WatermarkRow.name == name)))

    def set(self, name: str, at: datetime) -> None:
        """Move ``name`` to ``at`` (never backwards: two workers may race)."""
        with Session(self.engine) as db, db.begin():
            moved = db.execute(update(WatermarkRow)
                               .where(WatermarkRow.name == name, WatermarkRow.at < at)
                               .values(at=at))
            if rows_changed(moved):
                return
            if db.scalar(select(WatermarkRow.name).where(WatermarkRow.name == name)):
                return  # already at or past ``at``
        try:
            with Session(self.engine) as db, db.begin():
                db.add(WatermarkRow(name=name, at=at))
        except IntegrityError:  # another worker wrote it first: move it if behind
            self.set(name, at)
