"""Coordinators are e-mailed 30, 7 and 1 days before a dated figure runs out, once each,
by the worker's upkeep (driven clock; a real local SMTP server receives the mail)."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from casework import add
from fakes import Mailbox, body_of

from hotline import config
from hotline.alerts.reminders import send_reminders
from hotline.dialogue.facts import PACKAGED_FILE
from hotline.outbound.twilio_sms import TwilioSender
from hotline.service import Service
from hotline.store.organizers import Organizer
from hotline.upkeep import Upkeep

PACIFIC = ZoneInfo("America/Los_Angeles")
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


def at(*args: int) -> datetime:
    """A moment in Los Angeles (9 a.m. unless given)."""
    return datetime(*args, tzinfo=PACIFIC) if len(args) > 3 else \
        datetime(*args, 9, 0, tzinfo=PACIFIC)


@pytest.fixture
def facts_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts.toml"
    path.write_text(PACKAGED, encoding="utf-8")
    return path


@pytest.fixture
def service(alert_overrides: dict[str, Any], facts_file: Path):  # type: ignore[no-untyped-def]
    built = Service.from_settings(config.load(environ={}, **alert_overrides,
                                              facts_file=str(facts_file)))
    yield built
    built.close()


@pytest.fixture
def coordinators(service: Service) -> dict[str, Organizer]:
    return {
        "cora": add(service, "Cora", None, email="cora@example.org", languages="en",
                    role="coordinator"),
        "min": add(service, "Min Lee", None, email="min@example.org", languages="ko,en",
                   role="coordinator"),
        "ana": add(service, "Ana Kim", "213 555 0101", email="ana@example.org",
                   languages="en"),  # an organizer, not a coordinator
        "old": add(service, "Old", None, email="old@example.org", role="coordinator",
                   active=False),
    }


def reminders(mailbox: Mailbox, since: int = 0) -> list[tuple[str, str]]:
    return [(m["To"], str(m["Subject"]).strip()) for m in mailbox.messages[since:]]


def test_each_active_coordinator_gets_the_30_day_reminder_once_in_their_language(
        service: Service, coordinators: dict[str, Organizer], mailbox: Mailbox) -> None:
    assert send_reminders(service, at(2026, 12, 1)) == 0  # 31 days before
    assert send_reminders(service, at(2026, 12, 2)) == 2
    got = reminders(mailbox)
    assert sorted(to for to, _ in got) == ["cora@example.org", "min@example.org"]
    english = next(m for m in mailbox.messages if m["To"] == "cora@example.org")
    assert str(english["Subject"]).strip() == ("Hotline facts: California minimum wage, every employer "
                                  "runs out in 30 day(s)")
    text = body_of(english)
    assert "$16.90: the hotline stops stating this figure on January 1, 2027." in text
    assert "key ca_minimum_wage and effective 2027-01-01" in text
    assert "hotline facts check" in text
    assert "Source: hrledger.com/california-minimum-wage-increases-in-2026" in text
    assert "Last reviewed: November 27, 2026" in text
    korean = next(m for m in mailbox.messages if m["To"] == "min@example.org")
    assert str(korean["Subject"]).strip().startswith("핫라인 수치 만료 30일 전")
    assert "2027년 1월 1일" in body_of(korean)

    assert send_reminders(service, at(2026, 12, 2, 15, 0)) == 0  # later the same day
    assert send_reminders(service, at(2026, 12, 10)) == 0  # still the 30-day reminder


def test_the_7_and_1_day_reminders_follow_and_nothing_after_the_figure_runs_out(
        service: Service, coordinators: dict[str, Organizer], mailbox: Mailbox) -> None:
    sent = [send_reminders(service, at(2026, 12, day)) for day in range(2, 32)]
    sent.append(send_reminders(service, at(2027, 1, 1)))
    assert sum(sent) == 6  # 30, 7 and 1 days before, to two coordinators
    days = [s.rsplit(" in ", 1)[1] for to, s in reminders(mailbox) if to == "cora@example.org"]
    assert days == ["30 day(s)", "7 day(s)", "1 day(s)"]


def test_a_worker_that_was_down_sends_the_nearest_reminder_when_it_is_back(
        service: Service, coordinators: dict[str, Organizer], mailbox: Mailbox) -> None:
    assert send_reminders(service, at(2026, 12, 28)) == 2  # 4 days left: the 7-day one
    assert ("cora@example.org", "Hotline facts: California minimum wage, every employer "
            "runs out in 4 day(s)") in reminders(mailbox)
    assert ("min@example.org", "핫라인 수치 만료 4일 전: California minimum wage, every "
            "employer") in reminders(mailbox)


def test_no_reminder_once_staff_entered_the_next_figure(
        service: Service, coordinators: dict[str, Organizer], mailbox: Mailbox,
        facts_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hotline.words import facts as facts_module

    monkeypatch.setattr(facts_module, "RELOAD_CHECK_SECONDS", 0.0)
    facts_file.write_text(PACKAGED + STATE_2027, encoding="utf-8")
    os.utime(facts_file, (time.time() + 5, time.time() + 5))
    assert send_reminders(service, at(2026, 12, 31)) == 0
    assert mailbox.messages == []


def test_a_refused_send_is_tried_again_an_hour_later(
        service: Service, coordinators: dict[str, Organizer], mailbox: Mailbox) -> None:
    mailbox.busy = 2  # the next two deliveries get "451 try again later"
    assert send_reminders(service, at(2026, 12, 25)) == 0
    assert send_reminders(service, at(2026, 12, 25, 9, 30)) == 0  # within the hour
    # an hour on, the retry marks have expired (Redis TTL); expire them now
    service.conn.delete(*service.conn.keys(f"{service.settings.redis_prefix}facts:*trying"))
    assert send_reminders(service, at(2026, 12, 25, 10, 30)) == 2


def test_the_upkeep_tick_sends_the_reminders(
        service: Service, coordinators: dict[str, Organizer], mailbox: Mailbox) -> None:
    twilio = TwilioSender(service.settings)
    try:
        report = Upkeep(service, twilio).tick(at(2026, 12, 31).astimezone(ZoneInfo("UTC")))
    finally:
        twilio.close()
    assert report.reminded == 2
    assert ("cora@example.org", "Hotline facts: California minimum wage, every employer "
            "runs out in 1 day(s)") in reminders(mailbox)


def test_with_no_coordinator_the_digest_readers_get_it(
        service: Service, mailbox: Mailbox, alert_overrides: dict[str, Any],
        facts_file: Path) -> None:
    other = Service.from_settings(config.load(
        environ={}, **alert_overrides, facts_file=str(facts_file),
        digest_to="office@example.org"))
    try:
        assert send_reminders(other, at(2026, 12, 25)) == 1
    finally:
        other.close()
    assert reminders(mailbox) == [("office@example.org", "Hotline facts: California minimum "
                                   "wage, every employer runs out in 7 day(s)")]


def test_nobody_to_tell_is_logged_not_raised(service: Service, mailbox: Mailbox,
                                             caplog: pytest.LogCaptureFixture) -> None:
    assert send_reminders(service, at(2026, 12, 25)) == 0
    assert "add a coordinator with an e-mail" in caplog.text
    assert mailbox.messages == []
