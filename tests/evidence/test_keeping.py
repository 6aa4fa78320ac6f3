"""Evidence kept: a worker's photo (or voicemail) is copied from Twilio by a job, stored
encrypted (files under var/, or a real S3-compatible server), verified, deleted at
Twilio, and opened only through the app; refused when too large or not what it says;
kept at Twilio while our store fails; forgotten on erasure and retention."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import samples
from click.testing import CliRunner
from conftest import Phone
from fakes import Jobs, TwilioApi

from hotline.dialogue.effects import CaseKind, FileCase, MediaItem
from hotline.evidence.keeping import seal_context
from hotline.evidence.vault import FileVault, S3Vault
from hotline.outbound.twilio_sms import TwilioSender
from hotline.service import Service
from hotline.store.evidence import State
from hotline.upkeep import Upkeep

WORKER = "+12135550142"
KEEP = "workers.evidence.keep_case_evidence"


@pytest.fixture(params=["file", "s3"])
def store_url(request: pytest.FixtureRequest) -> str:
    """Where copies go: the embedded default (files under var/), or a bucket of a real
    S3-compatible server."""
    if request.param == "file":
        return ""
    object_store = request.getfixturevalue("object_store")
    return str(object_store.url(request.getfixturevalue("bucket"), "evidence"))


@pytest.fixture
def settings_of(alert_overrides: dict[str, Any], alert_env: dict[str, str],
                monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return the overrides of a hotline with a given MEDIA_STORE_URL (also set in the
    environment the jobs read)."""
    def make(url: str, **more: Any) -> dict[str, Any]:
        from hotline.config import env_name

        values = {**alert_overrides, "media_store_url": url, **more}
        for name, value in values.items():
            monkeypatch.setenv(env_name(name), str(value))
        return values

    return make


@pytest.fixture
def app(settings_of: Any, store_url: str) -> Iterator[Any]:
    from hotline.app import create_app

    app = create_app(settings_of(store_url))
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


def stored(service: Service) -> dict[str, bytes]:
    """Every object in the store, as kept (sealed), by name."""
    vault = service.keeper.vault
    if isinstance(vault, FileVault):
        return {p.name: p.read_bytes() for p in vault.root.rglob("*") if p.is_file()}
    assert isinstance(vault, S3Vault)
    listed = vault.client.list_objects_v2(Bucket=vault.bucket).get("Contents", [])
    return {o["Key"].removeprefix(vault.prefix): vault.get(o["Key"].removeprefix(vault.prefix))
            for o in listed}


def report_with(phone: Phone, media: tuple[tuple[str, str], ...]) -> str:
    """Text a report with photos through the signed webhook; return its reference."""
    for body in ("hi", "1", "2", "4", "Sparkle Car Wash", "Vermont & 3rd", "1",
                 "They didn't pay my last 2 weeks"):
        phone.send(body)
    assert "received" in phone.send("", media=media)[0]
    for body in ("1", "2", "1", "1", "Ana", "1"):
        phone.send(body)
    filed = phone.send("1")
    return re.findall(r"(?<!\d)(\d{4,8})(?!\d)", " ".join(filed))[-1]


def file_case(service: Service, *media: tuple[str, str], when: datetime | None = None,
              sender: str = WORKER) -> int:
    case_id, _ = service.cases.file(FileCase(
        kind=CaseKind.REPORT, locale="en", channel="sms", sender=sender,
        contact_method="text", contact_number=sender, details=("no pay",),
        media=tuple(MediaItem(url, kind) for url, kind in media)), when)
    return case_id


def key_of(url: str) -> str:
    return url.split("/Messages/")[1].replace("/Media/", "/")


def events(service: Service, case_id: int, kind: str) -> list[str]:
    return [detail for k, detail in service.cases.events(case_id) if k == kind]


