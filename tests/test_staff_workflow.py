"""Staff change the words with files and commands only: add a language, reword English,
and the running bot follows after `hotline i18n compile`, never offering a broken language."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from conftest import Phone

from hotline.cli import main
from hotline.config import PACKAGE_ROOT
from hotline.dialogue import messages
from hotline.dialogue.keywords import (
    COMMANDS,
    CONSENT_WORDS,
    LANGUAGE_NAME,
    SELF_NAMES,
    WORDS,
    Command,
    Consent,
    Word,
)
from hotline.words import catalogs as i18n

#: What a Tagalog translator would write for each keyword list (msgid → words).
TAGALOG_KEYWORDS = {
    COMMANDS[Command.MENU]: "MENU, UMPISA",
    COMMANDS[Command.BACK]: "BUMALIK",
    COMMANDS[Command.HELP]: "TULONG",
    COMMANDS[Command.PERSON]: "TAO, KAWANI",
    COMMANDS[Command.LANGUAGE]: "WIKA",
    WORDS[Word.MORE]: "SUSUNOD, HIGIT PA",
    WORDS[Word.DONE]: "TAPOS",
    WORDS[Word.RIGHTS]: "KARAPATAN",
    WORDS[Word.REPORT]: "ULAT, REKLAMO",
    CONSENT_WORDS[Consent.OPT_OUT]: "TIGIL",
    CONSENT_WORDS[Consent.OPT_IN]: "SIMULAN",
    CONSENT_WORDS[Consent.ERASE]: "BURAHIN",
    SELF_NAMES: "TAGALOG, FILIPINO",
    LANGUAGE_NAME: "Tagalog",
}
MARK = "[tl] "


def tagalog(msgid: str, context: str | None) -> str:
    """Stand in for a translator: mark sentences, keep placeholders, set keyword lists."""
    if msgid in TAGALOG_KEYWORDS:
        return TAGALOG_KEYWORDS[msgid]
    if context is None and len(msgid) > 30:
        return MARK + msgid
    return msgid  # short labels and topic keyword lists: kept as they are


def fill(po: Path, translate=tagalog) -> None:  # type: ignore[no-untyped-def]
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if message.id:
            message.string = translate(message.id, message.context)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=76)


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    target = tmp_path / "locales"
    shutil.copytree(PACKAGE_ROOT / "locales", target)
    return target


@pytest.fixture
def hotline(locales: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), env={"LOCALES_DIR": str(locales)})

    return run


@pytest.fixture
def start(overrides: dict[str, Any], locales: Path):  # type: ignore[no-untyped-def]
    """Start the web app on these catalogs with ENABLED_LANGUAGES set as given."""
    from hotline.app import create_app

    apps = []

    def started(languages: str) -> Any:
        app = create_app({**overrides, "locales_dir": str(locales),
                          "languages": tuple(languages.split(","))})
        apps.append(app)
        return app

    yield started
    for app in apps:
        app.extensions["hotline"].close()


def menu_number(menu: str, name: str) -> str:
    """Return the number a language has in the language menu."""
    for line in menu.splitlines():
        number, _, label = line.partition(" ")
        if label == name:
            return number
    raise AssertionError(f"{name} is not in the menu: {menu!r}")


def test_staff_add_tagalog_without_python_and_a_worker_talks_to_the_bot_in_it(
        hotline, locales: Path, start) -> None:  # type: ignore[no-untyped-def]
    added = hotline("i18n", "add", "tl")
    assert added.exit_code == 0, added.output
    po = locales / "tl" / "LC_MESSAGES" / "messages.po"
    assert po.exists() and "ENABLED_LANGUAGES" in added.output

    untranslated = hotline("i18n", "check", "--lang", "tl", "--brief")
    assert untranslated.exit_code == 1 and "untranslated" in untranslated.output

    fill(po)
    checked = hotline("i18n", "check", "--lang", "tl")
    assert checked.exit_code == 0, checked.output
    assert "tl: " in checked.output and "(100%)" in checked.output
    assert "compiled tl" in hotline("i18n", "compile").output

    app = start("en,es,ko,tl")
    phone = Phone(app.test_client(), "+12135550161")
    (menu,) = phone.send("hi")
    welcome, main_menu = phone.send(menu_number(menu, "Tagalog"))
    assert welcome == MARK + messages.WELCOME
    assert main_menu.startswith(MARK + messages.MENU)
    (help_, again) = phone.send("tulong")
    assert help_ == MARK + messages.HELP and again == main_menu

    other = Phone(app.test_client(), "+12135550162")
    assert other.send("Tagalog")[0] == MARK + messages.WELCOME
    rights = other.send("karapatan")[0]
    assert rights.startswith(MARK + messages.RIGHTS)


def test_a_language_babel_has_no_data_for_can_be_added_too(hotline, locales: Path,
                                                            start) -> None:  # type: ignore[no-untyped-def]
    assert hotline("i18n", "add", "zap").exit_code == 0  # Zapotec
    po = locales / "zap" / "LC_MESSAGES" / "messages.po"
    assert '"Language: zap\\n"' in po.read_text()
    fill(po, lambda msgid, context: "Diidxazá" if msgid == LANGUAGE_NAME else
         ("ZAPOTECO, DIIDXAZA" if msgid == SELF_NAMES else tagalog(msgid, context)))
    assert hotline("i18n", "check", "--lang", "zap", "--brief").exit_code == 0
    assert "compiled zap" in hotline("i18n", "compile").output
    app = start("en,zap")
    phone = Phone(app.test_client(), "+12135550167")
    assert phone.send("zapoteco")[0] == MARK + messages.WELCOME
    assert hotline("i18n", "add", "zap").exit_code != 0  # never overwrites a translation


def test_an_enabled_language_that_fails_the_check_is_left_out_until_it_passes(
        hotline, locales: Path, start, caplog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert hotline("i18n", "add", "tl").exit_code == 0
    po = locales / "tl" / "LC_MESSAGES" / "messages.po"
    fill(po, lambda msgid, context: "" if msgid == messages.HELP else tagalog(msgid, context))
    hotline("i18n", "compile")
    with caplog.at_level(logging.WARNING, logger="hotline.service"):
        app = start("en,es,ko,tl")
    assert "language tl is not offered to workers" in caplog.text
    assert "untranslated" in caplog.text
    phone = Phone(app.test_client(), "+12135550163")
    (menu,) = phone.send("hi")
    assert "Tagalog" not in menu
    assert phone.send("TAGALOG")[0] == menu  # not a language the bot knows

    # the translator finishes; compile; the running process notices (no restart)
    monkeypatch.setattr(i18n, "RELOAD_CHECK_SECONDS", 0.0)
    fill(po)
    hotline("i18n", "compile")
    late = Phone(app.test_client(), "+12135550164")
    (menu,) = late.send("hi")
    assert "Tagalog" in menu
    assert late.send(menu_number(menu, "Tagalog"))[0] == MARK + messages.WELCOME


def test_staff_reword_english_in_its_catalog_and_the_running_bot_uses_it(
        hotline, locales: Path, start, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    hotline("i18n", "compile")
    app = start("en,es,ko")
    first = Phone(app.test_client(), "+12135550165")
    assert first.send("english")[0] == messages.WELCOME

    po = locales / "en" / "LC_MESSAGES" / "messages.po"
    better = ("Workers' rights hotline: general information, not legal advice. Send "
              "PERSON to reach a person. Emergency? Call 911.")
    fill(po, lambda msgid, context: better if msgid == messages.WELCOME else "")
    assert hotline("i18n", "check", "--lang", "en", "--brief").exit_code == 0
    hotline("i18n", "compile")
    monkeypatch.setattr(i18n, "RELOAD_CHECK_SECONDS", 0.0)
    later = Phone(app.test_client(), "+12135550166")
    assert later.send("english")[0] == better


def test_a_language_added_by_staff_reaches_the_console_too_without_code(
        hotline, locales: Path, alert_overrides: dict[str, Any], twilio_api: Any,
        mailbox: Any) -> None:  # type: ignore[no-untyped-def]
    from consoling import Browserless, organizer

    from hotline.app import create_app

    added = hotline("i18n", "add", "tl")
    assert added.exit_code == 0 and "console.po" in added.output
    messages_po = locales / "tl" / "LC_MESSAGES" / "messages.po"
    console_po = locales / "tl" / "LC_MESSAGES" / "console.po"
    fill(messages_po)
    # a translator half way through the console: its queue's title done, the rest not yet
    fill(console_po, lambda msgid, context: "Walang may hawak" if msgid == "Unclaimed" else "")
    checked = hotline("i18n", "check", "--lang", "tl", "--brief")
    assert checked.exit_code == 0, checked.output
    assert "shown in English until translated" in checked.output
    assert "compiled tl console" in hotline("i18n", "compile").output

    app = create_app({**alert_overrides, "locales_dir": str(locales),
                      "languages": ("en", "es", "ko", "tl")})
    app.config["TESTING"] = True
    try:
        rosa = organizer(app, "Rosa Cruz", None, email="rosa@example.org", languages="tl,en")
        me = Browserless(app, twilio_api, mailbox)
        me.sign_in(rosa, via="email")
        me.get("/console/queues/unclaimed")
        assert "Walang may hawak" in me.page and 'lang="tl"' in me.page
        assert "Sign out" in me.page  # not translated yet: English
        me.get("/console/account")
        assert '<option value="tl" lang="tl" selected>Tagalog</option>' in me.page
        assert ">한국어</option>" in me.page and ">Español</option>" in me.page
    finally:
        app.extensions["hotline"].close()
