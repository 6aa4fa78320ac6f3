"""Cases in real SQL (SQLite, or PostgreSQL when HOTLINE_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from hotline.crypto import Crypto, new_key
from hotline.dialogue.effects import CaseKind, FileCase, MediaItem
from hotline.store.cases import CaseStore
from hotline.store.db import make_engine

REPORT = FileCase(kind=CaseKind.REPORT, locale="ko", channel="sms", sender="+12135550100",
                  contact_method="text", contact_number="+12135550100", industry="garment",
                  employer="대한봉제", location="LA 다운타운", issues=("unpaid", "overtime"),
                  details=("석 달째", "월급을 못 받았어요"), when="this_month",
                  still_working=True, name="민수",
                  media=(MediaItem("https://api.twilio.com/m/1", "image/png"),))


@pytest.fixture
def store(database_url: str):  # type: ignore[no-untyped-def]
    store = CaseStore(make_engine(database_url), Crypto("secret"))
    yield store
    store.engine.dispose()


def test_a_filed_case_reads_back_decrypted(store: CaseStore) -> None:
    case_id, ref = store.file(REPORT)
    case = store.get(case_id)
    assert case is not None and case.ref == ref and len(ref) == 6 and ref.isdigit()
    assert (case.employer, case.location, case.name, case.contact) == (
        "대한봉제", "LA 다운타운", "민수", "+12135550100")
    assert case.details == "석 달째\n\n월급을 못 받았어요"
    assert case.issues == ("unpaid", "overtime") and case.status == "open"
    assert case.media == (("https://api.twilio.com/m/1", "image/png"),)
    assert store.events(case_id) == [("filed", "report")]


def test_nothing_personal_is_readable_in_the_tables(store: CaseStore) -> None:
    store.file(REPORT)
    with store.engine.connect() as conn:
        rows = [repr(tuple(r)) for table in ("cases", "case_media")
                for r in conn.execute(text(f"SELECT * FROM {table}"))]
    dump = "".join(rows)
    for secret in ("대한봉제", "다운타운", "민수", "2135550100", "월급", "api.twilio.com"):
        assert secret not in dump


def test_references_are_unique(store: CaseStore) -> None:
    refs = {store.file(REPORT)[1] for _ in range(60)}
    assert len(refs) == 60


def test_cases_list_newest_first(store: CaseStore) -> None:
    first = store.file(REPORT)[1]
    second = store.file(REPORT)[1]
    assert [c.ref for c in store.newest()] == [second, first]


def test_an_old_key_still_decrypts_after_rotation(database_url: str) -> None:
    old, new = new_key(), new_key()
    before = CaseStore(make_engine(database_url), Crypto("s", old))
    case_id, _ = before.file(REPORT)
    after = CaseStore(make_engine(database_url), Crypto("s", f"{new},{old}"))
    case = after.get(case_id)
    assert case is not None and case.name == "민수"
    before.engine.dispose()
    after.engine.dispose()


def test_filing_state_says_what_open_case_of_and_filed_since_say(store: CaseStore) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from hotline.store.cases import CaseRow, CaseStatus

    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    since = now - timedelta(days=1)
    sender = "+12135550177"
    effect = replace(REPORT, sender=sender)

    def both() -> tuple[object, int]:
        return store.open_case_of(sender), store.filed_since(sender, since)

    assert store.filing_state(sender, since) == both() == (None, 0)
    old, _ = store.file(effect, now - timedelta(days=3))  # open, not recent
    assert store.filing_state(sender, since) == both() and both()[0] is not None
    recent, _ = store.file(effect, now - timedelta(hours=2))
    store.file(replace(effect, sender="+12135550178"), now)  # someone else's
    assert store.filing_state(sender, since) == both() == (both()[0], 1)
    with store.engine.begin() as conn:  # the newest closed: the older open one is found
        conn.execute(update(CaseRow).where(CaseRow.id == recent)
                     .values(status=str(CaseStatus.CLOSED)))
    assert store.filing_state(sender, since) == both()
    assert both()[0] is not None and both()[0][0] == old and both()[1] == 1  # type: ignore[index]
    with store.engine.begin() as conn:  # all closed: none open, the recent one counted
        conn.execute(update(CaseRow).values(status=str(CaseStatus.CLOSED)))
    assert store.filing_state(sender, since) == both() == (None, 1)
