"""``hotline facts``: staff see every dated figure; ``facts check`` fails for cron and CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.dialogue.facts import PACKAGED_FILE

PACKAGED = PACKAGED_FILE.read_text(encoding="utf-8")
FRESH = PACKAGED.replace("reviewed = 2026-02-01", "reviewed = 2026-09-01")
FOLLOW_UPS = "".join(
    f'\n[[figure]]\nkey = "{key}"\nwhat = "test entry"\nvalue = "{value}"\n'
    f"effective = {start}\nnext_change = {end}\nreviewed = 2026-09-01\n"
    'source = "test entry"\n'
    for key, value, start, end in (
        ("la_city_minimum_wage", "$18.00", "2026-07-01", "2027-07-01"),
        ("la_county_minimum_wage", "$18.00", "2026-07-01", "2027-07-01"),
        ("ca_minimum_wage", "$17.05", "2027-01-01", "2028-01-01"),
    ))


@pytest.fixture
def facts_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts.toml"
    path.write_text(PACKAGED, encoding="utf-8")
    return path


def run(path: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["facts", *args], env={"FACTS_FILE": str(path)})


def test_the_list_shows_each_figure_with_window_source_review_and_days_left(
        facts_file: Path) -> None:
    result = run(facts_file, "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "$16.90  from 2026-01-01, until 2027-01-01  [in use]  reviewed 2026-11-27" in out
    assert "days left: 35 (nothing entered to follow it)" in out
    assert "source: hrledger.com/california-minimum-wage-increases-in-2026" in out
    assert "RUN OUT on 2026-07-01 (149 days ago)" in out
    assert "overtime" in out and "no scheduled change" in out


def test_the_list_names_a_successor_once_entered(facts_file: Path) -> None:
    facts_file.write_text(FRESH + FOLLOW_UPS, encoding="utf-8")
    out = run(facts_file, "--today", "2026-12-31").output
    assert "days left: 1, then $17.05 from 2027-01-01" in out
    assert "[next]" in out


def test_check_fails_today_as_the_sheet_stands(facts_file: Path) -> None:
    result = run(facts_file, "check", "--today", "2026-11-27")
    assert result.exit_code == 1
    assert "ca_minimum_wage: $16.90 (California minimum wage, every employer) runs out in 35" \
        in result.output
    assert "la_city_minimum_wage: no entry in force today; since 2026-07-01" in result.output
    assert "overtime: last reviewed 2026-02-01, more than 6 months ago" in result.output


def test_check_passes_when_every_figure_is_fresh_and_has_what_follows_it(
        facts_file: Path) -> None:
    facts_file.write_text(FRESH + FOLLOW_UPS, encoding="utf-8")
    result = run(facts_file, "check", "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert "facts check passed as of 2026-11-27" in result.output
    assert run(facts_file, "--today", "2026-11-27", "check").exit_code == 0


def test_check_reports_a_broken_file_and_fails(facts_file: Path) -> None:
    facts_file.write_text(PACKAGED.replace("value = \"$16.90\"", "value = 16.90"),
                          encoding="utf-8")
    result = run(facts_file, "check")
    assert result.exit_code == 1
    assert "value must be written in quotes" in result.output


def test_a_bad_date_is_refused(facts_file: Path) -> None:
    result = run(facts_file, "check", "--today", "tomorrow")
    assert result.exit_code == 2 and "not a date like 2027-01-01" in result.output


def test_i18n_check_refuses_a_broken_facts_file(facts_file: Path) -> None:
    facts_file.write_text("[[figure]]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["i18n", "check", "--lang", "en"],
                                env={"FACTS_FILE": str(facts_file)})
    assert result.exit_code == 1 and "hotline facts check" in result.output
