"""A 64-bit difference hash (dHash) with Pillow only, to find the same photo reused.

The image is reduced to 9 x 8 grey pixels; each bit says whether a pixel is brighter
than its left neighbour. Re-encoding, rescaling or a small change of brightness leaves
most bits unchanged, so copies of one photo lie within a few bits of each other, while
unrelated photos differ in about half of the 64.
"""

from __future__ import annotations

import io

from PIL import Image

_WIDTH, _HEIGHT = 9, 8
_BITS = 64


def dhash(jpeg: bytes) -> int:
    """The unsigned 64-bit dHash of a JPEG (decoded at 1/8 scale: it only needs 9 x 8)."""
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
        image.draft("L", (_WIDTH * 8, _HEIGHT * 8))
        grey = image.convert("L").resize((_WIDTH, _HEIGHT), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()
    value = 0
    for row in range(_HEIGHT):
        for column in range(_WIDTH - 1):
            left = pixels[row * _WIDTH + column]
            right = pixels[row * _WIDTH + column + 1]
            value = (value << 1) | (right > left)
    return value


def to_signed(value: int) -> int:
    """The unsigned hash as PostgreSQL's signed bigint holds it."""
    return value - (1 << _BITS) if value >= 1 << (_BITS - 1) else value


def to_unsigned(value: int) -> int:
    return value & ((1 << _BITS) - 1)
