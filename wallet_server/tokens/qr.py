"""A pay code as QR images: alphanumeric mode, error correction M, quiet zone of 4.

The matrix comes from `qrcode`; the SVG is written straight from it (one path, one square
per dark module, in user units so the page scales it), which costs a tenth of qrcode's own
SVG writer; the PNG is the matrix scaled up by Pillow.
"""

import io
from dataclasses import dataclass

import qrcode
from PIL import Image

#: Any mask reads the same for a scanner; fixing one skips the eight-way search that was
#: most of the cost of drawing a code (measured: ~14 ms of 16 per image).
MASK_PATTERN = 2
BORDER = 4
PNG_BOX_SIZE = 8


@dataclass(frozen=True)
class QrImages:
    svg: str
    png: bytes


def qr_images(text: str) -> QrImages:
    """Both images from one encoded matrix."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=BORDER,
        box_size=PNG_BOX_SIZE,
        mask_pattern=MASK_PATTERN,
    )
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    return QrImages(svg=_svg(matrix), png=_png(matrix))


def _png(matrix: list[list[bool]]) -> bytes:
    # One pixel per module, scaled up without smoothing: a single C call instead of a
    # rectangle drawn per module.
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (size, size), pixels).resize(
        (size * PNG_BOX_SIZE, size * PNG_BOX_SIZE), Image.Resampling.NEAREST
    )
    buffer = io.BytesIO()
    image.convert("1").save(buffer, format="PNG")
    return buffer.getvalue()


def _svg(matrix: list[list[bool]]) -> str:
    size = len(matrix)  # get_matrix() includes the quiet zone
    squares = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{squares}" fill="#000"/></svg>'
    )


def qr_svg(text: str) -> str:
    return qr_images(text).svg


def qr_png(text: str) -> bytes:
    return qr_images(text).png