def test_an_mms_reports_photo_is_kept_encrypted_deleted_at_twilio_and_opened_only_in_the_app(
        app: Any, jobs: Jobs, twilio_api: TwilioApi, tmp_path: Path) -> None:
    service: Service = app.extensions["hotline"]
    photo = samples.jpeg(40_000)
    url = twilio_api.add_media(photo, "image/jpeg")
    # as Twilio posts it: an https address on its API (fetched from the local stand-in)
    twilio_url = url.replace(twilio_api.url, "https://api.twilio.com")
    ref = report_with(Phone(app.test_client(), WORKER), ((twilio_url, "image/jpeg"),))
    case = service.cases.by_ref(ref)
    assert case is not None and len(case.media) == 1
    assert stored(service) == {}  # the webhook fetched nothing: the job does

    jobs.run()

    (sent,) = service.keeper.evidence.sent(case.id)
    item = sent.item
    assert item is not None and item.state == State.KEPT and not item.at_twilio
    assert (item.content_type, item.size) == ("image/jpeg", len(photo))
    assert item.sha256 == hashlib.sha256(photo).hexdigest()
    # stored encrypted: not the photo, not a piece of it; it opens only with our key
    (name, sealed), = stored(service).items()
    assert name == item.object_name and photo[:64] not in sealed and photo[-64:] not in sealed
    assert service.crypto.unseal(sealed, seal_context(name)) == photo
    # Twilio's copy is deleted, by the Media DELETE (the message stays)
    assert twilio_api.deleted_media == [key_of(url)] and twilio_api.deleted == []
    assert twilio_api.get(url.split(twilio_api.url)[1], {
        "Authorization": twilio_api.media_requests[0][1]})[0] == 404
    assert events(service, case.id, "evidence_kept") == [
        f"item 1: image/jpeg, {len(photo)} bytes, sha256 {item.sha256[:12]}"]

    # staff open it through the app, and the look is on the case's record
    saved = tmp_path / "photo.jpg"
    result = CliRunner().invoke(_cli(), ["evidence", "save", ref, "1", "--to", str(saved)])
    assert result.exit_code == 0, result.output
    assert saved.read_bytes() == photo and item.sha256 in result.output
    (look,) = events(service, case.id, "evidence_opened")
    assert look.startswith("item 1: saved by ") and look.endswith("(cli)")
    # the organizer's e-mail of the report counts the photo and links nothing
    from hotline.alerts import texts

    _, body = texts.report_email(service.catalogs, service.cases.get(case.id), "en")
    assert "photos: 1" in body.lower() and "http" not in body


def _cli() -> Any:
    from hotline.cli import main

    return main


def test_a_file_too_large_or_not_what_it_says_is_refused_and_the_case_says_so(
        alert_service: Service, settings_of: Any, jobs: Jobs, twilio_api: TwilioApi) -> None:
    settings_of("")
    big = twilio_api.add_media(samples.jpeg(5 * 1024 * 1024 + 10), "image/jpeg")
    disguised = twilio_api.add_media(samples.pdf(), "image/jpeg")
    program = twilio_api.add_media(samples.EXE, "image/png")
    fine = twilio_api.add_media(samples.png(), "image/png")
    case_id = file_case(alert_service, (big, "image/jpeg"), (disguised, "image/jpeg"),
                        (program, "image/png"), (fine, "image/png"))
    alert_service.enqueue_evidence(case_id)
    jobs.run()

    states = [(s.item.state, s.item.error) for s in alert_service.keeper.evidence.sent(case_id)
              if s.item]
    assert states == [(State.REFUSED, "larger than 5 MB"),
                      (State.REFUSED, "claimed image/jpeg but is application/pdf"),
                      (State.REFUSED, "not an allowed type (application/x-msdownload)"),
                      (State.KEPT, None)]
    assert events(alert_service, case_id, "evidence_refused") == [
        "item 1: larger than 5 MB", "item 2: claimed image/jpeg but is application/pdf",
        "item 3: not an allowed type (application/x-msdownload)"]
    assert len(stored(alert_service)) == 1  # only the real photo
    # a refused item is left at Twilio (erasure and retention delete it there)
    assert twilio_api.deleted_media == [key_of(fine)]
    assert jobs.scheduled() == []  # nothing left to retry


