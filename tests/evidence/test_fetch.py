"""Copying from Twilio: credentials only to this account's paths on Twilio's API, never
on a redirect elsewhere; size caps; Twilio's short delay is a 'not yet'."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import samples
from fakes import ACCOUNT_SID, TwilioApi

from hotline import config
from hotline.evidence.fetch import MIB, Fetcher, NotReady, parse_source
from hotline.evidence.kinds import Refused
from hotline.store.evidence import Kind

API = "https://api.twilio.com"
SID = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def fetcher(alert_overrides: dict[str, Any]) -> Iterator[Fetcher]:
    made = Fetcher(config.load(environ={}, **alert_overrides))
    yield made
    made.close()


class Listener:
    """Another host (127.0.0.3) that records what reaches it and answers with an image."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                seen.append({"path": self.path, **dict(self.headers)})
                data = samples.png()
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.3", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.3:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def elsewhere() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


def test_a_media_url_and_a_recording_url_are_read_for_their_sids() -> None:
    media = parse_source(f"{API}/2010-04-01/Accounts/AC{SID}/Messages/MM{SID}/Media/ME{SID}",
                         API, f"AC{SID}")
    assert (media.kind, media.message_sid, media.sid) == (Kind.MEDIA, f"MM{SID}", f"ME{SID}")
    recording = parse_source(f"{API}/2010-04-01/Accounts/AC{SID}/Recordings/RE{SID}", API,
                             f"AC{SID}")
    assert (recording.kind, recording.message_sid, recording.sid) == (
        Kind.RECORDING, None, f"RE{SID}")


@pytest.mark.parametrize("url", [
    f"https://evil.example/2010-04-01/Accounts/AC{SID}/Messages/MM{SID}/Media/ME{SID}",
    f"http://api.twilio.com/2010-04-01/Accounts/AC{SID}/Messages/MM{SID}/Media/ME{SID}",
    f"https://api.twilio.com:8443/2010-04-01/Accounts/AC{SID}/Messages/MM{SID}/Media/ME{SID}",
    f"https://api.twilio.com/2010-04-01/Accounts/AC{'f' * 32}/Messages/MM{SID}/Media/ME{SID}",
    f"https://api.twilio.com/2010-04-01/Accounts/AC{SID}/Messages/MM{SID}.json",
    f"https://api.twilio.com/2010-04-01/Accounts/AC{SID}/Recordings/RE{SID}/../../Calls",
    "https://api.twilio.com.evil.example/2010-04-01/Accounts/AC{SID}/Recordings/RE{SID}",
])
def test_an_address_that_is_not_this_accounts_media_on_twilios_api_is_never_fetched(
        url: str) -> None:
    with pytest.raises(Refused):
        parse_source(url, API, f"AC{SID}")


def test_credentials_go_only_to_this_accounts_paths_on_the_api(fetcher: Fetcher) -> None:
    base = fetcher.base
    assert fetcher.credentials_for(f"{base}/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE1")
    assert fetcher.credentials_for(f"{base}/2010-04-01/Accounts/AC{SID}/Recordings/RE1") is None
    assert fetcher.credentials_for(f"{base}/elsewhere") is None
    assert fetcher.credentials_for(
        f"http://127.0.0.2:1/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE1") is None


def test_twilio_redirects_media_to_its_storage_which_gets_no_credentials(
        fetcher: Fetcher, twilio_api: TwilioApi) -> None:
    photo = samples.jpeg()
    url = twilio_api.add_media(photo, "image/jpeg")
    fetched = fetcher.fetch(parse_source(url, fetcher.base, ACCOUNT_SID), 5 * MIB)
    assert fetched.data == photo and fetched.content_type == "image/jpeg"
    ((path, auth),) = twilio_api.media_requests
    assert auth.startswith("Basic ")  # the API asked for them and got them
    assert twilio_api.cdn is not None
    (at_storage,) = twilio_api.cdn.requests
    assert not {k.lower() for k in at_storage} & {"authorization", "cookie"}


