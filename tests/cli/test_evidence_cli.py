"""``hotline evidence list|show|save``: staff open a case's photos only through the app,
decrypted and verified, and every look is on the case's record."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import samples
from click.testing import CliRunner
from fakes import TwilioApi

from hotline import config
from hotline.cli import main
from hotline.config import env_name
from hotline.dialogue.effects import CaseKind, FileCase, MediaItem
from hotline.evidence.vault import FileVault
from hotline.service import Service

WORKER = "+12135550143"


@pytest.fixture
def env(alert_overrides: dict[str, Any]) -> dict[str, str]:
    return {env_name(k): str(v) for k, v in alert_overrides.items()}


@pytest.fixture
def service(alert_overrides: dict[str, Any]) -> Iterator[Service]:
    made = Service.from_settings(config.load(environ={}, **alert_overrides))
    yield made
    made.close()


@pytest.fixture
def case(service: Service, twilio_api: TwilioApi) -> tuple[int, str]:
    """A case with a photo kept, a file refused and a photo not taken in yet."""
    photo = twilio_api.add_media(samples.png(), "image/png")
    fake = twilio_api.add_media(samples.EXE, "image/jpeg")
    case_id, ref = service.cases.file(FileCase(
        kind=CaseKind.REPORT, locale="ko", channel="sms", sender=WORKER,
        contact_method="text", contact_number=WORKER,
        media=(MediaItem(photo, "image/png"), MediaItem(fake, "image/jpeg"))))
    service.keeper.keep_case(case_id)
    service.cases.add_to(case_id, FileCase(
        kind=CaseKind.REPORT, locale="ko", channel="sms", sender=WORKER,
        contact_method="text", media=(MediaItem(twilio_api.add_media(samples.jpeg(),
                                                                     "image/jpeg"),
                                                "image/jpeg"),)))
    return case_id, ref


def looks(service: Service, case_id: int) -> list[str]:
    return [d for k, d in service.cases.events(case_id) if k == "evidence_opened"]


def test_list_shows_what_was_sent_and_kept_without_opening_anything(
        env: dict[str, str], service: Service, case: tuple[int, str]) -> None:
    case_id, ref = case
    listed = CliRunner().invoke(main, ["evidence", "list", ref], env=env)
    assert listed.exit_code == 0, listed.output
    first, second, third = listed.output.splitlines()
    assert first.startswith("1  kept      image/png") and "sha256 " in first
    assert second.startswith("2  refused") and "not an allowed type" in second
    assert "Twilio still has its copy" in second
    assert third.startswith("3  waiting") and "not taken in yet" in third
    assert "http" not in listed.output and looks(service, case_id) == []


def test_save_writes_a_private_file_once_and_records_the_look(
        env: dict[str, str], service: Service, case: tuple[int, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    case_id, ref = case
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    saved = runner.invoke(main, ["evidence", "save", ref, "1"], env=env)
    assert saved.exit_code == 0, saved.output
    path = tmp_path / f"case-{ref}-1.png"
    assert path.read_bytes() == samples.png()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = runner.invoke(main, ["evidence", "save", ref, "1"], env=env)
    assert again.exit_code != 0 and "not overwritten" in again.output
    assert path.read_bytes() == samples.png()
    (look,) = looks(service, case_id)  # the refused second try opened nothing
    assert look.startswith("item 1: saved by ")


def test_show_streams_the_decrypted_bytes_and_records_the_look(
        env: dict[str, str], service: Service, case: tuple[int, str]) -> None:
    case_id, ref = case
    shown = CliRunner().invoke(main, ["evidence", "show", ref, "1"], env=env)
    assert shown.exit_code == 0 and shown.stdout_bytes == samples.png()
    assert looks(service, case_id)[0].startswith("item 1: shown by ")


def test_an_item_with_no_copy_or_an_altered_copy_is_not_handed_out(
        env: dict[str, str], service: Service, case: tuple[int, str]) -> None:
    case_id, ref = case
    runner = CliRunner()
    for number, why in ((2, "no copy (refused"), (3, "not taken in yet"), (9, "no copy")):
        result = runner.invoke(main, ["evidence", "show", ref, str(number)], env=env)
        assert result.exit_code != 0 and why in result.output
    vault = service.keeper.vault
    assert isinstance(vault, FileVault)
    (copy,) = [p for p in vault.root.rglob("*") if p.is_file()]
    sealed = bytearray(copy.read_bytes())
    sealed[-1] ^= 1  # one bit changed on disk
    copy.write_bytes(bytes(sealed))
    result = runner.invoke(main, ["evidence", "show", ref, "1"], env=env)
    assert result.exit_code != 0 and "does not open" in result.output
    assert looks(service, case_id) == []
    missing = runner.invoke(main, ["evidence", "list", "99999999"], env=env)
    assert missing.exit_code != 0 and "no case 99999999" in missing.output


def test_the_case_export_counts_photos_and_carries_no_links(
        env: dict[str, str], case: tuple[int, str]) -> None:
    exported = CliRunner().invoke(main, ["cases", "export", "--format", "json"], env=env)
    (row,) = json.loads(exported.output)
    assert row["media"] == 3 and "http" not in exported.output
