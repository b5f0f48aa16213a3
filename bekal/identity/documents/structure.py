"""The byte structure of an uploaded image, read without decoding it: where it ends and
which bytes are metadata rather than pixels. Used to refuse polyglot files.

A polyglot is a file that is a valid image AND something else: a JPEG with a ZIP
archive appended (a ZIP reader finds its directory at the end of the file), a PNG whose
text chunk holds `<?php ... ?>` (executed if a server ever runs it as PHP), a file a
browser would sniff as HTML. Bekal never stores or serves the bytes it received (it
decodes and re-encodes every photo, which drops all of this), so the refusal is defence
in depth: such a file is an attack or a tool's mistake, never a camera's photo, and
refusing it keeps it out of every log, queue and temporary file that handles uploads.

The rules, each cheap and with a negligible false-positive rate on real photos:
1. Leading bytes: a file that starts like HTML, a script, XML/SVG, PDF, ZIP or an
   executable is not an image (no accepted format starts so). See `sniff_non_image`.
2. Trailing bytes: after the image's own end (JPEG's last EOI marker, PNG's IEND chunk,
   WebP's RIFF length, the last HEIF box) only padding (NUL, 0xFF, whitespace; at most
   `TRAILING_TOLERANCE` bytes) or a trailer that phone cameras write may follow: a
   Samsung "SEF" trailer (Galaxy phones append one with a timestamp, a depth map or a
   motion photo's video) or an MP4 video whose boxes exactly fill the rest of the file
   (a Google "motion photo"). Such a trailer is scanned as metadata (rule 3).
3. Active content: the metadata (JPEG segments, PNG chunks other than image data,
   WebP chunks other than frames, HEIF boxes other than `mdat`) may not contain
   `<?php`, `<script`, `<html`, `<body`, `<iframe`, `<!doctype html`, `%PDF-` or a ZIP
   entry header; a camera trailer, video included, may not contain the first seven.
   The image's own pixel data is not scanned: compressed data is random bytes, in
   which a pattern appears by chance about once in 4 GB for 4 bytes (the ZIP header,
   hence not looked for in videos) and about once in 10^12 bytes for the text
   patterns followed by a space or ">" (about 5 in a million 5 MB videos).
4. ZIP: the whole file does not open as a ZIP archive with at least one entry (a ZIP
   inside a chunk followed by the image's end would pass rule 2).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field

#: Bytes allowed after the image's end, if they are padding only.
TRAILING_TOLERANCE = 16
_PADDING = frozenset(b"\x00\xff \t\r\n")

#: The first bytes of things that are not images (after leading whitespace).
_NON_IMAGE_START = re.compile(
    rb"(?:<[!?a-z]|%PDF-|PK\x03\x04|PK\x05\x06|#!|MZ|\x7fELF|\{\\rtf)", re.IGNORECASE
)
#: Active content that has no place in an image's metadata, nor in its first kilobyte.
_ACTIVE_TEXT = (
    rb"<\?php\s|<script[\s>/]|<html[\s>]|<body[\s>]|<iframe[\s>/]|<!doctype\s+html|%PDF-\d"
)
_ACTIVE_CONTENT = re.compile(_ACTIVE_TEXT + rb"|(?-i:PK\x03\x04)", re.IGNORECASE)
_ACTIVE_IN_TRAILER = re.compile(_ACTIVE_TEXT, re.IGNORECASE)
_SNIFF_WINDOW = 1024


@dataclass
class Layout:
    """`end` is the offset just past the image's last structural byte."""

    end: int
    metadata: list[tuple[int, int]] = field(default_factory=list)


def sniff_non_image(data: bytes) -> bool:
    """True when the file starts as HTML, XML/SVG, a script, PDF, ZIP or an executable."""
    return _NON_IMAGE_START.match(data.lstrip(b" \t\r\n\x0c\xef\xbb\xbf")[:16]) is not None


def is_polyglot(data: bytes, image_format: str) -> bool:
    """Rules 2-4 of the module docstring for a file Pillow identified as `image_format`."""
    layout = _layout(data, image_format)
    trailer = _camera_trailer(data, layout.end)
    if trailer is None:
        trailer = _camera_trailer(data, _skip_padding(data, layout.end))
    if trailer is None:
        trailing = data[layout.end :]
        if len(trailing) > TRAILING_TOLERANCE or not set(trailing) <= _PADDING:
            return True
        trailer = []
    if _ACTIVE_CONTENT.search(data, 0, _SNIFF_WINDOW):
        return True
    if any(_ACTIVE_CONTENT.search(data, start, end) for start, end in layout.metadata):
        return True
    if any(_ACTIVE_IN_TRAILER.search(data, start, end) for start, end in trailer):
        return True
    return _opens_as_zip(data)


def _skip_padding(data: bytes, pos: int) -> int:
    limit = min(len(data), pos + TRAILING_TOLERANCE)
    while pos < limit and data[pos] in _PADDING and not data.startswith(b"\xff\xd8", pos):
        pos += 1
    return pos


def _camera_trailer(data: bytes, start: int) -> list[tuple[int, int]] | None:
    """The ranges to scan of a camera trailer filling data[start:], or None if it is not one."""
    if start >= len(data):
        return None
    if data.endswith(b"SEFT") and _samsung_trailer_start(data) == start:
        return [(start, len(data))]
    if data[start + 4 : start + 8] == b"ftyp":
        boxes = _walk_boxes(data, start)
        if boxes.complete:
            return [(start, len(data))]
    return None


