"""Keep personal data unreadable at rest: HMAC pseudonyms for lookups, Fernet for SQL
fields, AES-GCM for the short-lived values in Redis.

The keys of a deployment (README "Keys and rotation"):

- the **pseudonym key** comes from HOTLINE_SECRET_KEY and must never change: opt-outs,
  sessions and erasure find a worker by the pseudonym of their number, so a new secret
  silently drops every opt-out. It is derived as it always was (SHA-256 of a label and
  the secret), so existing pseudonyms stay valid; production accepts only a secret of
  32+ random bytes, for which that is as sound as HKDF.
- the **encryption keys** are HOTLINE_ENCRYPTION_KEYS, Fernet keys newest first; each
  Redis sealing key is derived from one with HKDF. Without them (development only) the
  Fernet key is derived from the secret with HKDF, and the key derived before HKDF
  existed is kept after it, for reading.

Rotation: put a new key first in HOTLINE_ENCRYPTION_KEYS and keep the old ones after
it; everything still decrypts, new writes use the new key, and ``hotline db rotate``
re-encrypts old values so the old key can then be dropped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from time import sleep

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

#: First byte of a value sealed with a key derived by HMAC (before HKDF): read only.
SEALED_V1 = b"\x01"
#: First byte of a value sealed by ``seal`` now (HKDF-derived key); a Fernet token starts
#: with 0x80, base64'd, so none of the three formats can be taken for another.
SEALED_V2 = b"\x02"
#: Bytes of an AES-GCM nonce (random per value: 2^32 values per key stay far from a clash).
NONCE_BYTES = 12
#: Fewest random bytes a secret or key must carry in production.
MIN_RANDOM_BYTES = 32
#: What a reader shows instead of a field whose key is gone (the row itself is kept).
UNREADABLE = "[unreadable: its key is not in HOTLINE_ENCRYPTION_KEYS]"


class Unreadable(ValueError):
    """No configured key opens this value (an old key was removed too soon)."""


def _hkdf(material: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"hotline " + purpose).derive(material)


def derived_keys(secret_key: str) -> list[str]:
    """Return the Fernet keys used when HOTLINE_ENCRYPTION_KEYS is unset (development):
    the HKDF one that encrypts, then the one derived before HKDF, kept for reading.

    A deployment moving to HOTLINE_ENCRYPTION_KEYS keeps its data readable by listing
    these after its new key (``hotline db derived-keys`` prints them), then rotating.
    """
    current = _hkdf(secret_key.encode(), b"fernet")
    before = hashlib.sha256(b"hotline-fernet:" + secret_key.encode()).digest()
    return [base64.urlsafe_b64encode(k).decode() for k in (current, before)]


def random_bytes(text: str) -> bytes | None:
    """Decode a secret written as hex or (URL-safe) base64; None if it is neither."""
    text = text.strip()
    if len(text) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in text):
        return bytes.fromhex(text)
    padded = text + "=" * (-len(text) % 4)
    for decode in (base64.urlsafe_b64decode, base64.standard_b64decode):
        try:
            return decode(padded.encode())
        except (binascii.Error, ValueError):
            continue
    return None


def looks_random(data: bytes) -> bool:
    """Tell 32+ bytes that could have come from a random source from a pattern
    ("aaaa…", a repeated block): 32 random bytes all but never repeat this much."""
    return len(data) >= MIN_RANDOM_BYTES and len(set(data)) >= min(len(data) // 2, 128)


class Crypto:
    """Derives the keys of one deployment and applies them."""

    def __init__(self, secret_key: str, encryption_keys: str = "") -> None:
        # never changes (see the module docs): every pseudonym ever stored depends on it
        hmac_key = hashlib.sha256(b"hotline-hmac:" + secret_key.encode()).digest()
        # keyed once: each pseudonym copies it (OpenSSL looks the digest up only here)
        self._keyed_hmac = hmac.new(hmac_key, digestmod=hashlib.sha256)
        keys = self.check_keys(encryption_keys) or derived_keys(secret_key)
        self._fernets = [Fernet(k) for k in keys]
        self._fernet = MultiFernet(self._fernets)
        raw = [base64.urlsafe_b64decode(k) for k in keys]
        # one AES-GCM key per Fernet key, newest first, so rotation works the same way
        self._sealers = [AESGCM(_hkdf(k, b"redis seal")) for k in raw]
        self._v1_sealers = [AESGCM(hmac.new(k, b"hotline-redis-seal", hashlib.sha256).digest())
                            for k in raw]

    @staticmethod
    def check_keys(encryption_keys: str) -> list[str]:
        """Return the comma-separated Fernet keys; ValueError naming a malformed one."""
        keys = [k.strip() for k in encryption_keys.split(",") if k.strip()]
        for number, key in enumerate(keys, 1):
            try:
                Fernet(key)
            except ValueError:
                raise ValueError(f"key {number} of {len(keys)} is not a Fernet key "
                                 "(`hotline db new-key` makes one)") from None
        return keys

    def sender_id(self, number: str) -> str:
        """Return the stable pseudonym of a phone number (Redis keys, case lookups)."""
        mac = self._keyed_hmac.copy()
        mac.update(number.encode())
        digest = mac.digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()

    def fingerprint(self) -> str:
        """Return a fingerprint of the pseudonym key (``store.fingerprints``): an HMAC of
        a fixed text, which tells keys apart and reveals nothing of them."""
        return self.sender_id("hotline:pseudonym-key-fingerprint")

    # -- SQL fields (Fernet) ----------------------------------------------------------

    def encrypt(self, text: str | None) -> bytes | None:
        """Encrypt a personal field; None stays None."""
        if text is None:
            return None
        return self._fernet.encrypt(text.encode())

    def decrypt(self, token: bytes | None) -> str | None:
        """Decrypt a field written by ``encrypt`` under any configured key (Unreadable if
        none opens it)."""
        if token is None:
            return None
        try:
            return self._fernet.decrypt(bytes(token)).decode()
        except InvalidToken:
            raise Unreadable("cannot decrypt: is the old key missing from "
                             "HOTLINE_ENCRYPTION_KEYS?") from None

    def shown(self, token: bytes | None, what: str = "case field") -> str | None:
        """Decrypt a field for a reader, or show it as ``UNREADABLE`` (logged by name,
        never by content) so one lost key never stops a list, an export or a claim."""
        try:
            return self.decrypt(token)
        except Unreadable:
            log.warning("a %s could not be decrypted: its key is not in "
                        "HOTLINE_ENCRYPTION_KEYS", what)
            return UNREADABLE

    def is_current(self, token: bytes) -> bool:
        """Tell whether a field is encrypted under the newest key already."""
        try:
            self._fernets[0].decrypt(bytes(token))
        except InvalidToken:
            return False
        return True

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt a field under the newest key (Unreadable if no key opens it)."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken:
            raise Unreadable("cannot rotate: no configured key opens it") from None

    # -- Redis values (AES-GCM) -------------------------------------------------------

    def seal(self, data: bytes, context: bytes = b"") -> bytes:
        """Encrypt a Redis value, bound to ``context`` (its key), in one cipher call.

        Fernet costs ten times more per value and base64 makes it a third larger; Redis
        values are read and written on every message and live hours, not years.
        """
        nonce = os.urandom(NONCE_BYTES)
        return SEALED_V2 + nonce + self._sealers[0].encrypt(nonce, data, context)

    def unseal(self, token: bytes, context: bytes = b"") -> bytes:
        """Decrypt a value from ``seal`` under any configured key (or one sealed before
        HKDF, or an older Fernet token, written before values were sealed); ValueError
        (Unreadable) if none opens it."""
        return self._opened(bytes(token), context)[0]

    def reseal(self, token: bytes, context: bytes = b"") -> bytes | None:
        """Return the value sealed again under the newest key, or None if it is already
        (``hotline db rotate``); Unreadable if no key opens it."""
        data, current = self._opened(bytes(token), context)
        return None if current else self.seal(data, context)

    def _opened(self, token: bytes, context: bytes) -> tuple[bytes, bool]:
        """Open a Redis value; say whether it was sealed by ``seal`` with the newest key."""
        version = token[:1]
        if version not in (SEALED_V1, SEALED_V2):
            try:
                return self._fernet.decrypt(token), False
            except InvalidToken:
                raise Unreadable("cannot unseal: not a value of this deployment") from None
        nonce, sealed = token[1:1 + NONCE_BYTES], token[1 + NONCE_BYTES:]
        sealers = self._sealers if version == SEALED_V2 else self._v1_sealers
        for index, sealer in enumerate(sealers):
            try:
                return sealer.decrypt(nonce, sealed, context), (
                    index == 0 and version == SEALED_V2)
            except InvalidTag:
                continue
        raise Unreadable("cannot unseal: is the old key missing from HOTLINE_ENCRYPTION_KEYS?")


def new_key() -> str:
    """Return a fresh Fernet key for HOTLINE_ENCRYPTION_KEYS."""
    return Fernet.generate_key().decode()


def new_secret() -> str:
    """Return a fresh HOTLINE_SECRET_KEY: 32 random bytes, URL-safe base64."""
    return secrets.token_urlsafe(MIN_RANDOM_BYTES)


def kept_secret(path: Path, size: int) -> str:
    """Return the random token stored at ``path``, creating it (0600) the first time.

    Several processes may start at once: exactly one creates it, the others read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(size))
    for _ in range(50):  # a racing creator may not have written it yet
        text = path.read_text().strip()
        if text:
            return text
        sleep(0.02)
    raise ValueError(f"{path} is empty; delete it and start again")
