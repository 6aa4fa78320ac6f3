"""Where encrypted copies are kept: files under a directory, or S3-compatible storage.

Both hold opaque sealed bytes under random names (``new_name``): nothing in a name or a
file says whose it is or what it shows. ``MEDIA_STORE_URL`` picks one:

- empty: files under ``var/evidence/`` (development: nothing to set up);
- ``file:///dir``: files under that directory (a persistent disk);
- ``s3://bucket/prefix``: AWS S3, with boto3's usual credentials (AWS_ACCESS_KEY_ID …,
  or the machine's role) and region;
- ``https://KEY:SECRET@host[:port]/bucket/prefix``: any S3-compatible service (path-style
  addressing; key and secret percent-encoded; ``?region=`` if it wants one).

The bucket must be private; objects are written without any public grant.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from hotline.config import Settings


class VaultError(Exception):
    """The store did not do what was asked (down, refused, full); try again later.
    ``code`` is short and safe to log."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Vault(Protocol):
    """Keeps sealed bytes under a name."""

    kind: str

    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes: ...

    def delete(self, name: str) -> None: ...


def new_name() -> str:
    """Return a random object name (128 bits: unguessable, never reused)."""
    return secrets.token_hex(16)


class FileVault:
    """Files under one directory (mode 0700), each 0600, written whole or not at all."""

    kind = "file"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        if not name.isalnum():
            raise VaultError("bad name")
        return self.root / name[:2] / name

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        partial = path.with_suffix(".part")
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            raise VaultError(type(exc).__name__) from None

    def get(self, name: str) -> bytes:
        try:
            return self._path(name).read_bytes()
        except OSError as exc:
            raise VaultError(type(exc).__name__) from None

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink(missing_ok=True)
        except OSError as exc:
            raise VaultError(type(exc).__name__) from None


class S3Vault:
    """Objects in one bucket of S3 or an S3-compatible service, through boto3."""

    kind = "s3"

    def __init__(self, bucket: str, prefix: str, timeout: float, *,
                 endpoint: str | None = None, key: str | None = None,
                 secret: str | None = None, region: str | None = None) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        config = Config(connect_timeout=timeout, read_timeout=max(timeout, 30.0),
                        retries={"max_attempts": 3, "mode": "standard"},
                        s3={"addressing_style": "path"} if endpoint else {})
        self.client: Any = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret,
            region_name=region or ("us-east-1" if endpoint else None), config=config)

    def _key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def put(self, name: str, data: bytes) -> None:
        self._call("put_object", Key=self._key(name), Body=data,
                   ContentType="application/octet-stream")

    def get(self, name: str) -> bytes:
        body = self._call("get_object", Key=self._key(name))["Body"]
        try:
            return bytes(body.read())
        except Exception as exc:  # noqa: BLE001 - botocore streams raise many kinds
            raise VaultError(type(exc).__name__) from None
        finally:
            body.close()

    def delete(self, name: str) -> None:
        self._call("delete_object", Key=self._key(name))  # a missing object is fine

    def _call(self, method: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            raise VaultError(str(exc.response.get("Error", {}).get("Code", "error"))[:40]) \
                from None
        except BotoCoreError as exc:
            raise VaultError(type(exc).__name__) from None


def open_vault(settings: Settings) -> FileVault | S3Vault:
    """Return the store MEDIA_STORE_URL names (see the module docs)."""
    url = settings.media_store_url
    if not url:
        return FileVault(settings.var_path / "evidence")
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileVault(Path(unquote(parts.path)))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "s3":
        return S3Vault(parts.netloc, _prefix(parts.path), settings.transport_timeout,
                       region=query.get("region"))
    bucket, _, rest = parts.path.lstrip("/").partition("/")
    host = parts.hostname or ""
    endpoint = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    return S3Vault(bucket, _prefix(rest), settings.transport_timeout, endpoint=endpoint,
                   key=unquote(parts.username) if parts.username else None,
                   secret=unquote(parts.password) if parts.password else None,
                   region=query.get("region"))


def _prefix(path: str) -> str:
    path = path.strip("/")
    return f"{path}/" if path else ""
