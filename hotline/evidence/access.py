"""Staff open evidence only through the app: decrypted in memory, checked against the
SHA-256 taken when it was kept, and recorded on the case before a byte is handed out.

There is no link to a stored copy anywhere (no public URL, no signed URL): the CLI
(``hotline evidence show|save``) and the console stream it through this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from hotline.crypto import Crypto
from hotline.evidence.keeping import seal_context
from hotline.evidence.kinds import ALLOWED
from hotline.evidence.vault import FileVault, S3Vault, VaultError
from hotline.store.evidence import EvidenceStore, Item, State

#: Records one look: (case id, item number, what was done) — by whom is the caller's.
Record = Callable[[int, int, str], None]


class Unavailable(Exception):
    """The item cannot be opened; the message says why, for staff."""


@dataclass(frozen=True)
class Opened:
    """One item, decrypted and verified."""

    number: int
    data: bytes
    content_type: str
    extension: str
    sha256: str


def items(evidence: EvidenceStore, case_id: int) -> list[tuple[int, str, Item | None]]:
    """Return (number, claimed type, evidence row or None if not taken in yet) per item
    the worker sent on a case, in order."""
    return [(s.number, s.claimed_type, s.item) for s in evidence.sent(case_id)]


def open_item(evidence: EvidenceStore, vault: FileVault | S3Vault, crypto: Crypto,
              case_id: int, number: int, record: Record, action: str) -> Opened:
    """Return item ``number`` of a case, decrypted and verified, after ``record``-ing
    the look; Unavailable if it is not kept (yet), or its copy is gone or altered."""
    found = next((s.item for s in evidence.sent(case_id) if s.number == number), None)
    if found is None:
        raise Unavailable(f"item {number}: no copy (not on this case, or not taken in yet)")
    if found.state != State.KEPT or not found.object_name or not found.sha256:
        raise Unavailable(f"item {number}: no copy ({found.state}"
                          f"{': ' + found.error if found.error else ''})")
    if found.vault != vault.kind:
        raise Unavailable(f"item {number}: kept in the {found.vault} store, but "
                          f"MEDIA_STORE_URL names a {vault.kind} store")
    try:
        data = crypto.unseal(vault.get(found.object_name), seal_context(found.object_name))
    except VaultError as exc:
        raise Unavailable(f"item {number}: the store did not give it back ({exc.code})") \
            from None
    except ValueError:
        raise Unavailable(f"item {number}: the copy does not open with this deployment's "
                          "keys (HOTLINE_ENCRYPTION_KEYS)") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != found.sha256:
        raise Unavailable(f"item {number}: the copy differs from what was kept "
                          "(SHA-256 mismatch)")
    record(case_id, number, action)
    content_type = found.content_type or "application/octet-stream"
    return Opened(number, data, content_type, ALLOWED.get(content_type, "bin"), digest)
