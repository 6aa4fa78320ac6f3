"""A case whose key was removed too soon (before ``hotline db rotate``) still opens in
the console, and staff read what happened to its fields in their own language: the
code's marker never reaches a Korean or Spanish page, packet or export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from consoling import WORKER, file_case, organizer

from hotline.crypto import UNREADABLE, Crypto, new_key
from hotline.dialogue.effects import CaseKind, FileCase
from hotline.store.cases import CaseStore
from hotline.store.notes import NoteStore

KO = "[읽을 수 없음: 암호화 키가 HOTLINE_ENCRYPTION_KEYS에 없습니다]"
ES = "[ilegible: su clave no está en HOTLINE_ENCRYPTION_KEYS]"


def filed_under_a_gone_key(app: Any) -> tuple[int, str]:
    """File a case under a key this deployment no longer has (as ``file`` would have,
    before the key was dropped from HOTLINE_ENCRYPTION_KEYS)."""
    service = app.extensions["hotline"]
    gone = CaseStore(service.cases.engine, Crypto(service.settings.secret_key, new_key()))
    return gone.file(FileCase(
        kind=CaseKind.REPORT, locale="ko", channel="sms", sender=WORKER,
        contact_method="text", contact_number=WORKER, industry="restaurant",
        employer="Assi Market", location="Olympic & Vermont", issues=("unpaid",),
        details=("월급을 못 받았어요",), name="Min"))


def test_a_korean_coordinator_reads_unreadable_fields_in_korean_on_the_page_and_packet(
        console_app: Any, person: Any) -> None:
    jun = organizer(console_app, "Jun Park", "213 555 0106", role="coordinator",
                    languages="ko,en")
    _, ref = filed_under_a_gone_key(console_app)
    me = person()
    me.sign_in(jun)  # the queue lists it, with its area said in Korean
    assert KO in me.page
    assert me.get(f"/console/cases/{ref}").status_code == 200
    assert me.page.count(KO) >= 4  # name, number, business, place, the worker's words
    assert UNREADABLE not in me.page and "월급을 못 받았어요" not in me.page
    assert me.get(f"/console/cases/{ref}/packet").status_code == 200
    assert KO in me.page and UNREADABLE not in me.page


def test_a_spanish_coordinator_exports_unreadable_fields_in_spanish(
        console_app: Any, person: Any) -> None:
    cora = organizer(console_app, "Cora", "213 555 0105", role="coordinator",
                     languages="es,en")
    _, ref = filed_under_a_gone_key(console_app)
    me = person()
    me.sign_in(cora)
    me.get(f"/console/cases/{ref}")
    assert ES in me.page and UNREADABLE not in me.page
    assert me.get("/console/employers").status_code == 200  # its name waits for its key
    me.get("/console/export")
    got = me.post("/console/export", {"format": "csv", "scope": "all"})
    (row,) = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    assert row["ref"] == ref and row["employer"] == ES and row["details"] == ES
    me.get("/console/export")
    (case,) = json.loads(me.post("/console/export", {"format": "json"}).get_data(
        as_text=True))
    assert case["contact"] == ES and case["industry"] == "restaurant"


def a_case_of_jun(app: Any) -> tuple[Any, int, str, Crypto]:
    """Jun, a coordinator who reads Korean; a case; and the crypto of a key this
    deployment no longer has (what was written under it cannot be read)."""
    jun = organizer(app, "Jun Park", "213 555 0106", role="coordinator", languages="ko,en")
    case_id, ref = file_case(app)
    gone = Crypto(app.extensions["hotline"].settings.secret_key, new_key())
    return jun, case_id, ref, gone


def jun_reads_it_in_korean(person: Any, jun: Any, ref: str) -> str:
    """Open the case as Jun (never a 500); return the page, which says "unreadable" in
    Korean and never shows the code's marker."""
    me = person()
    me.sign_in(jun)
    assert me.get(f"/console/cases/{ref}").status_code == 200
    assert KO in me.page and UNREADABLE not in me.page
    return str(me.page)


def test_a_note_whose_key_is_gone_reads_in_korean_on_the_timeline(
        console_app: Any, person: Any) -> None:
    jun, case_id, ref, gone = a_case_of_jun(console_app)
    NoteStore(console_app.extensions["hotline"].cases.engine, gone).add(
        case_id, jun.id, jun.name, "Called Min: paid cash")
    assert "Called Min" not in jun_reads_it_in_korean(person, jun, ref)


def test_a_message_to_the_worker_whose_key_is_gone_reads_in_korean_on_the_timeline(
        console_app: Any, person: Any) -> None:
    from datetime import UTC, datetime

    from hotline.store.messages import Draft, MessageStore

    jun, case_id, ref, gone = a_case_of_jun(console_app)
    words = "상담원이 사건을 맡았어요"
    MessageStore(console_app.extensions["hotline"].cases.engine, gone).add(Draft(
        key="gone-key-message", purpose="notice", sender=WORKER, recipient=WORKER,
        channel="sms", body=words, locale="ko", case_id=case_id), datetime.now(UTC))
    assert words not in jun_reads_it_in_korean(person, jun, ref)
