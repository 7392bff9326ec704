"""How long a calling card takes to draw, on one core, for each language and size.

Beside each figure, the floor: the same words and QR link put on a plain reportlab canvas in one
font with drawString (no shaping, no bidi, no wrapping, no QR), which no real card can beat.
Goal: an English A6 card with its QR under 10 ms. Prints figures; asserts nothing.

Run: `.venv/bin/python bench/documents.py`
"""

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A6
from reportlab.pdfgen import canvas

from pdf_templates import calling_card, text

LANGUAGES = ("en", "cy", "pl", "ur", "bn", "hi", "zh-Hant")
SIZES = (("a6", False), ("receipt", False), ("a6", True))
ROUNDS = 30


def _card(lang: str) -> calling_card.CallingCard:
    return calling_card.CallingCard(
        lang=lang,
        landlord="Havebury Housing",
        contractor="Anglia Property Care",
        operative="Dan Cooper",
        date="25 November 2026",
        time="10:40",
        job_kind="repair",
        reference="HAV-40007",
        office_phone="0300 123 4567",
        out_of_hours_phone="0300 123 4000",
        email="repairs@havebury.example",
        serial="K7M2QX9P",
        check_url="https://verify.example.org/c/K7M2QX9P",
        check_address="verify.example.org/c",
    )


def _floor(card: calling_card.CallingCard) -> bytes:
    """The card's words on a plain canvas: one font, one drawString a line."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A6, initialFontName=text.font_name(text.LATIN), invariant=1)
    page.setFont(text.font_name(text.LATIN), 9)
    lines = [card.landlord, card.contractor, "Sorry we missed you", card.operative, card.date, card.time]
    lines += [card.reference, card.office_phone, card.out_of_hours_phone, card.email, card.serial, card.check_url]
    for n, line in enumerate(lines):
        page.drawString(20, 380 - n * 14, line)
    page.showPage()
    page.save()
    return out.getvalue()


def _ms(draw) -> float:
    draw()  # warm: fonts loaded, caches filled
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        draw()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    text.register()
    floor = _ms(lambda: _floor(_card("en")))
    print(f"one core, median of {ROUNDS}; floor (plain canvas, same words, one font, no QR): {floor:.1f} ms\n")
    print(f"{'language':10}" + "".join(f"{f + (' large' if large else ''):>14}" for f, large in SIZES))
    for lang in LANGUAGES:
        card = _card(lang)
        cells = [_ms(lambda c=card, f=f, large=large: calling_card.draw(c, f, large)) for f, large in SIZES]
        print(f"{lang:10}" + "".join(f"{ms:11.1f} ms" for ms in cells))


if __name__ == "__main__":
    main()
