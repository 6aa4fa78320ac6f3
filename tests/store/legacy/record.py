"""Record the databases that hotline made before it had migrations (kept as test data).

Until commit 64cab1b the schema was made by ``Base.metadata.create_all`` at start-up, so
centers have a ``var/hotline.db`` or a PostgreSQL database with those tables and no
``alembic_version``. This script runs *that* code (not today's) through its own stores,
filing cases, organizers, claims, deliveries, an opt-out, an erasure (and the Twilio
deletions it queues) and spooled messages, and writes what it made as SQL that ``test_legacy.py`` replays:

- ``create_all.sqlite.sql``: the SQLite file's own dump (its schema text exactly as
  ``create_all`` wrote it, then every row);
- ``create_all.postgresql.sql``: every statement the old code sent to PostgreSQL
  (``create_all``'s DDL, then its INSERTs and UPDATEs with their values filled in).

Run it once with the old code first on the path, e.g.::

    mkdir /tmp/old && git archive 64cab1b hotline | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python tests/store/legacy/record.py \\
        postgresql+psycopg://postgres@127.0.0.1:5432/test

The output is frozen: the layout it records will never change again.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

HERE = Path(__file__).resolve().parent
#: The deployment secrets the recorded rows were encrypted under (test data only).
SECRET_KEY = "legacy-fixture-secret"
ENCRYPTION_KEY = "pFDZXCYOPSwa-EvxyLlP2Q_Be3uCcpIoa40UlGM-Gc4="
#: The schema the PostgreSQL recording is made in (dropped afterwards).
PG_SCHEMA = "hotline_legacy_record"
T0 = datetime(2026, 10, 5, 14, 30, tzinfo=UTC)


def fill(engine: Engine) -> None:
    """Make the tables and rows a center would have, through the old code's own stores."""
    from hotline.crypto import Crypto
    from hotline.dialogue.effects import CaseKind, FileCase, MediaItem
    from hotline.dialogue.inbound import Channel, Inbound
    from hotline.store.assignments import AssignmentStore
    from hotline.store.cases import CaseStore
    from hotline.store.deliveries import DeliveryStore, Purpose, Status, Transport, chain_of
    from hotline.store.optouts import OptOuts
    from hotline.store.organizers import Changes, OrganizerStore
    from hotline.store.spool import Spool

    if not hasattr(CaseStore, "create_tables"):
        sys.exit("record.py runs the code from before migrations: put it first on PYTHONPATH")
    cases = CaseStore(engine, Crypto(SECRET_KEY, ENCRYPTION_KEY))
    cases.create_tables()
    organizers = OrganizerStore(engine)
    minji = organizers.add(Changes(name="김민지", phone="+12135550111", languages="ko,en",
                                   industries="garment,restaurant", hours="mon-fri 09:00-18:00"))
    organizers.add(Changes(name="Rosa Medina", email="rosa@example.org", languages="es,en",
                           role="coordinator"))
    organizers.heard_from(minji.id, T0 - timedelta(hours=2))

    report = FileCase(kind=CaseKind.REPORT, locale="ko", channel="sms", sender="+12135550100",
                      contact_method="text", contact_number="+12135550100",
                      industry="garment", employer="대한봉제", location="LA 다운타운",
                      issues=("unpaid", "overtime"), details=("석 달째", "월급을 못 받았어요"),
                      when="this_month", still_working=True, name="민수",
                      media=(MediaItem("https://api.twilio.com/m/1", "image/jpeg"),))
    first, ref = cases.file(report, T0)
    callback = FileCase(kind=CaseKind.CALLBACK, locale="es", channel="whatsapp",
                        sender="+13235550142", contact_method="call",
                        contact_number="+13235550199", consent=True)
    cases.file(callback, T0 + timedelta(minutes=7))
    gone = FileCase(kind=CaseKind.REPORT, locale="en", channel="sms", sender="+16265550177",
                    contact_method="none", industry="car_wash", employer="Sunny Wash",
                    issues=("breaks",), details=("no breaks all day",), consent=True)
    cases.file(gone, T0 + timedelta(minutes=20))

    assignments = AssignmentStore(engine)
    assignments.start(first, urgent=True, reasons=("unpaid",), now=T0 + timedelta(seconds=5),
                      due_at=T0 + timedelta(minutes=30))
    assignments.claim(ref, minji.id, minji.name, T0 + timedelta(minutes=3))
    deliveries = DeliveryStore(engine)
    sms = deliveries.ensure(chain=chain_of(first, Purpose.ALERT, minji.id),
                            transport=Transport.SMS, purpose=Purpose.ALERT,
                            now=T0 + timedelta(seconds=6), case_id=first,
                            organizer_id=minji.id, recipient=minji.phone)
    deliveries.take(sms.id, T0 + timedelta(seconds=6))
    deliveries.mark(sms.id, Status.SENT, T0 + timedelta(seconds=7),
                    provider_id="SM0123456789abcdef0123456789abcdef")
    cases.record(first, "note", "called the worker back")

    cases.erase_sender("+16265550177", T0 + timedelta(hours=1))
    from hotline.store.deletions import Deletions

    deletions = Deletions(cases)
    deletions.number("+16265550177", T0 + timedelta(hours=1))
    deletions.sids(["SM0123456789abcdef0123456789abcdee"], T0 + timedelta(hours=1))
    OptOuts(cases).record("+13105550123", T0 + timedelta(hours=2))
    spool = Spool(cases)
    spool.put(Inbound("SMspool1", Channel.SMS, "+12135550100", "아직 답이 없어요"),
              T0 + timedelta(hours=3))
    spool.put(Inbound("SMspool2", Channel.WHATSAPP, "+13235550142", "hola?"),
              T0 + timedelta(hours=3, seconds=4))
    waiting = spool.waiting()
    spool.handled(waiting[0][0], ("곧 답해 드릴게요.",))


def record_sqlite() -> None:
    from hotline.store.db import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hotline.db"
        engine = make_engine(f"sqlite:///{path}")
        fill(engine)
        engine.dispose()
        with sqlite3.connect(path) as conn:
            dump = "\n".join(conn.iterdump())
    (HERE / "create_all.sqlite.sql").write_text(
        "-- hotline before migrations (64cab1b): var/hotline.db as create_all and the old\n"
        "-- stores left it; made by tests/store/legacy/record.py\n" + dump + "\n")


def record_postgresql(base: str) -> None:
    import psycopg

    from hotline.store.db import make_engine

    statements: list[str] = []
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
    sep = "&" if "?" in base else "?"
    engine = make_engine(f"{base}{sep}options=-csearch_path%3D{PG_SCHEMA}")

    @event.listens_for(engine, "before_cursor_execute")
    def _keep(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
              executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "SHOW")):
            return  # reads (create_all's checks, the stores' look-ups) change nothing
        literal = psycopg.ClientCursor(cursor.connection)
        for one in (params if executemany else [params]):
            statements.append(literal.mogrify(statement, one).strip())

    try:
        fill(engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{PG_SCHEMA}" CASCADE'))
        admin.dispose()
    (HERE / "create_all.postgresql.sql").write_text(
        "-- hotline before migrations (64cab1b): every statement create_all and the old\n"
        "-- stores sent to PostgreSQL; made by tests/store/legacy/record.py\n"
        + "".join(f"{s};\n" for s in statements))


if __name__ == "__main__":
    record_sqlite()
    if len(sys.argv) > 1:
        record_postgresql(sys.argv[1])
