"""SQL plumbing shared by every store: the declarative base, the engine, time and row helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import create_engine
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


def aware(moment: datetime | None) -> datetime | None:
    """Return a stored time as UTC-aware (SQLite gives naive UTC times back)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def rows_changed(result: Result[Any]) -> int:
    """Return how many rows an UPDATE changed."""
    return int(cast(CursorResult[Any], result).rowcount)


def make_engine(url: str, deadline: float | None = None) -> Engine:
    """Create the engine; SQLite gets foreign keys and a busy timeout like PostgreSQL.

    With a ``deadline`` (seconds; the request path) every statement and connection
    attempt gives up after it (``store.deadline``).
    """
    if url.startswith("sqlite"):
        from sqlalchemy import event

        engine = create_engine(url, connect_args={"timeout": deadline or 5})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                           connect_args={"connect_timeout": 3})
    if deadline:
        from hotline.store import deadline as deadlines

        deadlines.install(engine, deadline)
    return engine
