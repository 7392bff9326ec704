"""The card left when nobody is in: who called, when, why, how to get in touch, and how to check it is genuine.

Three sizes: A6 (a pre-printed card), an 80 mm receipt roll as long as the content needs, and large
print on A5 (body text 18 pt). The same card gives the same bytes: no timestamps, no random ids.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A5, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from pdf_templates import text
from pdf_templates.page import draw_qr, open_canvas
from server import wording

WORDING = Path(__file__).parent / "wording"
FORMATS = ("a6", "receipt")


@dataclass(frozen=True)
class CallingCard:
    """What the card says; times are already in Europe/London, formatted for its language."""

    lang: str
    landlord: str
    contractor: str
    operative: str
    date: str
    time: str
    job_kind: str
    reference: str
    office_phone: str | None
    out_of_hours_phone: str | None
    email: str | None
    serial: str
    check_url: str  # the card's public page, in the QR
    check_address: str  # the same, as a tenant would type it
    overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # the landlord's own wording
    logo: bytes | None = None  # the landlord's, as PNG


@dataclass(frozen=True)
class _Sizes:
    width: float
    height: float | None  # None: as long as the content (a receipt roll)
    margin: float
    body: float  # the size text starts at; a fixed page shrinks it to fit, down to `smallest`
    smallest: float
    qr: float
    logo: float  # the logo's height, at most
    large_print: bool = False  # then nothing, not even the small print, is under `smallest`


_SIZES = {
    ("a6", False): _Sizes(A6[0], A6[1], 7 * mm, 9, 6.5, 24 * mm, 10 * mm),
    ("receipt", False): _Sizes(80 * mm, None, 4 * mm, 9.5, 9.5, 30 * mm, 12 * mm),
    ("a6", True): _Sizes(A5[0], A5[1], 10 * mm, 18, 18, 40 * mm, 16 * mm, large_print=True),
    ("receipt", True): _Sizes(80 * mm, None, 4 * mm, 18, 18, 40 * mm, 16 * mm, large_print=True),
}


def words() -> wording.Wording:
    """The card's wording in every language (loaded once: wording.load caches)."""
    return wording.load(WORDING)


def _say(card: CallingCard, key: str, **values) -> str:
    """The string in the card's language, or in English if a shipped font cannot draw it."""
    values = {name: text.isolate(value) for name, value in values.items()}
    said = words().text(card.lang, key, overrides=card.overrides, **values)
    if text.covered(said, text.Style(card.lang, 10)):
        return said
    return words().text("en", key, overrides=card.overrides, **values)


def _lines(card: CallingCard) -> list[tuple[str, str]]:
    """(kind, words) from top to bottom; kinds: heading, title, label, body, small."""
    job = _say(card, f"job_{card.job_kind}")
    contact = [
        _say(card, "office", phone=text.unbroken(card.office_phone)) if card.office_phone else None,
        _say(card, "out_of_hours", phone=text.unbroken(card.out_of_hours_phone)) if card.out_of_hours_phone else None,
        _say(card, "email", email=card.email) if card.email else None,
    ]
    return [
        *([("logo", "")] if card.logo else []),
        ("heading", text.isolate(card.landlord)),  # names keep their own order inside right-to-left text
        ("small", text.isolate(card.contractor)),
        ("title", _say(card, "title")),
        ("body", _say(card, "who", operative=card.operative, contractor=card.contractor, landlord=card.landlord)),
        ("label", _say(card, "when_label")),
        ("body", _say(card, "when", date=card.date, time=card.time)),
        ("label", _say(card, "why_label")),
        ("body", _say(card, "why", job=job, reference=card.reference)),
        ("label", _say(card, "contact_label")),
        *(("body", line) for line in contact if line),
        ("qr", _say(card, "scan", address=card.check_address)),
        ("body", _say(card, "genuine", address=card.check_address, code=card.serial)),
        ("small", f"{_say(card, 'serial', serial=card.serial)} · {_say(card, 'operative', operative=card.operative)}"),
    ]


def _style(card: CallingCard, kind: str, body: float, floor: float) -> tuple[text.Style, float]:
    """The style and the space above a line of this kind; no text is smaller than `floor`."""
    size = {"heading": body * 1.2, "title": body * 1.6, "label": body, "small": max(body * 0.8, floor)}.get(kind, body)
    bold = kind in ("heading", "title", "label")
    return text.Style(card.lang, size, bold), size * (0.9 if kind in ("title", "label", "qr") else 0.25)


@dataclass(frozen=True)
class _Block:
    kind: str
    words: str
    style: text.Style
    gap: float  # space above
    width: float  # for the words
    height: float


def _blocks(card: CallingCard, sizes: _Sizes, body: float) -> list[_Block]:
    inner = sizes.width - 2 * sizes.margin
    blocks = []
    for kind, words in _lines(card):
        style, gap = _style(card, kind, body, sizes.smallest if sizes.large_print else 0)
        if kind == "logo":
            pixels_wide, pixels_high = ImageReader(io.BytesIO(card.logo)).getSize()
            height = min(sizes.logo, inner * pixels_high / pixels_wide)
            blocks.append(_Block(kind, words, style, 0, height * pixels_wide / pixels_high, height))
            continue
        width = inner - sizes.qr - 3 * mm if kind == "qr" else inner
        height = len(text.wrap(words, style, width)) * style.size * 1.45
        blocks.append(_Block(kind, words, style, gap, width, max(height, sizes.qr) if kind == "qr" else height))
    return blocks


def _height(blocks: list[_Block]) -> float:
    return sum(block.gap + block.height for block in blocks)


def draw(card: CallingCard, format: str = "a6", large_print: bool = False) -> bytes:
    """The card as PDF bytes: A6 (A5 in large print) or an 80 mm receipt roll."""
    sizes = _SIZES[(format, large_print)]
    body = sizes.body
    blocks = _blocks(card, sizes, body)
    if sizes.height is not None:  # a fixed page: shrink the text until it fits, as far as it may go
        while body > sizes.smallest and _height(blocks) > sizes.height - 2 * sizes.margin:
            body -= 0.5
            blocks = _blocks(card, sizes, body)
    height = sizes.height or _height(blocks) + 2 * sizes.margin
    out = io.BytesIO()
    page = open_canvas(out, (sizes.width, height), _say(card, "title"), card.landlord)
    top = y = height - sizes.margin
    for block in blocks:
        overflows = y - block.gap - block.height < sizes.margin - 0.01
        if sizes.height is not None and overflows and y < top:  # large print on A5 may need a second side
            page.showPage()
            y = top
        y -= block.gap
        leading = block.style.size * 1.45
        x = sizes.margin
        if block.kind == "logo":  # at the start of the line: the right for a right-to-left card
            left = sizes.width - sizes.margin - block.width if block.style.rtl else x
            page.drawImage(ImageReader(io.BytesIO(card.logo)), left, y - block.height, block.width, block.height)
            y -= block.height
            continue
        if block.kind == "qr":
            rtl = block.style.rtl
            draw_qr(page, card.check_url, sizes.width - sizes.margin - sizes.qr if rtl else sizes.margin, y, sizes.qr)
            x = sizes.margin if rtl else sizes.margin + sizes.qr + 3 * mm
        text.draw_paragraph(page, block.words, block.style, x, y - block.style.size, block.width, leading)
        y -= block.height
    page.showPage()
    page.save()
    return out.getvalue()
