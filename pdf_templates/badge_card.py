"""The badge card an operative wears: who they are, who sent them, and three ways for a tenant to check it.

A CR80 card (85.6 x 54 mm, a bank card's size, for card printers and lanyards), printed on both
sides. The front is what a tenant sees through a door chain: photo, name, contractor, landlords,
expiry, and the QR with its short code. The back says how to check without the QR, and the phone
numbers, which a tenant should compare with their letters (a fake card would print a fake number).
Nothing is smaller than 6 pt; long names shrink their text, never the card. The same card gives
the same bytes.
"""

import io
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageOps
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import ImageReader

from pdf_templates import text
from pdf_templates.page import draw_qr, open_canvas
from server import wording

WORDING = Path(__file__).parent / "wording" / "badge_card"
LANG = "en"
WIDTH, HEIGHT = 85.6 * mm, 54 * mm
MARGIN, GAP = 3 * mm, 2.5 * mm
BAND = 9 * mm  # the coloured strip across the top, with the contractor's name
QR = 24 * mm  # phones read it from arm's length; DESIGN §5 keeps the URL short enough for this
# The photo is printed 0.8 x 1 inch (the stored portrait's 4:5) and embedded with exactly the
# pixels 300 dpi needs: sharp on a card printer, and no more bytes than that.
PHOTO_DPI = 300
PHOTO_PIXELS = (240, 300)
PHOTO_WIDTH, PHOTO_HEIGHT = (pixels / PHOTO_DPI * inch for pixels in PHOTO_PIXELS)
SMALLEST = 6  # points: nothing on the card is smaller
LEADING = 1.25  # from one baseline to the next, in multiples of the size
ASCENT, DESCENT = 1.069, 0.293  # Noto Sans's, in em: every glyph stays within them, so within its box
COLOUR = HexColor("#16325c")  # white on it passes WCAG AAA contrast
MUTED = HexColor("#4a4a4a")
NO_PHOTO = HexColor("#f1f1f1")


@dataclass(frozen=True)
class Landlord:
    name: str
    phone: str | None


@dataclass(frozen=True)
class BadgeCard:
    """What the card says; the date is already in Europe/London, as words."""

    operative: str
    contractor: str
    contractor_phone: str | None
    landlords: tuple[Landlord, ...]
    valid_until: str  # e.g. "1 December 2027"
    short_code: str  # as printed and read out: XXXX-XXXX-XX
    verify_url: str  # in the QR
    check_address: str  # the same place, as a tenant would type it: verify.example.org/v
    photo: bytes | None = None  # JPEG or PNG; None prints a box saying to check by phone


def words() -> wording.Wording:
    return wording.load(WORDING)


def _say(key: str, **values) -> str:
    return words().text(LANG, key, **values)


@dataclass(frozen=True)
class _Para:
    words: str
    size: float  # at full scale; shrinks to fit, never below `floor`
    bold: bool = False
    gap: float = 0  # space above, in multiples of the size
    floor: float = SMALLEST
    colour: object = None
    max_lines: int | None = None
    aside: str | None = None  # a phone number, kept whole, right-aligned on the first line


@dataclass(frozen=True)
class _Laid:
    para: _Para
    style: text.Style
    lines: tuple[str, ...]

    @property
    def broken(self) -> bool:
        """Is a word split across two lines?"""
        return sum(len(line.split()) for line in self.lines) > len(self.para.words.split())

    @property
    def within_lines(self) -> bool:
        return self.para.max_lines is None or len(self.lines) <= self.para.max_lines

    @property
    def height(self) -> float:
        return (self.para.gap + ASCENT + DESCENT + (len(self.lines) - 1) * LEADING) * self.style.size


def _lay(paras: list[_Para], width: float, height: float) -> list[_Laid] | None:
    """The paragraphs at the largest scale (in 5 % steps) at which they fit the box, or None.

    A scale at which some word is broken across lines fits only if no smaller one keeps every word whole.
    """
    scale, broken = 1.0, None
    while True:
        sizes = [max(p.floor, round(p.size * scale * 2) / 2) for p in paras]  # half points: tidy, and repeatable
        laid = [
            _Laid(p, style, tuple(text.wrap(p.words, style, width - _aside_width(p, style))))
            for p, size in zip(paras, sizes, strict=True)
            for style in [text.Style(LANG, size, p.bold)]
        ]
        if sum(item.height for item in laid) <= height and all(item.within_lines for item in laid):
            if not any(item.broken for item in laid):
                return laid
            broken = broken or laid
        if all(size == p.floor for p, size in zip(paras, sizes, strict=True)):
            return broken
        scale -= 0.05


def _aside_width(para: _Para, style: text.Style) -> float:
    return text.width(para.aside, replace(style, bold=True)) + style.size if para.aside else 0.0


def _draw(page, laid: list[_Laid], x: float, top: float, width: float, bottom: float, align: str = "start") -> None:
    """Draw laid-out paragraphs from `top` down; a line that would cross `bottom` is left off."""
    y = top
    for item in laid:
        size = item.style.size
        y -= item.para.gap * size
        page.setFillColor(item.para.colour or black)
        for number, line in enumerate(item.lines):
            baseline = y - (ASCENT + number * LEADING) * size
            if baseline - DESCENT * size < bottom - 0.01:
                return
            text.draw_line(page, line, item.style, x, baseline, width - _aside_width(item.para, item.style), align)
            if item.para.aside and number == 0:
                text.draw_line(page, item.para.aside, replace(item.style, bold=True), x, baseline, width, "end")
        y -= item.height - item.para.gap * size


