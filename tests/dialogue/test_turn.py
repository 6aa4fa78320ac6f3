"""A first message that describes a problem gets the explainer and a one-tap report."""

from __future__ import annotations

from pathlib import Path

import pytest
from talking import SENDER, Talk, context

from hotline.dialogue import messages
from hotline.dialogue.effects import CaseKind, FileCase
from hotline.dialogue.engine import Context
from hotline.dialogue.replies import Msg
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TopicId
from hotline.words.catalogs import Catalogs


@pytest.fixture(scope="module")
def ctx(compiled_locales: Path) -> Context:
    return context(compiled_locales)


FIRST = [
    ("ko", "사장님이 월급을 안 줘요", TopicId.UNPAID_WAGES),
    ("es", "no me pagaron", TopicId.UNPAID_WAGES),
    ("en", "my boss didnt pay me for 2 weeks", TopicId.UNPAID_WAGES),
    ("es", "el dueño se queda con las propinas", TopicId.TIPS_PAYSTUBS),
    ("ko", "식당에서 일하는데 쉬는 시간이 없어요", TopicId.BREAKS),
]


@pytest.mark.parametrize(("locale", "text", "topic"), FIRST)
def test_the_first_reply_offers_to_report_it(ctx: Context, locale: str, text: str,
                                             topic: TopicId) -> None:
    outcome = Talk(ctx).send(text)
    welcome, explainer = outcome.replies
    assert welcome.msgid == messages.WELCOME
    assert outcome.session.locale == locale and outcome.session.topic == topic
    assert ("3", Msg(messages.REPORT_THIS)) in explainer.extra


# a report in each language, from the first message to the filed case
REPORTS = {
    "ko": ["사장님이 월급을 안 줘요", "3", "1", "서울가든", "올림픽 & 버몬트", "1", "2주째 못 받았어요",
           "1", "1", "네", "1", "0", "네"],
    "es": ["no me pagaron", "3", "4", "Car wash El Sol", "Western y 3", "uno", "No me pagan",
           "listo", "dos", "sí", "1", "Ana", "claro"],
    "en": ["my boss didnt pay me for 2 weeks", "3", "5", "0", "0", "1 2", "2 weeks unpaid",
           "done", "1", "yes", "1", "0", "ok"],
}


@pytest.mark.parametrize("locale", ["ko", "es", "en"])
def test_report_this_leads_to_a_filed_case(ctx: Context, compiled_locales: Path,
                                           locale: str) -> None:
    talk = Talk(ctx)
    steps = REPORTS[locale]
    talk.send(steps[0])
    outcome = talk.send(steps[1])
    assert outcome.session.step == StepId.INDUSTRY
    for text in steps[2:]:
        outcome = talk.send(text)
        assert outcome.replies, text
    assert talk.session.step == StepId.CONFIRM
    summary = Catalogs(compiled_locales, ("en", "es", "ko")).render(
        outcome.replies[0], locale, fold_accents=True)
    assert {"ko": "업체: 서울가든", "es": "Negocio: Car wash El Sol",
            "en": "Business: not given"}[locale] in summary
    outcome = talk.send("1")
    (case,) = outcome.effects
    assert isinstance(case, FileCase) and case.kind == CaseKind.REPORT
    assert case.locale == locale and case.sender == SENDER and "unpaid" in case.issues
    assert outcome.replies[0].needs_ref


def test_report_this_works_by_word_under_any_explainer(ctx: Context) -> None:
    talk = Talk(ctx)
    talk.send("no me pagaron")
    talk.send("1")  # more: the usual menu, without "3 Reportarlo"
    assert talk.send("reportar").session.step == StepId.INDUSTRY


def test_an_explainer_opened_from_the_menu_keeps_other_topics(ctx: Context) -> None:
    talk = Talk(ctx)
    talk.send("hola")
    talk.send("1")
    outcome = talk.send("2")
    (explainer,) = outcome.replies
    assert ("2", Msg(messages.OTHER_TOPICS)) in explainer.extra
    assert ("3", Msg(messages.REPORT_THIS)) not in explainer.extra
