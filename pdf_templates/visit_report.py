"""The visit report a contract manager prints and files: times, checklist, standards, concerns, photos.

A4, as many pages as the visit needs. Wording is English (managers' language) and lives here, in the
constants below. Times are shown in Europe/London. Each page's footer carries the time of the visit's
last change and a short hash of the report's content, never the time it was drawn: the same record
gives the same bytes.
"""

import dataclasses
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime, format_time
from PIL import Image, ImageOps
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from pdf_templates import text
from pdf_templates.page import open_canvas
from server.london_time import LONDON

# Wording ------------------------------------------------------------------------------------------

TITLE = "Visit report"
KINDS = {
    "repair": "Repair",
    "planned_works": "Planned works",
    "gas_safety": "Gas safety check",
    "inspection": "Inspection",
}
STATUSES = {
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "completed": "Completed",
    "no_access": "No access",
    "cancelled": "Cancelled",
    "missed": "Missed by the contractor",
}
STANDARDS = {
    "punctuality": "Arrived within the booked window",
    "id_before_entry": "ID card shown before entering",
    "overshoes_and_dust_sheets": "Overshoes and dust sheets used",
    "clean_up": "Home cleaned up and left as found",
    "planned_works_notice": "Written notice of planned works",
    "no_access_wait": "Waited long enough at the door",
    "calling_card": "Calling card left",
    "missed_appointments": "Missed appointments for this repair",
}
VERDICTS = {True: "Met", False: "Missed", None: "Not known yet"}
CATEGORIES = {
    "property_defect": "Property defect",
    "damp_mould": "Damp and mould",
    "vulnerable_adult": "Vulnerable adult",
    "unsanitary_conditions": "Unsanitary conditions",
    "safeguarding": "Safeguarding",
    "damage": "Damage",
    "other": "Other",
}
SEVERITIES = {"emergency": "Emergency", "significant": "Significant", "routine": "Routine"}
RESTRICTED = (
    "[Restricted] Special-category text: shown only to the operative who raised it "
    "and to the managers of the landlord and contractor on the contract."
)
NOT_RECORDED = "Checklist not recorded: no report has been filed for this visit."
NOT_ANSWERED, NOT_ASKED = "Not answered", "Not asked"
NOT_YET = "Not recorded"

# Layout -------------------------------------------------------------------------------------------

PAGE = A4
MARGIN = 16 * mm  # left, right and top; the footer sits in the bottom margin, above FOOTER_FLOOR
FOOTER_FLOOR = 9 * mm
_BOTTOM = 22 * mm  # content stops here; the footer lives below
_TOP = PAGE[1] - MARGIN
_RUNNING_HEAD = 7 * mm  # on the pages after the first, above their content
_WIDTH = PAGE[0] - 2 * MARGIN
_INK, _MUTED, _RULE, _SHADE = (0.1, 0.1, 0.12), (0.38, 0.38, 0.42), (0.75, 0.75, 0.78), (0.94, 0.945, 0.955)
_MET, _MISSED = (0.05, 0.45, 0.2), (0.72, 0.1, 0.1)
_BODY, _SMALL = 9.5, 8
_THUMB = (54 * mm, 40 * mm)
_SIGNATURE = (80 * mm, 32 * mm)
_THUMB_PIXELS = 520  # the longest side: about 240 dpi at the thumbnail's print size

# Input --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One checklist item as the template version asked it, with the answer given (None: none)."""

    label: str
    type: str  # yes_no, choice, text, number, photo, signature
    value: object = None
    conditional: bool = False  # asked only for some answers or households


@dataclass(frozen=True)
class Standard:
    key: str
    met: bool | None  # None: not known yet
    reason: str


@dataclass(frozen=True)
class Concern:
    category: str
    severity: str
    description: str | None  # None: the reader may not read it (special-category text)
    raised_at: datetime
    raised_by: str
    due_at: datetime
    overdue: bool = False
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledge_note: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution_note: str | None = None


@dataclass(frozen=True)
class Picture:
    """A photo or the signature: the stored file's bytes (None: the file is missing)."""

    id: str
    uploaded_at: datetime
    data: bytes | None = dataclasses.field(default=None, repr=False)
    concern: str | None = None  # the category of the concern it was taken for