def _fit(options: list[list[_Para]], width: float, height: float) -> list[_Laid]:
    """The first set of paragraphs that fits the box; else the last at its smallest (drawing cuts it at the bottom)."""
    for paras in options:
        laid = _lay(paras, width, height)
        if laid is not None:
            return laid
    return _lay([replace(p, size=p.floor, max_lines=None) for p in options[-1]], width, float("inf"))


def _fitted(page, options: list[list[_Para]], x, top, width, bottom, align="start", middle=False) -> None:
    """Draw the first set of paragraphs that fits the box, from its top or (`middle`) centred in it."""
    laid = _fit(options, width, top - bottom)
    if middle:
        top -= max(0, (top - bottom - sum(item.height for item in laid)) / 2)
    _draw(page, laid, x, top, width, bottom, align)


def _photo(data: bytes) -> ImageReader:
    """The photo cropped to the printed portrait and resampled to 300 dpi, as a JPEG (embedded as is)."""
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    portrait = ImageOps.fit(upright, PHOTO_PIXELS, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    out = io.BytesIO()
    portrait.save(out, format="JPEG", quality=90)  # no EXIF written; the same pixels give the same bytes
    out.seek(0)
    return ImageReader(out)


def _band(page, title: str) -> None:
    page.setFillColor(COLOUR)
    page.rect(0, HEIGHT - BAND, WIDTH, BAND, stroke=0, fill=1)
    title = [[_Para(title, 9, bold=True, colour=white)]]
    _fitted(page, title, MARGIN, HEIGHT - 1.25 * mm, WIDTH - 2 * MARGIN, HEIGHT - BAND + 1.25 * mm, middle=True)


def _front(page, card: BadgeCard) -> None:
    _band(page, card.contractor)
    top = HEIGHT - BAND - GAP

    # The photo, or a box that says plainly there is none (never an empty frame that looks torn off).
    photo_bottom = top - PHOTO_HEIGHT
    if card.photo is not None:
        page.drawImage(_photo(card.photo), MARGIN, photo_bottom, PHOTO_WIDTH, PHOTO_HEIGHT)
    else:
        page.setFillColor(NO_PHOTO)
        page.rect(MARGIN, photo_bottom, PHOTO_WIDTH, PHOTO_HEIGHT, stroke=0, fill=1)
        page.setFillColorRGB(0, 0, 0)
        paras = [[_Para(_say("no_photo_title"), 8, bold=True), _Para(_say("no_photo"), 7, gap=0.4)]]
        _fitted(page, paras, MARGIN + 1 * mm, top, PHOTO_WIDTH - 2 * mm, photo_bottom, "centre", middle=True)
    page.setStrokeColor(COLOUR)
    page.setLineWidth(0.6)
    page.rect(MARGIN, photo_bottom, PHOTO_WIDTH, PHOTO_HEIGHT, stroke=1, fill=0)

    # Under the photo: until when.
    expiry = [_Para(_say("valid_until"), 6.5, colour=MUTED), _Para(card.valid_until, 8, bold=True, max_lines=1)]
    _fitted(page, [expiry], MARGIN, photo_bottom - 1.5 * mm, PHOTO_WIDTH, MARGIN, "centre")

    # The QR, its code, and where to type the code.
    qr_x = WIDTH - MARGIN - QR
    draw_qr(page, card.verify_url, qr_x, top, QR)
    below = [
        _Para(card.short_code, 9, bold=True, max_lines=1),
        _Para(_say("check_me", address=card.check_address), 6.5, gap=0.3),
    ]
    _fitted(page, [below], qr_x - 1 * mm, top - QR - 1.5 * mm, QR + 2 * mm, MARGIN, "centre")

    # Between them: who, and for whom. Three long landlord names may not fit; the back lists them all.
    x = MARGIN + PHOTO_WIDTH + GAP
    width = qr_x - GAP - x
    name = _Para(card.operative, 11, bold=True, floor=7, max_lines=4)
    label = _Para(_say("working_for"), 6.5, gap=0.8, colour=MUTED)
    landlords = [_Para(landlord.name, 7.5, gap=0.25) for landlord in card.landlords]
    options = [[name, label, *landlords]]
    if len(landlords) > 1:
        rest = _say("more_landlords", count=len(landlords) - 1)
        options.append([name, label, landlords[0], _Para(rest, 6.5, gap=0.2, colour=MUTED)])
    _fitted(page, options if landlords else [[name]], x, top, width, MARGIN)


def _back(page, card: BadgeCard) -> None:
    _band(page, _say("back_title"))
    # A directory: each name, and its number on the right, whole, easy to compare with a letter.
    numbers = [_Para(each.name, 7.5, gap=0.3, aside=each.phone) for each in card.landlords if each.phone]
    if card.contractor_phone:
        employer = _say("employer", contractor=card.contractor)
        numbers.append(_Para(employer, 7.5, gap=0.3, aside=card.contractor_phone))
    paras = [
        _Para(_say("you_decide"), 8, bold=True),
        _Para(_say("scan", address=card.check_address, code=card.short_code), 7.5, gap=0.5),
        *([_Para(_say("phone"), 7.5, gap=0.5), *numbers] if numbers else []),
    ]
    found = _Para(_say("if_found", contractor=card.contractor), 6.5, gap=0.6, colour=MUTED)
    # Many long landlord names leave no room for the lost-and-found line; the numbers matter more.
    _fitted(page, [[*paras, found], paras], MARGIN, HEIGHT - BAND - GAP, WIDTH - 2 * MARGIN, MARGIN)


def draw(card: BadgeCard) -> bytes:
    """The card as PDF bytes: the front, then the back (for a duplex card printer)."""
    out = io.BytesIO()
    page = open_canvas(out, (WIDTH, HEIGHT), f"{_say('title')}: {card.operative}", card.contractor)
    _front(page, card)
    page.showPage()
    _back(page, card)
    page.showPage()
    page.save()
    return out.getvalue()
