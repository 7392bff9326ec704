"""QR codes for badges: error correction M, so a badge printed 30 mm wide still scans."""

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def version(url: str) -> int:
    """The QR version the URL needs (DESIGN §5: at most 10)."""
    return _code(url).version


def png(url: str) -> tuple[bytes, str]:
    out = io.BytesIO()
    _code(url).make_image().save(out)
    return out.getvalue(), "image/png"


def svg(url: str) -> tuple[bytes, str]:
    out = io.BytesIO()
    _code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(out)
    return out.getvalue(), "image/svg+xml"
