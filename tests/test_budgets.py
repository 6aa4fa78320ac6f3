"""Every fixed message fits its SMS budget in every language, as the worker receives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.config import PACKAGE_ROOT
from hotline.dialogue import flow, messages
from hotline.dialogue.engine import Context, _Turn
from hotline.dialogue.replies import Msg, Reply
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPICS
from hotline.i18n import Catalogs, compile_catalog
from hotline.inbound import Channel, Inbound
from hotline.segments import measure

LANGUAGES = ("en", "es", "ko")
#: Most SMS segments a fixed message may cost (the summary, which echoes answers, aside).
BUDGET = 2


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> Catalogs:
    """Compile the real catalogs into a scratch copy, as `hotline i18n compile` would."""
    import shutil

    locales = tmp_path_factory.mktemp("locales")
    shutil.copytree(PACKAGE_ROOT / "locales", locales, dirs_exist_ok=True)
    for po in Path(locales).glob("*/LC_MESSAGES/messages.po"):
        compile_catalog(po)
    return Catalogs(locales, LANGUAGES)


def _turn(catalogs: Catalogs) -> _Turn:
    ctx = Context(catalogs.lexicon((str(t.id), t.keywords) for t in TOPICS), LANGUAGES)
    return _Turn(ctx, Inbound("SM0", Channel.SMS, "+12135550100", ""))


def _fixed_replies(catalogs: Catalogs, locale: str) -> list[tuple[str, Reply]]:
    turn = _turn(catalogs)
    replies: list[tuple[str, Reply]] = []
    for topic in TOPICS:
        for part in range(len(topic.parts)):
            turn.replies.clear()
            turn.show_topic(Session(locale=locale), topic.id, part)
            replies.append((f"{topic.id} part {part + 1}", turn.replies[0]))
    for step in (StepId.MENU, StepId.RIGHTS, StepId.RESUME, StepId.FIX, *flow.QUESTIONS):
        turn.replies.clear()
        turn.show(Session(locale=locale, step=step), not_understood=True)
        replies.append((f"{step} (re-asked)", turn.replies[0]))
    for msgid in (messages.WELCOME, messages.HELP, messages.FILED, messages.FILED_NO_CONTACT,
                  messages.CALLBACK_FILED, messages.FILE_FAILED, messages.DELETED,
                  messages.DETAILS_NOTED, messages.PHOTO_NOTED, messages.DETAILS_FULL):
        replies.append((msgid[:30], Reply(msgid, {"ref": "48213"})))
    replies.append(("welcome with phone", Reply(messages.WELCOME_WITH_PHONE,
                                                {"phone": "(213) 555-0100"})))
    turn.replies.clear()
    turn.language_menu(Session())
    replies.append(("language menu", turn.replies[0]))
    return replies


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_fixed_message_fits_two_sms_segments(catalogs: Catalogs, locale: str) -> None:
    too_long = []
    for name, reply in _fixed_replies(catalogs, locale):
        body = catalogs.render(reply, locale, fold_accents=True)
        info = measure(body)
        if info.count > BUDGET:
            too_long.append(f"{name}: {info.count} segments ({info.encoding}, "
                            f"{info.units} units): {body!r}")
    assert not too_long, "\n".join(too_long)


@pytest.mark.parametrize("locale", ["es", "ko"])
def test_every_message_is_translated(catalogs: Catalogs, locale: str) -> None:
    from babel.messages.pofile import read_po

    with (PACKAGE_ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not missing, f"{len(missing)} untranslated in {locale}: {missing[:5]}"


def test_summary_labels_are_short(catalogs: Catalogs) -> None:
    for locale in LANGUAGES:
        for option in (*flow.INDUSTRIES, *flow.ISSUE_TYPES, *flow.WHEN, *flow.CONTACT_METHODS):
            assert len(catalogs.render(Reply("{x}", {"x": Msg(option.label)}), locale)) <= 32