@dataclass(frozen=True)
class NoAccess:
    attempted_at: datetime
    device_attempted_at: datetime | None
    waited_minutes: int
    required_wait_minutes: int
    card_left: bool
    card_serial: str
    note: str | None = None


@dataclass(frozen=True)
class VisitReport:
    """Everything the report shows, already chosen for its reader; times are aware datetimes (any zone)."""

    visit_id: str
    landlord: str
    contractor: str
    contract: str
    reference: str
    kind: str
    status: str
    address: str
    operative: str | None
    window_start: datetime
    window_end: datetime
    last_changed_at: datetime
    arrived_at: datetime | None = None
    device_arrived_at: datetime | None = None
    id_shown_at: datetime | None = None
    device_id_shown_at: datetime | None = None
    departed_at: datetime | None = None
    device_departed_at: datetime | None = None
    missed_at: datetime | None = None
    cancel_reason: str | None = None
    office_note: str | None = None
    reported_by: str | None = None
    template_version: int | None = None
    answers: tuple[Answer, ...] | None = None  # None: no report filed
    standards: tuple[Standard, ...] = ()
    concerns: tuple[Concern, ...] = ()
    photos: tuple[Picture, ...] = ()
    signature: Picture | None = None
    no_access: NoAccess | None = None


def content_hash(report: VisitReport) -> str:
    """A short hash of everything the report shows (pictures by their bytes' sha256)."""

    def plain(value):
        if isinstance(value, bytes):
            return hashlib.sha256(value).hexdigest()
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(type(value))

    canonical = json.dumps(dataclasses.asdict(report), default=plain, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


# Words for values ---------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    if moment is None:
        return NOT_YET
    local = moment.astimezone(LONDON)
    return f"{format_datetime(local, 'EEE d MMM y, HH:mm', locale='en_GB')} {local.tzname()}"


def _window(start: datetime, end: datetime) -> str:
    first, last = start.astimezone(LONDON), end.astimezone(LONDON)
    if first.date() == last.date():
        return f"{_when(start).rsplit(' ', 1)[0]} to {format_time(last, 'HH:mm', locale='en_GB')} {last.tzname()}"
    return f"{_when(start)} to {_when(end)}"


def _device(server: datetime | None, device: datetime | None) -> str:
    """The tablet's clock, only where it says something other than the server (to the minute)."""
    if server is None or device is None or _when(server) == _when(device):
        return ""
    return _when(device)


def _humane(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _answer(answer: Answer, photos: tuple[Picture, ...]) -> tuple[str, str]:
    """The answer in words, and how to show it: `short` (bold), `free` (someone's own words) or `none`."""
    value = answer.value
    if value is None:
        return (NOT_ASKED if answer.conditional else NOT_ANSWERED), "none"
    if answer.type == "yes_no":
        return ("Yes" if value else "No"), "short"
    if answer.type == "choice":
        return _humane(str(value)), "short"
    if answer.type == "photo":
        numbers = [n for n, photo in enumerate(photos, 1) if photo.id == str(value)]
        return (f"Photo {numbers[0]}, under Photos" if numbers else "A photo"), "short"
    if answer.type == "signature":
        return "Signed, under Tenant's signature", "short"
    return str(value), "short" if answer.type == "number" else "free"


# Blocks -------------------------------------------------------------------------------------------


def _style(value: str, size: float, bold: bool = False) -> text.Style:
    """A style whose fonts can draw `value`: an English report may quote a tenant in Urdu or Bengali."""
    for lang in ("en", "ur", "bn", "hi"):
        style = text.Style(lang, size, bold)
        if text.covered(value, style):
            return style
    return text.Style("en", size, bold)


def _by_script(paragraph: str, size: float, bold: bool) -> list[tuple[str, text.Style]]:
    """The paragraph in runs of words that one style draws: English text quoting Urdu reads in both directions."""
    runs: list[list] = []
    for word in paragraph.split(" "):
        style = _style(word, size, bold)
        neutral = not any(char.isalpha() for char in word)  # digits and marks go with the words before them
        if runs and (neutral or runs[-1][1] == style):
            runs[-1][0].append(word)
        else:
            runs.append([[word], style])
    return [(" ".join(words), style) for words, style in runs]


# (line height, baseline above the line's bottom) in ems: Nastaliq stands tall and sinks deep.
_LEADING = {"en": (1.38, 0.3), "ur": (2.4, 0.75), "bn": (1.55, 0.42), "hi": (1.55, 0.42)}


@dataclass(frozen=True)
class _Line:
    words: str
    style: text.Style
    colour: tuple = _INK

    @property
    def height(self) -> float:
        return self.style.size * _LEADING.get(self.style.lang, _LEADING["en"])[0]

    @property
    def baseline(self) -> float:
        """Its baseline's height above the line's bottom."""
        return self.style.size * _LEADING.get(self.style.lang, _LEADING["en"])[1]


def _lines(value: str, width: float, size: float = _BODY, bold=False, colour=_INK) -> list[_Line]:
    """Wrapped lines of a value; its own line breaks are kept."""
    lines = []
    for paragraph in value.splitlines() or [""]:
        for run, style in _by_script(paragraph, size, bold):
            lines += [_Line(line, style, colour) for line in text.wrap(run, style, width) or [""]]
    return lines


@dataclass
class _Cell:
    x: float  # from the left margin
    width: float
    lines: list[_Line]
    align: str = "start"
    # A short cell (a number, a question, a concern's summary) stays whole on the row's first page;
    # where the row continues, it shows `continued` instead.
    keep: bool = False
    continued: list[_Line] = dataclasses.field(default_factory=list)

    @property
    def height(self) -> float:
        return sum(line.height for line in self.lines)


@dataclass
class _Row:
    """Columns of wrapped lines; a row taller than what is left of a page continues on the next."""

    cells: list[_Cell]
    pad: float = 2.2
    shade: bool = False
    rule: bool = True
    mark: bool | str | None = "none"  # a tick, cross or dash before the first cell's first line

    @property
    def height(self) -> float:
        return max(cell.height for cell in self.cells) + 2 * self.pad

    def split(self, room: float):
        """The part that fits in `room` and the rest, or None if not even one line fits."""
        space = room - 2 * self.pad
        heads, tails = [], []
        for cell in self.cells:
            if cell.keep:
                if cell.height > space:
                    return None
                heads.append(cell)
                tails.append(dataclasses.replace(cell, lines=cell.continued, continued=[]))
                continue
            used, n = 0.0, 0
            while n < len(cell.lines) and used + cell.lines[n].height <= space:
                used += cell.lines[n].height
                n += 1
            heads.append(dataclasses.replace(cell, lines=cell.lines[:n]))
            tails.append(dataclasses.replace(cell, lines=cell.lines[n:]))
        split_cells = [n for n, cell in enumerate(self.cells) if not cell.keep]
        if not any(heads[n].lines for n in split_cells) or not any(tails[n].lines for n in split_cells):
            return None
        head = dataclasses.replace(self, cells=heads, rule=False)
        tail = dataclasses.replace(self, cells=tails, mark="none")
        return head, tail

    def draw(self, page, top: float) -> None:
        if self.shade:
            page.setFillColorRGB(*_SHADE)
            page.rect(MARGIN, top - self.height, _WIDTH, self.height, stroke=0, fill=1)
        for cell in self.cells:
            y = top - self.pad
            for line in cell.lines:
                baseline = y - line.height + line.baseline
                page.setFillColorRGB(*line.colour)
                text.draw_line(page, line.words, line.style, MARGIN + cell.x, baseline, cell.width, cell.align)
                y -= line.height
        if self.mark != "none":
            _draw_mark(page, self.mark, MARGIN + 1.2 * mm, top - self.pad - _BODY * 0.95)
        if self.rule:
            page.setStrokeColorRGB(*_RULE)
            page.setLineWidth(0.4)
            page.line(MARGIN, top - self.height, MARGIN + _WIDTH, top - self.height)


def _draw_mark(page, met: bool | None, x: float, y: float) -> None:
    """A tick, a cross or a dash beside the verdict's word, so colour is never the only sign."""
    side = 2.6 * mm
    page.setLineWidth(1.3)
    page.setLineCap(1)
    if met is True:
        page.setStrokeColorRGB(*_MET)
        path = page.beginPath()
        path.moveTo(x, y + side * 0.5)
        path.lineTo(x + side * 0.38, y + side * 0.12)
        path.lineTo(x + side, y + side * 0.95)
        page.drawPath(path, stroke=1, fill=0)
    elif met is False:
        page.setStrokeColorRGB(*_MISSED)
        page.line(x + side * 0.1, y + side * 0.05, x + side * 0.9, y + side * 0.85)
        page.line(x + side * 0.1, y + side * 0.85, x + side * 0.9, y + side * 0.05)
    else:
        page.setStrokeColorRGB(*_MUTED)
        page.line(x + side * 0.1, y + side * 0.45, x + side * 0.9, y + side * 0.45)
    page.setLineCap(0)


@dataclass
class _Heading:
    words: str
    height: float = 10 * mm

    def split(self, room: float):
        return None

    def draw(self, page, top: float) -> None:
        style = text.Style("en", 12, bold=True)
        page.setFillColorRGB(*_INK)
        text.draw_line(page, self.words, style, MARGIN, top - 6.5 * mm, _WIDTH)
        page.setStrokeColorRGB(*_INK)
        page.setLineWidth(0.8)
        page.line(MARGIN, top - 8.2 * mm, MARGIN + _WIDTH, top - 8.2 * mm)


@dataclass
class _Gap:
    height: float

    def split(self, room: float):
        return None

    def draw(self, page, top: float) -> None:
        pass


def _thumbnail(data: bytes | None, box: tuple[float, float], line_art: bool) -> tuple[ImageReader, float, float] | None:
    """The picture, upright, on white, small enough to embed; its drawn size inside `box`."""
    if data is None:
        return None
    try:
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", (_THUMB_PIXELS, _THUMB_PIXELS))  # a JPEG decodes at a fraction of its size: much quicker
        image = ImageOps.exif_transpose(image)
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(white, image)
    image = image.convert("RGB")
    image.thumbnail((_THUMB_PIXELS, _THUMB_PIXELS), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if line_art:  # a signature: sharp strokes, few colours
        image.save(out, format="PNG")
    else:
        image.save(out, format="JPEG", quality=82)
    scale = min(box[0] / image.width, box[1] / image.height)
    return ImageReader(io.BytesIO(out.getvalue())), image.width * scale, image.height * scale


@dataclass
class _Pictures:
    """A row of pictures in frames, each with its caption under it."""

    pictures: list[tuple[Picture, str]]  # with its caption
    box: tuple[float, float]
    line_art: bool = False
    gap: float = 4 * mm

    @property
    def caption_width(self) -> float:
        return self.box[0]

    def _captions(self) -> list[list[_Line]]:
        return [_lines(caption, self.box[0], _SMALL, colour=_MUTED) for _, caption in self.pictures]

    @property
    def height(self) -> float:
        return self.box[1] + 1.5 * mm + max(sum(line.height for line in lines) for lines in self._captions()) + 3 * mm

    def split(self, room: float):
        return None

    def draw(self, page, top: float) -> None:
        for n, ((picture, _), caption) in enumerate(zip(self.pictures, self._captions(), strict=True)):
            x = MARGIN + n * (self.box[0] + self.gap)
            page.setStrokeColorRGB(*_RULE)
            page.setLineWidth(0.5)
            page.rect(x, top - self.box[1], self.box[0], self.box[1], stroke=1, fill=0)
            drawn = _thumbnail(picture.data, (self.box[0] - 2, self.box[1] - 2), self.line_art)
            if drawn is None:
                page.setFillColorRGB(*_MUTED)
                style = text.Style("en", _SMALL)
                text.draw_line(page, "Picture not available", style, x, top - self.box[1] / 2, self.box[0], "centre")
            else:
                image, w, h = drawn
                page.drawImage(image, x + (self.box[0] - w) / 2, top - self.box[1] + (self.box[1] - h) / 2, w, h)
            y = top - self.box[1] - 1.5 * mm
            for line in caption:
                page.setFillColorRGB(*line.colour)
                text.draw_line(page, line.words, line.style, x, y - line.height + line.baseline, self.box[0])
                y -= line.height


# The report's sections ----------------------------------------------------------------------------


def _pair(label: str, value: str, label_width: float = 46 * mm, muted: bool = False, **row) -> _Row:
    value_width = _WIDTH - label_width - 2 * mm
    return _Row(
        [
            _Cell(0, label_width - 2 * mm, _lines(label, label_width - 2 * mm, _BODY, bold=True), keep=True),
            _Cell(label_width, value_width, _lines(value, value_width, colour=_MUTED if muted else _INK)),
        ],
        **row,
    )


def _header(report: VisitReport) -> list:
    half = (_WIDTH - 6 * mm) / 2
    title = _Row(
        [
            _Cell(0, half, _lines(TITLE, half, 20, bold=True) + _lines(f"Job {report.reference}", half, 12, bold=True)),
            _Cell(
                half + 6 * mm,
                half,
                [
                    *_lines(report.landlord, half, 12, bold=True),
                    *_lines(f"Carried out by {report.contractor}", half, _BODY, colour=_MUTED),
                ],
                align="end",
            ),
        ],
        pad=0,
        rule=False,
    )

    def field(label: str, value: str, width: float = half) -> list[_Line]:
        return _lines(label.upper(), width, 7, bold=True, colour=_MUTED) + _lines(value, width, 10.5)

    status = STATUSES.get(report.status, _humane(report.status))
    if report.cancel_reason:
        status += f": {report.cancel_reason}"
    grid = [
        (field("Visit kind", KINDS.get(report.kind, _humane(report.kind))), field("Status", status)),
        (field("Property", report.address), field("Operative", report.operative or "Not assigned")),
        (field("Contract", report.contract), field("Visit id", report.visit_id)),
    ]
    rows = [title, _Gap(4 * mm)]
    for left, right in grid:
        rows.append(_Row([_Cell(0, half, left), _Cell(half + 6 * mm, half, right)], pad=2.4))
    if report.office_note:
        rows.append(
            _Row([_Cell(0, _WIDTH, field("Office's note for the operative", report.office_note, _WIDTH))], pad=2.4)
        )
    return rows


def _times(report: VisitReport) -> list:
    columns = (46 * mm, 72 * mm, _WIDTH - 118 * mm)

    def row(label: str, server: str, device: str = "", muted: bool = False, **extra) -> _Row:
        return _Row(
            [
                _Cell(0, columns[0] - 2 * mm, _lines(label, columns[0] - 2 * mm, bold=True)),
                _Cell(
                    columns[0],
                    columns[1] - 2 * mm,
                    _lines(server, columns[1] - 2 * mm, colour=_MUTED if muted else _INK),
                ),
                _Cell(columns[0] + columns[1], columns[2], _lines(device, columns[2], colour=_MUTED)),
            ],
            **extra,
        )

    rows = [
        _Heading("Times (UK time)"),
        row("", "Recorded by the server", "The tablet's clock, where it differs", muted=True),
        row("Booked window", _window(report.window_start, report.window_end)),
    ]
    moments = [
        ("Arrived", report.arrived_at, report.device_arrived_at),
        ("ID card shown", report.id_shown_at, report.device_id_shown_at),
        ("Departed, report filed", report.departed_at, report.device_departed_at),
    ]
    if report.no_access:
        moments = [("No access recorded", report.no_access.attempted_at, report.no_access.device_attempted_at)]
    if report.missed_at:
        moments.append(("Marked missed", report.missed_at, None))
    for label, server, device in moments:
        rows.append(row(label, _when(server), _device(server, device), muted=server is None))
    return rows


def _standards(report: VisitReport) -> list:
    rows: list = [_Heading("Service standards")]
    if not report.standards:
        return [*rows, _Row([_Cell(0, _WIDTH, _lines("No service standard applies yet.", _WIDTH, colour=_MUTED))])]
    verdict_width = 34 * mm
    for standard in report.standards:
        name = STANDARDS.get(standard.key, _humane(standard.key))
        width = _WIDTH - verdict_width
        colour = {True: _MET, False: _MISSED}.get(standard.met, _MUTED)
        rows.append(
            _Row(
                [
                    _Cell(
                        5 * mm,
                        verdict_width - 5 * mm,
                        _lines(VERDICTS[standard.met], verdict_width, bold=True, colour=colour),
                    ),
                    _Cell(
                        verdict_width,
                        width,
                        _lines(name, width, bold=True) + _lines(standard.reason, width, colour=_MUTED),
                    ),
                ],
                mark=standard.met,
            )
        )
    return rows


def _checklist(report: VisitReport) -> list:
    if report.answers is None:
        return [
            _Heading("Checklist"),
            _Row([_Cell(0, _WIDTH, _lines(NOT_RECORDED, _WIDTH, bold=True, colour=_MISSED))], shade=True),
        ]
    rows: list = [_Heading(f"Checklist (template version {report.template_version})")]
    if report.reported_by:
        rows.append(_pair("Filed by", f"{report.reported_by}, {_when(report.departed_at)}"))
    label_width = 92 * mm
    value_width = _WIDTH - label_width - 2 * mm
    for n, answer in enumerate(report.answers, 1):
        said, shown = _answer(answer, report.photos)
        number = _Cell(0, 7 * mm, _lines(f"{n}.", 7 * mm, colour=_MUTED), keep=True)
        words = _lines(said, value_width, bold=shown == "short", colour=_MUTED if shown == "none" else _INK)
        if (
            shown == "free" and len(words) > 4
        ):  # someone's long account reads better across the page, under its question
            wide = _WIDTH - 7 * mm
            cells = [number, _Cell(7 * mm, wide, _lines(answer.label, wide) + _lines(said, wide))]
        else:
            continued = _lines("(continued)", label_width - 9 * mm, _SMALL, colour=_MUTED)
            label = _Cell(
                7 * mm, label_width - 9 * mm, _lines(answer.label, label_width - 9 * mm), keep=True, continued=continued
            )
            cells = [number, label, _Cell(label_width, value_width, words)]
        rows.append(_Row(cells, shade=n % 2 == 0))
    return rows


def _no_access(report: VisitReport) -> list:
    attempt = report.no_access
    if attempt is None:
        return []
    card = f"Left, serial {attempt.card_serial}" if attempt.card_left else "Not left"
    return [
        _Heading("No access"),
        _pair("Attempted", _when(attempt.attempted_at)),
        _pair("Waited at the door", f"{attempt.waited_minutes} min ({attempt.required_wait_minutes} min expected)"),
        _pair("Calling card", card),
        _pair("Operative's note", attempt.note or "None", muted=not attempt.note),
    ]


def _concerns(report: VisitReport) -> list:
    rows: list = [_Heading(f"Concerns ({len(report.concerns)})")]
    if not report.concerns:
        return [*rows, _Row([_Cell(0, _WIDTH, _lines("No concern was raised.", _WIDTH, colour=_MUTED))])]
    left = 48 * mm
    width = _WIDTH - left
    for n, concern in enumerate(report.concerns, 1):
        if concern.resolved_at:
            status = "Resolved"
        elif concern.acknowledged_at:
            status = "Acknowledged"
        else:
            status = "Open, overdue" if concern.overdue else "Open"
        summary = [
            *_lines(f"{n}. {CATEGORIES.get(concern.category, _humane(concern.category))}", left - 3 * mm, bold=True),
            *_lines(SEVERITIES.get(concern.severity, _humane(concern.severity)), left - 3 * mm),
            *_lines(status, left - 3 * mm, bold=True, colour=_MISSED if concern.overdue else _INK),
        ]
        if concern.description is None:
            said = _lines(RESTRICTED, width, bold=True, colour=_MUTED)
        else:
            said = _lines(concern.description, width)
        facts = [
            f"Raised {_when(concern.raised_at)} by {concern.raised_by}",
            f"Due {_when(concern.due_at)}",
        ]
        if concern.acknowledged_at:
            note = f": {concern.acknowledge_note}" if concern.acknowledge_note else ""
            facts.append(f"Acknowledged {_when(concern.acknowledged_at)} by {concern.acknowledged_by}{note}")
        if concern.resolved_at:
            note = f": {concern.resolution_note}" if concern.resolution_note else ""
            facts.append(f"Resolved {_when(concern.resolved_at)} by {concern.resolved_by}{note}")
        detail = said + [line for fact in facts for line in _lines(fact, width, _SMALL, colour=_MUTED)]
        category = CATEGORIES.get(concern.category, _humane(concern.category))
        continued = _lines(f"{n}. {category} (continued)", left - 3 * mm, _SMALL, colour=_MUTED)
        cells = [_Cell(0, left - 3 * mm, summary, keep=True, continued=continued), _Cell(left, width, detail)]
        rows.append(_Row(cells, pad=3))
    return rows


def _pictures(report: VisitReport) -> list:
    rows: list = []
    if report.photos:
        rows.append(_Heading(f"Photos ({len(report.photos)})"))
        per_row = int((_WIDTH + 4 * mm) // (_THUMB[0] + 4 * mm))
        captioned = []
        for n, photo in enumerate(report.photos, 1):
            about = f", for the {CATEGORIES.get(photo.concern, photo.concern).lower()} concern" if photo.concern else ""
            captioned.append((photo, f"Photo {n}{about}. Added {_when(photo.uploaded_at)}"))
        for start in range(0, len(captioned), per_row):
            rows.append(_Pictures(captioned[start : start + per_row], _THUMB))
    if report.signature is not None or report.answers is not None:
        rows.append(_Heading("Tenant's signature"))
        if report.signature is None:
            rows.append(_Row([_Cell(0, _WIDTH, _lines("No signature was recorded.", _WIDTH, colour=_MUTED))]))
        else:
            caption = f"Signature added {_when(report.signature.uploaded_at)}"
            rows.append(_Pictures([(report.signature, caption)], _SIGNATURE, line_art=True))
    return rows


# Pages --------------------------------------------------------------------------------------------


def _paginate(blocks: list) -> list[list[tuple[object, float]]]:
    """Place blocks top to bottom, page by page; a heading never ends a page, a long row continues."""
    top = _TOP
    pages: list[list[tuple[object, float]]] = [[]]
    y = top
    queue = list(blocks)
    while queue:
        block = queue.pop(0)
        if isinstance(block, _Gap) and y == top:
            continue
        need = block.height
        if isinstance(block, _Heading) and queue:  # keep a heading with the start of what it heads
            following = queue[0]
            need += following.height if isinstance(following, _Pictures) else min(following.height, 3 * _BODY * 1.38)
        parts = None if y - need >= _BOTTOM else block.split(y - _BOTTOM)
        if y - need >= _BOTTOM or (y == top and parts is None):  # fits (or could fit no better on a page of its own)
            pages[-1].append((block, y))
            y -= block.height
            continue
        if parts is not None:
            head, tail = parts
            pages[-1].append((head, y))
            queue.insert(0, tail)
        else:
            queue.insert(0, block)
        pages.append([])
        y = top = _TOP - _RUNNING_HEAD
    return [placed for placed in pages if placed]


def _running_head(page, report: VisitReport, number: int) -> None:
    if number == 1:
        return
    page.setFillColorRGB(*_MUTED)
    heading = f"{TITLE} · {report.reference} · {report.landlord}"
    text.draw_line(page, heading, _style(heading, _SMALL), MARGIN, _TOP - _SMALL, _WIDTH)


def _footer(page, report: VisitReport, digest: str, number: int, total: int) -> None:
    page.setStrokeColorRGB(*_RULE)
    page.setLineWidth(0.5)
    page.line(MARGIN, _BOTTOM - 4 * mm, MARGIN + _WIDTH, _BOTTOM - 4 * mm)
    page.setFillColorRGB(*_MUTED)
    style = text.Style("en", 7.5)
    said = f"Visit last changed {_when(report.last_changed_at)} · Content {digest}"
    text.draw_line(page, said, style, MARGIN, FOOTER_FLOOR + 2.5 * mm, _WIDTH)
    text.draw_line(page, f"Page {number} of {total}", style, MARGIN, FOOTER_FLOOR + 2.5 * mm, _WIDTH, "end")


def draw(report: VisitReport) -> bytes:
    """The report as A4 PDF bytes, as many pages as it needs."""
    blocks = [
        *_header(report),
        *_times(report),
        *_standards(report),
        *_checklist(report),
        *_no_access(report),
        *_concerns(report),
        *_pictures(report),
    ]
    pages = _paginate(blocks)
    digest = content_hash(report)
    out = io.BytesIO()
    page = open_canvas(out, PAGE, f"{TITLE} {report.reference}", report.contractor)
    for number, placed in enumerate(pages, 1):
        _running_head(page, report, number)
        for block, top in placed:
            block.draw(page, top)
        _footer(page, report, digest, number, len(pages))
        page.showPage()
    page.save()
    return out.getvalue()
