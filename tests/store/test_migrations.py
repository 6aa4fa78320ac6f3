"""Migrations (SQLite, or PostgreSQL when HOTLINE_TEST_DATABASE_URL is set): one line of
revisions, an empty database brought to the newest one matches the models, each
revision steps down and up again, and names are the same on both databases."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from hotline.cli import main
from hotline.config import env_name
from hotline.store import migrate, schema_version
from hotline.store.db import MAX_NAME
from hotline.store.schema import metadata
from hotline.store.schema_version import SchemaNotCurrent


def shape(url: str) -> dict[str, Any]:
    """Return everything reflection sees of a database's tables, names included."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            return {table: {
                "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default"))
                            for c in found.get_columns(table)],
                "pk": found.get_pk_constraint(table),
                "unique": sorted((u["name"], tuple(u["column_names"]))
                                 for u in found.get_unique_constraints(table)),
                "foreign": sorted((f["name"], tuple(f["constrained_columns"]),
                                   f["referred_table"], str(f.get("options")))
                                  for f in found.get_foreign_keys(table)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in found.get_indexes(table)
                                  if not i.get("duplicates_constraint")),
            } for table in sorted(found.get_table_names()) if table != "alembic_version"}
    finally:
        engine.dispose()


def differences(url: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts=dict(migrate.CONTEXT_OPTIONS))
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_the_revisions_form_one_line_with_one_head() -> None:
    script = migrate.script()
    assert len(script.get_heads()) == 1 and len(script.get_bases()) == 1
    revisions = list(script.walk_revisions())
    assert revisions[-1].revision == "0001_initial"
    for revision in revisions:
        assert not revision.is_merge_point and not revision.is_branch_point, revision
        assert revision.doc, f"{revision.revision} says nothing about what it does"


def test_the_schema_module_registers_every_stores_tables() -> None:
    import hotline.store

    script = ("import importlib, pkgutil, hotline.store as s\n"
              "import hotline.store.schema as schema\n"
              "seen = set(schema.metadata.tables)\n"
              "for m in pkgutil.iter_modules(s.__path__): importlib.import_module('hotline.store.' + m.name)\n"
              "print(sorted(set(schema.metadata.tables) - seen))")
    missing = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             check=True, cwd=Path(hotline.store.__file__).parents[2]).stdout
    assert missing.strip() == "[]", f"add these stores' modules to store/schema.py: {missing}"


def test_an_empty_database_upgraded_to_head_matches_the_models(empty_database_url: str) -> None:
    done = schema_version.upgrade(empty_database_url)
    assert done[-1] == f"database at {schema_version.heads()[0]} (newest)"
    assert schema_version.current(empty_database_url) == schema_version.heads()
    assert differences(empty_database_url) == []
    schema_version.require_current(empty_database_url)


def test_the_test_suites_copy_is_what_the_migrations_make(
        empty_database_url: str, database_url: str) -> None:
    schema_version.upgrade(empty_database_url)
    assert shape(database_url) == shape(empty_database_url)
    assert schema_version.current(database_url) == schema_version.heads()


def test_upgrading_again_changes_nothing(database_url: str) -> None:
    before = shape(database_url)
    assert schema_version.upgrade(database_url) == [f"database at {schema_version.heads()[0]} (newest)"]
    assert shape(database_url) == before


def test_each_revision_steps_down_and_up_again_to_the_same_schema(
        empty_database_url: str) -> None:
    url = empty_database_url
    below = shape(url)
    for revision in reversed(list(migrate.script().walk_revisions())):
        schema_version.upgrade(url, revision.revision)
        here = shape(url)
        if getattr(revision.module, "reversible", True):
            schema_version.downgrade(url, revision.down_revision or "base")
            assert shape(url) == below, f"{revision.revision} does not undo itself"
            schema_version.upgrade(url, revision.revision)
            assert shape(url) == here, f"{revision.revision} differs after a round trip"
        below = here
    schema_version.downgrade(url, "base")
    assert shape(url) == {} or not getattr(
        list(migrate.script().walk_revisions())[-1].module, "reversible", True)


