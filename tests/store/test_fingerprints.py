"""A changed HOTLINE_SECRET_KEY stops the start: with it every opt-out would be lost and
the hotline could text a worker who said STOP. Replacing a weak secret is deliberate."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from hotline import config
from hotline.cli import main
from hotline.config import env_name
from hotline.dialogue.inbound import Channel, Inbound
from hotline.service import Service
from hotline.store.fingerprints import KeyChanged

WORKER = "+12135550177"


def started(overrides: dict[str, Any], secret: str) -> Service:
    return Service.from_settings(config.load(environ={}, **{**overrides, "secret_key": secret}))


def env_of(overrides: dict[str, Any], secret: str) -> dict[str, str]:
    return {**{env_name(k): str(v) for k, v in overrides.items()},
            env_name("secret_key"): secret}


def test_a_start_with_another_secret_is_refused_and_says_what_to_set(
        overrides: dict[str, Any]) -> None:
    first = started(overrides, "the-first-secret")
    try:
        first.handle(Inbound("SMstop0001", Channel.SMS, WORKER, "STOP"))
        assert first.optouts.opted_out(WORKER)
    finally:
        first.close()
    with pytest.raises(KeyChanged, match="Set HOTLINE_SECRET_KEY back to its old value"):
        started(overrides, "another-secret")
    again = started(overrides, "the-first-secret")  # the right key starts, opt-out intact
    try:
        assert again.optouts.opted_out(WORKER)
    finally:
        again.close()


def test_commands_refuse_too_until_the_new_secret_is_accepted_on_purpose(
        overrides: dict[str, Any]) -> None:
    started(overrides, "the-first-secret").close()
    runner = CliRunner()
    refused = runner.invoke(main, ["cases", "list"], env=env_of(overrides, "another-secret"))
    assert refused.exit_code == 1 and "HOTLINE_SECRET_KEY is not the key" in refused.output

    kept = runner.invoke(main, ["db", "accept-secret"], input="n\n",
                         env=env_of(overrides, "another-secret"))
    assert kept.exit_code != 0
    with pytest.raises(KeyChanged):
        started(overrides, "another-secret")

    accepted = runner.invoke(main, ["db", "accept-secret", "--yes"],
                             env=env_of(overrides, "another-secret"))
    assert accepted.exit_code == 0 and "now goes with this" in accepted.output, accepted.output
    started(overrides, "another-secret").close()
    with pytest.raises(KeyChanged):  # and now the old one is the stranger
        started(overrides, "the-first-secret")


def test_the_fingerprint_reveals_nothing_of_the_key(overrides: dict[str, Any]) -> None:
    service = started(overrides, "the-first-secret")
    try:
        with service.cases.engine.connect() as conn:
            (row,) = conn.exec_driver_sql("SELECT name, fingerprint FROM key_fingerprints")
        assert row[0] == "pseudonyms" and "first" not in row[1]
        assert row[1] == service.crypto.fingerprint() != started_crypto_of("another")
    finally:
        service.close()


def started_crypto_of(secret: str) -> str:
    from hotline.crypto import Crypto

    return Crypto(secret).fingerprint()
