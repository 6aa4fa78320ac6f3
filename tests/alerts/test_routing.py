"""Who gets an alert: on-call hours and the routing tiers. Pure tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hotline.alerts.routing import next_at, on_call, pick
from hotline.store.hours import format_hours, parse_hours

LA = ZoneInfo("America/Los_Angeles")
# Wednesday 2026-11-25, 10:00 in Los Angeles (18:00 UTC)
WEDNESDAY_10AM = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
WEDNESDAY_11PM = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
SATURDAY_3AM = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Org:
    name: str
    languages: tuple[str, ...] = ("en",)
    industries: tuple[str, ...] = ()
    hours: str = "always"
    active: bool = True


@pytest.mark.parametrize(("text", "local", "covered"), [
    ("always", datetime(2026, 11, 25, 3, 0, tzinfo=LA), True),
    ("", datetime(2026, 11, 25, 3, 0, tzinfo=LA), True),
    ("Mon-Fri 09:00-17:00", datetime(2026, 11, 25, 9, 0, tzinfo=LA), True),
    ("Mon-Fri 09:00-17:00", datetime(2026, 11, 25, 17, 0, tzinfo=LA), False),
    ("Mon-Fri 09:00-17:00", datetime(2026, 11, 28, 10, 0, tzinfo=LA), False),  # Saturday
    ("mon-fri 9:00-17:00; sat 10:00-14:00", datetime(2026, 11, 28, 10, 0, tzinfo=LA), True),
    ("22:00-06:00", datetime(2026, 11, 25, 23, 30, tzinfo=LA), True),
    ("22:00-06:00", datetime(2026, 11, 26, 5, 59, tzinfo=LA), True),
    ("22:00-06:00", datetime(2026, 11, 26, 6, 0, tzinfo=LA), False),
    ("Fri 22:00-06:00", datetime(2026, 11, 28, 3, 0, tzinfo=LA), True),   # Saturday 3am
    ("Fri 22:00-06:00", datetime(2026, 11, 29, 3, 0, tzinfo=LA), False),  # Sunday 3am
    ("Sat-Mon 08:00-20:00", datetime(2026, 11, 30, 9, 0, tzinfo=LA), True),  # Monday
    ("Sat-Mon 08:00-20:00", datetime(2026, 12, 1, 9, 0, tzinfo=LA), False),  # Tuesday
    ("09:00-24:00", datetime(2026, 11, 25, 23, 59, tzinfo=LA), True),
])
def test_on_call_hours_are_read_in_the_center_time(text: str, local: datetime,
                                                    covered: bool) -> None:
    assert parse_hours(text).covers(local) is covered


@pytest.mark.parametrize("text", ["9-5", "Mon-Fri", "Mon-Fro 09:00-17:00", "25:00-26:00",
                                  "09:00-09:00", "weekdays 09:00-17:00"])
def test_unreadable_hours_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match="hours"):
        parse_hours(text)


@pytest.mark.parametrize(("text", "canonical"), [
    ("mon-fri 9:00-17:00 ,  sat 10:00-14:00", "Mon-Fri 09:00-17:00, Sat 10:00-14:00"),
    ("22:00-6:00", "22:00-06:00"),
    ("sat-mon 08:00-20:00", "Sat-Mon 08:00-20:00"),
    ("ALWAYS", "always"),
])
def test_hours_are_stored_in_one_spelling_that_reads_back_the_same(text: str,
                                                                    canonical: str) -> None:
    assert format_hours(parse_hours(text)) == canonical
    assert parse_hours(canonical) == parse_hours(text)


def test_on_call_converts_utc_to_the_center_zone() -> None:
    office = Org("office", hours="Mon-Fri 09:00-17:00")
    assert on_call(office, WEDNESDAY_10AM, LA)
    assert not on_call(office, WEDNESDAY_11PM, LA)
    # 18:00 UTC is 10:00 in Los Angeles but 03:00 next day in Seoul
    assert not on_call(office, WEDNESDAY_10AM, ZoneInfo("Asia/Seoul"))


KO_RESTAURANT = Org("ko restaurant", ("ko", "en"), ("restaurant",), "Mon-Fri 09:00-18:00")
KO_ANY = Org("ko any", ("ko",), (), "Mon-Fri 09:00-18:00")
ES_RESTAURANT = Org("es restaurant", ("es",), ("restaurant",), "Mon-Fri 09:00-18:00")
EN_NIGHT = Org("en night", ("en",), (), "22:00-06:00")
KO_INACTIVE = Org("ko inactive", ("ko",), ("restaurant",), "always", active=False)
TEAM = (KO_RESTAURANT, KO_ANY, ES_RESTAURANT, EN_NIGHT, KO_INACTIVE)


def names(routed) -> set[str]:  # type: ignore[no-untyped-def]
    return {o.name for o in routed.organizers}


@pytest.mark.parametrize(("locale", "industry", "now", "chosen", "tier"), [
    ("ko", "restaurant", WEDNESDAY_10AM, {"ko restaurant", "ko any"}, "language+industry"),
    ("ko", "garment", WEDNESDAY_10AM, {"ko any"}, "language+industry"),
    ("es", "garment", WEDNESDAY_10AM, {"es restaurant"}, "language"),
    ("en", "restaurant", WEDNESDAY_10AM, {"ko restaurant"}, "language+industry"),
    ("en", "garment", WEDNESDAY_10AM, {"ko restaurant"}, "language"),
    ("zh", "restaurant", WEDNESDAY_10AM, {"ko restaurant", "ko any", "es restaurant"},
     "industry"),
    ("ko", "restaurant", WEDNESDAY_11PM, {"en night"}, "industry"),
    ("ko", None, WEDNESDAY_11PM, {"en night"}, "industry"),
    ("es", "restaurant", SATURDAY_3AM, {"en night"}, "industry"),
])
def test_routing_prefers_language_then_industry_among_those_on_call(
        locale: str, industry: str | None, now: datetime, chosen: set[str], tier: str) -> None:
    routed = pick(TEAM, locale=locale, industry=industry, urgent=False, now=now, zone=LA)
    assert names(routed) == chosen and routed.tier == tier


def test_when_nobody_is_on_call_every_active_organizer_is_alerted() -> None:
    day_team = (KO_RESTAURANT, ES_RESTAURANT, KO_INACTIVE)
    routed = pick(day_team, locale="ko", industry="restaurant", urgent=False,
                  now=WEDNESDAY_11PM, zone=LA)
    assert names(routed) == {"ko restaurant", "es restaurant"} and routed.tier == "everyone"


def test_an_urgent_case_goes_to_every_active_organizer_at_once() -> None:
    routed = pick(TEAM, locale="ko", industry="restaurant", urgent=True, now=WEDNESDAY_10AM,
                  zone=LA)
    assert names(routed) == {"ko restaurant", "ko any", "es restaurant", "en night"}
    assert routed.tier == "urgent"


def test_nobody_active_means_nobody_alerted() -> None:
    assert pick((KO_INACTIVE,), locale="ko", industry=None, urgent=True, now=WEDNESDAY_10AM,
                zone=LA).organizers == ()


def test_the_next_digest_time_is_today_or_tomorrow_in_the_center_zone() -> None:
    assert next_at(time(8, 0), WEDNESDAY_10AM, LA) == datetime(2026, 11, 26, 8, 0, tzinfo=LA)
    assert next_at(time(11, 0), WEDNESDAY_10AM, LA) == datetime(2026, 11, 25, 11, 0, tzinfo=LA)
    # across the end of daylight saving time (2026-11-01 in Los Angeles)
    before = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 09:00 PDT
    assert next_at(time(8, 0), before, LA).utcoffset().total_seconds() == -8 * 3600  # type: ignore[union-attr]


def test_in_the_repeated_autumn_hour_the_next_digest_is_tomorrow_not_in_the_past() -> None:
    # 1 November 2026: Los Angeles goes from 01:59 PDT back to 01:00 PST
    first_pass = datetime(2026, 11, 1, 8, 10, tzinfo=UTC)    # 01:10 PDT
    second_pass = datetime(2026, 11, 1, 9, 10, tzinfo=UTC)   # 01:10 PST, an hour later
    # (compared in UTC: Python never calls a time in the repeated hour equal to another
    # zone's)
    assert next_at(time(1, 30), first_pass, LA).astimezone(UTC) == datetime(
        2026, 11, 1, 8, 30, tzinfo=UTC)
    at = next_at(time(1, 30), second_pass, LA)
    assert at > second_pass  # 01:30 PDT (08:30 UTC) has passed already
    assert at.astimezone(UTC) == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # 01:30 PST


def test_in_the_skipped_spring_hour_the_digest_goes_out_when_the_clock_jumps() -> None:
    # 8 March 2026: Los Angeles goes from 01:59 PST to 03:00 PDT; 02:30 never shows
    before = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)  # 01:00 PST
    assert next_at(time(2, 30), before, LA).astimezone(UTC) == datetime(
        2026, 3, 8, 10, 30, tzinfo=UTC)  # 03:30 PDT


@pytest.mark.parametrize("clock", [time(0, 0), time(1, 0), time(1, 30), time(2, 30),
                                   time(8, 0), time(23, 59)])
@pytest.mark.parametrize("day", [datetime(2026, 3, 7, 6, tzinfo=UTC),
                                 datetime(2026, 10, 31, 6, tzinfo=UTC)])
def test_driven_across_both_changes_the_next_digest_is_always_ahead_and_once_a_day(
        clock: time, day: datetime) -> None:
    from datetime import timedelta

    now = day
    while now < day + timedelta(days=3):
        at = next_at(clock, now, LA)
        assert now < at <= now + timedelta(hours=25), (now, at)
        # the moment after it, the next one is a day on (never the same day's second pass)
        after = next_at(clock, at, LA)
        assert timedelta(hours=23) <= after - at <= timedelta(hours=25), (at, after)
        now += timedelta(minutes=10)
