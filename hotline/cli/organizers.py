"""``hotline organizers …``: who is alerted, when, and how."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from hotline import config

if TYPE_CHECKING:
    from hotline.store.organizers import Changes as OrganizerChanges
    from hotline.store.organizers import Organizer, OrganizerStore

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)


# -- organizers and alerts ------------------------------------------------------------


@click.group()
def organizers() -> None:
    """Manage the organizers who get alerts (stored in the database)."""


@contextlib.contextmanager
def _organizer_store() -> Iterator[OrganizerStore]:
    from hotline.store.db import make_engine
    from hotline.store.organizers import OrganizerStore
    from hotline.store.schema_version import prepare

    settings = config.load()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        prepare(engine, embedded=not settings.database_url)
        yield OrganizerStore(engine)
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
@click.option("--role", type=click.Choice(["organizer", "coordinator", "admin"]))
@click.option("--active/--inactive", default=None)
@click.option("--clear-opt-out", is_flag=True,
              help="After they texted START: alert their phone again.")
@click.option("--reset-authenticator", is_flag=True,
              help="Lost phone: forget their console authenticator and recovery codes (they "
                   "set up a new one at their next sign-in).")
def organizers_edit(organizer_id: int, name: str | None, phone: str | None,
                    channel: str | None, email: str | None, languages: str | None,
                    industries: str | None, hours: str | None, role: str | None,
                    active: bool | None, clear_opt_out: bool,
                    reset_authenticator: bool) -> None:
    """Change some fields of an organizer (--inactive also ends their console sign-ins)."""
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
        if reset_authenticator:
            from hotline.crypto import Crypto
            from hotline.store.factors import FactorStore
            from hotline.store.logins import LoginStore

            settings = config.load()
            FactorStore(store.engine, Crypto(settings.secret_key,
                                             settings.encryption_keys)).reset(organizer_id)
            LoginStore(store.engine).end_all(organizer_id)
            click.echo("authenticator reset; their console sign-ins ended")
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
