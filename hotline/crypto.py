"""Keep personal data unreadable at rest: HMAC for lookups, Fernet for contents.

Rotation: put a new key first in HOTLINE_ENCRYPTION_KEYS and keep the old ones after
it; everything still decrypts, new writes use the new key, and ``hotline db rotate``
re-encrypts old rows so the old key can then be dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class Crypto:
    """Derives the keys of one deployment and applies them."""

    def __init__(self, secret_key: str, encryption_keys: str = "") -> None:
        self._hmac_key = hashlib.sha256(b"hotline-hmac:" + secret_key.encode()).digest()
        keys = [k.strip() for k in encryption_keys.split(",") if k.strip()]
        if not keys:
            derived = hashlib.sha256(b"hotline-fernet:" + secret_key.encode()).digest()
            keys = [base64.urlsafe_b64encode(derived).decode()]
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except ValueError:
            raise ValueError("HOTLINE_ENCRYPTION_KEYS: each key must be a Fernet key "
                             "(hotline db new-key makes one)") from None

    def sender_id(self, number: str) -> str:
        """Return the stable pseudonym of a phone number (Redis keys, case lookups)."""
        digest = hmac.new(self._hmac_key, number.encode(), hashlib.sha256).digest()
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

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt a token under the newest key."""
        return self._fernet.rotate(bytes(token))


def new_key() -> str:
    """Return a fresh Fernet key for HOTLINE_ENCRYPTION_KEYS."""
    return Fernet.generate_key().decode()
