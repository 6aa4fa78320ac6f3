"""The test suite's schema, built by the migrations once per session and copied per test.

Running every revision for each of a thousand tests would cost minutes, so the session
migrates one database and each test gets an exact copy: on SQLite the migrated file
itself; on PostgreSQL the statements the migrations sent, recorded with their values
and replayed into the test's own empty schema in one round trip. Both are what
``hotline db upgrade`` makes (``tests/store/test_migrations.py`` runs the real thing).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from hotline.store import schema_version


def in_schema(base: str, schema: str) -> str:
    """Return a PostgreSQL URL whose connections work in ``schema``."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@contextmanager
def fresh_schema(base: str) -> Iterator[str]:
    """Yield the URL of a new, empty PostgreSQL schema; drop it afterwards."""
    schema = f"hltest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield in_schema(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


class Template:
    """A migrated database that tests get copies of."""

    def __init__(self, workdir: Path, base: str | None) -> None:
        self.base = base
        self.sqlite_file = workdir / "migrated.db"
        self.script = ""
        if base is None:
            schema_version.upgrade(f"sqlite:///{self.sqlite_file}")
        else:
            with fresh_schema(base) as url, _recorded() as statements:
                schema_version.upgrade(url)
            self.script = "".join(f"{s};\n" for s in statements)

    def copy_to(self, url: str) -> None:
        """Give the empty database at ``url`` the migrated schema."""
        if self.base is None:
            path = make_url(url).database
            assert path
            shutil.copyfile(self.sqlite_file, path)
            return
        engine = create_engine(url)
        try:
            raw = engine.raw_connection()
            try:
                with raw.cursor() as cursor:
                    cursor.execute(self.script)  # no parameters: sent as one script
                raw.commit()
            finally:
                raw.close()
        finally:
            engine.dispose()


@contextmanager
def _recorded() -> Iterator[list[str]]:
    """Collect every statement any engine sends, with its values written in."""
    import psycopg

    statements: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
             executemany: bool) -> None:
        literal = psycopg.ClientCursor(cursor.connection)
        for one in (params if executemany else [params]):
            statements.append(literal.mogrify(statement, one).strip())

    event.listen(Engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
