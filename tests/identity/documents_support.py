"""Test images for the documents tests, made with Pillow (plus a few crafted by hand)."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageDraw

from bekal.accounts import services as accounts
from bekal.accounts.models import User

pillow_heif.register_heif_opener()

PASSWORD = "kopi-tubruk-2020"


def use_tmp_document_storage(settings: Any, tmp_path: Path) -> Path:
    """Point storages["identity_documents"] at a temporary directory.

    Changing STORAGES through the settings fixture sends setting_changed, on which Django
    drops its cached storage backends.
    """
    location = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "identity_documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


def participant(email: str = "siti@contoh.id", full_name: str = "Siti Aminah") -> User:
    user = accounts.sign_up(full_name=full_name, email=email, password=PASSWORD)
    user.email_confirmed_at = timezone.now()
    user.save()
    return user


def programme_officer(email: str = "pmo@prakerja.go.id") -> User:
    return User.objects.create_user(
        email,
        PASSWORD,
        full_name="Budi PMO",
        role=User.Role.PROGRAMME_ADMIN,
        is_staff=True,
        email_confirmed_at=timezone.now(),
    )


def photo(seed: int = 1, size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """A synthetic photo: large shapes of strong contrast, so its hash is meaningful."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(14):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = (
            x0 + rng.randrange(width // 6, width // 2),
            y0 + rng.randrange(height // 6, height // 2),
        )
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    return image


def encode(image: Image.Image, image_format: str = "JPEG", **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def jpeg(seed: int = 1, **options: Any) -> bytes:
    return encode(photo(seed), "JPEG", quality=90, **options)


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF with a camera make and a GPS position (Jakarta), as a phone writes it."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KameraRahasia"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 12.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 10.0)
    return exif


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares width x height (correct CRCs) with almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("shell.php", "<?php system($_GET['c']); ?>")
    return out.getvalue()


def upload(data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def samsung_trailer(*blocks: tuple[int, bytes, bytes]) -> bytes:
    """A Samsung SEF trailer with (type, name, value) blocks, as Galaxy cameras append."""
    data = b""
    offsets = []
    for block_type, name, value in blocks:
        offsets.append((block_type, len(data)))
        data += struct.pack("<HHI", 0, block_type, len(name)) + name + value
    sizes = [
        (offsets[i + 1][1] if i + 1 < len(offsets) else len(data)) - offsets[i][1]
        for i in range(len(offsets))
    ]
    directory = b"SEFH" + struct.pack("<II", 101, len(blocks))
    for (block_type, start), size in zip(offsets, sizes, strict=True):
        directory += struct.pack("<HHII", 0, block_type, len(data) - start, size)
    return data + directory + struct.pack("<I", len(directory)) + b"SEFT"


def mp4_video(payload: bytes = b"\x00" * 4000, extra_box: bytes = b"") -> bytes:
    """A minimal MP4 (ftyp + optional box + mdat), as a Google motion photo appends."""
    ftyp = b"isom" + b"\x00\x00\x02\x00" + b"isomiso2mp41"
    return (
        struct.pack(">I", 8 + len(ftyp))
        + b"ftyp"
        + ftyp
        + extra_box
        + struct.pack(">I", 8 + len(payload))
        + b"mdat"
        + payload
    )


def mp4_box(box_type: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + box_type + payload
