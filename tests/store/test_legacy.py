"""A database made before migrations (by ``create_all``, with real rows: see
legacy/record.py) is recognised, checked, adopted and upgraded with nothing lost; one
that is not as an earlier version made it is left untouched, with the reason."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from hotline.cli import main
from hotline.config import env_name
from hotline.crypto import Crypto
from hotline.dialogue.effects import CaseKind, FileCase
from hotline.store import db, migrate, schema_version
from hotline.store.assignments import AssignmentStore
from hotline.store.cases import CaseStore
from hotline.store.deletions import Deletions
from hotline.store.deliveries import DeliveryStore, Status
from hotline.store.legacy import NotAdoptable
from hotline.store.optouts import OptOuts
from hotline.store.organizers import OrganizerStore
from hotline.store.spool import Spool

LEGACY = Path(__file__).parent / "legacy"
SECRET_KEY = "legacy-fixture-secret"
ENCRYPTION_KEY = "pFDZXCYOPSwa-EvxyLlP2Q_Be3uCcpIoa40UlGM-Gc4="
TABLES = ("alert_outbox", "case_alerts", "case_events", "case_media", "cases", "deliveries",
          "inbound_spool", "opt_outs", "organizers", "twilio_deletions")


def made_before_migrations(url: str, *, then: tuple[str, ...] = ()) -> None:
    """Fill an empty database as the code before migrations left it, then run ``then``."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        assert path
        with sqlite3.connect(path) as conn:
            conn.executescript((LEGACY / "create_all.sqlite.sql").read_text())
            for statement in then:
                conn.execute(statement)
        return
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute((LEGACY / "create_all.postgresql.sql").read_text())
            for statement in then:
                cursor.execute(statement)
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every hotline table, in key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))]
                    for t in TABLES if t in present}
    finally:
        engine.dispose()


