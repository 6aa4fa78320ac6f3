"""Stored evidence sealed again under the newest key (``hotline db rotate``).

Each copy is sealed with the deployment's key, bound to its object name. Rotation must
reach these copies as well as the database's fields: a key dropped from
HOTLINE_ENCRYPTION_KEYS while a copy is still sealed under it would lose that evidence
for good. Each copy is opened, checked against the SHA-256 taken when it was kept,
sealed under the newest key, written back under the same name and read back; a copy
already under the newest key is left alone, so a run stopped halfway resumes.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from hotline.crypto import Crypto
from hotline.evidence.keeping import seal_context
from hotline.evidence.vault import FileVault, S3Vault, VaultError
from hotline.store.evidence import EvidenceStore

log = logging.getLogger(__name__)


@dataclass
class Resealed:
    """What a run did to the stored copies."""

    resealed: int = 0
    current: int = 0
    unreadable: int = 0  # no configured key opens it, or it is not what was kept
    unreached: int = 0  # the store did not answer: run again

    @property
    def left(self) -> int:
        """Copies that are not yet known to be under the newest key."""
        return self.unreadable + self.unreached


def reseal_evidence(evidence: EvidenceStore, vault: FileVault | S3Vault, crypto: Crypto,
                    batch: int = 200) -> Resealed:
    """Seal every stored copy under the newest key; count what could not be."""
    done, after = Resealed(), 0
    while items := evidence.stored(after, batch):
        for item in items:
            after = item.id
            name = item.object_name or ""
            context = seal_context(name)
            try:
                token = vault.get(name)
            except VaultError as exc:
                log.error("evidence %d: not read for rotation (%s)", item.id, exc.code)
                done.unreached += 1
                continue
            try:
                sealed = crypto.reseal(token, context)
                data = crypto.unseal(sealed or token, context)
            except ValueError:
                log.error("evidence %d: opens under no configured key", item.id)
                done.unreadable += 1
                continue
            if hashlib.sha256(data).hexdigest() != item.sha256:
                log.error("evidence %d: the stored copy is not the one kept", item.id)
                done.unreadable += 1
                continue
            if sealed is None:
                done.current += 1
                continue
            try:
                vault.put(name, sealed)
                if vault.get(name) != sealed:
                    raise VaultError("copy differs")
            except VaultError as exc:
                log.error("evidence %d: not written back (%s)", item.id, exc.code)
                done.unreached += 1
                continue
            done.resealed += 1
    return done
