"""Keys and ciphers: pseudonyms for lookups, Fernet for SQL fields, sealed Redis values."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hotline.crypto import UNREADABLE, Crypto, Unreadable, derived_keys, new_key

OLD, NEW = new_key(), new_key()


def test_a_sealed_value_opens_only_under_the_key_it_was_sealed_for() -> None:
    crypto = Crypto("secret", OLD)
    sealed = crypto.seal("민수, 식당".encode(), b"hl:s:abc")
    assert crypto.unseal(sealed, b"hl:s:abc") == "민수, 식당".encode()
    with pytest.raises(ValueError):
        crypto.unseal(sealed, b"hl:s:someone-else")  # copied under another sender's key


def test_a_tampered_or_foreign_value_does_not_open() -> None:
    crypto = Crypto("secret", OLD)
    sealed = bytearray(crypto.seal(b"story", b"k"))
    sealed[-1] ^= 1
    with pytest.raises(ValueError):
        crypto.unseal(bytes(sealed), b"k")
    with pytest.raises(ValueError):
        Crypto("secret", NEW).unseal(crypto.seal(b"story", b"k"), b"k")
    with pytest.raises(ValueError):
        crypto.unseal(b"not a sealed value", b"k")


def test_values_sealed_before_a_key_rotation_still_open_and_new_ones_use_the_new_key() -> None:
    before = Crypto("secret", OLD).seal(b"draft", b"k")
    rotated = Crypto("secret", f"{NEW},{OLD}")
    assert rotated.unseal(before, b"k") == b"draft"
    after = rotated.seal(b"draft", b"k")
    assert Crypto("secret", NEW).unseal(after, b"k") == b"draft"


def test_a_value_written_before_sealing_existed_still_opens_after_an_upgrade() -> None:
    crypto = Crypto("secret", OLD)
    fernet_token = crypto.encrypt("half a report")  # how Redis values were written before
    assert fernet_token is not None
    assert crypto.unseal(fernet_token, b"k") == b"half a report"


def test_sealing_costs_redis_far_fewer_bytes_than_fernet() -> None:
    crypto = Crypto("secret", OLD)
    session = b'{"l":"es","s":"menu","u":1764000000}'
    fernet = crypto.encrypt(session.decode())
    assert fernet is not None
    assert len(crypto.seal(session, b"k")) == len(session) + 29
    assert len(crypto.seal(session, b"k")) < len(fernet) * 0.6


def test_the_pseudonym_of_a_number_is_stable_and_reveals_nothing() -> None:
    crypto = Crypto("secret")
    assert crypto.sender_id("+12135550100") == crypto.sender_id("+12135550100")
    assert crypto.sender_id("+12135550100") != Crypto("other").sender_id("+12135550100")
    assert "2135550100" not in crypto.sender_id("+12135550100")


def _before_hkdf(secret: str) -> Fernet:
    """The Fernet key a deployment without HOTLINE_ENCRYPTION_KEYS used before HKDF."""
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"hotline-fernet:" + secret.encode())
                                           .digest()))


def test_the_pseudonym_key_never_changes_for_a_given_secret() -> None:
    # opt-outs, sessions and erasure find a worker by this value: it is pinned, forever
    key = hashlib.sha256(b"hotline-hmac:secret").digest()
    expected = base64.urlsafe_b64encode(hmac.new(key, b"+12135550100", hashlib.sha256)
                                        .digest()[:18]).decode()
    assert Crypto("secret", NEW).sender_id("+12135550100") == expected


def test_new_data_is_encrypted_under_an_hkdf_key_and_old_derived_data_still_opens() -> None:
    old_token = _before_hkdf("secret").encrypt(b"Taqueria Sol")
    crypto = Crypto("secret")
    assert crypto.decrypt(old_token) == "Taqueria Sol"
    new_token = crypto.encrypt("Taqueria Sol")
    assert new_token is not None
    with pytest.raises(InvalidToken):
        _before_hkdf("secret").decrypt(new_token)
    assert Fernet(derived_keys("secret")[0]).decrypt(new_token) == b"Taqueria Sol"


def test_moving_to_encryption_keys_keeps_the_derived_data_readable() -> None:
    before = [Crypto("secret").encrypt("a"), _before_hkdf("secret").encrypt(b"b")]
    moved = Crypto("secret", ",".join([NEW, *derived_keys("secret")]))
    assert [moved.decrypt(t) for t in before] == ["a", "b"]
    with pytest.raises(Unreadable):
        Crypto("secret", NEW).decrypt(before[0])  # without them: unreadable


def test_a_field_whose_key_is_gone_is_shown_as_unreadable_not_raised() -> None:
    token = Crypto("secret", OLD).encrypt("+12135550100")
    crypto = Crypto("secret", NEW)
    with pytest.raises(Unreadable):
        crypto.decrypt(token)
    assert crypto.shown(token, "contact") == UNREADABLE
    assert crypto.shown(None, "contact") is None


def test_rotation_moves_fields_and_redis_values_to_the_newest_key() -> None:
    rotated = Crypto("secret", f"{NEW},{OLD}")
    token = Crypto("secret", OLD).encrypt("story")
    assert token is not None and not rotated.is_current(token)
    again = rotated.rotate(token)
    assert rotated.is_current(again) and Crypto("secret", NEW).decrypt(again) == "story"
    sealed = Crypto("secret", OLD).seal(b"draft", b"k")
    resealed = rotated.reseal(sealed, b"k")
    assert resealed is not None and Crypto("secret", NEW).unseal(resealed, b"k") == b"draft"
    assert rotated.reseal(resealed, b"k") is None  # already current
    with pytest.raises(Unreadable):
        Crypto("secret", NEW).rotate(token)


def test_a_value_sealed_before_hkdf_still_opens_and_is_resealed() -> None:
    raw = base64.urlsafe_b64decode(OLD)
    nonce = b"\0" * 12
    legacy = AESGCM(hmac.new(raw, b"hotline-redis-seal", hashlib.sha256).digest())
    v1 = b"\x01" + nonce + legacy.encrypt(nonce, b"draft", b"k")
    crypto = Crypto("secret", OLD)
    assert crypto.unseal(v1, b"k") == b"draft"
    resealed = crypto.reseal(v1, b"k")
    assert resealed is not None and resealed.startswith(b"\x02")
