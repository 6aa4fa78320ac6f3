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


# -- the schema's version -------------------------------------------------------------
# Kept here so every caller (CLI, service, tests) reaches migrations through one door;
# the Alembic machinery itself is in ``hotline.store.migrate``, imported only when used.


class SchemaNotCurrent(RuntimeError):
    """The database's schema is not the one this code was written for; says what to run."""


def upgrade(target: Engine | str, revision: str = "head") -> list[str]:
    """Migrate a database to ``revision`` (adopting one made by ``create_all``); return
    what was done, one line each, for the operator."""
    from hotline.store import migrate

    return migrate.upgrade(_url(target), revision)


def downgrade(target: Engine | str, revision: str) -> list[str]:
    """Migrate a database back to ``revision``; return what was done."""
    from hotline.store import migrate

    return migrate.downgrade(_url(target), revision)


def current(target: Engine | str) -> tuple[str, ...]:
    """Return the revisions the database is at (empty: none, or made by ``create_all``)."""
    from hotline.store import migrate

    return migrate.current(_url(target))


def heads() -> tuple[str, ...]:
    """Return the newest revisions in ``migrations/`` (exactly one, checked in CI)."""
    from hotline.store import migrate

    return migrate.heads()


def require_current(target: Engine | str) -> None:
    """Raise SchemaNotCurrent unless the database is at the newest revision."""
    found, wanted = current(target), heads()
    if set(found) != set(wanted):
        where = ", ".join(found) or "no revision (empty, or made before migrations)"
        raise SchemaNotCurrent(
            f"the database schema is at {where}; this version needs {', '.join(wanted)}. "
            "Run `hotline db upgrade` (the Procfile's release step does it on deploy).")


def prepare(target: Engine | str, *, embedded: bool) -> None:
    """Make sure the schema is current before a process uses the database.

    The embedded default (SQLite under ``var/``, no ``DATABASE_URL``) is migrated here, so
    a checkout just works; processes starting at once take turns. Any other database is
    migrated only by ``hotline db upgrade`` (the Procfile's release step), never by a
    starting process racing the others: this only checks, and refuses an old schema.
    """
    if embedded:
        upgrade(target)
    else:
        require_current(target)


def _url(target: Engine | str) -> str:
    if isinstance(target, Engine):
        return target.url.render_as_string(hide_password=False)
    return target
