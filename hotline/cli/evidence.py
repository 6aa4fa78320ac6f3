"""``hotline evidence list|show|save``: the photos and voicemails kept on a case.

Staff open evidence only through the app: decrypted here, checked against the SHA-256
taken when it was kept, and each look written to the case's history (who, which item,
how) before a byte is written out. There are no links to copies anywhere.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hotline import config

if TYPE_CHECKING:
    from hotline.evidence.access import Opened
    from hotline.evidence.vault import FileVault, S3Vault
    from hotline.store.cases import CaseStore, CaseView
    from hotline.store.evidence import EvidenceStore

#: The case history kind of a look at evidence.
OPENED_EVENT = "evidence_opened"


@dataclass
class _Stores:
    cases: CaseStore
    evidence: EvidenceStore
    vault: FileVault | S3Vault


@contextlib.contextmanager
def _stores() -> Iterator[_Stores]:
    from hotline.cli.cases import open_store
    from hotline.evidence.vault import open_vault
    from hotline.store.evidence import EvidenceStore

    with open_store() as cases:
        yield _Stores(cases, EvidenceStore(cases.engine, cases.crypto),
                      open_vault(config.load()))


def _case(stores: _Stores, ref: str) -> CaseView:
    case = stores.cases.by_ref(ref.strip())
    if case is None:
        raise click.ClickException(f"no case {ref}")
    return case


def _who() -> str:
    try:
        return getpass.getuser()[:40]
    except (KeyError, OSError):
        return "unknown user"


def _open(stores: _Stores, ref: str, number: int, action: str) -> Opened:
    from hotline.evidence.access import Unavailable, open_item

    case = _case(stores, ref)

    def record(case_id: int, item: int, what: str) -> None:
        stores.cases.record(case_id, OPENED_EVENT, f"item {item}: {what} by {_who()} (cli)")

    try:
        return open_item(stores.evidence, stores.vault, stores.cases.crypto, case.id, number,
                         record, action)
    except Unavailable as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def evidence() -> None:
    """Photos, documents and voicemails kept on cases (decrypted, each look recorded)."""


@evidence.command("list")
@click.argument("ref")
def list_(ref: str) -> None:
    """List what the worker sent on a case and what is kept of it (opens nothing)."""
    from hotline.evidence.access import items

    with _stores() as stores:
        case = _case(stores, ref)
        found = items(stores.evidence, case.id)
    if not found:
        click.echo(f"case {case.ref}: nothing sent")
    for number, claimed, item in found:
        if item is None:
            click.echo(f"{number}  waiting   {claimed}  (not taken in yet)")
            continue
        line = f"{number}  {item.state:<9} {item.content_type or item.claimed_type}"
        if item.size is not None:
            line += f"  {item.size} bytes"
        if item.sha256:
            line += f"  sha256 {item.sha256}"
        if item.kept_at:
            line += f"  kept {item.kept_at:%Y-%m-%d %H:%M}"
        if item.at_twilio:
            line += "  (Twilio still has its copy)"
        if item.error:
            line += f"  [{item.error}]"
        click.echo(line)


@evidence.command()
@click.argument("ref")
@click.argument("number", type=click.IntRange(min=1))
def show(ref: str, number: int) -> None:
    """Write item NUMBER of case REF, decrypted, to standard output (pipe it to a viewer,
    e.g. `hotline evidence show 4821 1 | display`)."""
    if sys.stdout.isatty():
        raise click.ClickException("standard output is a terminal: pipe it to a viewer, "
                                   "or use `hotline evidence save`")
    with _stores() as stores:
        opened = _open(stores, ref, number, "shown")
    sys.stdout.buffer.write(opened.data)
    sys.stdout.buffer.flush()


@evidence.command()
@click.argument("ref")
@click.argument("number", type=click.IntRange(min=1))
@click.option("--to", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: case-REF-NUMBER.EXT here); never overwritten.")
def save(ref: str, number: int, target: Path | None) -> None:
    """Save item NUMBER of case REF, decrypted, to a new file only you can read."""
    from hotline.evidence.access import items
    from hotline.evidence.kinds import ALLOWED

    with _stores() as stores:
        found = {n: item for n, _, item in items(stores.evidence, _case(stores, ref).id)}
        item = found.get(number)
        extension = ALLOWED.get(item.content_type or "", "bin") if item else "bin"
        path = target or Path(f"case-{ref.strip()}-{number}.{extension}")
        try:  # made before the look is recorded: nothing is opened for a file not written
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise click.ClickException(f"{path} exists: not overwritten") from None
        with os.fdopen(fd, "wb") as fh:
            try:
                opened = _open(stores, ref, number, "saved")
            except click.ClickException:
                path.unlink(missing_ok=True)
                raise
            fh.write(opened.data)
    click.echo(f"saved {path} ({opened.content_type}, {len(opened.data)} bytes, "
               f"sha256 {opened.sha256})")
