"""From the bytes a browser sent to a clean JPEG: checked by content, never by name.

The checks run from the cheapest to the most expensive, and nothing is decoded before
the header has shown that decoding is safe:
1. size in bytes (settings.BEKAL_DOCUMENT_MAX_BYTES);
2. leading bytes that make it something other than an image (HTML, PDF, ZIP, ...);
3. Pillow identifies the format from the header, trying only the accepted formats'
   plugins (JPEG, MPO = a phone's multi-picture JPEG, PNG, WebP, HEIF/HEIC);
4. the pixel count declared in the header (settings.BEKAL_DOCUMENT_MAX_PIXELS), before
   any pixel is allocated: a PNG declaring 100000 x 100000 is refused here;
5. minimum dimensions (see MIN_LONG_SIDE);
6. polyglot rules (bekal.identity.documents.structure);
7. full decode: a truncated or corrupt file fails here (as long as Pillow's global
   ImageFile.LOAD_TRUNCATED_IMAGES keeps its default, False; nothing in Bekal sets it);
8. EXIF orientation applied, converted to RGB, scaled down to MAX_LONG_SIDE and saved
   as a new JPEG with no metadata at all (no EXIF, GPS, XMP, ICC profile or comment).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from bekal.identity.documents import errors, structure
from bekal.identity.documents.phash import dhash

logger = logging.getLogger(__name__)

pillow_heif.register_heif_opener()

#: Pillow format name -> the name a participant knows. MPO is how Pillow names the
#: multi-picture JPEG many phones write; its first picture is the photo.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
#: The plugins tried when opening (the JPEG plugin returns MPO images itself).
_OPENERS = ["JPEG", "PNG", "WEBP", "HEIF"]

#: The smallest photo in which a KTP can be read: VGA (640 x 480), the lowest resolution
#: of any phone or webcam camera still in use. A card filling most of a 640-pixel frame
#: leaves about 14 pixels per digit of the 16-digit NIK, the least that stays legible.
MIN_LONG_SIDE = 640
MIN_SHORT_SIDE = 480

#: What is stored: at most 2000 pixels on the long side (the card stays sharp; a stored
#: photo is about 200-600 KB), JPEG quality 85.
MAX_LONG_SIDE = 2000
JPEG_QUALITY = 85
THUMBNAIL_LONG_SIDE = 320


@dataclass(frozen=True)
class CleanImage:
    jpeg: bytes
    width: int
    height: int
    original_format: str
    original_byte_size: int
    #: 64-bit difference hash of the re-encoded image (unsigned).
    phash: int


def clean_image(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """Check an upload by its content and re-encode it; raise a DocumentError if refused."""
    if not data:
        raise errors.DocumentEmptyError()
    if len(data) > max_bytes:
        raise errors.DocumentTooLargeError(limit_mb=max_bytes // (1024 * 1024))
    if structure.sniff_non_image(data):
        raise errors.DocumentNotAnImageError()
    image = _open(data, max_pixels=max_pixels)
    try:
        image_format = str(image.format)
        width, height = image.size
        if width * height > max_pixels:
            raise errors.DocumentTooManyPixelsError(limit=max_pixels // 1_000_000)
        if max(width, height) < MIN_LONG_SIDE or min(width, height) < MIN_SHORT_SIDE:
            raise errors.DocumentTooSmallError(
                width=width, height=height, min_long=MIN_LONG_SIDE, min_short=MIN_SHORT_SIDE
            )
        if structure.is_polyglot(data, image_format):
            raise errors.DocumentPolyglotError()
        jpeg, out_size = _reencode(image)
    finally:
        image.close()
    return CleanImage(
        jpeg=jpeg,
        width=out_size[0],
        height=out_size[1],
        original_format=image_format,
        original_byte_size=len(data),
        phash=dhash(jpeg),
    )


def thumbnail(jpeg: bytes, *, long_side: int = THUMBNAIL_LONG_SIDE) -> bytes:
    """A small JPEG of a stored (already clean) image, for the owner's page."""
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
        image.draft("RGB", (long_side, long_side))
        small = image.convert("RGB")
        small.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=80)
        return out.getvalue()


def _open(data: bytes, *, max_pixels: int) -> Image.Image:
    """Read the header only, with the accepted formats' plugins only.

    Pillow's own bomb check (Image.MAX_IMAGE_PIXELS, about 89 million pixels: a warning
    above it, DecompressionBombError above twice it) runs here too; our limit is lower
    and is checked right after, so an image in Pillow's warning range is refused anyway.
    """
    try:
        return Image.open(io.BytesIO(data), formats=_OPENERS)
    except Image.DecompressionBombError:
        raise errors.DocumentTooManyPixelsError(limit=max_pixels // 1_000_000) from None
    except UnidentifiedImageError:
        pass
    except Exception as exc:  # a header so broken that the plugin failed on it
        logger.info("document header refused: %s", type(exc).__name__)
        raise errors.DocumentCorruptError() from None
    other = _identify_any(data)
    if other:
        raise errors.DocumentFormatNotAllowedError(format=other)
    raise errors.DocumentNotAnImageError()


def _identify_any(data: bytes) -> str | None:
    """The format name if any Pillow plugin recognizes the header (GIF, BMP, TIFF...)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return str(image.format)
    except Image.DecompressionBombError:
        return "?"
    except Exception:
        return None


def _reencode(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    width, height = image.size
    scale = min(1.0, MAX_LONG_SIDE / max(width, height))
    if image.format in ("JPEG", "MPO"):
        # Let the JPEG decoder scale by 1/2, 1/4 or 1/8 while decoding: less memory and
        # time; the result is still at least the size we want.
        image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    try:
        image.load()
        oriented = ImageOps.exif_transpose(image)
        rgb = _to_rgb(oriented)
    except Exception as exc:  # truncated or corrupt pixel data; Pillow raises many kinds
        logger.info("document decode refused: %s", type(exc).__name__)
        raise errors.DocumentCorruptError() from None
    rgb.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
    # Nothing of the original's metadata may follow the pixels: Pillow copies a JPEG
    # comment from `info` when saving, so `info` is emptied and nothing else is passed.
    rgb.info = {}
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), rgb.size


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB on a white background (a transparent PNG of a card reads as on paper)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: scale to 8 bits before converting (Pillow would clip).
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("RGB")
    return image.convert("RGB")
