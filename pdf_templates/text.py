"""Text on a reportlab canvas in any of our languages: the right font, shaped, in bidi order, wrapped.

Fonts come from `fonts/` only, every one embedded. Each run of text is drawn in the first font that
has all its characters: the language's own, then Noto Sans (Latin, digits), then the Chinese one.
Complex scripts (Urdu, Bengali, Hindi) are shaped by HarfBuzz through reportlab; right-to-left
lines are put in display order by python-bidi's implementation of the Unicode bidi algorithm. Each
run carries its logical text as /ActualText, so what is extracted from the PDF is what was written.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import groupby
from pathlib import Path

from bidi import algorithm as bidi
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr

FONTS = Path(__file__).parent / "fonts"
LATIN, URDU, BENGALI, DEVANAGARI, CHINESE = (
    "NotoSans",
    "NotoNastaliqUrdu",
    "NotoSansBengali",
    "NotoSansDevanagari",
    "DoorstepKaiTC",
)
FAMILIES = {"en": LATIN, "cy": LATIN, "pl": LATIN, "ur": URDU, "bn": BENGALI, "hi": DEVANAGARI, "zh-Hant": CHINESE}
RIGHT_TO_LEFT = {"ur"}
_SHAPED = {f"{family}-{weight}" for family in (URDU, BENGALI, DEVANAGARI) for weight in ("Regular", "Bold")}
_FALLBACKS = (LATIN, CHINESE)
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A line may break after a space, or between any two Chinese characters; a no-break space (U+00A0,
# U+202F) joins what is around it into one word.
_TOKENS = re.compile(
    r"[^\S\u00a0\u202f]+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]"
    r"|(?:[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[\u00a0\u202f])+"
)


@dataclass(frozen=True)
class Style:
    lang: str
    size: float
    bold: bool = False

    @property
    def rtl(self) -> bool:
        return self.lang in RIGHT_TO_LEFT


@dataclass(frozen=True)
class _Run:
    text: str  # logical order
    font: str
    shaped: str  # what the canvas draws: glyphs in display order
    width: float


@cache
def register() -> None:
    """Register every shipped font with reportlab, once per process."""
    for family in {*FAMILIES.values()}:
        for weight in ("Regular", "Bold"):
            pdfmetrics.registerFont(TTFont(f"{family}-{weight}", FONTS / f"{family}-{weight}.ttf"))


def font_name(family: str, bold: bool = False) -> str:
    register()
    return f"{family}-{'Bold' if bold else 'Regular'}"


@cache
def _glyphs(name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def _font_for(char: str, style: Style) -> str | None:
    if char.isspace() or unicodedata.category(char) == "Cf":
        return None  # a space takes the font of what is around it; bidi controls are never drawn
    for family in (FAMILIES.get(style.lang, LATIN), *_FALLBACKS):
        name = font_name(family, style.bold)
        if ord(char) in _glyphs(name):
            return name
    return ""  # no font has it


def unbroken(value: str) -> str:
    """Keep a phone number on one line: its spaces become no-break spaces."""
    return value.replace(" ", "\u00a0")


def isolate(value: str) -> str:
    """Keep a phone number, code or name in its own left-to-right order inside right-to-left text."""
    return f"\u202a{value}\u202c"


def covered(text: str, style: Style) -> bool:
    """Can every character be drawn (no empty boxes)? If not, the caller says it in English instead."""
    return all(_font_for(char, style) != "" for char in text)


def _fonts(text: str, style: Style) -> list[tuple[str, str]]:
    """Split logical text into (text, font) pieces; spaces join the piece before them."""
    pieces: list[list[str]] = []
    for char in text:
        font = _font_for(char, style) or (pieces[-1][1] if pieces else font_name(FAMILIES.get(style.lang, LATIN)))
        if pieces and pieces[-1][1] == font:
            pieces[-1][0] += char
        else:
            pieces.append([char, font])
    return [(piece, font) for piece, font in pieces]


def _display_segments(text: str, rtl: bool) -> list[tuple[str, bool]]:
    """The line's directional segments in display order, each as (logical text, right-to-left?)."""
    if not rtl and not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return [(_BIDI_CONTROLS.sub("", text), False)]  # all left to right: nothing to reorder, no control to draw
    storage = bidi.get_empty_storage()
    storage["base_level"], storage["base_dir"] = (1, "R") if rtl else (0, "L")
    bidi.get_embedding_levels(text, storage)
    for step in (
        bidi.explicit_embed_and_overrides,
        bidi.resolve_weak_types,
        bidi.resolve_neutral_types,
        bidi.resolve_implicit_levels,
        bidi.reorder_resolved_levels,
    ):
        step(storage, False)
    segments = []
    for level, chars in groupby(storage["chars"], key=lambda c: c["level"]):
        shown = "".join(c["ch"] for c in chars)
        segments.append((shown[::-1], True) if level % 2 else (shown, False))
    return segments


