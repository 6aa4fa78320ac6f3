"""Alembic's entry: how revisions reach a database.

``hotline db upgrade`` (``hotline.store.migrate``) hands over a connection already in its
transaction and lock. The ``alembic`` command (for writing revisions:
``alembic revision --autogenerate --rev-id 0002_what -m "what"``) gets one here, to the
database the settings name (``DATABASE_URL``, else ``var/hotline.db``), the same way.
"""

from __future__ import annotations

from pathlib import Path

from alembic import context

from hotline.store import legacy, migrate
from hotline.store.schema import metadata


def _configure(**kw: object) -> None:
    context.configure(target_metadata=metadata, **migrate.CONTEXT_OPTIONS, **kw)


def run_offline() -> None:
    """Write the SQL instead of running it (``alembic upgrade head --sql``)."""
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    with migrate.transaction(_url()) as conn:
        if legacy.is_legacy(conn, migrate.script()):
            raise SystemExit("this database was made before migrations: run "
                             "`hotline db upgrade` once, which adopts it")
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()


def _url() -> str:
    cfg = context.config
    ini = cfg.config_file_name  # the alembic command names one even when it is absent
    url = cfg.get_main_option("sqlalchemy.url") if ini is None or Path(ini).exists() else None
    if url:
        return url
    from hotline import config

    return config.load().sqlalchemy_url


if context.is_offline_mode():
    run_offline()
else:
    run_online()
