"""The letter posted to a tenant before planned works: what will happen and when, who comes, how to check them,
who to call, and how to complain.

A4, in the household's language (right-to-left and Indic scripts shaped, as on the calling card), body text
12 pt, or 18 pt in large print, where nothing is smaller. The address block stays left to right in every
language: it is for the post. Wording is in pdf_templates/wording/ (the `notice_` strings), and the same
letter gives the same bytes.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from pdf_templates import calling_card, text
from pdf_templates.page import open_canvas
from server import wording

PAGE = A4
MARGIN = 18 * mm
_WIDTH = PAGE[0] - 2 * MARGIN


@dataclass(frozen=True)
class NoticeLetter:
    """What the letter says; days and times are already in Europe/London, worded for its language."""

    lang: str
    landlord: str
    contractor: str
    dated: str  # the day the notice was given
    tenant: str | None  # None: nobody is recorded as living there ("the tenant")
    address: tuple[str, ...]
    first_day: str
    start: str
    end: str
    reference: str
    check_address: str  # the badge check page, as a tenant would type it
    complaint_url: str
    last_day: str | None = None  # the works' last day, when it is not the first
    short_notice: bool = False  # less notice than the contract asks for, for a reason agreed
    contractor_phone: str | None = None
    landlord_phone: str | None = None
    out_of_hours_phone: str | None = None
    large_print: bool = False
    overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # the landlord's own wording
    logo: bytes | None = None  # the landlord's, as PNG


def words() -> wording.Wording:
    """The letter's wording in every language: the calling card's files, which hold the `notice_` strings too."""
    return calling_card.words()


def _say(letter: NoticeLetter, key: str, **values) -> str:
    """The string in the letter's language, or in English if a shipped font cannot draw it."""
    said = words().text(letter.lang, key, overrides=letter.overrides, **values)
    if text.covered(said, text.Style(letter.lang, 10)):
        return said
    return words().text("en", key, overrides=letter.overrides, **values)


def _own(value: str) -> str:
    """A name, code or link: kept in its own left-to-right order (a day and date read in the language's)."""
    return text.isolate(value)


def _phone(number: str) -> str:
    """A phone number in its own order, on one line."""
    return text.isolate(text.unbroken(number))


def _blocks(letter: NoticeLetter) -> list[tuple[str, str]]:
    """(kind, words) from top to bottom; kinds: logo, heading, address, title, label, body, gap."""
    landlord, contractor = _own(letter.landlord), _own(letter.contractor)
    when = dict(date=letter.first_day, start=letter.start, end=letter.end)
    if letter.last_day:
        when = _say(letter, "notice_when_days", last_day=letter.last_day, **when)
    else:
        when = _say(letter, "notice_when", **when)
    numbers = ((contractor, letter.contractor_phone), (landlord, letter.landlord_phone))
    phones = [_say(letter, "notice_call", name=name, phone=_phone(number)) for name, number in numbers if number]
    if letter.out_of_hours_phone:
        phones.append(_say(letter, "notice_out_of_hours", phone=_phone(letter.out_of_hours_phone)))
    link = _own(letter.complaint_url)
    if letter.landlord_phone:
        complain = _say(letter, "notice_complain", landlord=landlord, phone=_phone(letter.landlord_phone), link=link)
    else:
        complain = _say(letter, "notice_complain_online", link=link)
    greeting = (
        _say(letter, "notice_dear", tenant=_own(letter.tenant)) if letter.tenant else _say(letter, "notice_hello")
    )
    return [
        *([("logo", "")] if letter.logo else []),
        ("heading", landlord),
        ("gap", ""),
        ("address", letter.tenant or _say(letter, "notice_occupier")),
        *(("address", line) for line in letter.address),
        ("gap", ""),
        ("body", letter.dated),
        ("title", _say(letter, "notice_title")),
        ("body", greeting),
        ("body", _say(letter, "notice_intro", landlord=landlord, contractor=contractor)),
        ("label", _say(letter, "notice_when_label")),
        ("body", when),
        *([("body", _say(letter, "notice_sorry_short"))] if letter.short_notice else []),
        ("body", _say(letter, "notice_reference", reference=_own(letter.reference))),
        ("label", _say(letter, "notice_id_label")),
        ("body", _say(letter, "notice_id")),
        ("body", _say(letter, "notice_check", address=_own(letter.check_address))),
        ("label", _say(letter, "notice_contact_label")),
        *(("body", line) for line in phones),
        ("label", _say(letter, "notice_complain_label")),
        ("body", complain),
        ("gap", ""),
        ("body", _say(letter, "notice_sign_off")),
        ("label", landlord),
    ]


