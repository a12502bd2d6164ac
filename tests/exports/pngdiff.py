"""Compare PNG pictures with a tolerance, in pure Python (no Pillow in the app's venv).

Graphviz writes 8-bit RGB or RGBA, non-interlaced PNGs; that is all `decode_png` reads.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    channels: int
    pixels: bytes


def decode_png(data: bytes) -> Picture:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and not interlace, "unsupported PNG"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw, stride = zlib.decompress(idat), width * channels
    out = bytearray(stride * height)
    prev = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        out[row * stride : (row + 1) * stride] = line
        prev = line
    return Picture(width, height, channels, bytes(out))


def difference(first: bytes, second: bytes, threshold: int = 48) -> float:
    """The share of pixels (0–1) that differ by more than `threshold` in some channel; 1.0
    when the sizes differ by more than 2 %."""
    a, b = decode_png(first), decode_png(second)
    if abs(a.width - b.width) > a.width * 0.02 or abs(a.height - b.height) > a.height * 0.02:
        return 1.0
    width, height = min(a.width, b.width), min(a.height, b.height)
    differing = 0
    for y in range(height):
        row_a, row_b = y * a.width * a.channels, y * b.width * b.channels
        for x in range(width):
            pa = a.pixels[row_a + x * a.channels : row_a + x * a.channels + 3]
            pb = b.pixels[row_b + x * b.channels : row_b + x * b.channels + 3]
            if any(abs(p - q) > threshold for p, q in zip(pa, pb, strict=True)):
                differing += 1
    return differing / (width * height)
