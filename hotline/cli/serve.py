"""``hotline chat|run|worker``: try the bot, serve it, run the jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from typing import TYPE_CHECKING

import click

from hotline import config
from hotline.words.segments import measure

if TYPE_CHECKING:
    from hotline.service import Service

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)


# -- trying it ------------------------------------------------------------------------


@click.command()
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


@click.command()
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


@click.command()
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
@click.option("--fork", is_flag=True,
              help="Run each job in a forked work-horse (isolation, ~6x slower).")
def worker(burst: bool, fork: bool) -> None:
    """Run the RQ worker (with its scheduler) on the hotline's Redis."""
    import logging

    from hotline.sessions import connection as redis_factory
    from hotline.sessions import jobs

    settings = config.load()
    from hotline import logs

    logs.configure(settings.log_level)
    conn = redis_factory.connect(settings.redis_url or None, settings.var_path,
                                 socket_timeout=30)
    queue = jobs.queue(settings.alerts_queue, conn)
    from hotline.alerts.dispatch import Dispatcher
    from hotline.store.schema_version import prepare
    from hotline.upkeep import schedule_next

    with Dispatcher.opened(settings) as dispatcher:
        prepare(dispatcher.cases.engine, embedded=not settings.database_url)
        digest_at = dispatcher.schedule_digest()
    schedule_next(queue)
    logging.getLogger(__name__).info("next digest at %s", digest_at.isoformat())
    if not fork:
        from hotline.alerts.dispatch import keep_open

        keep_open()  # jobs run in this process and share one set of connections
    # only the project's job functions run, from JSON job data (hotline.sessions.jobs)
    jobs.worker([queue], conn, fork=fork).work(with_scheduler=True, burst=burst,
                                               logging_level=settings.log_level)