def _runs(text: str, style: Style) -> list[_Run]:
    runs = []
    for segment, rtl in _display_segments(text, style.rtl):
        pieces = _fonts(segment, style)
        for piece, font in reversed(pieces) if rtl else pieces:
            if font in _SHAPED:  # HarfBuzz joins Urdu letters and builds Bengali and Hindi conjuncts
                shaped = shapeStr(piece, font, style.size)
                glyphs = shaped.__shapeData__ if hasattr(shaped, "__shapeData__") else None
            else:  # Latin and Chinese need no shaping
                shaped, glyphs = piece, None
            advance = (
                sum(g.x_advance for g in glyphs) * style.size / 1000
                if glyphs is not None
                else pdfmetrics.stringWidth(piece, font, style.size)
            )
            runs.append(_Run(piece, font, shaped, advance))
    return runs


@lru_cache(maxsize=8192)
def _token_width(token: str, style: Style) -> float:
    return sum(run.width for run in _runs(token, style))


def width(text: str, style: Style) -> float:
    """A line's width: the sum of its words' (shaping never joins across a space; bidi only reorders)."""
    return sum(_token_width(token, style) for token in _TOKENS.findall(text))


def wrap(text: str, style: Style, max_width: float) -> list[str]:
    """Break text into lines no wider than max_width; a word too long for a line is broken inside."""
    lines: list[str] = []
    words: list[str] = []  # the line so far, space tokens included
    used = 0.0  # its width without trailing spaces
    for token in _TOKENS.findall(text.strip()):
        if token.isspace():
            if words:
                words.append(token)
            continue
        trailing = _token_width(words[-1], style) if words and words[-1].isspace() else 0.0  # one token: \s+
        needed = _token_width(token, style)
        if words and used + trailing + needed > max_width:
            lines.append("".join(words).rstrip())
            words, used, trailing = [], 0.0, 0.0
        while needed > max_width and len(token) > 1:  # one word wider than the line: break inside it
            cut = next(i for i in range(len(token) - 1, 0, -1) if _token_width(token[:i], style) <= max_width or i == 1)
            lines.append(token[:cut])
            token = token[cut:]
            needed = _token_width(token, style)
        words.append(token)
        used += trailing + needed
    if words:
        lines.append("".join(words).rstrip())
    return lines


def draw_line(canvas, text: str, style: Style, x: float, y: float, max_width: float, align: str = "start") -> None:
    """Draw one line in the box [x, x + max_width]: `start` is the left for LTR, the right for RTL."""
    runs = _runs(text, style)
    total = sum(run.width for run in runs)
    if align == "centre":
        left = x + (max_width - total) / 2
    elif (align == "start") != style.rtl:
        left = x
    else:
        left = x + max_width - total
    for run in runs:
        canvas.setFont(run.font, style.size)
        written = "".join(c for c in run.text if unicodedata.category(c) != "Cf")  # without bidi controls
        canvas.addLiteral(f"/Span <</ActualText <FEFF{written.encode('utf-16-be').hex().upper()}>>> BDC")
        canvas.drawString(left, y, run.shaped)
        canvas.addLiteral("EMC")
        left += run.width


def draw_paragraph(canvas, text: str, style: Style, x: float, top: float, max_width: float, leading: float) -> float:
    """Draw wrapped text whose first baseline is `top`; return the baseline after the last line."""
    y = top
    for line in wrap(text, style, max_width):
        draw_line(canvas, line, style, x, y, max_width)
        y -= leading
    return y
