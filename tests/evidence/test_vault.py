"""The two stores of encrypted copies: files under a directory, and a real S3-compatible
server (SeaweedFS on 127.0.0.1). Both keep bytes under random names, give them back
whole, delete them, and turn their failures into VaultError."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from objectstore import ObjectStore

from hotline import config
from hotline.evidence.vault import FileVault, S3Vault, VaultError, new_name, open_vault


def test_names_are_random_and_say_nothing() -> None:
    names = {new_name() for _ in range(1000)}
    assert len(names) == 1000 and all(len(n) == 32 and n.isalnum() for n in names)


def test_files_are_written_whole_readable_only_by_the_hotline_and_deleted(
        tmp_path: Path) -> None:
    vault = FileVault(tmp_path / "evidence")
    name = new_name()
    vault.put(name, b"sealed bytes")
    assert vault.get(name) == b"sealed bytes"
    (path,) = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert path.name == name and not list(path.parent.glob("*.part"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    vault.delete(name)
    vault.delete(name)  # gone already is fine
    with pytest.raises(VaultError):
        vault.get(name)


def test_a_directory_that_cannot_be_written_is_a_vault_error(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the directory should be")
    with pytest.raises(VaultError):
        FileVault(blocked).put(new_name(), b"x")


def test_the_default_is_files_under_var_and_file_urls_name_a_directory(
        overrides: dict[str, Any], tmp_path: Path) -> None:
    vault = open_vault(config.load(environ={}, **overrides))
    assert isinstance(vault, FileVault) and vault.root == Path(overrides["var_dir"]).resolve() / "evidence"
    named = open_vault(config.load(environ={}, **{**overrides,
                                                  "media_store_url": f"file://{tmp_path}/kept"}))
    assert isinstance(named, FileVault) and named.root == tmp_path / "kept"


def test_objects_go_to_the_bucket_under_the_prefix_and_come_back_whole(
        overrides: dict[str, Any], object_store: ObjectStore, bucket: str) -> None:
    url = object_store.url(bucket, "hotline/evidence")
    vault = open_vault(config.load(environ={}, **{**overrides, "media_store_url": url}))
    assert isinstance(vault, S3Vault)
    name, data = new_name(), bytes(range(256)) * 8000  # 2 MB
    vault.put(name, data)
    assert vault.get(name) == data
    keys = [o["Key"] for o in object_store.client().list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"hotline/evidence/{name}"]
    vault.delete(name)
    vault.delete(name)  # gone already is fine
    assert "Contents" not in object_store.client().list_objects_v2(Bucket=bucket)
    with pytest.raises(VaultError, match="NoSuchKey"):
        vault.get(name)


def test_objects_are_not_readable_without_credentials(
        overrides: dict[str, Any], object_store: ObjectStore, bucket: str) -> None:
    import requests

    vault = open_vault(config.load(environ={}, **{**overrides,
                                                  "media_store_url": object_store.url(bucket)}))
    name = new_name()
    vault.put(name, b"sealed")
    assert requests.get(f"{object_store.endpoint}/{bucket}/{name}", timeout=5).status_code == 403


def test_wrong_credentials_or_a_missing_bucket_are_vault_errors(
        overrides: dict[str, Any], object_store: ObjectStore, bucket: str) -> None:
    wrong = open_vault(config.load(environ={}, **{
        **overrides, "media_store_url": object_store.url(bucket, secret="not-the-secret")}))
    with pytest.raises(VaultError, match="SignatureDoesNotMatch"):
        wrong.put(new_name(), b"x")
    nowhere = open_vault(config.load(environ={}, **{
        **overrides, "media_store_url": object_store.url("no-such-bucket-here")}))
    with pytest.raises(VaultError, match="NoSuchBucket"):
        nowhere.put(new_name(), b"x")


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://host/bucket", "must start with"),
    ("https://host", "name the bucket"),
    ("s3://", "name the bucket"),
    ("file://relative/dir", "file:///absolute/path"),
])
def test_a_malformed_media_store_url_stops_the_start(url: str, message: str) -> None:
    with pytest.raises(config.ConfigError, match=message):
        config.load({"HOTLINE_ENV": "development", "MEDIA_STORE_URL": url})


def test_production_needs_a_store_named_and_no_plain_http(tmp_path: Path) -> None:
    from hotline.crypto import new_key, new_secret

    production = {"HOTLINE_ENV": "production", "HOTLINE_SECRET_KEY": new_secret(),
                  "HOTLINE_ENCRYPTION_KEYS": new_key(), "TWILIO_AUTH_TOKEN": "t" * 32,
                  "HOTLINE_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://x",
                  "DATABASE_URL": "sqlite://", "ALERT_WEBHOOK_URL": "https://hooks.example.org/x"}
    with pytest.raises(config.ConfigError, match="MEDIA_STORE_URL is not set"):
        config.load(production)
    with pytest.raises(config.ConfigError, match="MEDIA_STORE_URL must use https://"):
        config.load({**production, "MEDIA_STORE_URL": "http://k:s@host/bucket"})
    assert config.load({**production, "MEDIA_STORE_URL": "s3://evidence/hotline"})
    assert config.load({**production, "MEDIA_STORE_URL": "file:///srv/hotline/evidence"})