def _samsung_trailer_start(data: bytes) -> int | None:
    """Where a Samsung SEF trailer starts, if the file ends with a valid one.

    Layout (as ExifTool reads it): data blocks, then the directory "SEFH", version,
    count and 12-byte entries (2 bytes 0, 2 bytes type, 4 bytes offset back from the
    directory, 4 bytes size), then the directory's length and "SEFT"; little-endian.
    """
    size = len(data)
    if size < 20:
        return None
    directory_length: int = struct.unpack_from("<I", data, size - 8)[0]
    directory = size - 8 - directory_length
    if not 12 <= directory_length < 0x10000 or directory < 0:
        return None
    if data[directory : directory + 4] != b"SEFH":
        return None
    (count,) = struct.unpack_from("<I", data, directory + 8)
    if count == 0 or 12 + 12 * count > directory_length:
        return None
    farthest = 0
    for index in range(count):
        _, _, back, block_size = struct.unpack_from("<HHII", data, directory + 12 + 12 * index)
        if back > directory or block_size > back or block_size < 8:
            return None
        farthest = max(farthest, back)
    return directory - farthest


def _opens_as_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except Exception:  # any failure to parse means it is not a readable archive
        return False


def _layout(data: bytes, image_format: str) -> Layout:
    walkers = {"JPEG": _jpeg, "MPO": _jpeg, "PNG": _png, "WEBP": _webp, "HEIF": _heif}
    return walkers[image_format](data)


# --- JPEG (and MPO, several JPEGs one after the other) ---------------------------------

_STANDALONE = frozenset([0x01, *range(0xD0, 0xD8)])


def _jpeg(data: bytes) -> Layout:
    layout = Layout(end=0)
    pos = 0
    while True:
        layout.end = _jpeg_one(data, pos, layout.metadata)
        # A multi-picture JPEG (MPO, written by many phones) stores its next picture
        # right after the previous EOI.
        pos = _skip_padding(data, layout.end)
        if not data.startswith(b"\xff\xd8\xff", pos):
            return layout


def _jpeg_one(data: bytes, pos: int, metadata: list[tuple[int, int]]) -> int:
    """Walk one JPEG from its SOI; return the offset after its EOI (or the file's end)."""
    size = len(data)
    pos += 2  # SOI
    while pos < size:
        if data[pos] != 0xFF:
            return size  # not a marker where one must be: let the decoder judge it
        while pos < size and data[pos] == 0xFF:
            pos += 1  # fill bytes
        if pos >= size:
            return size
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return pos
        if marker in _STANDALONE:
            continue
        if pos + 2 > size:
            return size
        (length,) = struct.unpack_from(">H", data, pos)
        segment_end = pos + length
        metadata.append((pos - 2, min(segment_end, size)))
        pos = segment_end
        if marker == 0xDA:  # SOS: entropy-coded data follows, up to the next real marker
            pos = _skip_entropy_coded(data, pos)
    return size


def _skip_entropy_coded(data: bytes, pos: int) -> int:
    size = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= size:
            return size
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1  # stuffed byte, restart marker or fill: still pixel data
            continue
        return pos


# --- PNG -------------------------------------------------------------------------------

_PNG_PIXEL_CHUNKS = frozenset([b"IDAT", b"fdAT"])


def _png(data: bytes) -> Layout:
    layout = Layout(end=len(data))
    pos = 8  # signature
    size = len(data)
    while pos + 8 <= size:
        length, chunk_type = struct.unpack_from(">I4s", data, pos)
        chunk_end = pos + 12 + length
        if chunk_type not in _PNG_PIXEL_CHUNKS:
            layout.metadata.append((pos, min(chunk_end, size)))
        if chunk_type == b"IEND":
            layout.end = min(chunk_end, size)
            return layout
        pos = chunk_end
    return layout


# --- WebP (RIFF) -----------------------------------------------------------------------

_WEBP_PIXEL_CHUNKS = frozenset([b"VP8 ", b"VP8L", b"ALPH", b"ANMF"])


def _webp(data: bytes) -> Layout:
    (riff_size,) = struct.unpack_from("<I", data, 4)
    end = min(8 + riff_size + (riff_size & 1), len(data))
    layout = Layout(end=end)
    pos = 12  # "RIFF" size "WEBP"
    while pos + 8 <= end:
        chunk_type, length = struct.unpack_from("<4sI", data, pos)
        chunk_end = pos + 8 + length + (length & 1)
        if chunk_type not in _WEBP_PIXEL_CHUNKS:
            layout.metadata.append((pos, min(chunk_end, end)))
        pos = chunk_end
    return layout


# --- HEIF/HEIC and MP4 (ISO base media file format boxes) -----------------------------


@dataclass
class _Boxes:
    end: int
    metadata: list[tuple[int, int]]
    complete: bool


def _heif(data: bytes) -> Layout:
    boxes = _walk_boxes(data, 0)
    return Layout(end=boxes.end, metadata=boxes.metadata)


def _walk_boxes(data: bytes, pos: int) -> _Boxes:
    """Top-level boxes from `pos`; `complete` if they tile the data up to `end` exactly."""
    size = len(data)
    boxes = _Boxes(end=size, metadata=[], complete=False)
    while pos + 8 <= size:
        box_size, box_type = struct.unpack_from(">I4s", data, pos)
        header = 8
        if box_size == 1 and pos + 16 <= size:
            (box_size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif box_size == 0:  # the box extends to the end of the file
            box_size = size - pos
        box_end = pos + box_size
        if box_size < header or box_end > size:
            # Not a box that fits: a truncated file (the decoder refuses it if it needs
            # the rest) or something appended. Either way its bytes are scanned.
            boxes.metadata.append((pos, size))
            return boxes
        if box_type != b"mdat":
            boxes.metadata.append((pos, box_end))
        pos = box_end
    boxes.end = min(pos, size)
    boxes.complete = pos == size
    return boxes
