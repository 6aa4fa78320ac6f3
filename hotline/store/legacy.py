"""Adopt a database made before migrations, when the app ran ``create_all`` at start-up.

Such a database (a ``var/hotline.db``, a production PostgreSQL) has hotline's tables and
no ``alembic_version``. Every table was created whole by ``create_all`` (columns never
changed after a table first shipped), so it is the layout of ``0001_initial``, minus any
table a version older than the last one did not have yet. Adopting it: create those
missing tables, check every column is what ``0001_initial`` describes (else stop and
say what differs: nothing is stamped), give constraints the names a migrated database
has (SQLite left them unnamed: each table is rebuilt with its rows; PostgreSQL named them
as the convention does, which is checked too), and stamp it at
``0001_initial``. The caller's transaction holds it all, so it happens whole or not at all.
"""

from __future__ import annotations

from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, UniqueConstraint, func, inspect, select
from sqlalchemy.engine import Connection

#: The revision whose layout ``create_all`` made.
ADOPTED_AT = "0001_initial"


class NotAdoptable(RuntimeError):
    """The tables are hotline's but not as ``create_all`` made them; says what differs."""


def _revision(script: ScriptDirectory) -> Any:
    found = script.get_revision(ADOPTED_AT)
    assert found is not None and found.module is not None
    return found.module


def layout(script: ScriptDirectory) -> MetaData:
    """Return the tables of ``0001_initial``, as its revision file describes them."""
    tables: MetaData = _revision(script).tables()
    return tables


def is_legacy(conn: Connection, script: ScriptDirectory) -> bool:
    """Tell whether ``conn`` reaches hotline tables that no migration has recorded."""
    names = set(inspect(conn).get_table_names())
    return "alembic_version" not in names and bool(names & set(layout(script).tables))


def adopt(conn: Connection, script: ScriptDirectory) -> list[str]:
    """Bring a ``create_all`` database to exactly ``0001_initial`` and stamp it there."""
    wanted = layout(script)
    context = MigrationContext.configure(conn)
    ops = Operations(context)
    present = set(inspect(conn).get_table_names())
    done = []
    missing = [t for t in wanted.sorted_tables if t.name not in present]
    for table in missing:
        _revision(script).create(ops, table)
    problems = [p for t in wanted.sorted_tables if t not in missing for p in _compare(conn, t)]
    if problems:
        raise NotAdoptable("this database has hotline's tables but not as an earlier version "
                           "made them, so it was left as it was: " + "; ".join(problems))
    rows = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in wanted.sorted_tables}
    if conn.dialect.name == "sqlite":
        for table in wanted.sorted_tables:
            if table not in missing:
                _rebuild(ops, table)
    for name, count in rows.items():  # a rebuild copies every row; make sure it did
        now = conn.execute(select(func.count()).select_from(wanted.tables[name])).scalar_one()
        if now != count:
            raise NotAdoptable(f"table {name} had {count} rows and would have {now}")
    context.stamp(script, ADOPTED_AT)
    done.append(f"adopted a database made before migrations ({rows.get('cases', 0)} cases, "
                f"{sum(rows.values())} rows kept) and stamped it {ADOPTED_AT}")
    if missing:
        done.append("created the tables it did not have yet: "
                    + ", ".join(t.name for t in missing))
    return done


def _compare(conn: Connection, table: Table) -> list[str]:
    """Say how a table differs from ``table`` (columns, keys, indexes), ignoring names."""
    found = inspect(conn)
    problems = []
    columns = {c["name"]: c for c in found.get_columns(table.name)}
    for column in table.columns:
        have = columns.pop(column.name, None)
        if have is None:
            problems.append(f"{table.name}.{column.name} is missing")
            continue
        if have["nullable"] != column.nullable:
            problems.append(f"{table.name}.{column.name} nullable is {have['nullable']}")
        expected = column.type.compile(dialect=conn.dialect)
        if have["type"].compile(dialect=conn.dialect) != expected:
            problems.append(f"{table.name}.{column.name} is {have['type']}, not {expected}")
    problems += [f"{table.name}.{name} is not hotline's" for name in columns]
    pk = found.get_pk_constraint(table.name)["constrained_columns"]
    if pk != [c.name for c in table.primary_key.columns]:
        problems.append(f"{table.name} primary key is {pk}")
    keys = _signatures(found.get_unique_constraints(table.name), "column_names")
    wanted_keys = {tuple(c.name for c in u.columns) for u in table.constraints
                   if isinstance(u, UniqueConstraint)}
    if keys != wanted_keys:
        problems.append(f"{table.name} unique keys are {sorted(keys)}")
    foreign = {(tuple(f["constrained_columns"]), f["referred_table"],
                (f.get("options") or {}).get("ondelete", "").upper() or None)
               for f in found.get_foreign_keys(table.name)}
    wanted_foreign = {(tuple(c.parent.name for c in f.elements), f.referred_table.name,
                       (f.ondelete or "").upper() or None) for f in table.foreign_key_constraints}
    if foreign != wanted_foreign:
        problems.append(f"{table.name} foreign keys are {sorted(map(str, foreign))}")
    indexes = _signatures([i for i in found.get_indexes(table.name)
                           if not i.get("duplicates_constraint")], "column_names")
    wanted_indexes = {tuple(c.name for c in i.columns) for i in table.indexes}
    if indexes != wanted_indexes:
        problems.append(f"{table.name} indexes are {sorted(indexes)}")
    if conn.dialect.name != "sqlite":  # kept as they are: they must be the convention's
        named = {found.get_pk_constraint(table.name)["name"]}
        named |= {u["name"] for u in found.get_unique_constraints(table.name)}
        named |= {f["name"] for f in found.get_foreign_keys(table.name)}
        named |= {i["name"] for i in found.get_indexes(table.name)
                  if not i.get("duplicates_constraint")}
        wanted_names = {c.name for c in table.constraints} | {i.name for i in table.indexes}
        if named != wanted_names:
            problems.append(f"{table.name} has {sorted(map(str, named - wanted_names))} "
                            f"where {sorted(map(str, wanted_names - named))} belong")
    return problems


def _signatures(items: list[Any], key: str) -> set[tuple[str, ...]]:
    return {tuple(item[key]) for item in items}


def _rebuild(ops: Operations, table: Table) -> None:
    """Remake a SQLite table from its definition, rows and all (its names come along)."""
    with ops.batch_alter_table(table.name, recreate="always", copy_from=table):
        pass