def names(url: str) -> set[str]:
    """Return the names of every constraint and index."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            named = set()
            for table in found.get_table_names():
                named.add(str(found.get_pk_constraint(table)["name"]))
                named |= {str(u["name"]) for u in found.get_unique_constraints(table)}
                named |= {str(f["name"]) for f in found.get_foreign_keys(table)}
                named |= {str(i["name"]) for i in found.get_indexes(table)
                          if not i.get("duplicates_constraint")}
            return named
    finally:
        engine.dispose()


def test_a_create_all_database_is_adopted_upgraded_and_keeps_every_row(
        new_database: Any, database_url: str) -> None:
    url = new_database()
    made_before_migrations(url)
    before = rows(url)
    assert len(before["cases"]) == 3 and schema_version.current(url) == ()

    done = schema_version.upgrade(url)

    assert done[0].startswith("adopted a database made before migrations (3 cases")
    assert done[-1] == f"database at {schema_version.heads()[0]} (newest)"
    assert schema_version.current(url) == schema_version.heads()
    after = rows(url)
    assert {t: after[t] for t in before} == before  # every row, every value
    assert names(url) == names(database_url)  # named as a migrated database is
    assert migrate.differences(url) == []


def test_the_adopted_cases_read_back_through_todays_stores(new_database: Any) -> None:
    url = new_database()
    made_before_migrations(url)
    schema_version.upgrade(url)
    engine = db.make_engine(url)
    cases = CaseStore(engine, Crypto(SECRET_KEY, ENCRYPTION_KEY))
    try:
        report = cases.get(1)
        assert report is not None and report.status == "claimed"
        assert (report.name, report.employer, report.location, report.contact) == (
            "민수", "대한봉제", "LA 다운타운", "+12135550100")
        assert report.details == "석 달째\n\n월급을 못 받았어요"
        assert report.media == (("https://api.twilio.com/m/1", "image/jpeg"),)
        assert [kind for kind, _ in cases.events(1)] == [
            "filed", "urgent", "claimed", "note"]
        erased = cases.get(3)
        assert erased is not None and erased.employer is None and erased.issues == ("breaks",)
        assert [o.name for o in OrganizerStore(engine).all()] == ["김민지", "Rosa Medina"]
        alert = AssignmentStore(engine).get(1)
        assert alert is not None and alert.claimed_by == 1 and alert.urgent
        (sent,) = DeliveryStore(engine).for_case(1)
        assert sent.status == Status.SENT and sent.provider_id.startswith("SM0123")
        assert OptOuts(cases).opted_out("+13105550123")
        assert [i.text for _, _, i in Spool(cases).waiting()] == ["hola?"]
        assert Spool(cases).unsent()[0][2] == ("곧 답해 드릴게요.",)
        assert Deletions(cases).count() == 2
        # new rows carry on after the old ones
        new_id, _ = cases.file(FileCase(kind=CaseKind.CALLBACK, locale="ko", channel="sms",
                                        sender="+12135550100", contact_method="text"))
        assert new_id == 4 and cases.count() == 4
    finally:
        engine.dispose()


def test_tables_an_older_version_did_not_have_yet_are_created(new_database: Any) -> None:
    url = new_database()  # as 4b3f462 left it: no Twilio deletions, and earlier no spool
    made_before_migrations(url, then=("DROP TABLE twilio_deletions", "DROP TABLE inbound_spool"))
    before = rows(url)

    done = schema_version.upgrade(url)

    assert "created the tables it did not have yet: inbound_spool, twilio_deletions" in done
    after = rows(url)
    assert {t: after[t] for t in before} == before
    assert after["twilio_deletions"] == [] and migrate.differences(url) == []


@pytest.mark.parametrize("change, reason", [
    ("ALTER TABLE cases ADD COLUMN notes VARCHAR(10)", "cases.notes is not hotline's"),
    ("DROP INDEX ix_deliveries_chain", "deliveries indexes are"),
    ("ALTER TABLE case_events RENAME COLUMN detail TO details", "case_events.detail is missing"),
])
def test_a_database_not_as_create_all_made_it_is_left_untouched(
        new_database: Any, change: str, reason: str) -> None:
    url = new_database()
    made_before_migrations(url, then=(change, "DROP TABLE opt_outs"))
    before = rows(url)

    with pytest.raises(NotAdoptable, match=reason):
        schema_version.upgrade(url)

    assert rows(url) == before  # no opt_outs made, nothing stamped, every row where it was
    assert schema_version.current(url) == ()


def test_a_postgresql_constraint_named_otherwise_is_left_untouched(new_database: Any) -> None:
    url = new_database()
    if url.startswith("sqlite"):
        pytest.skip("SQLite made its constraints without names; PostgreSQL named them")
    made_before_migrations(url, then=(
        "ALTER TABLE cases RENAME CONSTRAINT cases_ref_key TO cases_ref_unique",))
    with pytest.raises(NotAdoptable, match=r"cases has \['cases_ref_unique'\] where "
                                           r"\['cases_ref_key'\] belong"):
        schema_version.upgrade(url)
    assert schema_version.current(url) == ()


def test_hotline_db_upgrade_adopts_the_var_hotline_db_of_an_earlier_version(
        tmp_path: Path, overrides: dict[str, Any]) -> None:
    var = tmp_path / "var"
    var.mkdir()
    made_before_migrations(f"sqlite:///{var / 'hotline.db'}")
    env = {env_name(k): str(v) for k, v in overrides.items()
           if k not in ("database_url", "var_dir")}
    env |= {env_name("var_dir"): str(var), env_name("secret_key"): SECRET_KEY,
            env_name("encryption_keys"): ENCRYPTION_KEY, env_name("database_url"): ""}
    runner = CliRunner()

    upgraded = runner.invoke(main, ["db", "upgrade"], env=env)

    assert upgraded.exit_code == 0, upgraded.output
    assert "adopted a database made before migrations (3 cases" in upgraded.output
    listed = runner.invoke(main, ["cases", "list"], env=env)
    assert listed.exit_code == 0 and len(listed.output.splitlines()) == 3
    assert "callback" in listed.output and "garment" in listed.output


def test_the_alembic_command_sends_a_create_all_database_to_hotline_db_upgrade(
        new_database: Any) -> None:
    url = new_database()
    made_before_migrations(url)
    cfg = migrate.config()
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with pytest.raises(SystemExit, match="hotline db upgrade"):
        command.upgrade(cfg, "head")
    assert schema_version.current(url) == ()
