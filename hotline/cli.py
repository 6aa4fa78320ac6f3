"""``hotline``: chat with the bot, serve it, run the worker, manage words and cases."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hotline import config
from hotline.i18n import catalog_path, compile_catalog
from hotline.segments import measure

if TYPE_CHECKING:
    from hotline.cases import CaseStore
    from hotline.service import Service

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)


@click.group()
def main() -> None:
    """hotline: a multilingual SMS/WhatsApp worker-rights hotline."""


# -- trying it ------------------------------------------------------------------------


@main.command()
@click.option("--lang", type=str, default=None, help="Start in this language (ko, es, en).")
@click.option("--sender", default="+12135550100", show_default=True,
              help="The pretend worker's phone number.")
@click.option("--whatsapp", is_flag=True, help="Pretend the worker writes on WhatsApp.")
def chat(lang: str | None, sender: str, whatsapp: bool) -> None:
    """Talk to the bot in the terminal, with the real session and case stores."""
    from hotline.service import Service

    service = Service.from_settings(config.load())
    try:
        _chat(service, lang, sender, whatsapp)
    finally:
        service.close()


def _chat(service: Service, lang: str | None, sender: str, whatsapp: bool) -> None:
    from hotline.inbound import Channel, Inbound

    channel = Channel.WHATSAPP if whatsapp else Channel.SMS
    click.echo("Type a message as a worker would; Ctrl-D to quit.")
    if lang:
        first = service.handle(Inbound(f"SMchat{uuid.uuid4().hex}", channel, sender,
                                       _language_word(lang)))
        _show(first.bodies)
    while True:
        try:
            text = input("> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        handled = service.handle(Inbound(f"SMchat{uuid.uuid4().hex}", channel, sender, text))
        _show(handled.bodies)


def _language_word(lang: str) -> str:
    return {"ko": "한국어", "es": "español", "en": "english"}.get(lang, lang)


def _show(bodies: tuple[str, ...]) -> None:
    for body in bodies:
        info = measure(body)
        click.secho(f"[{info.encoding}, {info.count} SMS]", dim=True)
        click.echo(body)
        click.echo()


@main.command()
@click.option("--port", default=int(os.environ.get("PORT", "5000")), show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def run(port: int, host: str) -> None:
    """Serve the webhook with gunicorn and run an alert worker beside it."""
    settings = config.load()
    from hotline import redis as redis_factory

    redis_factory.connect(settings.redis_url or None, settings.var_path)  # start it once
    worker = subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker"])
    click.echo(f"hotline: webhook at http://{host}:{port}/twilio/messages "
               f"(Twilio auth token: {'set' if settings.is_production else 'dev-token'})")
    try:
        subprocess.run([sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
                        "--workers", "2", "--access-logfile", "-",
                        "hotline.app:create_app()"], check=False)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)


@main.command()
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
def worker(burst: bool) -> None:
    """Run the RQ worker (with its scheduler) on the hotline's Redis."""
    import logging

    from rq import Queue, Worker

    from hotline import redis as redis_factory

    settings = config.load()
    logging.basicConfig(level=settings.log_level)
    conn = redis_factory.connect(settings.redis_url or None, settings.var_path,
                                 socket_timeout=30)
    queue = Queue(settings.alerts_queue, connection=conn)
    Worker([queue], connection=conn).work(with_scheduler=True, burst=burst,
                                          logging_level=settings.log_level)


# -- words ----------------------------------------------------------------------------


@main.group()
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
        _pybabel("extract", "-F", "babel.cfg", *keywords, "--add-comments", "TRANSLATORS:",
                 "--project", "hotline", "--copyright-holder", "hotline contributors",
                 "-o", str(_locales() / "messages.pot"), "hotline")
    finally:
        os.chdir(here)


@i18n.command()
def update() -> None:
    """Merge new strings from messages.pot into every language's .po file."""
    _pybabel("update", "-i", str(_locales() / "messages.pot"), "-d", str(_locales()),
             "-D", "messages", "--previous")


