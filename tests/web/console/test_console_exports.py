"""Exports from the console: coordinators only, a recent sign-in, each case on the
record, and a CSV a spreadsheet opens without running anything a worker typed."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from consoling import file_case, organizer
from sqlalchemy import text

from hotline.store.audit import Action


def test_an_organizer_cannot_export(console_app: Any, person: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101")
    me = person()
    me.sign_in(ana)
    assert me.get("/console/export").status_code == 403
    assert me.post("/console/export", {"format": "csv"}).status_code == 403


def test_a_coordinator_exports_spreadsheet_safe_csv_and_json_on_the_record(
        console_app: Any, person: Any) -> None:
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    case_id, ref = file_case(console_app, employer='=HYPERLINK("http://x","pay")',
                             details=("+1 owed", "@boss"))
    me = person()
    me.sign_in(cora)
    me.get("/console/export")
    got = me.post("/console/export", {"format": "csv", "scope": "all"})
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    assert row["employer"] == "'=HYPERLINK(\"http://x\",\"pay\")" and row["ref"] == ref
    assert row["details"].startswith("'+1 owed")
    me.get("/console/export")
    as_json = json.loads(me.post("/console/export", {"format": "json"}).get_data(as_text=True))
    assert as_json[0]["employer"].startswith("=HYPERLINK")  # JSON stays as written
    exported = console_app.extensions["console"].audit.entries(case_id=case_id,
                                                               actions=(Action.EXPORTED,))
    assert [e.detail for e in exported] == ["json all", "csv all"]


def test_an_old_sign_in_must_be_confirmed_before_an_export(
        console_app: Any, person: Any) -> None:
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    file_case(console_app)
    me = person()
    me.sign_in(cora)
    engine = console_app.extensions["hotline"].cases.engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE console_logins SET confirmed_at = :t"),
                     {"t": datetime.now(UTC) - timedelta(minutes=30)})
    me.get("/console/export")
    asked = me.post("/console/export", {"format": "csv"})
    assert asked.status_code == 302 and "/console/confirm" in asked.headers["Location"]
    me.get(asked.headers["Location"])
    assert me.post("/console/confirm", {"code": "000000"}).status_code == 401
    confirmed = me.post("/console/confirm", {"code": me.recovery.pop(),
                                             "next": "/console/export"})
    assert confirmed.status_code == 302
    assert me.post("/console/export", {"format": "csv"}).status_code == 200
