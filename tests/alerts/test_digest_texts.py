"""The daily digest's words: the cases not closed, those nobody took first, a line each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from hotline.alerts.digest_texts import digest
from hotline.store.assignments import OpenCase
from hotline.words.catalogs import Catalogs

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogs(compiled_locales: Path) -> Catalogs:
    return Catalogs(compiled_locales, ("en", "es", "ko"))


def test_the_digest_lists_cases_not_taken_and_taken_but_open(catalogs: Catalogs) -> None:
    cases = [
        OpenCase("1111", "report", NOW - timedelta(hours=26), "ko", "restaurant", ("unpaid",),
                 urgent=True, level=1, claimed_name=None),
        OpenCase("2222", "callback", NOW - timedelta(minutes=45), "es", None, (), urgent=False,
                 level=0, claimed_name=None),
        OpenCase("3333", "report", NOW - timedelta(hours=3), "en", "garment", ("tips",),
                 urgent=False, level=0, claimed_name="Ana Kim"),
    ]
    subject, body = digest(catalogs, cases, date(2026, 11, 25), NOW)
    assert subject == "Hotline digest 2026-11-25 - open cases: 3"
    unclaimed, claimed = body.strip().split("\n\n")
    assert unclaimed.splitlines()[0] == "Not taken yet (2):"
    assert ("1111  1d 2h  URGENT  escalated  Report  Korean  Restaurant  "
            "Not paid or paid late") in unclaimed
    assert "2222  0h 45m  Callback request  Spanish" in unclaimed
    assert claimed.splitlines() == ["Taken, not closed (1):",
                                    "3333  3h 00m  Report  English  Garment  Tips taken  "
                                    "with Ana Kim"]
    assert digest(catalogs, [], date(2026, 11, 25), NOW)[1] == "No open cases.\n"
