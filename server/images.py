"""Uploaded images: decoded in full to prove they are images, with a bound on their pixels."""

import io

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from server.errors import DomainError

pillow_heif.register_heif_opener()
# A photo from a tablet camera is at most a few tens of megapixels; anything larger is refused
# before it is decoded (a small file can hold a huge, memory-eating image).
_MAX_PIXELS = 60_000_000
# Checked here from the header, before decoding; Pillow's own check would only warn below 2x its limit.
Image.MAX_IMAGE_PIXELS = None
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}

# A badge photo: big enough to recognise a face on a phone, small enough that the tenant's page,
# photo included, stays under 50 KB on a weak signal.
BADGE_PHOTO_SIZE = (360, 450)
BADGE_PHOTO_MAX_BYTES = 40_000
# A logo prints at most 70 mm wide on a card: 1200 pixels is over 400 dpi there.
LOGO_MAX_SIZE = (1200, 400)


def decode(data: bytes) -> Image.Image:
    """Open and fully decode the bytes, whatever the upload claimed they were."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > _MAX_PIXELS:
                raise Image.DecompressionBombError(f"{probe.width}x{probe.height}")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise DomainError("payload_too_large", "The image has too many pixels.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError("not_an_image", "The file could not be read as a JPEG, PNG or HEIC image.") from exc
    if image.format not in (*FORMATS, "HEIF"):
        raise DomainError("not_an_image", f"{image.format} images are not accepted; send JPEG, PNG or HEIC.")
    return image


def badge_photo(image: Image.Image) -> bytes:
    """The photo as shown to tenants: upright, cropped to a portrait, under the size bound, with no metadata."""
    upright = ImageOps.exif_transpose(image).convert("RGB")
    portrait = ImageOps.fit(upright, BADGE_PHOTO_SIZE, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    while True:  # a face fits at the first quality; a busy picture steps down, then shrinks
        for quality in (80, 65, 50, 35):
            out = io.BytesIO()
            portrait.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)  # writes no EXIF
            if out.tell() <= BADGE_PHOTO_MAX_BYTES:
                return out.getvalue()
        portrait = portrait.resize((portrait.width * 3 // 4, portrait.height * 3 // 4), Image.Resampling.LANCZOS)


def logo(image: Image.Image) -> bytes:
    """An organisation's logo for its documents: upright, on white, within LOGO_MAX_SIZE, PNG with no metadata."""
    upright = ImageOps.exif_transpose(image).convert("RGBA")
    upright.thumbnail(LOGO_MAX_SIZE, Image.Resampling.LANCZOS)
    flat = Image.new("RGB", upright.size, "white")
    flat.paste(upright, mask=upright)
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=True)
    return out.getvalue()
