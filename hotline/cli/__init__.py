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
from hotline.words.catalogs import compile_catalog
from hotline.words.segments import measure

if TYPE_CHECKING:
    from hotline.alerts.dispatch import Dispatcher
    from hotline.service import Service
    from hotline.store.cases import CaseStore
    from hotline.store.deliveries import Delivery
    from hotline.store.organizers import Changes as OrganizerChanges
    from hotline.store.organizers import Organizer, OrganizerStore

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
    from hotline.dialogue.inbound import Channel, Inbound

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
    """Serve the webhook (and in development the simulator) with an alert worker beside it."""
    settings = config.load()
    from hotline.sessions import connection as redis_factory

    redis_factory.connect(settings.redis_url or None, settings.var_path)  # start it once
    env = dict(os.environ)
    if not settings.is_production and config.env_name("simulator_enabled") not in os.environ:
        from hotline.web.simulator import dev_password

        env[config.env_name("simulator_enabled")] = "true"
        env.setdefault(config.env_name("simulator_password"), dev_password(settings.var_path))
    worker = subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker"])
    click.echo(f"hotline: webhook at http://{host}:{port}/twilio/messages "
               f"(Twilio auth token: {'set' if settings.is_production else 'dev-token'})")
    if config.load(env).simulator_enabled:
        shown = ("SIMULATOR_PASSWORD" if "SIMULATOR_PASSWORD" in os.environ else
                 f"{env['SIMULATOR_PASSWORD']} (kept in {settings.var_dir}/simulator_password)")
        click.echo(f"hotline: simulator at http://{host}:{port}/simulator/ "
                   f"(staff password: {shown})")
    try:
        subprocess.run([sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
                        "--workers", "2", "--access-logfile", "-",
                        "hotline.app:create_app()"], check=False, env=env)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)


@main.command()
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
@click.option("--fork", is_flag=True,
              help="Run each job in a forked work-horse (isolation, ~6x slower).")
