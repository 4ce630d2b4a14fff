"""Small image and PDF files for upload tests, made here (no binary fixtures)."""
from __future__ import annotations

import io

from PIL import ExifTags, Image

GPS_TAG = ExifTags.IFD.GPSInfo
ARTIST = 0x013B


def jpeg_with_gps(size=(64, 48), colour="orange") -> bytes:
    """A JPEG whose EXIF holds a GPS position (Lidköping) and the camera owner's name."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ARTIST] = "Anna Andersson"
    gps = exif.get_ifd(GPS_TAG)
    gps.update({1: "N", 2: (58.0, 30.0, 18.0), 3: "E", 4: (13.0, 9.0, 28.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert exif_of(data).get_ifd(GPS_TAG), "the test image must carry a GPS position"
    return data


def jpeg_with_corrupt_exif() -> bytes:
    """A photo whose EXIF block claims 65,535 entries and holds a few (Pillow warns)."""
    data = bytearray(jpeg_with_gps())
    tiff = data.index(b"Exif\x00\x00") + 6
    order = "big" if data[tiff:tiff + 2] == b"MM" else "little"
    first_ifd = tiff + int.from_bytes(data[tiff + 4:tiff + 8], order)
    data[first_ifd:first_ifd + 2] = b"\xff\xff"
    return bytes(data)


def png(size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal" if mode == "RGB" else None).save(out, "PNG")
    return out.getvalue()


def heic(size=(40, 30)) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    image = Image.new("RGB", size, "purple")
    exif = Image.Exif()
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (58.0, 30.0, 18.0)})
    out = io.BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes())
    return out.getvalue()


def png_bomb(width=20000, height=20000) -> bytes:
    """A small file that decodes to a huge bitmap (1 bit per pixel, compressed)."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def exif_of(data: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif()
