"""``hotline cases …`` and ``hotline erase``: read, export and forget cases."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from hotline import config
from hotline.crypto import UNREADABLE

if TYPE_CHECKING:
    from hotline.store.cases import CaseStore, CaseView

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)


# -- cases ----------------------------------------------------------------------------


@click.group()
def cases() -> None:
    """Read filed cases (decrypted, for staff)."""


@contextlib.contextmanager
def open_store() -> Iterator[CaseStore]:
    from hotline.crypto import Crypto
    from hotline.store.cases import CaseStore
    from hotline.store.db import make_engine
    from hotline.store.fingerprints import KeyChanged, require_same_secret
    from hotline.store.schema_version import prepare

    settings = config.load()
    store = CaseStore(make_engine(settings.sqlalchemy_url),
                      Crypto(settings.secret_key, settings.encryption_keys))
    try:
        prepare(store.engine, embedded=not settings.database_url)
        require_same_secret(store.engine, store.crypto)
    except KeyChanged as exc:
        store.engine.dispose()
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    finally:
        store.engine.dispose()


@cases.command("list")
@click.option("--limit", default=50, show_default=True)
def list_(limit: int) -> None:
    """Show the newest cases, one line each."""
    with open_store() as store:
        cases_ = list(store.newest(limit))
    for case in cases_:
        unreadable = "  (fields unreadable: see `hotline db rotate`)" if _unreadable(case) else ""
        click.echo(f"{case.ref}  {case.created_at:%Y-%m-%d %H:%M}  {case.kind:<8} "
                   f"{case.status:<7} {case.locale}  {case.industry or '-':<10} "
                   f"{','.join(case.issues) or '-'}{unreadable}")


def _unreadable(case: CaseView) -> bool:
    return UNREADABLE in (case.contact, case.name, case.employer, case.location,
                          case.details, *(url for url, _ in case.media))


@cases.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
def export(fmt: str) -> None:
    """Write every case, newest first, decrypted, to standard output."""
    from hotline.store import exports

    with open_store() as store:
        table = exports.rows(store.newest())
    if fmt == "json":
        click.echo(exports.as_json(table))
        return
    # every cell spreadsheet-safe: a worker's "business name" never runs as a formula
    click.echo(exports.as_csv(table), nl=False)


@click.command()
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
