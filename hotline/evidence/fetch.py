"""Copy one item from Twilio: credentials only where they belong, size capped, timed.

Twilio's account credentials go only to Twilio's API (``TWILIO_API_BASE_URL``, else
https://api.twilio.com) and only for this account's paths. Twilio answers a media request
with a redirect to its storage on another host: that request, and any other hop that is
not this account's path on the API, carries no credentials (redirects are followed here,
one by one, never by the HTTP library). Nothing is fetched from an address that is not
Twilio's to begin with. The environment's proxies and .netrc are not used.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from hotline.config import Settings
from hotline.evidence.kinds import Refused
from hotline.store.evidence import Kind

#: Twilio's REST API, when TWILIO_API_BASE_URL does not say otherwise.
TWILIO_API = "https://api.twilio.com"
#: Redirects followed before giving up (Twilio uses one).
MAX_REDIRECTS = 3
#: Longest a whole download may take (a server sending a byte at a time is cut off).
DEADLINE_SECONDS = 120.0
#: Bytes read at a time.
CHUNK = 64 * 1024
#: One MiB, as MEDIA_MAX_MB and RECORDING_MAX_MB count.
MIB = 1024 * 1024

_SID = "[0-9a-fA-F]{32}"
_MEDIA = re.compile(rf"^/2010-04-01/Accounts/(AC{_SID})/Messages/((?:MM|SM){_SID})"
                    rf"/Media/(ME{_SID})(?:\.json)?$")
_RECORDING = re.compile(rf"^/2010-04-01/Accounts/(AC{_SID})/Recordings/(RE{_SID})"
                        r"(?:\.(?:wav|mp3))?$")


class NotReady(Exception):
    """Twilio did not hand the item over this time (not there yet, down, too slow): try
    again later. ``code`` is short and safe to log (an HTTP status or an exception name)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Source:
    """Where an item is at Twilio: a message's media or a recording, by SID."""

    kind: Kind
    url: str
    message_sid: str | None
    sid: str


@dataclass(frozen=True)
class Fetched:
    """The bytes of an item and the type Twilio's server gave them."""

    data: bytes
    content_type: str


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def api_base(settings: Settings) -> str:
    """Return the Twilio API origin credentials may be sent to."""
    return (settings.twilio_api_base_url or TWILIO_API).rstrip("/")


def parse_source(url: str, base: str, account_sid: str) -> Source:
    """Return where ``url`` is at Twilio; Refused if it is not this account's media or
    recording on Twilio's API (such an address is never fetched).

    An address on https://api.twilio.com is fetched from ``base`` when
    TWILIO_API_BASE_URL names another (as the Twilio client's requests are).
    """
    if not account_sid or _origin(url) not in (_origin(base), _origin(TWILIO_API)):
        raise Refused("not an address of Twilio's API")
    path = urlsplit(url).path
    at = base + path
    media = _MEDIA.match(path)
    if media and media[1] == account_sid:
        return Source(Kind.MEDIA, at, media[2], media[3])
    recording = _RECORDING.match(path)
    if recording and recording[1] == account_sid:
        return Source(Kind.RECORDING, at, None, recording[2])
    raise Refused("not this account's media or recording")


class Fetcher:
    """Download items from Twilio for one deployment (its account and API host)."""

    def __init__(self, settings: Settings) -> None:
        self.base = api_base(settings)
        self.account_sid = settings.twilio_account_sid
        self.auth = (settings.twilio_account_sid, settings.twilio_auth_token)
        self.timeout = settings.transport_timeout
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or .netrc credentials from the host

    def close(self) -> None:
        self.session.close()

    def credentials_for(self, url: str) -> tuple[str, str] | None:
        """Return the credentials a request to ``url`` may carry: only this account's
        paths on Twilio's API get them."""
        if _origin(url) != _origin(self.base):
            return None
        prefix = f"/2010-04-01/Accounts/{self.account_sid}/"
        return self.auth if self.account_sid and urlsplit(url).path.startswith(prefix) \
            else None

    def fetch(self, source: Source, limit: int) -> Fetched:
        """Return the bytes of an item of at most ``limit`` bytes.

        Refused if it is larger (by its Content-Length or while reading); NotReady if
        Twilio does not serve it now (404 while a new item is being stored, 5xx, 429,
        timeouts, a connection failing, a download past DEADLINE_SECONDS).
        """
        url = source.url
        started = time.monotonic()
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self.session.get(url, auth=self.credentials_for(url), stream=True,
                                            allow_redirects=False,
                                            timeout=(self.timeout, self.timeout))
            except requests.RequestException as exc:
                raise NotReady(type(exc).__name__) from None
            with response:
                if response.is_redirect:
                    url = self._next(url, response.headers.get("Location", ""))
                    continue
                if response.status_code != 200:
                    raise NotReady(str(response.status_code))
                data = self._read(response, limit, started)
                return Fetched(data, response.headers.get("Content-Type", ""))
        raise NotReady("too many redirects")

    def _next(self, url: str, location: str) -> str:
        """Return where a redirect leads: https only (http only when the API itself is
        plain http, as the tests' local stand-in is)."""
        target = urljoin(url, location)
        allowed = ("https",) if self.base.startswith("https:") else ("https", "http")
        if not location or urlsplit(target).scheme not in allowed:
            raise NotReady("bad redirect")
        return target

    def _read(self, response: requests.Response, limit: int, started: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise Refused(f"larger than {limit // MIB} MB")
        data = bytearray()
        try:
            for chunk in response.iter_content(CHUNK):
                data += chunk
                if len(data) > limit:
                    raise Refused(f"larger than {limit // MIB} MB")
                if time.monotonic() - started > DEADLINE_SECONDS:
                    raise NotReady("too slow")
        except requests.RequestException as exc:
            raise NotReady(type(exc).__name__) from None
        return bytes(data)
