"""``hotline cases …`` and ``hotline erase``: read, export and forget cases."""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
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
    from hotline.store.db import make_engine, prepare

    settings = config.load()
    store = CaseStore(make_engine(settings.sqlalchemy_url),
                      Crypto(settings.secret_key, settings.encryption_keys))
    prepare(store.engine, embedded=not settings.database_url)
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
    rows = []
    with open_store() as store:
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
    writer.writerows({name: spreadsheet_safe(value) for name, value in row.items()}
                     for row in rows)


#: What a spreadsheet reads as the start of a formula (or of a hidden one, after a tab or
#: a carriage return): a worker's "business name" must never run in staff's spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Neutralise a CSV cell that a spreadsheet would run as a formula (OWASP: prefix a
    single quote, which the spreadsheet shows as text and does not display)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value



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
