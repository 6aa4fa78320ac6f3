"""Keys and ciphers: pseudonyms for lookups, Fernet for SQL fields, sealed Redis values."""

from __future__ import annotations

import pytest

from hotline.crypto import Crypto, new_key

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
