"""``hotline db rotate`` reaches the stored copies of photos and voicemails too: after
it says the old key may go, every copy still opens without it."""

from __future__ import annotations

from typing import Any

import samples
from click.testing import CliRunner
from fakes import TwilioApi

from hotline import config
from hotline.cli import main
from hotline.config import env_name
from hotline.crypto import new_key
from hotline.dialogue.effects import CaseKind, FileCase, MediaItem
from hotline.evidence.vault import FileVault
from hotline.service import Service

OLD, NEW = new_key(), new_key()
WORKER = "+12135550144"


def hotline(overrides: dict[str, Any], keys: str, *args: str) -> Any:
    env = {env_name(k): str(v) for k, v in overrides.items()}
    env["HOTLINE_ENCRYPTION_KEYS"] = keys
    return CliRunner().invoke(main, list(args), env=env)


def kept_under_old(overrides: dict[str, Any], twilio_api: TwilioApi) -> str:
    """File a case with a photo and keep its copy while OLD is the only key."""
    service = Service.from_settings(config.load(environ={}, **{**overrides,
                                                               "encryption_keys": OLD}))
    try:
        photo = twilio_api.add_media(samples.png(), "image/png")
        case_id, ref = service.cases.file(FileCase(
            kind=CaseKind.REPORT, locale="es", channel="sms", sender=WORKER,
            contact_method="text", contact_number=WORKER,
            media=(MediaItem(photo, "image/png"),)))
        assert service.keeper.keep_case(case_id).kept == 1
        return ref
    finally:
        service.close()


def test_rotation_seals_every_stored_copy_again_so_the_old_key_can_go(
        alert_overrides: dict[str, Any], twilio_api: TwilioApi) -> None:
    ref = kept_under_old(alert_overrides, twilio_api)
    rotated = hotline(alert_overrides, f"{NEW},{OLD}", "db", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "evidence: 1 stored copie(s) sealed again" in rotated.output
    assert "may now be dropped" in rotated.output

    shown = hotline(alert_overrides, NEW, "evidence", "show", ref, "1")  # OLD is gone
    assert shown.exit_code == 0, shown.output
    assert shown.stdout_bytes == samples.png()

    again = hotline(alert_overrides, f"{NEW},{OLD}", "db", "rotate")
    assert again.exit_code == 0 and "evidence: 0 stored copie(s) sealed again, 1 already" \
        in again.output


def test_a_copy_no_key_opens_keeps_rotation_from_saying_the_old_key_may_go(
        alert_overrides: dict[str, Any], twilio_api: TwilioApi) -> None:
    kept_under_old(alert_overrides, twilio_api)
    refused = hotline(alert_overrides, NEW, "db", "rotate")  # OLD dropped too soon
    assert refused.exit_code == 1
    assert "1 unreadable, 0 not reached" in refused.output
    assert "may now be dropped" not in refused.output


def test_a_copy_altered_in_the_store_is_not_sealed_again_as_if_it_were_the_one_kept(
        alert_overrides: dict[str, Any], twilio_api: TwilioApi) -> None:
    kept_under_old(alert_overrides, twilio_api)
    vault = FileVault(config.load(environ={}, **alert_overrides).var_path / "evidence")
    (copy,) = [p for p in vault.root.rglob("*") if p.is_file()]
    sealed = bytearray(copy.read_bytes())
    sealed[-1] ^= 1
    copy.write_bytes(bytes(sealed))
    refused = hotline(alert_overrides, f"{NEW},{OLD}", "db", "rotate")
    assert refused.exit_code == 1 and "1 unreadable" in refused.output
    assert copy.read_bytes() == bytes(sealed)  # left as it was found
