"""SQL: re-encrypt every personal field under the newest key (``hotline db rotate``).

Every column whose name ends in ``_enc`` holds a Fernet token from ``Crypto.encrypt``;
every table of every module of this package is found through the shared metadata, so a
new table is covered as soon as it follows that naming. Resumable: a field already
under the newest key is skipped and each batch is committed, so a run stopped halfway
continues where it was; a row changed meanwhile is left to its writer (which always
writes under the newest key).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Column, Table, and_, select, update
from sqlalchemy.engine import Engine

from hotline.crypto import Crypto, Unreadable
from hotline.store.db import Base

log = logging.getLogger(__name__)

#: The ending of every column that holds an encrypted field.
ENCRYPTED_SUFFIX = "_enc"


@dataclass
class Rotation:
    """What a run did: fields re-encrypted, already current, and unreadable (by table)."""

    rotated: int = 0
    current: int = 0
    unreadable: int = 0
    tables: dict[str, int] = field(default_factory=dict)


def encrypted_columns() -> Iterator[tuple[Table, Column[bytes], list[Column[bytes]]]]:
    """Yield each table with encrypted columns: (table, its key, those columns)."""
    import hotline.store

    for module in pkgutil.iter_modules(hotline.store.__path__):
        importlib.import_module(f"hotline.store.{module.name}")  # registers its tables
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name.endswith(ENCRYPTED_SUFFIX)]
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            raise RuntimeError(f"{table.name}: rotation needs a one-column primary key")
        yield table, keys[0], columns


def rotate_fields(engine: Engine, crypto: Crypto, batch: int = 500) -> Rotation:
    """Re-encrypt every encrypted field not under the newest key yet."""
    done = Rotation()
    for table, key, columns in encrypted_columns():
        before = done.rotated
        last = None
        while True:
            query = select(key, *columns).order_by(key).limit(batch)
            if last is not None:
                query = query.where(key > last)
            with engine.begin() as conn:
                rows = conn.execute(query).all()
                for row in rows:
                    changes = _rotated(crypto, table, row, columns, done)
                    if changes:
                        unchanged = and_(key == row[0], *(columns[i] == row[i + 1]
                                                          for i in changes))
                        conn.execute(update(table).where(unchanged).values(
                            {columns[i].name: value for i, value in changes.items()}))
            if len(rows) < batch:
                break
            last = rows[-1][0]
        done.tables[table.name] = done.rotated - before
    return done


def _rotated(crypto: Crypto, table: Table, row: tuple[object, ...],
             columns: list[Column[bytes]], done: Rotation) -> dict[int, bytes]:
    """Return the row's fields re-encrypted, by column index; count what was left."""
    changes = {}
    for i, column in enumerate(columns):
        token = row[i + 1]
        if not token:
            continue
        assert isinstance(token, bytes | memoryview)
        if crypto.is_current(bytes(token)):
            done.current += 1
            continue
        try:
            changes[i] = crypto.rotate(bytes(token))
            done.rotated += 1
        except Unreadable:
            done.unreadable += 1
            log.warning("rotate: %s.%s of row %s opens under no configured key; left as "
                        "it is", table.name, column.name, row[0])
    return changes
