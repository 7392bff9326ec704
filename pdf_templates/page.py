"""A PDF page to draw on, and QR codes drawn on it: the pieces every document shares.

Every font is embedded, the canvas's initial one included (reportlab otherwise names an unembedded
Helvetica), and nothing varies between runs (`invariant`): the same content gives the same bytes.
"""

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen import canvas

from pdf_templates import text


def open_canvas(out, size: tuple[float, float], title: str, author: str) -> canvas.Canvas:
    """A canvas writing to `out`, with only our embedded fonts and no timestamp or random id."""
    page = canvas.Canvas(out, pagesize=size, initialFontName=text.font_name(text.LATIN), invariant=1)
    page.setTitle(title)
    page.setAuthor(author)
    return page


def draw_qr(page: canvas.Canvas, url: str, x: float, top: float, side: float) -> None:
    """The QR as vector squares (error correction M): sharp at any print size, and quick to draw."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = side / len(matrix)
    for row, cells in enumerate(matrix):
        column = 0
        while column < len(cells):
            if cells[column]:
                end = column
                while end < len(cells) and cells[end]:
                    end += 1
                page.rect(x + column * cell, top - (row + 1) * cell, (end - column) * cell, cell, stroke=0, fill=1)
                column = end
            column += 1
