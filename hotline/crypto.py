"""Keep personal data unreadable at rest: HMAC for lookups, Fernet for contents,
AES-GCM for the short-lived values in Redis.

Rotation: put a new key first in HOTLINE_ENCRYPTION_KEYS and keep the old ones after
it; everything still decrypts, new writes use the new key, and ``hotline db rotate``
re-encrypts old rows so the old key can then be dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

#: First byte of a value sealed by ``seal`` (a Fernet token starts with 0x80, base64'd).
SEALED_V1 = b"\x01"
#: Bytes of an AES-GCM nonce (random per value: 2^32 values per key stay far from a clash).
NONCE_BYTES = 12


class Crypto:
    """Derives the keys of one deployment and applies them."""

    def __init__(self, secret_key: str, encryption_keys: str = "") -> None:
        hmac_key = hashlib.sha256(b"hotline-hmac:" + secret_key.encode()).digest()
        # keyed once: each pseudonym copies it (OpenSSL looks the digest up only here)
        self._keyed_hmac = hmac.new(hmac_key, digestmod=hashlib.sha256)
        keys = [k.strip() for k in encryption_keys.split(",") if k.strip()]
        if not keys:
            derived = hashlib.sha256(b"hotline-fernet:" + secret_key.encode()).digest()
            keys = [base64.urlsafe_b64encode(derived).decode()]
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except ValueError:
            raise ValueError("HOTLINE_ENCRYPTION_KEYS: each key must be a Fernet key "
                             "(hotline db new-key makes one)") from None
        # one AES-GCM key per Fernet key, newest first, so rotation works the same way
        self._sealers = [AESGCM(hmac.new(base64.urlsafe_b64decode(k), b"hotline-redis-seal",
                                         hashlib.sha256).digest()) for k in keys]

    def sender_id(self, number: str) -> str:
        """Return the stable pseudonym of a phone number (Redis keys, case lookups)."""
        mac = self._keyed_hmac.copy()
        mac.update(number.encode())
        digest = mac.digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()

    def encrypt(self, text: str | None) -> bytes | None:
        """Encrypt a personal field; None stays None."""
        if text is None:
            return None
        return self._fernet.encrypt(text.encode())

    def decrypt(self, token: bytes | None) -> str | None:
        """Decrypt a field written by ``encrypt`` under any configured key."""
        if token is None:
            return None
        try:
            return self._fernet.decrypt(bytes(token)).decode()
        except InvalidToken:
            raise ValueError("cannot decrypt: is the old key missing from "
                             "HOTLINE_ENCRYPTION_KEYS?") from None

    def seal(self, data: bytes, context: bytes = b"") -> bytes:
        """Encrypt a Redis value, bound to ``context`` (its key), in one cipher call.

        Fernet costs ten times more per value and base64 makes it a third larger; Redis
        values are read and written on every message and live hours, not years.
        """
        nonce = os.urandom(NONCE_BYTES)
        return SEALED_V1 + nonce + self._sealers[0].encrypt(nonce, data, context)

    def unseal(self, token: bytes, context: bytes = b"") -> bytes:
        """Decrypt a value from ``seal`` under any configured key (or an older Fernet
        token, written before values were sealed); ValueError if none opens it."""
        token = bytes(token)
        if not token.startswith(SEALED_V1):
            try:
                return self._fernet.decrypt(token)
            except InvalidToken:
                raise ValueError("cannot unseal: not a value of this deployment") from None
        nonce, sealed = token[1:1 + NONCE_BYTES], token[1 + NONCE_BYTES:]
        for sealer in self._sealers:
            try:
                return sealer.decrypt(nonce, sealed, context)
            except InvalidTag:
                continue
        raise ValueError("cannot unseal: is the old key missing from HOTLINE_ENCRYPTION_KEYS?")

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt a token under the newest key."""
        return self._fernet.rotate(bytes(token))


def new_key() -> str:
    """Return a fresh Fernet key for HOTLINE_ENCRYPTION_KEYS."""
    return Fernet.generate_key().decode()
