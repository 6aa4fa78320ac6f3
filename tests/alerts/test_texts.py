"""What organizers read: alerts fit 2 SMS and never carry the worker's number or words."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.alerts import texts as alerts
from hotline.dialogue import flow
from hotline.store.cases import CaseView
from hotline.words.catalogs import Catalogs
from hotline.words.segments import measure

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
ISSUES = tuple(o.value for o in flow.ISSUE_TYPES)
INDUSTRIES = tuple(o.value for o in flow.INDUSTRIES)


@pytest.fixture(scope="module")
def catalogs(compiled_locales: Path) -> Catalogs:
    return Catalogs(compiled_locales, ("en", "es", "ko"))


def case(**changes: object) -> CaseView:
    values: dict[str, object] = dict(
        id=1, ref="4821", kind="report", status="open", created_at=NOW, locale="es",
        channel="sms", industry="car_wash", issues=("unpaid", "safety"), happened="this_week",
        still_working=True, contact_method="text", contact="+12135550123", name="Ana",
        employer="Sparkle Car Wash", location="Vermont & 3rd",
        details="They didn't pay my last 2 weeks and I burned my hand",
        media=(("https://api.twilio.com/x/Media/ME1", "image/jpeg"),), consent=True)
    values.update(changes)
    return CaseView(**values)  # type: ignore[arg-type]


def test_an_alert_names_the_case_its_urgency_language_industry_issues_and_area(
        catalogs: Catalogs) -> None:
    facts = alerts.Facts.of(case(), urgent=True, reasons=("injury", "unpaid for weeks"))
    text = alerts.alert(catalogs, facts, "en")
    assert text == ("Hotline case 4821\nURGENT: injury, unpaid for weeks\nReport in Spanish\n"
                    "Work: Car wash\nProblem: Not paid or paid late; Unsafe, heat, injury\n"
                    "Area: Vermont & 3rd\nReply OK 4821 to take it.")
    assert measure(text).count <= 2


def test_an_alert_never_carries_the_number_the_name_the_business_or_the_story(
        catalogs: Catalogs) -> None:
    text = alerts.alert(catalogs, alerts.Facts.of(case()), "en")
    for private in ("2135550123", "Ana", "Sparkle", "pay my last", "burned", "api.twilio"):
        assert private not in text


def test_a_place_that_looks_like_a_phone_number_is_left_out() -> None:
    assert alerts.area_of("call me 213 555 0123") is None
    assert alerts.area_of("Western & 6th") == "Western & 6th"
    assert alerts.area_of("x" * 100) == "x" * 37 + "..."


def test_escalations_say_how_long_the_case_waited(catalogs: Catalogs) -> None:
    facts = alerts.Facts.of(case())
    assert alerts.alert(catalogs, facts, "en", level=1, minutes=30).startswith(
        "Still open after 30 min: case 4821\n")
    assert alerts.alert(catalogs, facts, "en", level=2, minutes=30).startswith(
        "Nobody took case 4821 after two alerts\n")


def test_a_korean_organizer_reads_the_worker_language_and_labels_in_korean(
        catalogs: Catalogs) -> None:
    text = alerts.alert(catalogs, alerts.Facts.of(case(locale="es", issues=("unpaid",))), "ko")
    assert "스페인어" in text  # "Spanish", in Korean
    assert catalogs.translate("ko", None, "Car wash") in text
    assert measure(text).count <= 2


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(issues=st.lists(st.sampled_from(ISSUES), unique=True, max_size=len(ISSUES)),
       industry=st.one_of(st.none(), st.sampled_from(INDUSTRIES)),
       location=st.one_of(st.none(), st.text(min_size=1, max_size=200)),
       worker=st.sampled_from(["en", "es", "ko"]), organizer=st.sampled_from(["en", "es", "ko"]),
       urgent=st.booleans(), level=st.integers(0, 2), kind=st.sampled_from(["report", "callback"]))
def test_every_alert_fits_two_sms_segments(catalogs: Catalogs, issues: list[str],
                                           industry: str | None, location: str | None,
                                           worker: str, organizer: str, urgent: bool,
                                           level: int, kind: str) -> None:
    facts = alerts.Facts.of(case(issues=tuple(issues), industry=industry, location=location,
                                 locale=worker, kind=kind),
                            urgent=urgent, reasons=("injury", "immigration", "violence",
                                                    "unpaid for weeks") if urgent else ())
    text = alerts.alert(catalogs, facts, organizer, level=level, minutes=10)
    assert measure(text).count <= 2, text
    assert "4821" in text.splitlines()[-1]


def test_who_takes_a_case_gets_the_contact_and_the_report(catalogs: Catalogs) -> None:
    text = alerts.claimed(catalogs, case(), "en", has_email=True)
    assert text.startswith("Case 4821 is yours.")
    assert "Contact: Ana - Text this number: +12135550123" in text
    assert "Sparkle Car Wash" in text and "burned my hand" in text
    assert "Photos: 1" in text and text.endswith("Send DONE 4821 when the case is closed.")


def test_contact_details_are_given_only_if_the_worker_agreed_to_be_contacted(
        catalogs: Catalogs) -> None:
    no_contact = alerts.claimed(catalogs, case(contact_method="none", contact=None), "en",
                                has_email=False)
    assert "asked not to be contacted" in no_contact
    no_consent = alerts.claimed(catalogs, case(consent=False), "en", has_email=False)
    assert "did not agree" in no_consent
    assert "2135550123" not in no_consent and "burned" not in no_consent


def test_a_long_story_is_cut_in_the_sms_and_whole_in_the_e_mail(catalogs: Catalogs) -> None:
    story = "word " * 300
    sms = alerts.claimed(catalogs, case(details=story), "en", has_email=True)
    assert "(continued in the e-mail)" in sms and len(sms) < 1000
    subject, body = alerts.report_email(catalogs, case(details=story), "en")
    assert subject == "Case 4821: full report"
    assert story.strip() in body
    # the photo is counted, never linked: staff open it in the app (issue 17)
    assert "https://" not in body and "photos: 1" in body.lower()


def test_the_worker_is_told_in_their_language(catalogs: Catalogs) -> None:
    english = alerts.worker_taken(catalogs, "4821", "en", sms=True)
    assert english == "Good news: an organizer has your case 4821 and will contact you soon."


def test_organizers_get_english_until_their_language_has_the_alert_words(
        catalogs: Catalogs, compiled_locales: Path, tmp_path: Path) -> None:
    import shutil

    from hotline.words.catalogs import catalog_path, compile_catalog

    assert alerts.locale_for(catalogs, "en") == "en"
    assert alerts.locale_for(catalogs, "tl") == "en"  # no catalog at all
    assert alerts.locale_for(catalogs, "es") == "es"
    text = alerts.alert(catalogs, alerts.Facts.of(case(locale="ko")), "es")
    assert text.endswith("Responda OK 4821 para tomarlo.") and "Coreano" in text

    from babel.messages.pofile import read_po, write_po

    locales = tmp_path / "locales"
    shutil.copytree(compiled_locales, locales)
    po = catalog_path(locales, "es")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="es")
    for message in catalog:
        if any(path.startswith("hotline/alerts/") for path, _ in message.locations):
            message.string = ""
    with po.open("wb") as fh:
        write_po(fh, catalog)
    compile_catalog(po)
    assert alerts.locale_for(Catalogs(locales, ("en", "es", "ko")), "es") == "en"


@pytest.mark.parametrize(("typed", "shown"), [
    ("Vermont & 3rd", "Vermont & 3rd"),
    ("Western <!channel> 6th", "Western 6th"),
    ("<https://evil.example|Wilshire & Normandie>", None),
    ("near https://bit.ly/x pay here", "near pay here"),
    ("www.evil.com olympic", "olympic"),
    ("see evil.com/claim now", "see now"),
    ("[Wilshire](http://evil.example)", None),
    ("ask @channel at Olympic", "ask at Olympic"),
    ("boss@evil.org 8th st", "8th st"),
    ("St. Andrews Pl.", "St. Andrews Pl."),
])
def test_link_like_text_and_mentions_are_dropped_from_the_place(typed: str,
                                                                 shown: str | None) -> None:
    assert alerts.area_of(typed) == shown
