"""Twilio's request signature, checked once per request instead of twice.

The same answer as ``twilio.request_validator.RequestValidator.validate`` for a form
(the URL with and without its port both accepted, since Twilio signs either), for about
half its CPU: the token's HMAC is keyed once per process and copied, the signed string
is built once for both forms of the URL, the second form is tried only when the first
does not match, and the two forms of each URL are worked out once. On the webhook this
was a tenth of the hotline's CPU per message (``bench/optimisations.md``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from urllib.parse import urlparse

from twilio.request_validator import add_port, remove_port
from werkzeug.datastructures import MultiDict

#: URL forms remembered (the webhook paths; a query string may make more).
_URLS_KEPT = 64


@functools.lru_cache(maxsize=8)
def check_for(token: str) -> SignatureCheck:
    """Return the check of one auth token, made once per process."""
    return SignatureCheck(token)


class SignatureCheck:
    """Check ``X-Twilio-Signature`` (HMAC-SHA1 of the URL and the sorted form fields)
    against one auth token."""

    def __init__(self, token: str) -> None:
        self._keyed = hmac.new(token.encode("utf-8"), digestmod=hashlib.sha1)
        self._forms: dict[str, tuple[str, str]] = {}

    def valid(self, url: str, form: MultiDict[str, str], signature: str) -> bool:
        """Tell whether ``signature`` signs ``url`` and ``form`` with our token."""
        if not signature:
            return False
        fields = "".join(name + value for name, values in sorted(form.lists())
                         for value in sorted(set(values)))
        wanted = signature.encode("utf-8")
        without_port, with_port = self._url_forms(url)
        return (hmac.compare_digest(self._sign(without_port + fields), wanted)
                or hmac.compare_digest(self._sign(with_port + fields), wanted))

    def _sign(self, text: str) -> bytes:
        mac = self._keyed.copy()
        mac.update(text.encode("utf-8"))
        return base64.b64encode(mac.digest())

    def _url_forms(self, url: str) -> tuple[str, str]:
        """Return the URL without and with its port, as Twilio's validator writes them."""
        forms = self._forms.get(url)
        if forms is None:
            parsed = urlparse(url)
            forms = (remove_port(parsed), add_port(parsed))
            if len(self._forms) >= _URLS_KEPT:
                self._forms.clear()
            self._forms[url] = forms
        return forms