def test_a_redirect_to_another_host_gets_no_credentials(
        fetcher: Fetcher, twilio_api: TwilioApi, elsewhere: Listener) -> None:
    twilio_api.redirect_media_to = f"{elsewhere.url}/grab?from=twilio"
    url = twilio_api.add_media(samples.png(), "image/png")
    fetched = fetcher.fetch(parse_source(url, fetcher.base, ACCOUNT_SID), 5 * MIB)
    assert fetched.data == samples.png()
    (seen,) = elsewhere.seen
    assert seen["path"] == "/grab?from=twilio"
    assert "authorization" not in {k.lower() for k in seen}


def test_a_redirect_back_to_the_api_but_outside_this_account_gets_no_credentials(
        fetcher: Fetcher, twilio_api: TwilioApi) -> None:
    twilio_api.redirect_media_to = f"{twilio_api.url}/2010-04-01/Accounts/AC{SID}/Recordings/RE{SID}"
    url = twilio_api.add_media(samples.png(), "image/png")
    with pytest.raises(NotReady, match="404"):
        fetcher.fetch(parse_source(url, fetcher.base, ACCOUNT_SID), 5 * MIB)
    (_, first), (second_path, second) = twilio_api.gets
    assert first.startswith("Basic ") and second_path.endswith(f"/Recordings/RE{SID}")
    assert second == ""


def test_a_file_over_the_cap_is_refused_by_its_declared_size_or_while_reading(
        fetcher: Fetcher, twilio_api: TwilioApi) -> None:
    big = samples.jpeg(MIB + 1000)
    url = twilio_api.add_media(big, "image/jpeg")
    source = parse_source(url, fetcher.base, ACCOUNT_SID)
    with pytest.raises(Refused, match="larger than 1 MB"):
        fetcher.fetch(source, MIB)
    assert twilio_api.cdn is not None
    twilio_api.cdn.undeclared = True  # no Content-Length: counted as it arrives
    with pytest.raises(Refused, match="larger than 1 MB"):
        fetcher.fetch(source, MIB)
    assert fetcher.fetch(source, 2 * MIB).data == big


def test_media_twilio_is_still_storing_is_not_ready_yet(
        fetcher: Fetcher, twilio_api: TwilioApi) -> None:
    url = twilio_api.add_media(samples.png(), "image/png")
    key = url.split("/Messages/")[1].replace("/Media/", "/")
    twilio_api.not_ready[key] = 1
    source = parse_source(url, fetcher.base, ACCOUNT_SID)
    with pytest.raises(NotReady, match="404"):
        fetcher.fetch(source, MIB)
    assert fetcher.fetch(source, MIB).data == samples.png()


def test_a_recording_is_fetched_with_credentials(fetcher: Fetcher,
                                                 twilio_api: TwilioApi) -> None:
    sid, url = twilio_api.add_recording(samples.wav())
    fetched = fetcher.fetch(parse_source(url, fetcher.base, ACCOUNT_SID), MIB)
    assert fetched.data == samples.wav() and fetched.content_type == "audio/x-wav"
    assert twilio_api.media_requests == [(f"Recordings/{sid}", twilio_api.media_requests[0][1])]


def test_an_api_that_does_not_answer_is_not_ready(alert_overrides: dict[str, Any],
                                                   silent_listener: Any) -> None:
    host, port = silent_listener.getsockname()
    settings = config.load(environ={}, **{**alert_overrides, "transport_timeout": 0.5,
                                          "twilio_api_base_url": f"http://{host}:{port}"})
    fetcher = Fetcher(settings)
    url = f"http://{host}:{port}/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE{SID}"
    try:
        with pytest.raises(NotReady, match="Timeout"):
            fetcher.fetch(parse_source(url, fetcher.base, ACCOUNT_SID), MIB)
    finally:
        fetcher.close()


def test_an_address_on_twilios_api_is_fetched_from_the_configured_base(
        fetcher: Fetcher, twilio_api: TwilioApi) -> None:
    url = twilio_api.add_media(samples.png(), "image/png")
    as_posted = url.replace(twilio_api.url, API)  # what Twilio's webhook carries
    source = parse_source(as_posted, fetcher.base, ACCOUNT_SID)
    assert source.url == url
    assert fetcher.fetch(source, MIB).data == samples.png()
