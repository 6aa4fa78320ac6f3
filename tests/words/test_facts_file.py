"""The facts file staff keep: refused when incomplete, re-read when edited, and checked
with a driven clock (never the real one, so time passing cannot fail the suite)."""

from __future__ import annotations

import logging
import os
import time
from datetime import date
from pathlib import Path

import pytest

from hotline.dialogue.facts import PACKAGED_FILE, FactsError
from hotline.words import facts as facts_module
from hotline.words.facts import (
    FactsFile,
    Finding,
    State,
    load,
    months_before,
    problems,
    reminders_due,
    standing,
)

PACKAGED = PACKAGED_FILE.read_text(encoding="utf-8")
STATE_2027 = """
[[figure]]
key = "ca_minimum_wage"
what = "California minimum wage, every employer"
value = "$17.05"
effective = 2027-01-01
next_change = 2028-01-01
reviewed = 2026-12-20
source = "dir.ca.gov (test entry)"
"""


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def reviewed_now(text: str, day: str = "2026-11-27") -> str:
    """The packaged facts as if every entry had just been re-checked."""
    return text.replace("reviewed = 2026-02-01", f"reviewed = {day}")


def test_the_packaged_file_loads(tmp_path: Path) -> None:
    assert load(written(tmp_path, PACKAGED)).keys()


def test_a_file_missing_an_explainers_entry_is_refused(tmp_path: Path) -> None:
    head, tail = PACKAGED.split('[[topic]]\nkey = "safety"', 1)
    broken = head + "[[topic]]\nkey = \"saftey\"" + tail
    with pytest.raises(FactsError, match='no \\[\\[topic\\]\\] entry with key = "safety"'):
        load(written(tmp_path, broken))


def test_an_unknown_key_is_refused_as_a_likely_typo(tmp_path: Path) -> None:
    stray = STATE_2027.replace("ca_minimum_wage", "ca_minimun_wage")
    with pytest.raises(FactsError, match="ca_minimun_wage .a typo"):
        load(written(tmp_path, PACKAGED + stray))


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(FactsError, match="cannot read it"):
        load(tmp_path / "nowhere.toml")


def test_a_running_process_picks_up_an_edit_and_keeps_the_last_good_file_on_a_bad_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(facts_module, "RELOAD_CHECK_SECONDS", 0.0)
    path = written(tmp_path, PACKAGED)
    held = FactsFile(path)
    first = held.current()
    assert held.current() is first  # unchanged file: same book, no re-parse

    path.write_text(PACKAGED + STATE_2027, encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    edited = held.current()
    assert edited.current("ca_minimum_wage", date(2027, 1, 1)).value == "$17.05"  # type: ignore[union-attr]

    path.write_text(PACKAGED + "[[figure]]\nkey = 1\n", encoding="utf-8")
    os.utime(path, (time.time() + 10, time.time() + 10))
    with caplog.at_level(logging.ERROR):
        assert held.current() is edited
    assert "last good one stays in use" in caplog.text


def test_a_broken_file_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(FactsError):
        FactsFile(written(tmp_path, "[[figure]]\nkey = 'x'\n"))


def test_where_each_figure_stands_on_a_day(tmp_path: Path) -> None:
    book = load(written(tmp_path, PACKAGED + STATE_2027))
    on = {s.key: s for s in standing(book, date(2026, 12, 31))}
    state = on["ca_minimum_wage"]
    assert state.state is State.CURRENT and state.current and state.current.value == "$16.90"
    assert state.days_left == 1 and state.successor and state.successor.value == "$17.05"
    assert not state.needs_successor
    city = on["la_city_minimum_wage"]
    assert city.state is State.RUN_OUT and city.changes_on == date(2026, 7, 1)
    assert on["overtime"].days_left is None  # no scheduled change


def check_of(book_text: str, tmp_path: Path, day: date) -> list[tuple[str, Finding]]:
    return [(p.key, p.finding) for p in problems(load(written(tmp_path, book_text)), day)]


def test_the_check_passes_when_every_figure_is_fresh_and_in_its_window(tmp_path: Path) -> None:
    # City and county entered for 2026-07-01 (test entries), everything reviewed recently
    later = reviewed_now(PACKAGED, "2026-09-01")
    for key in ("la_city_minimum_wage", "la_county_minimum_wage"):
        later += (f'\n[[figure]]\nkey = "{key}"\nwhat = "x"\nvalue = "$18.00"\n'
                  "effective = 2026-07-01\nnext_change = 2027-07-01\nreviewed = 2026-09-01\n"
                  'source = "test entry"\n')
    assert check_of(later, tmp_path, date(2026, 11, 16)) == []  # 46 days before Jan 1


def test_the_check_fails_45_days_before_a_figure_runs_out_with_no_successor(
        tmp_path: Path) -> None:
    text = reviewed_now(PACKAGED)
    assert ("ca_minimum_wage", Finding.RUNS_OUT_SOON) in check_of(text, tmp_path,
                                                                  date(2026, 11, 17))
    assert ("ca_minimum_wage", Finding.RUNS_OUT_SOON) not in check_of(
        text + STATE_2027, tmp_path, date(2026, 11, 17))


def test_the_check_fails_once_a_figure_in_use_has_run_out(tmp_path: Path) -> None:
    found = check_of(reviewed_now(PACKAGED), tmp_path, date(2027, 1, 1))
    assert ("ca_minimum_wage", Finding.RUN_OUT) in found
    assert ("la_city_minimum_wage", Finding.RUN_OUT) in found
    assert ("la_county_minimum_wage", Finding.RUN_OUT) in found


def test_the_check_fails_when_a_figure_in_use_was_reviewed_over_6_months_ago(
        tmp_path: Path) -> None:
    text = reviewed_now(PACKAGED, "2026-05-27")
    assert ("overtime", Finding.REVIEW_DUE) not in check_of(text, tmp_path, date(2026, 11, 27))
    assert ("overtime", Finding.REVIEW_DUE) in check_of(text, tmp_path, date(2026, 11, 28))


@pytest.mark.parametrize(("day", "mark"), [
    (date(2026, 12, 1), None), (date(2026, 12, 2), 30), (date(2026, 12, 24), 30),
    (date(2026, 12, 25), 7), (date(2026, 12, 30), 7), (date(2026, 12, 31), 1),
    (date(2027, 1, 1), None)])
def test_reminders_fall_due_30_7_and_1_days_before_a_figure_runs_out(
        tmp_path: Path, day: date, mark: int | None) -> None:
    book = load(written(tmp_path, PACKAGED))
    due = {s.key: m for s, m in reminders_due(book, day)}
    assert due.get("ca_minimum_wage") == mark
    assert "la_city_minimum_wage" not in due  # ran out already: `hotline facts check` says so


def test_no_reminder_once_the_successor_is_entered(tmp_path: Path) -> None:
    book = load(written(tmp_path, PACKAGED + STATE_2027))
    assert reminders_due(book, date(2026, 12, 31)) == []


@pytest.mark.parametrize(("day", "earlier"), [
    (date(2026, 11, 27), date(2026, 5, 27)), (date(2026, 8, 31), date(2026, 2, 28)),
    (date(2027, 3, 31), date(2026, 9, 30)), (date(2026, 1, 15), date(2025, 7, 15))])
def test_six_months_before_is_a_calendar_step(day: date, earlier: date) -> None:
    assert months_before(day, 6) == earlier
