"""Keys: ``hotline db rotate`` moves everything to the newest key, and a key removed too
soon never crashes a reader: its fields show as unreadable."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import Phone

from hotline.cli import main
from hotline.config import env_name
from hotline.crypto import UNREADABLE, Crypto, derived_keys, new_key
from hotline.dialogue.inbound import Channel, Inbound
from hotline.service import Service

OLD, NEW = new_key(), new_key()
WORKER = "+12135550142"


def env_of(overrides: dict[str, Any], keys: str) -> dict[str, str]:
    env = {env_name(k): str(v) for k, v in overrides.items()}
    env["HOTLINE_ENCRYPTION_KEYS"] = keys
    return env


def hotline(overrides: dict[str, Any], keys: str, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), env=env_of(overrides, keys))


@pytest.fixture
def written_under_old(overrides: dict[str, Any]) -> dict[str, Any]:
    """A hotline that ran under OLD: a worker's session and language in Redis, their
    callback request in SQL and a message kept in the spool."""
    from hotline.app import create_app

    app = create_app({**overrides, "encryption_keys": OLD})
    phone = Phone(app.test_client(), WORKER)
    phone.send("hello")
    phone.send("PERSON")
    assert "number is" in phone.send("1")[0]  # committed, whoever can be reached
    service: Service = app.extensions["hotline"]
    service.spool.put(Inbound("SMspooled", Channel.SMS, "+12135550143", "no me pagan"))
    service.close()
    return overrides


def opened_with(overrides: dict[str, Any], keys: str) -> Service:
    from hotline import config

    return Service.from_settings(config.load(environ={}, **{**overrides,
                                                            "encryption_keys": keys}))


def test_rotate_moves_every_field_and_redis_value_so_the_old_key_can_go(
        written_under_old: dict[str, Any]) -> None:
    overrides = written_under_old
    rotated = hotline(overrides, f"{NEW},{OLD}", "db", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "re-encrypted (" in rotated.output  # counted by table:
    assert "cases 2" in rotated.output and "inbound_spool 1" in rotated.output
    assert "may now be dropped" in rotated.output
    assert "0 unreadable" in rotated.output

    service = opened_with(overrides, NEW)  # the old key is gone
    try:
        (case,) = service.cases.newest()
        assert case.contact == WORKER
        loaded = service.sessions.load(WORKER, "SMnext")
        assert loaded.session.locale == "en"  # the language, kept a year, still opens
        ((_, _, spooled),) = service.spool.waiting()
        assert spooled.text == "no me pagan"
    finally:
        service.close()

    again = hotline(overrides, f"{NEW},{OLD}", "db", "rotate")
    assert again.exit_code == 0
    assert "database: 0 field(s) re-encrypted," in again.output
    assert "redis: 0 value(s) sealed again" in again.output


def test_with_a_key_removed_too_soon_list_and_export_still_work_and_say_so(
        written_under_old: dict[str, Any]) -> None:
    overrides = written_under_old
    listed = hotline(overrides, NEW, "cases", "list")
    assert listed.exit_code == 0, listed.output
    assert "callback" in listed.output and "fields unreadable" in listed.output

    exported = hotline(overrides, NEW, "cases", "export", "--format", "csv")
    assert exported.exit_code == 0, exported.output
    (row,) = list(csv.DictReader(io.StringIO(exported.output)))
    assert row["contact"] == UNREADABLE and row["kind"] == "callback"
    (case,) = json.loads(hotline(overrides, NEW, "cases", "export", "--format", "json").output)
    assert case["contact"] == UNREADABLE

    refused = hotline(overrides, NEW, "db", "rotate")
    assert refused.exit_code == 1
    assert "3 unreadable" in refused.output and "put the key" in refused.output


def test_the_derived_keys_keep_a_deployment_readable_when_it_moves_to_encryption_keys(
        overrides: dict[str, Any]) -> None:
    # a deployment that ran without HOTLINE_ENCRYPTION_KEYS, on its secret alone
    from hotline.app import create_app

    app = create_app(overrides)
    phone = Phone(app.test_client(), WORKER)
    for text in ("hello", "PERSON", "1"):
        phone.send(text)
    app.extensions["hotline"].close()

    printed = hotline(overrides, "", "db", "derived-keys")
    assert printed.exit_code == 0
    derived = printed.output.strip()
    assert derived == ",".join(derived_keys(overrides["secret_key"]))
    moved = f"{NEW},{derived}"
    assert hotline(overrides, moved, "db", "rotate").exit_code == 0
    service = opened_with(overrides, NEW)
    try:
        (case,) = service.cases.newest()
        assert case.contact == WORKER
    finally:
        service.close()


def test_new_secret_prints_32_random_bytes_that_production_accepts() -> None:
    from hotline.safety import strong_secret

    first = CliRunner().invoke(main, ["db", "new-secret"]).output.strip()
    second = CliRunner().invoke(main, ["db", "new-secret"]).output.strip()
    assert first != second and strong_secret(first)
    assert Crypto(first).sender_id(WORKER) != Crypto(second).sender_id(WORKER)
