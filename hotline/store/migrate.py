"""Alembic, driven from code: upgrade, downgrade, and say where a database stands.

Every migration runs in one transaction on a connection of its own: on PostgreSQL under
an advisory lock (two release steps at once take turns), on SQLite inside ``BEGIN
IMMEDIATE`` with foreign keys off while tables are rebuilt (so a rebuild cascades no
deletes), checked before commit. A database made by ``create_all`` before migrations is
adopted first (``hotline.store.legacy``).
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from hotline.config import PACKAGE_ROOT

#: Where the revisions live (``env.py``, ``versions/``).
MIGRATIONS = PACKAGE_ROOT / "migrations"
#: Seconds a SQLite migration waits for the app's writers to finish (busy timeout).
SQLITE_WAIT = 30
#: Seconds to wait for a PostgreSQL connection before saying it is not reachable.
CONNECT_TIMEOUT = 10
#: Options every migration context is configured with (env.py uses them too).
CONTEXT_OPTIONS: dict[str, Any] = {
    "render_as_batch": True,  # SQLite alters a table by rebuilding it
    "compare_type": True,
    "compare_server_default": True,
}


def config(connection: Connection | None = None) -> Config:
    """Return an Alembic configuration for ``migrations/``, sharing ``connection``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def script() -> ScriptDirectory:
    """Return the revisions (read once per process)."""
    return ScriptDirectory.from_config(config())


def heads() -> tuple[str, ...]:
    """Return the newest revisions."""
    return tuple(script().get_heads())


def migration_engine(url: str) -> Engine:
    """Return an engine whose transactions hold DDL too, for migrating ``url``."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": SQLITE_WAIT})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite would commit around DDL by itself; say BEGIN ourselves instead
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA foreign_keys=OFF")  # only takes effect outside BEGIN
            _wal(dbapi_conn)

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # one migrator at a time, from the start

        return engine
    return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT})


def _wal(dbapi_conn: Any) -> None:
    """Switch a new database to WAL; while another migrator holds a fresh database's first
    lock, SQLite may refuse the switch at once rather than wait, so try again."""
    deadline = time.monotonic() + SQLITE_WAIT
    while True:
        try:
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def transaction(url: str) -> Iterator[Connection]:
    """Yield a connection in a transaction no other migrator of this database shares."""
    engine = migration_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # per schema: the version table is
                conn.execute(text("SELECT pg_advisory_xact_lock("
                                  "hashtext('hotline-migrations:' || current_schema()))"))
            yield conn
            if conn.dialect.name == "sqlite":
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows pointing nowhere: {broken[:5]}")
    finally:
        engine.dispose()


def current_of(conn: Connection) -> tuple[str, ...]:
    """Return the revisions recorded in the database ``conn`` is connected to."""
    return tuple(MigrationContext.configure(conn).get_current_heads())


def current(url: str) -> tuple[str, ...]:
    """Return the revisions recorded in the database at ``url``."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return current_of(conn)
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> list[str]:
    """Migrate to ``revision``, adopting a ``create_all`` database first; say what was done."""
    from hotline.store import legacy

    done: list[str] = []
    with transaction(url) as conn:
        before = current_of(conn)
        if not before and legacy.is_legacy(conn, script()):
            done += legacy.adopt(conn, script())
            before = current_of(conn)
        command.upgrade(config(conn), revision)
        after = current_of(conn)
    done += [f"applied {r.revision}: {r.doc}" for r in _between(after, before)]
    done.append(f"database at {_names(after)}" + (" (newest)" if set(after) == set(heads())
                                                   else ""))
    return done


def downgrade(url: str, revision: str) -> list[str]:
    """Migrate back to ``revision`` (``base`` empties the database); say what was done."""
    with transaction(url) as conn:
        before = current_of(conn)
        command.downgrade(config(conn), revision)
        after = current_of(conn)
    done = [f"reverted {r.revision}: {r.doc}" for r in _between(before, after)]
    done.append(f"database at {_names(after)}")
    return done


def differences(url: str) -> list[str]:
    """Return how the tables at ``url`` differ from the models (empty: they agree)."""
    from alembic.autogenerate import compare_metadata

    from hotline.store.schema import metadata

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts=dict(CONTEXT_OPTIONS))
            return [repr(diff) for diff in compare_metadata(context, metadata)]
    finally:
        engine.dispose()


def _between(upper: tuple[str, ...], lower: tuple[str, ...]) -> list[Any]:
    """Return the revisions above ``lower`` up to ``upper``, oldest first."""
    if set(upper) == set(lower):
        return []
    found = script().iterate_revisions(upper or "base", lower or "base")
    return list(reversed([r for r in found if r is not None]))


def _names(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) or "no revision (empty)"
