"""A file is kept only if its bytes are an allowed kind and the kind it claims to be."""

from __future__ import annotations

import pytest
import samples

from hotline.evidence.kinds import ALLOWED, Refused, check, normal


@pytest.mark.parametrize(("data", "claimed", "found"), [
    (samples.jpeg(), "image/jpeg", "image/jpeg"),
    (samples.jpeg(), "image/jpg", "image/jpeg"),
    (samples.png(), "image/png", "image/png"),
    (samples.ftyp(b"heic", b"mif1heic"), "image/heic", "image/heic"),
    (samples.ftyp(b"mif1", b"mif1heic"), "image/heif", "image/heic"),
    (samples.pdf(), "application/pdf", "application/pdf"),
    (samples.mp3(), "audio/mpeg", "audio/mpeg"),
    (samples.wav(), "audio/x-wav", "audio/x-wav"),
    (samples.wav(), "audio/wav", "audio/x-wav"),
    (samples.ogg(), "audio/ogg; codecs=opus", "audio/ogg"),
    (samples.ftyp(b"isom", b"isomiso2avc1mp41"), "video/mp4", "video/mp4"),
    (samples.ftyp(b"M4A ", b"M4A mp42isom"), "audio/mp4", "audio/mp4"),
    (samples.ftyp(b"M4A ", b"M4A mp42isom"), "video/mp4", "audio/mp4"),  # one container
    (samples.png(), "", "image/png"),  # nothing claimed: the bytes decide
    (samples.png(), "application/octet-stream", "image/png"),
])
def test_allowed_kinds_are_recognised_from_their_bytes(data: bytes, claimed: str,
                                                        found: str) -> None:
    checked = check(data, claimed)
    assert checked.content_type == found and checked.extension == ALLOWED[found]


@pytest.mark.parametrize(("data", "claimed", "reason"), [
    (samples.png(), "image/jpeg", "claimed image/jpeg but is image/png"),
    (samples.pdf(), "image/jpeg", "claimed image/jpeg but is application/pdf"),
    (samples.wav(), "video/mp4", "claimed video/mp4 but is audio/x-wav"),
    (samples.EXE, "image/jpeg", "not an allowed type (application/x-msdownload)"),
    (samples.HTML, "image/png", "not an allowed type (unknown)"),
    (samples.GIF, "image/gif", "not an allowed type (image/gif)"),
    (b"", "image/jpeg", "not an allowed type (unknown)"),
])
def test_other_kinds_and_disguised_files_are_refused(data: bytes, claimed: str,
                                                      reason: str) -> None:
    with pytest.raises(Refused) as refused:
        check(data, claimed)
    assert str(refused.value) == reason


def test_type_names_are_compared_without_case_parameters_or_aliases() -> None:
    assert normal(" Image/JPG ; q=1") == "image/jpeg"
    assert normal("audio/vnd.wave") == "audio/x-wav"
    assert normal("application/pdf") == "application/pdf"
