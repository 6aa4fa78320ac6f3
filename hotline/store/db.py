"""SQL plumbing shared by every store: the declarative base, the engine, time and row
helpers, and the hook that brings a database's schema up to date (Alembic, ``migrations/``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase

#: How constraints and indexes are named, the same on SQLite and PostgreSQL: these are
#: PostgreSQL's own default names, which databases made by ``create_all`` already carry.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}
#: Longest name PostgreSQL keeps whole; a longer one would be cut differently per database.
MAX_NAME = 63


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def aware(moment: datetime | None) -> datetime | None:
    """Return a stored time as UTC-aware (SQLite gives naive UTC times back)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def rows_changed(result: Result[Any]) -> int:
    """Return how many rows an UPDATE changed."""
    return int(cast(CursorResult[Any], result).rowcount)


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets foreign keys and a busy timeout like PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 5})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         connect_args={"connect_timeout": 3})
