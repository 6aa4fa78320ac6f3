"""``hotline db new-secret|derived-keys|rotate``: make a secret, keep old data readable,
re-encrypt everything under the newest key (commands of the ``db`` group)."""

from __future__ import annotations

import os
import sys

import click

from hotline import config


@click.command("new-secret")
def new_secret() -> None:
    """Print a new HOTLINE_SECRET_KEY (32 random bytes). Set it once: never change it."""
    from hotline.crypto import new_secret as make

    click.echo(make())


@click.command("derived-keys")
def derived_keys() -> None:
    """Print the keys derived from HOTLINE_SECRET_KEY when HOTLINE_ENCRYPTION_KEYS was unset.

    Put them after a new key (HOTLINE_ENCRYPTION_KEYS=NEW,THESE), run `hotline db
    rotate`, then drop them.
    """
    from hotline.crypto import derived_keys as derive

    secret = os.environ.get(config.env_name("secret_key"), "")
    if not secret:  # development: the secret generated under var/
        kept = config.Settings(var_dir=os.environ.get(config.env_name("var_dir"), "var"))
        path = kept.var_path / "secret_key"
        if not path.is_file():
            raise click.ClickException("HOTLINE_SECRET_KEY is not set and there is no "
                                       f"{path}: run this where the hotline runs")
        secret = path.read_text().strip()
    click.echo(",".join(derive(secret)))


@click.command()
@click.option("--batch", default=500, show_default=True, help="Rows per transaction.")
def rotate(batch: int) -> None:
    """Re-encrypt every stored field, Redis value and evidence copy under the newest key
    (resumable).

    Exits 1 while anything opens under no configured key: keep the old keys until it
    exits 0, then drop every key but the first from HOTLINE_ENCRYPTION_KEYS.
    """
    import redis

    from hotline.cli.cases import open_store
    from hotline.evidence.rotation import reseal_evidence
    from hotline.evidence.vault import open_vault
    from hotline.sessions import connection as redis_factory
    from hotline.sessions.rotation import reseal_values
    from hotline.store.evidence import EvidenceStore
    from hotline.store.rotation import rotate_fields

    settings = config.load()
    with open_store() as store:  # the schema the code expects, as every command sees it
        crypto = store.crypto
        fields = rotate_fields(store.engine, crypto, batch)
    tables = ", ".join(f"{name} {count}" for name, count in fields.tables.items() if count)
    click.echo(f"database: {fields.rotated} field(s) re-encrypted"
               + (f" ({tables})" if tables else "")
               + f", {fields.current} already under the newest key, "
               f"{fields.unreadable} unreadable")
    left = fields.unreadable
    with open_store() as store:  # photos and voicemails, sealed in MEDIA_STORE_URL
        copies = reseal_evidence(EvidenceStore(store.engine, store.crypto),
                                 open_vault(settings), store.crypto)
    click.echo(f"evidence: {copies.resealed} stored copie(s) sealed again, {copies.current} "
               f"already current, {copies.unreadable} unreadable, {copies.unreached} not "
               "reached")
    left += copies.left
    try:
        conn = redis_factory.connect(settings.redis_url or None, settings.var_path,
                                     socket_timeout=10)
        try:
            values = reseal_values(conn, crypto, settings.redis_prefix)
        finally:
            conn.close()
    except redis.RedisError as exc:
        click.echo(f"redis: not reached ({type(exc).__name__}); run again when it answers")
        sys.exit(1)
    click.echo(f"redis: {values.resealed} value(s) sealed again, {values.current} already "
               f"current, {values.unreadable} unreadable")
    left += values.unreadable
    if left:
        click.echo(f"{left} value(s) open under no configured key: put the key they were "
                   "written with back in HOTLINE_ENCRYPTION_KEYS and run this again "
                   "(or accept that they stay unreadable)")
        sys.exit(1)
    click.echo("everything is under the newest key: the keys after the first in "
               "HOTLINE_ENCRYPTION_KEYS may now be dropped")


@click.command("accept-secret")
@click.confirmation_option(prompt="Workers' opt-outs, sessions and erasure lookups recorded "
                           "under the old HOTLINE_SECRET_KEY will no longer be found (someone "
                           "who said STOP could be texted again). Continue?")
def accept_secret() -> None:
    """Make the current HOTLINE_SECRET_KEY the database's (replacing a weak secret on
    purpose; see README 'Keys and rotation'). The hotline refuses to start until then."""
    from hotline.crypto import Crypto
    from hotline.store.db import make_engine
    from hotline.store.fingerprints import accept_secret as accept
    from hotline.store.schema_version import prepare

    settings = config.load()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        prepare(engine, embedded=not settings.database_url)
        changed = accept(engine, Crypto(settings.secret_key, settings.encryption_keys))
    finally:
        engine.dispose()
    click.echo("the database now goes with this HOTLINE_SECRET_KEY" if changed else
               "this HOTLINE_SECRET_KEY was already the database's: nothing changed")