# Nastaliq stands tall and sinks deep: Urdu lines need more room than the others.
_LEADING = {"ur": 1.8}


@dataclass(frozen=True)
class _Line:
    kind: str  # logo, or the kind of words (see _blocks)
    words: str
    style: text.Style
    gap: float  # space above
    leading: float


def _style(letter: NoticeLetter, kind: str, said: str, body: float) -> text.Style:
    size = {"heading": body * 1.3, "title": body * 1.6}.get(kind, body)
    bold = kind in ("heading", "title", "label")
    # The address is for the post: left to right whatever the letter's language, unless it needs the language's font.
    if kind == "address" and text.covered(said, text.Style("en", size)):
        return text.Style("en", size, bold)
    return text.Style(letter.lang, size, bold)


def _lines(letter: NoticeLetter) -> list[_Line]:
    body = 18 if letter.large_print else 12
    space = {"title": body * 1.4, "label": body * 1.1, "body": body * 0.4}
    lines, gap = [], 0.0
    for kind, said in _blocks(letter):
        if kind == "gap":
            gap += body
            continue
        style = _style(letter, kind, said, body)
        if kind == "logo":
            lines.append(_Line(kind, said, style, 0, 0))
            continue
        leading = style.size * _LEADING.get(style.lang, 1.45)
        for n, line in enumerate(text.wrap(said, style, _WIDTH)):
            lines.append(_Line(kind, line, style, gap + space.get(kind, 0) if n == 0 else 0, leading))
        gap = 0.0
    return lines


def _logo_size(letter: NoticeLetter) -> tuple[float, float]:
    pixels_wide, pixels_high = ImageReader(io.BytesIO(letter.logo)).getSize()
    height = min((26 if letter.large_print else 20) * mm, _WIDTH * pixels_high / pixels_wide)
    return height * pixels_wide / pixels_high, height


def _pages(letter: NoticeLetter, lines: list[_Line]) -> list[list[tuple[_Line, float]]]:
    """Each line with the top of the space it takes, page by page; a label never ends a page."""
    top = PAGE[1] - MARGIN
    pages: list[list[tuple[_Line, float]]] = [[]]
    y = top
    for n, line in enumerate(lines):
        if line.kind == "logo":
            pages[-1].append((line, y))
            y -= _logo_size(letter)[1] + 3 * mm
            continue
        need = line.gap + line.leading
        if line.kind == "label" and n + 1 < len(lines):
            need += lines[n + 1].leading
        if y - need < MARGIN and y < top:
            pages.append([])
            y = top
        else:
            y -= line.gap
        pages[-1].append((line, y))
        y -= line.leading
    return pages


def draw(letter: NoticeLetter) -> bytes:
    """The letter as A4 PDF bytes, on as many pages as its print size needs (numbered, when more than one)."""
    pages = _pages(letter, _lines(letter))
    out = io.BytesIO()
    page = open_canvas(out, PAGE, _say(letter, "notice_title"), letter.landlord)
    footer = text.Style(letter.lang, 18 if letter.large_print else 10)
    for number, placed in enumerate(pages, 1):
        for line, y in placed:
            if line.kind == "logo":  # at the start of the line: the right for a right-to-left letter
                width, height = _logo_size(letter)
                left = PAGE[0] - MARGIN - width if line.style.rtl else MARGIN
                page.drawImage(ImageReader(io.BytesIO(letter.logo)), left, y - height, width, height, mask="auto")
            else:
                text.draw_line(page, line.words, line.style, MARGIN, y - line.style.size, _WIDTH)
        if len(pages) > 1:
            said = _say(letter, "notice_page", page=number, pages=len(pages))
            text.draw_line(page, said, footer, MARGIN, MARGIN / 2, _WIDTH, "end")
        page.showPage()
    page.save()
    return out.getvalue()
