"""A pay code as a QR image: alphanumeric mode, error correction M, quiet zone of 4."""

import io
from decimal import Decimal

import qrcode
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathImage


class _UnitlessSvg(SvgPathImage):  # type: ignore[misc]
    """Sizes in user units, not millimetres: the page scales the code to the screen, and
    every SVG renderer reads it the same way."""

    def units(self, pixels: int | Decimal, text: bool = True) -> Decimal | str:
        value = Decimal(pixels) / 10  # one module per user unit, as the viewBox has it
        return str(value) if text else value


def _code(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_svg(text: str) -> str:
    image = _code(text).make_image(image_factory=_UnitlessSvg)
    return image.to_string(encoding="unicode")  # type: ignore[no-any-return]


def qr_png(text: str, *, box_size: int = 8) -> bytes:
    code = _code(text)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(image_factory=PyPNGImage).save(buffer)
    return buffer.getvalue()
