"""``hotline db …``: the database and its keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hotline.cli.cases import open_store

if TYPE_CHECKING:
    pass

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)


@click.group()
def db() -> None:
    """Database housekeeping."""


@db.command()
def init() -> None:
    """Create the tables (safe to run again)."""
    with open_store():
        click.echo("database ready")


@db.command("new-key")
def new_key() -> None:
    """Print a new encryption key for HOTLINE_ENCRYPTION_KEYS."""
    from hotline.crypto import new_key as make

    click.echo(make())
