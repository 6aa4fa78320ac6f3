"""``hotline i18n …``: extract, update, compile, add and check the catalogs."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hotline import config
from hotline.words.catalogs import compile_catalog

if TYPE_CHECKING:
    pass

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)
#: The case console's own catalog (``console.po``): its words are no SMS, so no budget.
CONSOLE_DOMAIN = "console"


# -- words ----------------------------------------------------------------------------


@click.group()
def i18n() -> None:
    """Extract, update and compile the translation catalogs (pybabel conventions)."""


def _locales() -> Path:
    return config.load().locales_path


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *args])


@i18n.command()
def extract() -> None:
    """Collect every marked string from the code into locales/messages.pot."""
    root = config.PACKAGE_ROOT
    keywords = [arg for k in EXTRACT_KEYWORDS for arg in ("-k", k)]
    here = Path.cwd()
    os.chdir(root)  # so the .pot names files relative to the checkout
    try:
        _pybabel("extract", "-F", "babel.cfg", *keywords,
                 "--add-comments", "TRANSLATORS:,BUDGET:", "--project", "hotline",
                 "--copyright-holder", "hotline contributors",
                 "-o", str(_locales() / "messages.pot"), "hotline")
        _pybabel("extract", "-F", "babel-console.cfg", "--no-default-keywords",
                 "-k", "L_", "-k", "_", "-k", "ngettext:1,2", "--add-comments", "TRANSLATORS:",
                 "--project", "hotline", "--copyright-holder", "hotline contributors",
                 "-o", str(_locales() / f"{CONSOLE_DOMAIN}.pot"), "hotline")
    finally:
        os.chdir(here)


@i18n.command()
def update() -> None:
    """Merge new strings from messages.pot (and console.pot) into every language's .po files."""
    _pybabel("update", "-i", str(_locales() / "messages.pot"), "-d", str(_locales()),
             "-D", "messages", "--previous")
    _pybabel("update", "-i", str(_locales() / f"{CONSOLE_DOMAIN}.pot"), "-d", str(_locales()),
             "-D", CONSOLE_DOMAIN, "--previous")


@i18n.command("compile")
def compile_() -> None:
    """Compile every .po file (the bot's and the console's) to the .mo files they read."""
    for po in sorted(_locales().glob("*/LC_MESSAGES/*.po")):
        compile_catalog(po)
        click.echo(f"compiled {po.parent.parent.name} {po.stem}")


@i18n.command()
@click.argument("lang")
def add(lang: str) -> None:
    """Start a new language from the template (then translate, check, enable it)."""
    from hotline.words.catalogs import start_catalog

    if not lang.replace("_", "").isalnum():
        raise click.ClickException(f"{lang!r} is not a language code (e.g. tl, th, zap)")
    try:
        path = start_catalog(_locales(), lang)
    except FileExistsError:
        raise click.ClickException(f"{lang} already exists") from None
    console = ""
    with contextlib.suppress(FileExistsError):  # the console's words, for organizers
        console = f" and {start_catalog(_locales(), lang, 'console')}"
    click.echo(f"created {path}{console}\n"
               f"next: translate it (Poedit, Weblate or a text editor), then\n"
               f"  hotline i18n check --lang {lang}\n"
               f"  hotline i18n compile\n"
               f"and add {lang} to ENABLED_LANGUAGES (e.g. en,es,ko,{lang}).")


@i18n.command()
@click.option("--lang", "langs", multiple=True,
              help="Check this language (repeat for more); default: ENABLED_LANGUAGES.")
@click.option("--brief", is_flag=True, help="Only totals and problems, not every message.")
def check(langs: tuple[str, ...], brief: bool) -> None:
    """Find broken, missing or costly messages; exit 1 if there are any."""
    from hotline.dialogue.facts import FactsError
    from hotline.words.check import check as run_check
    from hotline.words.facts import load as load_facts
    from hotline.words.findings import display_path

    settings = config.load()
    languages = langs or settings.languages
    try:
        facts = load_facts(settings.facts_path)
    except FactsError as exc:
        raise click.ClickException(f"{exc} (see `hotline facts check`)") from None
    result = run_check(settings.locales_path, languages, menu_languages=settings.languages,
                       fold_accents=settings.sms_fold_accents,
                       center_phone=settings.center_phone, facts=facts)
    for report in result.reports:
        where = display_path(report.path)
        if report.locale == "en":
            head = f"{report.messages} messages (English is the source language)"
        else:
            head = (f"{report.messages} messages, {report.translated} translated "
                    f"({report.percent}%), {report.fuzzy} fuzzy")
        costly = sum(1 for c in report.costs if c.segments > 1)
        click.secho(f"{report.locale}: {head}; {len(report.costs)} replies measured, "
                    f"{costly} cost more than 1 SMS  [{where}]", bold=True)
        for cost in report.costs if not brief else ():
            mark = "!" if cost.over_budget else " "
            budget = "no limit" if cost.budget is None else f"budget {cost.budget}"
            room = "" if cost.room is None else f"{cost.room:>4} left"
            click.echo(f" {mark} {cost.encoding:<5} {cost.segments} SMS  {cost.units:>4} ch "
                       f"{room:>9}  line {cost.line:<5} {cost.name}  ({budget})")
            if cost.swaps:
                pairs = ", ".join(f"{c!r} (write {a!r})" for c, a in cost.swaps)
                click.secho(f"     UCS-2 only because of {pairs}: would be GSM-7, "
                            f"{cost.swapped_segments} SMS", fg="yellow")
    from hotline.words.console_check import check_console

    problems = [str(p) for p in result.problems]
    for console in check_console(settings.locales_path, languages):
        left = console.messages - console.translated
        click.secho(f"{console.locale}: console, {console.messages} messages, "
                    f"{console.translated} translated (no SMS budget"
                    + (f"; {left} shown in English until translated" if left else "")
                    + f")  [{display_path(console.path)}]", bold=True)
        problems.extend(console.problems)
    if problems:
        click.echo()
        for problem in problems:
            click.echo(problem)
        raise click.ClickException(f"{len(problems)} problem(s); see the lines above")
    click.secho("check passed", fg="green")
