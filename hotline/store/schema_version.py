"""The schema's version: one door for the CLI, the service and tests to reach migrations.

The Alembic machinery is in ``migrate``; ``db`` knows nothing of it, so the stores (which
``migrate`` imports through ``schema``) never import back up.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from hotline.store import migrate


class SchemaNotCurrent(RuntimeError):
    """The database's schema is not the one this code was written for; says what to run."""


def upgrade(target: Engine | str, revision: str = "head") -> list[str]:
    """Migrate a database to ``revision`` (adopting one made by ``create_all``); return
    what was done, one line each, for the operator."""
    return migrate.upgrade(_url(target), revision)


def downgrade(target: Engine | str, revision: str) -> list[str]:
    """Migrate a database back to ``revision``; return what was done."""
    return migrate.downgrade(_url(target), revision)


def current(target: Engine | str) -> tuple[str, ...]:
    """Return the revisions the database is at (empty: none, or made by ``create_all``)."""
    return migrate.current(_url(target))


def heads() -> tuple[str, ...]:
    """Return the newest revisions in ``migrations/`` (exactly one, checked in CI)."""
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
