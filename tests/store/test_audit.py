"""The audit: one row for every recorded action, append-only in the database itself,
and nothing in it that names or reaches a worker."""

from __future__ import annotations

from typing import Any

import pytest
from consoling import WORKER, alert, file_case, organizer
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hotline.store.audit import Action, AuditStore, masked


def test_masked_hides_every_digit_run_and_keeps_one_line() -> None:
    assert masked("call 213-555-0123\nor (213) 555 0124 at 9") == "call # or # at #"
    assert len(masked("x" * 500)) == 200


def test_the_database_refuses_to_change_or_delete_an_entry(database_url: str) -> None:
    from hotline.store.db import make_engine

    engine = make_engine(database_url)
    try:
        store = AuditStore(engine)
        store.record(Action.VIEWED, organizer_id=1, actor="Ana", ip_hash="abc", case_id=1,
                     case_ref="123456")
        for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        (entry,) = store.entries()
        assert entry.actor == "Ana" and entry.action == Action.VIEWED
    finally:
        engine.dispose()


def test_every_action_in_the_console_leaves_a_row_and_no_worker_words_or_numbers(
        console_app: Any, person: Any) -> None:
    ana = organizer(console_app, "Ana Kim", "213 555 0101", languages="ko,en",
                    industries="restaurant")
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator")
    case_id, ref = file_case(console_app)
    alert(console_app, case_id)
    me = person()
    me.sign_in(ana)
    me.get(f"/console/cases/{ref}")
    me.post(f"/console/cases/{ref}/claim")
    me.get(f"/console/cases/{ref}")
    me.post(f"/console/cases/{ref}/notes", {"body": "Min says 사장님 owes $900, call 213 555 0123"})
    me.post(f"/console/cases/{ref}/reveal", {"reason": "other", "why": "at +1 213 555 0123"})
    me.get(f"/console/cases/{ref}/packet")
    me.get(f"/console/cases/{ref}")
    me.post(f"/console/cases/{ref}/close", {"outcome": "resolved"})
    me.post("/console/sign-out")
    boss = person()
    boss.sign_in(cora)
    boss.get(f"/console/cases/{ref}")
    boss.post(f"/console/cases/{ref}/reopen")
    boss.post(f"/console/cases/{ref}/assign", {"organizer": str(ana.id)})
    boss.get("/console/export")
    boss.post("/console/export", {"format": "csv", "scope": "all"})
    boss.get("/console/audit")
    assert "Ana Kim" in boss.page and ref in boss.page

    entries = console_app.extensions["console"].audit.entries(limit=500)
    done = {(e.actor, e.action) for e in entries}
    for action in (Action.SIGNED_IN, Action.VIEWED, Action.CLAIMED, Action.NOTED,
                   Action.REVEALED, Action.PACKET, Action.CLOSED, Action.SIGNED_OUT):
        assert ("Ana Kim", action) in done, action
    for action in (Action.SIGNED_IN, Action.VIEWED, Action.REOPENED, Action.ASSIGNED,
                   Action.EXPORTED):
        assert ("Cora", action) in done, action
    assert all(e.ip_hash and "127.0.0.1" not in e.ip_hash for e in entries)
    engine = console_app.extensions["hotline"].cases.engine
    with engine.connect() as conn:  # every column but the times, the hashed address and
        # the case's number, whose digits may hold "0123" by chance
        dumped = " ".join(str(v) for row in conn.execute(text("SELECT * FROM audit"))
                          for k, v in row._mapping.items()
                          if k not in ("at", "ip_hash", "case_ref"))
    for secret in (WORKER, "2135550123", "555 0123", "0123", "Min", "사장님", "월급", "$900"):
        assert secret not in dumped, secret
