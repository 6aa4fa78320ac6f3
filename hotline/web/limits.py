"""A WSGI layer that refuses oversized request bodies before anything reads them.

Flask's ``MAX_CONTENT_LENGTH`` only sees a body that announces its length: a chunked
body under gunicorn reaches the form parser unbounded, and the signature check ran
first, so a 70 KB chunked post got 403 instead of 413. Here every body is read, at most
``limit`` bytes of it, before the app runs; the app then reads it from memory.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

#: Methods whose body is read (others carry none we use).
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_TOO_LARGE = b"Request body too large"


class BodyLimit:
    """Answer 413 to any body over ``limit`` bytes, announced or chunked."""

    def __init__(self, app: WSGIApplication, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") not in _WITH_BODY:
            return self.app(environ, start_response)
        announced = environ.get("CONTENT_LENGTH") or ""
        if announced.isdigit() and int(announced) > self.limit:
            return self._refuse(start_response)
        body = self._read(environ)
        if body is None:
            return self._refuse(start_response)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        # the copy has a known length now: not chunked, not terminated by the server
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("wsgi.input_terminated", None)
        return self.app(environ, start_response)

    def _read(self, environ: WSGIEnvironment) -> bytes | None:
        """Return the body, or None once it passes the limit (the rest is never read)."""
        stream: Any = environ.get("wsgi.input")
        if stream is None:
            return b""
        announced = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if announced.isdigit() and not chunked:
            wanted = int(announced)
            body = stream.read(wanted) if wanted else b""
            return bytes(body)
        if not chunked and not environ.get("wsgi.input_terminated"):
            return b""  # no length and not terminated: reading could block (WSGI spec)
        parts: list[bytes] = []
        size = 0
        while size <= self.limit:
            part = stream.read(min(65536, self.limit + 1 - size))
            if not part:
                return b"".join(parts)
            parts.append(part)
            size += len(part)
        return None

    def _refuse(self, start_response: StartResponse) -> list[bytes]:
        log.warning("refused a request body over %d bytes", self.limit)
        start_response("413 Request Entity Too Large", [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(_TOO_LARGE))),
            ("Connection", "close"),
        ])
        return [_TOO_LARGE]
