"""``hotline db …``: the database's schema and its keys."""

from __future__ import annotations

import click

from hotline import config

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)


@click.group()
def db() -> None:
    """The database's schema (migrations) and encryption keys."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Bring the schema up to date (the Procfile's release step; safe to run again).

    A database made before migrations (a var/hotline.db or PostgreSQL that an earlier
    version filled) is recognised, checked and adopted first: nothing in it is lost.
    """
    from hotline.store import schema_version as store_db
    from hotline.store.legacy import NotAdoptable

    try:
        done = store_db.upgrade(config.load().sqlalchemy_url, revision)
    except NotAdoptable as exc:
        raise click.ClickException(str(exc)) from None
    for line in done:
        click.echo(line)


# The name of ``upgrade`` before migrations, kept for Procfiles and scripts that say it.
db.add_command(click.Command("init", callback=upgrade.callback, params=upgrade.params,
                             help="Same as `hotline db upgrade`.", hidden=True))


@db.command()
@click.argument("revision")
@click.confirmation_option(prompt="This drops the tables and columns later revisions added, "
                           "with what is in them. Continue?")
def downgrade(revision: str) -> None:
    """Take the schema back to REVISION (see `hotline db current`); drops what came later."""
    from hotline.store import schema_version as store_db

    for line in store_db.downgrade(config.load().sqlalchemy_url, revision):
        click.echo(line)


@db.command()
def current() -> None:
    """Say which revision the database is at, and the newest one this version has."""
    from hotline.store import schema_version as store_db

    url = config.load().sqlalchemy_url
    found, newest = store_db.current(url), store_db.heads()
    click.echo(f"database: {', '.join(found) or 'no revision (empty, or made before migrations)'}")
    click.echo(f"newest:   {', '.join(newest)}")
    if set(found) != set(newest):
        raise click.ClickException("not up to date: run `hotline db upgrade`")


@db.command()
def check() -> None:
    """Compare the database's tables with the models (after writing a revision)."""
    from hotline.store import migrate

    differences = migrate.differences(config.load().sqlalchemy_url)
    for line in differences:
        click.echo(line)
    if differences:
        raise click.ClickException(f"{len(differences)} difference(s) between the models and "
                                   "the database: a revision is missing or incomplete")
    click.echo("the models and the database agree")


@db.command("new-key")
def new_key() -> None:
    """Print a new encryption key for HOTLINE_ENCRYPTION_KEYS."""
    from hotline.crypto import new_key as make

    click.echo(make())