@i18n.command("compile")
def compile_() -> None:
    """Compile every .po file to the .mo file the running bot reads."""
    for po in sorted(_locales().glob("*/LC_MESSAGES/messages.po")):
        compile_catalog(po)
        click.echo(f"compiled {po.parent.parent.name}")


@i18n.command()
@click.argument("lang")
def add(lang: str) -> None:
    """Start a new language from the template (then translate, check, enable it)."""
    if catalog_path(_locales(), lang).exists():
        raise click.ClickException(f"{lang} already exists")
    _pybabel("init", "-i", str(_locales() / "messages.pot"), "-d", str(_locales()),
             "-D", "messages", "-l", lang)
    click.echo(f"created {catalog_path(_locales(), lang)}")


# -- cases ----------------------------------------------------------------------------


@main.group()
def cases() -> None:
    """Read filed cases (decrypted, for staff)."""


@contextlib.contextmanager
def _store() -> Iterator[CaseStore]:
    from hotline.cases import CaseStore, make_engine
    from hotline.crypto import Crypto

    settings = config.load()
    store = CaseStore(make_engine(settings.sqlalchemy_url),
                      Crypto(settings.secret_key, settings.encryption_keys))
    store.create_tables()
    try:
        yield store
    finally:
        store.engine.dispose()


@cases.command("list")
@click.option("--limit", default=50, show_default=True)
def list_(limit: int) -> None:
    """Show the newest cases, one line each."""
    with _store() as store:
        cases_ = list(store.newest(limit))
    for case in cases_:
        click.echo(f"{case.ref}  {case.created_at:%Y-%m-%d %H:%M}  {case.kind:<8} "
                   f"{case.status:<7} {case.locale}  {case.industry or '-':<10} "
                   f"{','.join(case.issues) or '-'}")


@cases.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
def export(fmt: str) -> None:
    """Write every case, newest first, decrypted, to standard output."""
    rows = []
    with _store() as store:
        all_cases = list(store.newest())
    for case in all_cases:
        row = asdict(case)
        row["created_at"] = case.created_at.isoformat()
        row["issues"] = ",".join(case.issues)
        row["media"] = " ".join(url for url, _ in case.media)
        rows.append(row)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    fieldnames = list(rows[0]) if rows else ["id", "ref"]
    writer = csv.DictWriter(sys.stdout, fieldnames=fieldnames)
    writer.writeheader()
    writer.writerows(rows)


@main.group()
def db() -> None:
    """Database housekeeping."""


@db.command()
def init() -> None:
    """Create the tables (safe to run again)."""
    with _store():
        click.echo("database ready")


@db.command("new-key")
def new_key() -> None:
    """Print a new encryption key for HOTLINE_ENCRYPTION_KEYS."""
    from hotline.crypto import new_key as make

    click.echo(make())


@main.command()
@click.option("--phone", required=True, help="The worker's number, e.g. +1 213 555 0100.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(phone: str, yes: bool) -> None:
    """Erase a worker: session, cached replies and personal data in their cases."""
    import phonenumbers

    from hotline.service import Service

    try:
        number = phonenumbers.format_number(phonenumbers.parse(phone, "US"),
                                            phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException as exc:
        raise click.BadParameter(f"not a phone number: {exc}") from None
    if not yes:
        click.confirm("Erase everything personal kept about this number?", abort=True)
    service = Service.from_settings(config.load())
    try:
        touched = service.erase(number)
    finally:
        service.close()
    click.echo(f"erased: session, cached replies, personal data of {touched} case(s)")


@main.command()
def retention() -> None:
    """Strip personal data from cases older than RETENTION_DAYS."""
    from datetime import UTC, datetime, timedelta

    settings = config.load()
    with _store() as store:
        cutoff = datetime.now(UTC) - timedelta(days=settings.retention_days)
        count = store.strip_older_than(cutoff)
    click.echo(f"retention: personal data removed from {count} case(s)")


if __name__ == "__main__":
    main()
