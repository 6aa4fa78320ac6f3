"""Small real files of each kind a worker may send (made here, byte by byte)."""

from __future__ import annotations

import io
import struct
import wave
import zlib


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG of red pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg(size: int = 2000) -> bytes:
    """A JPEG (JFIF) of about ``size`` bytes: its markers, then padding in a comment."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    filler = b"\xff\xfe" + struct.pack(">H", 2 + 64) + b"pay stub " * 7 + b"p"
    body = filler * max(1, (size - len(head)) // len(filler))
    return head + body + b"\xff\xd9"


def wav(seconds: float = 0.5) -> bytes:
    """A WAV recording of silence, 8 kHz mono (as Twilio records calls)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * int(8000 * seconds))
    return out.getvalue()


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n"
            b"<< /Root 1 0 R >>\n%%EOF\n")


def ftyp(brand: bytes, compatible: bytes = b"") -> bytes:
    """The start of an ISO media file (MP4, HEIC …): its ftyp box, then a free box."""
    body = brand + b"\x00\x00\x02\x00" + compatible
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + struct.pack(">I", 16) \
        + b"free" + b"\x00" * 8


def ogg() -> bytes:
    """The first page of an Ogg Opus voice note (WhatsApp's)."""
    return b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead\x01\x01" + b"\x00" * 40


def mp3() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400


GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