def test_a_failed_store_keeps_twilios_copy_and_the_job_tries_again(
        alert_overrides: dict[str, Any], settings_of: Any, jobs: Jobs, twilio_api: TwilioApi,
        store_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from hotline import config

    if store_url:  # a bucket that is not there yet
        object_store = request.getfixturevalue("object_store")
        broken = object_store.url("hltest-late-bucket", "evidence")
    else:  # a directory that cannot be made: a file is in its way
        (tmp_path / "blocked").write_text("in the way")
        broken = f"file://{tmp_path}/blocked/evidence"
    service = Service.from_settings(config.load(environ={}, **settings_of(broken)))
    try:
        url = twilio_api.add_media(samples.png(), "image/png")
        case_id = file_case(service, (url, "image/png"))
        service.enqueue_evidence(case_id)
        jobs.run()
        (sent,) = service.keeper.evidence.sent(case_id)
        assert sent.item is not None and sent.item.state == State.WAITING
        assert sent.item.at_twilio and (sent.item.error or "").startswith("store: ")
        assert twilio_api.deleted_media == [] and key_of(url) in twilio_api.media
        assert [f for f, _ in jobs.scheduled()] == [KEEP]  # RQ tries again

        if store_url:  # the store comes back
            object_store.client().create_bucket(Bucket="hltest-late-bucket")
        else:
            (tmp_path / "blocked").unlink()
        service.keeper.evidence.claim(sent.item.id, datetime.now(UTC) + timedelta(days=2))
        _due_now(service, sent.item.id)
        jobs.come_due(KEEP)
        jobs.run()
        (sent,) = service.keeper.evidence.sent(case_id)
        assert sent.item is not None and sent.item.state == State.KEPT
        assert twilio_api.deleted_media == [key_of(url)]
        assert list(stored(service).values())  # the copy is there
    finally:
        if store_url:
            _empty_bucket(request.getfixturevalue("object_store"), "hltest-late-bucket")
        service.close()


def _due_now(service: Service, item_id: int) -> None:
    """Skip an item's wait (the test's clock cannot move RQ's)."""
    from sqlalchemy import update

    from hotline.store.evidence import EvidenceRow

    with service.cases.engine.begin() as conn:
        conn.execute(update(EvidenceRow).where(EvidenceRow.id == item_id)
                     .values(next_at=datetime.now(UTC) - timedelta(seconds=1)))


def _empty_bucket(object_store: Any, name: str) -> None:
    client = object_store.client()
    try:
        for found in client.list_objects_v2(Bucket=name).get("Contents", []):
            client.delete_object(Bucket=name, Key=found["Key"])
        client.delete_bucket(Bucket=name)
    except Exception:  # noqa: BLE001 - it was never made
        pass


def test_twilios_short_delay_is_waited_out_and_an_item_never_served_is_given_up(
        alert_service: Service, settings_of: Any, jobs: Jobs, twilio_api: TwilioApi) -> None:
    settings_of("")
    soon = twilio_api.add_media(samples.png(), "image/png")
    never = twilio_api.add_media(samples.jpeg(), "image/jpeg")
    twilio_api.not_ready[key_of(soon)] = 1
    twilio_api.not_ready[key_of(never)] = 100
    case_id = file_case(alert_service, (soon, "image/png"), (never, "image/jpeg"))
    alert_service.enqueue_evidence(case_id)
    jobs.run()
    first, second = alert_service.keeper.evidence.sent(case_id)
    assert first.item and first.item.state == State.WAITING and first.item.error == "twilio: 404"

    for _ in range(12):  # RQ's retries, then the upkeep's, each when due
        for sent in alert_service.keeper.evidence.sent(case_id):
            if sent.item and sent.item.state == State.WAITING:
                _due_now(alert_service, sent.item.id)
        if not jobs.come_due(KEEP):
            alert_service.enqueue_evidence(case_id)
        jobs.run()
    first, second = alert_service.keeper.evidence.sent(case_id)
    assert first.item and first.item.state == State.KEPT
    assert second.item and second.item.state == State.MISSING and second.item.at_twilio
    assert events(alert_service, case_id, "evidence_missing") == [
        "item 2: Twilio did not serve it (404); Twilio keeps it"]


def test_a_voicemail_recording_is_kept_and_deleted_at_twilio_with_its_own_cap(
        alert_service: Service, settings_of: Any, jobs: Jobs, twilio_api: TwilioApi) -> None:
    settings_of("", recording_max_mb=1)
    sid, url = twilio_api.add_recording(samples.wav(2.0))
    long_sid, long_url = twilio_api.add_recording(samples.wav(70.0))  # 1.1 MB
    case_id = file_case(alert_service, (url, "audio/wav"), (long_url, "audio/wav"))
    alert_service.enqueue_evidence(case_id)
    jobs.run()
    kept, refused = alert_service.keeper.evidence.sent(case_id)
    assert kept.item and kept.item.state == State.KEPT
    assert (kept.item.kind, kept.item.content_type) == ("recording", "audio/x-wav")
    assert refused.item and refused.item.error == "larger than 1 MB"
    assert twilio_api.deleted_recordings == [sid]


def test_the_upkeep_queues_the_job_of_items_nobody_took_in(
        alert_overrides: dict[str, Any], settings_of: Any, jobs: Jobs,
        twilio_api: TwilioApi) -> None:
    from hotline import config

    settings = config.load(environ={}, **settings_of(""))
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        url = twilio_api.add_media(samples.png(), "image/png")
        now = datetime.now(UTC)
        case_id = file_case(service, (url, "image/png"), when=now - timedelta(minutes=5))
        upkeep = Upkeep(service, twilio)  # the job was never queued (Redis was down)
        assert upkeep.tick(now).evidence == 1
        assert upkeep.tick(now).evidence == 0  # queued already: not twice
        jobs.run()
        (sent,) = service.keeper.evidence.sent(case_id)
        assert sent.item and sent.item.state == State.KEPT
        assert upkeep.tick(now + timedelta(minutes=1)).evidence == 0
    finally:
        twilio.close()
        service.close()


def test_erasure_deletes_our_copies_and_twilios(
        alert_overrides: dict[str, Any], settings_of: Any, store_url: str, jobs: Jobs,
        twilio_api: TwilioApi) -> None:
    from hotline import config

    settings = config.load(environ={}, **settings_of(store_url))
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        kept = twilio_api.add_media(samples.png(), "image/png")
        refused = twilio_api.add_media(samples.EXE, "image/jpeg")
        sid, late = twilio_api.add_recording(samples.wav())
        case_id = file_case(service, (kept, "image/png"), (refused, "image/jpeg"))
        service.enqueue_evidence(case_id)
        jobs.run()
        other = file_case(service, (twilio_api.add_media(samples.png(), "image/png"),
                                    "image/png"), sender="+13235550199")
        service.enqueue_evidence(other)
        jobs.run()
        twilio_api.not_ready[sid] = 100  # a voicemail still at Twilio when erased
        voicemail = service.cases.file(FileCase(
            kind=CaseKind.CALLBACK, locale="es", channel="voice", sender=WORKER,
            contact_method="call", contact_number=WORKER,
            media=(MediaItem(late, "audio/wav"),)))[0]
        assert len(stored(service)) == 2  # this worker's photo, the other worker's

        service.erase(WORKER)
        jobs.run()  # the purge job

        assert service.keeper.evidence.sent(case_id) == []
        assert service.keeper.evidence.sent(voicemail) == []
        assert service.keeper.evidence.of_cases([case_id, voicemail]) == []
        (left,) = stored(service).values()  # only the other worker's copy
        assert service.keeper.evidence.sent(other)[0].item is not None
        Upkeep(service, twilio).tick(datetime.now(UTC) + timedelta(minutes=1))
        # Twilio: the refused item's message (its media with it), the recording
        assert key_of(refused).split("/")[0] in twilio_api.deleted
        assert key_of(refused) in twilio_api.deleted_media
        assert twilio_api.deleted_recordings == [sid]
        assert left
    finally:
        twilio.close()
        service.close()


def test_retention_deletes_the_copies_of_expired_cases(
        alert_overrides: dict[str, Any], settings_of: Any, jobs: Jobs,
        twilio_api: TwilioApi) -> None:
    from hotline import config

    settings = config.load(environ={}, **settings_of(""))
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        now = datetime.now(UTC)
        old = file_case(service, (twilio_api.add_media(samples.png(), "image/png"), "image/png"),
                        when=now - timedelta(days=settings.retention_days + 1))
        new = file_case(service, (twilio_api.add_media(samples.jpeg(), "image/jpeg"),
                                  "image/jpeg"), sender="+13235550199")
        for case_id in (old, new):
            service.enqueue_evidence(case_id)
        jobs.run()
        assert len(stored(service)) == 2
        Upkeep(service, twilio).tick(now)
        jobs.run()
        assert service.keeper.evidence.of_cases([old]) == []
        assert len(stored(service)) == 1 and service.keeper.evidence.sent(new)[0].item
    finally:
        twilio.close()
        service.close()


def test_a_job_run_twice_copies_and_deletes_once(
        alert_service: Service, settings_of: Any, twilio_api: TwilioApi) -> None:
    settings_of("")
    url = twilio_api.add_media(samples.png(), "image/png")
    case_id = file_case(alert_service, (url, "image/png"))
    now = datetime.now(UTC)
    first = alert_service.keeper.keep_case(case_id, now)
    second = alert_service.keeper.keep_case(case_id, now)
    assert (first.kept, first.deleted_at_twilio, second.kept) == (1, 1, 0)
    assert len(stored(alert_service)) == 1 and twilio_api.delete_requests == [key_of(url)]


def test_a_worker_that_keeps_its_connections_keeps_one_keeper_for_every_evidence_job(
        app: Any, jobs: Jobs, twilio_api: TwilioApi, monkeypatch: pytest.MonkeyPatch) -> None:
    """`hotline worker` runs its jobs in its own process: an evidence job there opens no
    database connection, schema check or store client of its own (under a surge, most
    cases bring a photo, and each job paid for all of them)."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    import workers.evidence as evidence_jobs
    from hotline.alerts import dispatch

    service: Service = app.extensions["hotline"]
    monkeypatch.setattr(dispatch, "_keep_open", False)  # restored after the test
    monkeypatch.setattr(dispatch, "_kept", {})
    monkeypatch.setattr(evidence_jobs, "_kept", {})
    dispatch.keep_open()  # as `hotline worker` does
    photos = [samples.png() for _ in range(3)]
    cases = [file_case(service, (twilio_api.add_media(p, "image/png"), "image/png"))
             for p in photos]
    connected: list[object] = []

    def count(*_: object) -> None:
        connected.append(_)

    event.listen(Pool, "connect", count)
    try:
        evidence_jobs.keep_case_evidence(cases[0])
        first = len(connected)
        for case_id in cases[1:]:
            evidence_jobs.keep_case_evidence(case_id)
    finally:
        event.remove(Pool, "connect", count)
        evidence_jobs._close_kept()  # noqa: SLF001 - what atexit does in the worker
        dispatch._close_kept()  # noqa: SLF001
    assert len(connected) == first  # the later jobs opened no connection
    assert len(stored(service)) == 3  # and each kept its photo
    for case_id in cases:
        (sent,) = service.keeper.evidence.sent(case_id)
        assert sent.item is not None and sent.item.state == State.KEPT
