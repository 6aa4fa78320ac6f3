"""The summary quotes the worker's answers yet stays within its budget whatever they typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.config import PACKAGE_ROOT
from hotline.dialogue import flow, messages, prompts
from hotline.dialogue.session import Draft
from hotline.words.catalogs import Catalogs
from hotline.words.echoes import ELLIPSIS, fit, gsm7_head, one_line, shorten
from hotline.words.segments import Encoding, graphemes, measure

LANGUAGES = ("en", "es", "ko")
HANGUL_SIGN = "서울가든 코리안 바베큐"
SKIN_TONE = "👍🏽"
FAMILY = "👨\u200d👩\u200d👧"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(PACKAGE_ROOT / "locales", LANGUAGES, from_source=True)


def summary_sms(catalogs: Catalogs, draft: Draft, locale: str) -> str:
    return catalogs.render(prompts.summary(draft), locale, fold_accents=True)


def test_the_summary_reply_carries_the_budget_of_its_catalog_comment() -> None:
    assert prompts.summary(Draft()).budget == messages.SUMMARY_BUDGET == 3


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_hangul_shop_sign_does_not_turn_a_spanish_summary_into_five_segments(
        catalogs: Catalogs, locale: str) -> None:
    draft = Draft(industry="restaurant", employer=f"Seoul Garden {HANGUL_SIGN}",
                  location="Western y 6th", issues=("unpaid", "breaks"), when="this_month",
                  still_working=True, contact="text", name=f"Maria {SKIN_TONE}")
    sms = summary_sms(catalogs, draft, locale)
    assert measure(sms).count <= 3
    assert "Seoul Garden..." in sms  # the readable part of the quote is kept
    assert measure(sms).encoding is Encoding.GSM7


def test_a_korean_summary_keeps_the_hangul_and_shortens_long_quotes(catalogs: Catalogs) -> None:
    draft = Draft(industry="restaurant", employer=HANGUL_SIGN, location="올림픽 & 버몬트",
                  issues=("unpaid",), when="this_week", still_working=True, contact="text",
                  name="김")
    sms = summary_sms(catalogs, draft, "ko")
    assert HANGUL_SIGN in sms and measure(sms).count <= 3


def test_quotes_are_one_line_and_cut_on_a_cluster_boundary() -> None:
    assert one_line("Seoul\r\nGarden\t BBQ") == "Seoul Garden BBQ"
    cut = shorten("ab" + FAMILY * 5, 6)
    assert cut == "ab" + FAMILY + ELLIPSIS  # never half a family, never a lone ZWJ
    assert gsm7_head(f"Seoul Garden {HANGUL_SIGN}") == "Seoul Garden" + ELLIPSIS
    assert gsm7_head("Seoul Garden") == "Seoul Garden"


worker_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(
        ["가", "서", "울", " ", "a", "é", "ñ", SKIN_TONE, FAMILY, "🇰🇷", "1\ufe0f\u20e3", "\n",
         "\u200d", "\U0001f3fd", "€", "…"]), max_size=200).map("".join),
)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(locale=st.sampled_from(LANGUAGES), employer=worker_text, location=worker_text,
       name=worker_text, issues=st.lists(st.sampled_from([o.value for o in flow.ISSUE_TYPES]),
                                         unique=True, max_size=9),
       photos=st.integers(0, 20))
def test_any_answers_keep_the_summary_within_its_budget(
        catalogs: Catalogs, locale: str, employer: str, location: str, name: str,
        issues: list[str], photos: int) -> None:
    draft = Draft(industry="cleaning", employer=employer or None, location=location or None,
                  issues=tuple(issues), when="older", still_working=False, contact="whatsapp",
                  name=name or None, media=(("https://x", "image/jpeg"),) * photos)
    sms = summary_sms(catalogs, draft, locale)
    assert measure(sms).count <= messages.SUMMARY_BUDGET, sms


def test_fit_leaves_a_reply_in_budget_untouched(catalogs: Catalogs) -> None:
    reply = prompts.summary(Draft(employer="Seoul Garden", name="Maria"))
    rendered = catalogs.render(reply, "en", fold_accents=True)
    assert "Seoul Garden" in rendered and "Maria" in rendered
    assert fit(reply, lambda r: catalogs.render(r, "en")) == catalogs.render(reply, "en")


def test_a_quote_is_at_most_its_limit_of_clusters(catalogs: Catalogs, tmp_path: Path) -> None:
    sms = summary_sms(catalogs, Draft(employer="x" * 150), "en")
    line = next(row for row in sms.splitlines() if row.startswith("Business: "))
    assert len(graphemes(line.removeprefix("Business: "))) == 40
