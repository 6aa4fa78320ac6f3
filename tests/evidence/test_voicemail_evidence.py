"""A voicemail becomes evidence like a photo: Twilio's recording callback → the voicemail
job files the case → the evidence job downloads the recording from the local Twilio
stand-in (with the account's credentials, only there), stores it encrypted and deletes
it at Twilio (the Recording DELETE is asserted)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import samples
from dialing import Call
from fakes import ACCOUNT_SID, Jobs, TwilioApi

from hotline.evidence.keeping import seal_context
from hotline.evidence.vault import FileVault
from hotline.store.evidence import Kind, State


class OurCall(Call):
    """A call whose recording is in this deployment's Twilio account."""

    @property
    def recording_url(self) -> str:
        return (f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/"
                f"{self.recording_sid}")


@pytest.fixture
def app(alert_overrides: dict[str, Any]):  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    app = create_app(alert_overrides)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


def test_a_voicemail_is_kept_encrypted_and_deleted_at_twilio(
        app: Any, jobs: Jobs, twilio_api: TwilioApi) -> None:
    call = OurCall(app.test_client(), "+13235550141")
    call.dial()
    call.press("2")  # Español
    call.press("2")  # leave a message
    audio = samples.wav(3.0)
    twilio_api.recordings[call.recording_sid] = ("audio/x-wav", audio)
    assert call.recording_status("completed", 3).status_code == 204

    jobs.run()  # the voicemail job files the case and queues the evidence job, run too

    service = app.extensions["hotline"]
    (case,) = list(service.cases.newest())
    (sent,) = service.keeper.evidence.sent(case.id)
    item = sent.item
    assert item is not None and item.state == State.KEPT and item.kind == Kind.RECORDING
    assert item.content_type == "audio/x-wav" and not item.at_twilio
    assert item.sha256 == hashlib.sha256(audio).hexdigest()
    assert twilio_api.deleted_recordings == [call.recording_sid]
    ((path, auth),) = twilio_api.media_requests
    assert path == f"Recordings/{call.recording_sid}" and auth.startswith("Basic ")
    vault = service.keeper.vault
    assert isinstance(vault, FileVault)
    (copy,) = [p for p in vault.root.rglob("*") if p.is_file()]
    assert audio[44:1000] not in copy.read_bytes()
    assert service.crypto.unseal(copy.read_bytes(), seal_context(copy.name)) == audio