def worker(burst: bool, fork: bool) -> None:
    """Run the RQ worker (with its scheduler) on the hotline's Redis."""
    import logging

    from rq import Queue, SimpleWorker, Worker

    from hotline.sessions import connection as redis_factory

    settings = config.load()
    from hotline import logs

    logs.configure(settings.log_level)
    conn = redis_factory.connect(settings.redis_url or None, settings.var_path,
                                 socket_timeout=30)
    queue = Queue(settings.alerts_queue, connection=conn)
    from hotline.alerts.dispatch import Dispatcher
    from hotline.upkeep import schedule_next

    with Dispatcher.opened(settings) as dispatcher:
        dispatcher.cases.create_tables()
        digest_at = dispatcher.schedule_digest()
    schedule_next(queue)
    logging.getLogger(__name__).info("next digest at %s", digest_at.isoformat())
    worker_class: type[Worker] | type[SimpleWorker] = Worker
    if not fork:
        from hotline.alerts.dispatch import keep_open

        keep_open()  # jobs run in this process and share one set of connections
        worker_class = SimpleWorker
    worker_class([queue], connection=conn).work(with_scheduler=True, burst=burst,
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
        _pybabel("extract", "-F", "babel.cfg", *keywords,
                 "--add-comments", "TRANSLATORS:,BUDGET:", "--project", "hotline",
                 "--copyright-holder", "hotline contributors",
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
    from hotline.words.catalogs import start_catalog

    if not lang.replace("_", "").isalnum():
        raise click.ClickException(f"{lang!r} is not a language code (e.g. tl, th, zap)")
    try:
        path = start_catalog(_locales(), lang)
    except FileExistsError:
        raise click.ClickException(f"{lang} already exists") from None
    click.echo(f"created {path}\n"
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
    from hotline.words.check import check as run_check
    from hotline.words.check import display_path

    settings = config.load()
    languages = langs or settings.languages
    result = run_check(settings.locales_path, languages, menu_languages=settings.languages,
                       fold_accents=settings.sms_fold_accents,
                       center_phone=settings.center_phone)
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
            click.echo(f" {mark} {cost.encoding:<5} {cost.segments} SMS  {cost.units:>4} ch  "
                       f"line {cost.line:<5} {cost.name}  ({budget})")
            if cost.swaps:
                pairs = ", ".join(f"{c!r} (write {a!r})" for c, a in cost.swaps)
                click.secho(f"     UCS-2 only because of {pairs}: would be GSM-7, "
                            f"{cost.swapped_segments} SMS", fg="yellow")
    if result.problems:
        click.echo()
        for problem in result.problems:
            click.echo(str(problem))
        raise click.ClickException(f"{len(result.problems)} problem(s); see the lines above")
    click.secho("check passed", fg="green")


# -- cases ----------------------------------------------------------------------------


@main.group()
def cases() -> None:
    """Read filed cases (decrypted, for staff)."""


@contextlib.contextmanager
def _store() -> Iterator[CaseStore]:
    from hotline.crypto import Crypto
    from hotline.store.cases import CaseStore
    from hotline.store.db import make_engine

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
def upkeep() -> None:
    """Run one round of upkeep now: outbox, spool, reconciliation, retention."""
    from hotline.outbound.twilio_sms import TwilioSender
    from hotline.service import Service
    from hotline.upkeep import Upkeep

    settings = config.load()
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        report = Upkeep(service, twilio).tick()
    finally:
        twilio.close()
        service.close()
    click.echo(f"upkeep: {report.requeued} alert(s) queued, {report.replayed} spooled "
               f"message(s) replayed, {report.reconciled} missed message(s) reconciled, "
               f"{report.expired} case(s) past retention")


@main.command()
def reconcile() -> None:
    """Ask Twilio for recent inbound messages and handle any we never saw."""
    from datetime import UTC, datetime

    from hotline.outbound.twilio_sms import TwilioSender
    from hotline.service import Service
    from hotline.upkeep import Upkeep

    settings = config.load()
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        if not twilio.configured:
            raise click.ClickException("set TWILIO_ACCOUNT_SID and TWILIO_FROM first")
        count = Upkeep(service, twilio).reconcile(datetime.now(UTC))
    finally:
        twilio.close()
        service.close()
    click.echo(f"reconcile: {count} missed message(s) handled")


@main.command()
def retention() -> None:
    """Strip personal data from cases older than RETENTION_DAYS."""
    from datetime import UTC, datetime, timedelta

    settings = config.load()
    with _store() as store:
        cutoff = datetime.now(UTC) - timedelta(days=settings.retention_days)
        count = store.strip_older_than(cutoff)
    click.echo(f"retention: personal data removed from {count} case(s)")



# -- organizers and alerts ------------------------------------------------------------


@main.group()
def organizers() -> None:
    """Manage the organizers who get alerts (stored in the database)."""


@contextlib.contextmanager
def _organizer_store() -> Iterator[OrganizerStore]:
    from hotline.store.db import make_engine
    from hotline.store.organizers import OrganizerStore

    engine = make_engine(config.load().sqlalchemy_url)
    try:
        store = OrganizerStore(engine)
        store.create_tables()
        yield store
    finally:
        engine.dispose()


def _organizer_changes(**values: object) -> OrganizerChanges:
    from hotline.store.organizers import Changes

    return Changes(**values)  # type: ignore[arg-type]


def _show_organizer(o: Organizer) -> str:
    flags = [] if o.active else ["INACTIVE"]
    if o.sms_opted_out:
        flags.append("SMS OPTED OUT")
    if o.whatsapp_opted_out:
        flags.append("WHATSAPP OPTED OUT")
    phone = f"{o.phone} ({o.channel})" if o.phone else "-"
    return (f"{o.id:>3}  {o.name:<20} {phone:<26} {o.email or '-':<28} "
            f"{','.join(o.languages):<8} {','.join(o.industries) or 'all':<16} "
            f"{o.hours:<24} {o.role}" + (f"  [{', '.join(flags)}]" if flags else ""))


_HOURS_HELP = ("On-call hours in CENTER_TIMEZONE, e.g. 'Mon-Fri 09:00-17:00, Sat 10:00-14:00', "
               "'22:00-06:00' or 'always'.")


@organizers.command("add")
@click.option("--name", required=True)
@click.option("--phone", help="For alerts and OK/DONE replies, e.g. '213 555 0101' or +8210….")
@click.option("--whatsapp", is_flag=True, help="Alert this phone by WhatsApp (else SMS).")
@click.option("--email", help="For alerts when texts fail, and full reports.")
@click.option("--languages", default="en", show_default=True,
              help="Codes of the languages spoken; alerts are written in the first.")
@click.option("--industries", default="all", show_default=True,
              help="Comma-separated: restaurant, market, garment, car_wash, cleaning, other.")
@click.option("--hours", default="always", show_default=True, help=_HOURS_HELP)
@click.option("--coordinator", is_flag=True, help="Also gets second escalations and digests.")
@click.option("--inactive", is_flag=True, help="Store but send nothing yet.")
def organizers_add(name: str, phone: str | None, whatsapp: bool, email: str | None,
                   languages: str, industries: str, hours: str, coordinator: bool,
                   inactive: bool) -> None:
    """Add an organizer."""
    from hotline.store.organizers import InvalidOrganizer

    changes = _organizer_changes(
        name=name, phone=phone, email=email, languages=languages, industries=industries,
        hours=hours, channel="whatsapp" if whatsapp else "sms",
        role="coordinator" if coordinator else "organizer", active=not inactive)
    with _organizer_store() as store:
        try:
            added = store.add(changes)
        except InvalidOrganizer as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"added organizer {added.id}")
    click.echo(_show_organizer(added))


@organizers.command("list")
def organizers_list() -> None:
    """Show every organizer, one per line."""
    with _organizer_store() as store:
        everyone = store.all()
    if not everyone:
        click.echo("no organizers yet: hotline organizers add --name … --phone …")
    for organizer in everyone:
        click.echo(_show_organizer(organizer))


@organizers.command("edit")
@click.argument("organizer_id", type=int)
@click.option("--name")
@click.option("--phone", help="A new number; '' removes it.")
@click.option("--channel", type=click.Choice(["sms", "whatsapp"]))
@click.option("--email", help="A new address; '' removes it.")
@click.option("--languages")
@click.option("--industries")
@click.option("--hours", help=_HOURS_HELP)
@click.option("--role", type=click.Choice(["organizer", "coordinator"]))
@click.option("--active/--inactive", default=None)
@click.option("--clear-opt-out", is_flag=True,
              help="After they texted START: alert their phone again.")
def organizers_edit(organizer_id: int, name: str | None, phone: str | None,
                    channel: str | None, email: str | None, languages: str | None,
                    industries: str | None, hours: str | None, role: str | None,
                    active: bool | None, clear_opt_out: bool) -> None:
    """Change some fields of an organizer."""
    from hotline.store.organizers import InvalidOrganizer

    changes = _organizer_changes(
        name=name, phone=phone, channel=channel, email=email, languages=languages,
        industries=industries, hours=hours, role=role, active=active,
        clear_opt_out=clear_opt_out)
    with _organizer_store() as store:
        try:
            edited = store.edit(organizer_id, changes)
        except InvalidOrganizer as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(_show_organizer(edited))


@organizers.command("remove")
@click.argument("organizer_id", type=int)
@click.option("--yes", is_flag=True, help="Don't ask.")
def organizers_remove(organizer_id: int, yes: bool) -> None:
    """Delete an organizer (to pause one, use edit --inactive)."""
    from hotline.store.organizers import InvalidOrganizer

    with _organizer_store() as store:
        found = store.get(organizer_id)
        if found is None:
            raise click.ClickException(f"no organizer {organizer_id}")
        if not yes:
            click.confirm(f"remove {found.name}?", abort=True)
        try:
            store.remove(organizer_id)
        except InvalidOrganizer as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"removed organizer {organizer_id} ({found.name})")


@main.group("alerts")
def alerts_() -> None:
    """See alerts and messages that reached nobody, and send them again."""


def _describe(dispatcher: Dispatcher, rows: list[Delivery]) -> str:
    first = rows[0]
    ref = "-"
    if first.case_id is not None:
        case = dispatcher.cases.get(first.case_id)
        ref = case.ref if case else "?"
    who = first.recipient or ("webhook" if first.transport == "webhook" else "?")
    if first.organizer_id is not None:
        organizer = dispatcher.organizers.get(first.organizer_id)
        who = f"{organizer.name} (#{organizer.id})" if organizer else "removed organizer"
    tried = ", ".join(f"{d.transport} {d.status}" + (f" ({d.error})" if d.error else "")
                      for d in rows)
    last = max(d.updated_at for d in rows)
    return (f"{first.id:>5}  case {ref:<6} {first.purpose:<11} {who:<28} {tried}  "
            f"[{last:%Y-%m-%d %H:%M} UTC]")


@alerts_.command("failed")
def alerts_failed() -> None:
    """List messages every transport failed to deliver (or stuck unsent)."""
    from datetime import UTC, datetime

    from hotline.alerts.dispatch import Dispatcher

    with Dispatcher.opened(config.load()) as dispatcher:
        failed = dispatcher.deliveries.failed(datetime.now(UTC))
        if not failed:
            click.echo("no failed alerts")
        for rows in failed:
            click.echo(_describe(dispatcher, rows))
    if failed:
        click.echo("retry with: hotline alerts retry ID … (or --all)")


@alerts_.command("retry")
@click.argument("ids", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="Retry every failed message.")
def alerts_retry(ids: tuple[int, ...], every: bool) -> None:
    """Send failed messages again, from their first transport."""
    from datetime import UTC, datetime

    from hotline.alerts.dispatch import Dispatcher

    if not ids and not every:
        raise click.ClickException("give the IDs that `hotline alerts failed` shows, or --all")
    with Dispatcher.opened(config.load()) as dispatcher:
        now = datetime.now(UTC)
        chains = [rows[0].chain for rows in dispatcher.deliveries.failed(now)] if every else []
        for delivery_id in ids:
            row = dispatcher.deliveries.get(delivery_id)
            if row is None:
                raise click.ClickException(f"no delivery {delivery_id}")
            chains.append(row.chain)
        for chain in chains:
            transport = dispatcher.retry(chain, now)
            name = dispatcher.deliveries.chain(chain)[0].id
            if transport is None:
                click.echo(f"{name}: not retried (already delivered, or no usable transport)")
            else:
                click.echo(f"{name}: queued again by {transport}")


@alerts_.command("show")
@click.argument("ref")
def alerts_show(ref: str) -> None:
    """Show who was alerted about a case, how, and what became of it."""
    from hotline.alerts.dispatch import Dispatcher

    with Dispatcher.opened(config.load()) as dispatcher:
        case = dispatcher.cases.by_ref(ref)
        if case is None:
            raise click.ClickException(f"no case {ref}")
        state = dispatcher.assignments.get(case.id)
        if state is None:
            click.echo(f"case {ref}: not alerted yet")
        else:
            taken = (f"taken by {state.claimed_name} at {state.claimed_at:%Y-%m-%d %H:%M}"
                     if state.claimed_at else "not taken")
            urgent = f"URGENT ({', '.join(state.reasons)}), " if state.urgent else ""
            closed = ", closed" if state.closed_at else ""
            click.echo(f"case {ref}: {urgent}level {state.level}, {taken}{closed}")
        for row in dispatcher.deliveries.for_case(case.id):
            who = f"organizer {row.organizer_id}" if row.organizer_id else (
                "webhook" if row.transport == "webhook" else row.purpose)
            click.echo(f"  {row.id:>5}  {row.purpose:<11} {who:<14} {row.transport:<9} "
                       f"{row.status:<8} tries {row.attempts}"
                       + (f"  {row.error}" if row.error else ""))