def test_constraints_and_indexes_are_named_by_the_convention(database_url: str) -> None:
    wanted = {str(c.name) for t in metadata.tables.values()
              for c in [*t.constraints, *t.indexes]}
    assert all(len(name) <= MAX_NAME for name in wanted), "PostgreSQL would cut these names"
    found = shape(database_url)
    named = {str(t["pk"]["name"]) for t in found.values()}
    named |= {n for t in found.values() for key in ("unique", "foreign", "indexes")
              for n, *_ in t[key]}
    assert named == wanted  # the same on SQLite and PostgreSQL: none is left unnamed
    assert "cases_ref_key" in named and "case_media_case_id_fkey" in named


def test_a_process_refuses_to_start_on_a_database_not_upgraded(
        overrides: dict[str, Any], empty_database_url: str) -> None:
    from hotline.app import create_app

    with pytest.raises(SchemaNotCurrent, match="hotline db upgrade"):
        create_app({**overrides, "database_url": empty_database_url})
    assert shape(empty_database_url) == {}  # it changed nothing


def test_the_embedded_default_is_migrated_when_the_bot_starts(
        overrides: dict[str, Any], tmp_path: Any) -> None:
    from hotline import config
    from hotline.service import Service

    settings = config.load(environ={}, **{**overrides, "database_url": "",
                                          "var_dir": str(tmp_path / "fresh" / "var")})
    service = Service.from_settings(settings)
    try:
        assert schema_version.current(settings.sqlalchemy_url) == schema_version.heads()
        assert service.cases.count() == 0
    finally:
        service.close()


def _upgrade_when_all_are_ready(url: str, barrier: Any) -> list[str]:
    barrier.wait()
    return schema_version.upgrade(url)


def test_migrators_starting_at_once_take_turns(empty_database_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager:
        barrier = manager.Barrier(3)
        with spawn.Pool(3) as pool:
            results = pool.starmap(_upgrade_when_all_are_ready,
                                   [(empty_database_url, barrier)] * 3)
    assert sum(len(r) > 1 for r in results) == 1  # one applied the revisions
    assert differences(empty_database_url) == []
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


def test_hotline_db_commands_upgrade_report_and_check(
        empty_database_url: str, overrides: dict[str, Any]) -> None:
    env = {env_name(k): str(v) for k, v in {**overrides,
                                            "database_url": empty_database_url}.items()}
    runner = CliRunner()
    behind = runner.invoke(main, ["db", "current"], env=env)
    assert behind.exit_code == 1 and "run `hotline db upgrade`" in behind.output
    upgraded = runner.invoke(main, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    assert "applied 0001_initial" in upgraded.output
    again = runner.invoke(main, ["db", "init"], env=env)  # the old name still works
    assert again.exit_code == 0 and "(newest)" in again.output
    assert "applied" not in again.output
    current = runner.invoke(main, ["db", "current"], env=env)
    assert current.exit_code == 0 and current.output.count(schema_version.heads()[0]) == 2
    checked = runner.invoke(main, ["db", "check"], env=env)
    assert checked.exit_code == 0 and "agree" in checked.output


def test_hotline_db_check_names_a_difference(database_url: str,
                                             overrides: dict[str, Any]) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_extra ON cases (locale)"))
    engine.dispose()
    env = {env_name(k): str(v) for k, v in {**overrides, "database_url": database_url}.items()}
    checked = CliRunner().invoke(main, ["db", "check"], env=env)
    assert checked.exit_code == 1 and "ix_extra" in checked.output


def test_downgrade_asks_first(database_url: str, overrides: dict[str, Any]) -> None:
    env = {env_name(k): str(v) for k, v in {**overrides, "database_url": database_url}.items()}
    refused = CliRunner().invoke(main, ["db", "downgrade", "base"], input="n\n", env=env)
    assert refused.exit_code == 1 and schema_version.current(database_url) == schema_version.heads()
    done = CliRunner().invoke(main, ["db", "downgrade", "base", "--yes"], env=env)
    assert done.exit_code == 0 and "reverted 0001_initial" in done.output
    assert schema_version.current(database_url) == ()
