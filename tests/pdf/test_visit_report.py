"""The visit report a contract manager files: every field readable, fonts embedded, photos shown, pages that flow."""

import dataclasses
import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from pdf_templates.visit_report import (
    FOOTER_FLOOR,
    MARGIN,
    NOT_RECORDED,
    PAGE,
    RESTRICTED,
    Answer,
    Concern,
    NoAccess,
    Picture,
    Standard,
    VisitReport,
    content_hash,
    draw,
)
from tests import tools

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "pdf"
T = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)
URDU_NOTE = "بیل کام نہیں کرتی، دروازہ کھٹکھٹائیں"


def _photo(colour: str, size=(1600, 1200)) -> bytes:
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).rectangle([size[0] // 5, size[1] // 5, size[0] // 2, size[1] // 2], fill="white")
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def _signature() -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 150), (150, 40), (260, 160), (400, 50), (580, 120)], fill="navy", width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _answers() -> tuple[Answer, ...]:
    return (
        Answer("Wore a uniform showing the company name", "yes_no", True),
        Answer("Wore overshoes and used dust sheets or protective sheeting", "yes_no", True),
        Answer("Caused any damage to the home or belongings", "yes_no", True),
        Answer("Made the damage good on site", "yes_no", False, conditional=True),
        Answer(
            "Describe the damage reported to the landlord", "text", "Scuffed the hallway skirting", conditional=True
        ),
        Answer("Cleaned up and left the home as found", "yes_no", False),
        Answer("Followed the lone-worker notice for this household", "yes_no", None, conditional=True),
        Answer("Photo of the finished work", "photo", "p1"),
        Answer("Tenant's name", "text", "Margaret Ellis", conditional=True),
        Answer("Tenant's signature", "signature", "s1", conditional=True),
        Answer("How satisfied the tenant was", "choice", "very_satisfied"),
    )


def _report(**changes) -> VisitReport:
    fields = dict(
        visit_id="6f1c2d3e-1111-4222-8333-944455556666",
        landlord="Havebury Housing",
        contractor="Anglia Property Care",
        contract="Responsive repairs (C-2026)",
        reference="HAV-40007",
        kind="repair",
        status="completed",
        address="14 Mill Road, Bury St Edmunds IP33 3AA",
        operative="Dan Cooper",
        window_start=T,
        window_end=T + timedelta(hours=2),
        last_changed_at=T + timedelta(hours=3, minutes=7),
        arrived_at=T + timedelta(minutes=12),
        device_arrived_at=T + timedelta(minutes=9),
        id_shown_at=T + timedelta(minutes=13),
        device_id_shown_at=T + timedelta(minutes=13, seconds=20),  # the same minute: not shown twice
        departed_at=T + timedelta(hours=1, minutes=40),
        office_note=f"Tenant prefers a knock. {URDU_NOTE}",
        reported_by="Dan Cooper",
        template_version=2,
        answers=_answers(),
        standards=(
            Standard("punctuality", True, "Arrived 10:12, within the booked window 10:00 to 12:00 (±10 min)."),
            Standard("clean_up", False, "The report says the home was cleaned up and left as found: no."),
        ),
        concerns=(
            Concern(
                "damp_mould",
                "significant",
                "Black mould above the bedroom window",
                T + timedelta(minutes=50),
                "Dan Cooper",
                T + timedelta(days=14),
                acknowledged_at=T + timedelta(hours=3),
                acknowledged_by="Priya Shah",
                acknowledge_note="Surveyor booked",
            ),
            Concern("safeguarding", "emergency", None, T + timedelta(minutes=55), "Dan Cooper", T + timedelta(hours=8)),
        ),
        photos=(
            Picture("p1", T + timedelta(hours=1), _photo("steelblue")),
            Picture("p2", T + timedelta(hours=1, minutes=2), _photo("olive", (900, 1400)), concern="damp_mould"),
        ),
        signature=Picture("s1", T + timedelta(hours=1, minutes=38), _signature()),
    )
    return VisitReport(**{**fields, **changes})


def _text(path: Path) -> str:
    return " ".join(tools.run("pdftotext", str(path), "-").split())


def _rows(path: Path) -> str:
    """The text as laid out: a table's row on one line, its columns in order."""
    return " ".join(tools.run("pdftotext", "-layout", str(path), "-").split())


def _render(path: Path, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    tools.run("pdftoppm", "-r", "100", "-png", str(path), str(OUTPUT / name))


class _Words(HTMLParser):
    """The words of `pdftotext -bbox`, with their page's size and their boxes."""

    def __init__(self):
        super().__init__()
        self.pages: list[list[tuple[str, float, float, float, float]]] = []
        self._word = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "page":
            self.pages.append([])
        elif tag == "word":
            self._word = tuple(float(attrs[k]) for k in ("xmin", "ymin", "xmax", "ymax"))

    def handle_data(self, data):
        if self._word is not None:
            self.pages[-1].append((data, *self._word))
            self._word = None


def _words(path: Path) -> list[list[tuple[str, float, float, float, float]]]:
    parser = _Words()
    parser.feed(tools.run("pdftotext", "-bbox", str(path), "-"))
    return parser.pages


@pytest.fixture(autouse=True)
def _poppler():
    tools.require("pdftotext", "pdffonts", "pdfimages", "pdftoppm")


def test_every_field_extracts_as_text(tmp_path):
    path = tools.pdf_file(tmp_path, draw(_report()), "report")
    _render(path, "visit-report")

    said = _text(path)

    for field in ("Visit report", "Havebury Housing", "Anglia Property Care", "Responsive repairs (C-2026)"):
        assert field in said
    for field in ("HAV-40007", "Repair", "Completed", "14 Mill Road, Bury St Edmunds IP33 3AA", "Dan Cooper"):
        assert field in said
    # Times in London, the tablet's clock beside the server's where it says another minute.
    assert "Wed 25 Nov 2026, 10:00 to 12:00 GMT" in said
    assert "Arrived Wed 25 Nov 2026, 10:12 GMT Wed 25 Nov 2026, 10:09 GMT" in _rows(path)
    assert "Wed 25 Nov 2026, 10:13 GMT" in said and said.count("10:13 GMT") == 1
    assert "Departed, report filed Wed 25 Nov 2026, 11:40 GMT" in said
    # The checklist against its template version, in its order, with the answers.
    assert "Checklist (template version 2)" in said
    labels = [answer.label for answer in _answers()]
    positions = [said.index(label) for label in labels]
    assert positions == sorted(positions)
    for answer in ("Yes", "No", "Scuffed the hallway skirting", "Not asked", "Photo 1, under Photos", "Very satisfied"):
        assert answer in said
    # Standards met and missed, with their reasons.
    assert "Met Arrived within the booked window Arrived 10:12, within the booked window" in said
    assert "Missed Home cleaned up and left as found The report says the home was cleaned up" in said
    # Concerns: what, how bad, when due, who acknowledged; restricted text is never there.
    assert "Damp and mould Significant Acknowledged Black mould above the bedroom window" in said
    assert "Due Wed 9 Dec 2026, 10:00 GMT" in said
    assert "Acknowledged Wed 25 Nov 2026, 13:00 GMT by Priya Shah: Surveyor booked" in said
    assert "Safeguarding Emergency Open" in said
    assert " ".join(RESTRICTED.split()) in said
    # Photos and the signature, captioned; the footer on the page.
    assert "Photo 2, for the damp and mould concern." in said
    assert "Tenant's signature" in said and "Signature added Wed 25 Nov 2026, 11:38 GMT" in said
    assert f"Visit last changed Wed 25 Nov 2026, 13:07 GMT · Content {content_hash(_report())}" in said
    assert re.search(r"Page 1 of \d", said)


def test_a_note_in_urdu_draws_in_its_own_script(tmp_path):
    said = _text(tools.pdf_file(tmp_path, draw(_report()), "report"))

    assert set(URDU_NOTE.replace(" ", "").replace("،", "")) <= set(said)


def test_every_font_is_embedded(tmp_path):
    rows = tools.run("pdffonts", str(tools.pdf_file(tmp_path, draw(_report()), "report"))).splitlines()[2:]

    assert rows
    assert all(row.split()[-5] == "yes" for row in rows), rows
    assert not any("Helvetica" in row for row in rows)


def test_photos_and_the_signature_are_small_thumbnails(tmp_path):
    data = draw(_report())

    images = tools.run("pdfimages", "-list", str(tools.pdf_file(tmp_path, data, "report"))).splitlines()[2:]

    assert len(images) == 3  # two photos and the signature
    sizes = [(int(row.split()[3]), int(row.split()[4])) for row in images]
    assert all(max(size) <= 520 for size in sizes), sizes
    assert (520, 390) in sizes  # the 1600 x 1200 photo, scaled down, the right way up
    assert len(data) < 400_000


def test_a_photo_taken_sideways_is_shown_the_right_way_up(tmp_path):
    image = Image.new("RGB", (800, 600), "teal")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned a quarter; viewers rotate it upright
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())

    data = draw(_report(photos=(Picture("p1", T, out.getvalue()),)))
    images = tools.run("pdfimages", "-list", str(tools.pdf_file(tmp_path, data, "report")))

    sizes = [(int(row.split()[3]), int(row.split()[4])) for row in images.splitlines()[2:]]
    assert (390, 520) in sizes  # portrait, as the tenant's home looked


def test_a_missing_photo_file_says_so(tmp_path):
    report = _report(photos=(Picture("p1", T, None),))

    said = _text(tools.pdf_file(tmp_path, draw(report), "report"))

    assert "Picture not available" in said


def test_a_visit_with_no_report_says_the_checklist_is_not_recorded(tmp_path):
    report = _report(
        status="in_progress",
        departed_at=None,
        answers=None,
        template_version=None,
        reported_by=None,
        signature=None,
        photos=(),
        concerns=(),
        standards=(Standard("punctuality", True, "Arrived 10:12, within the booked window."),),
    )
    path = tools.pdf_file(tmp_path, draw(report), "report")
    _render(path, "visit-report-no-checklist")

    said = _text(path)

    assert NOT_RECORDED in said
    assert "In progress" in said
    assert "Arrived Wed 25 Nov 2026, 10:12 GMT" in said
    assert "Departed, report filed Not recorded" in said
    assert "No concern was raised." in said


def test_a_no_access_visit_shows_the_attempt(tmp_path):
    report = _report(
        status="no_access",
        arrived_at=None,
        device_arrived_at=None,
        id_shown_at=None,
        device_id_shown_at=None,
        departed_at=None,
        answers=None,
        signature=None,
        photos=(),
        no_access=NoAccess(T + timedelta(minutes=20), T + timedelta(minutes=24), 8, 10, True, "K7M2QX9P", "No answer"),
        standards=(Standard("no_access_wait", False, "Waited 8 min at the door (10 min expected)."),),
    )
    path = tools.pdf_file(tmp_path, draw(report), "report")
    _render(path, "visit-report-no-access")

    said = _text(path)

    assert "No access recorded Wed 25 Nov 2026, 10:20 GMT Wed 25 Nov 2026, 10:24 GMT" in _rows(path)
    assert "Waited at the door 8 min (10 min expected)" in said
    assert "Calling card Left, serial K7M2QX9P" in said
    assert "Operative's note No answer" in said


def test_summer_times_are_british_summer_time(tmp_path):
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

    report = _report(window_start=summer, window_end=summer + timedelta(hours=2))
    said = _text(tools.pdf_file(tmp_path, draw(report), "report"))

    assert "Wed 1 Jul 2026, 10:00 to 12:00 BST" in said


def _long_report() -> VisitReport:
    words = "The tenant said the boiler has been failing on cold mornings and the radiators stay cold. "
    concerns = tuple(
        Concern(
            "property_defect",
            "routine",
            f"Concern {n}: " + words * (1 + n % 4) + f"End of concern {n}.",
            T + timedelta(minutes=n),
            "Dan Cooper",
            T + timedelta(days=20),
        )
        for n in range(1, 31)
    )
    long_answer = (
        "Scuffed the skirting board in the hallway and chipped the paint by the door frame. " * 24 + "The end."
    )
    answers = (*_answers()[:4], Answer("Describe the damage reported to the landlord", "text", long_answer, True))
    photos = tuple(Picture(f"p{n}", T + timedelta(minutes=n), _photo("teal", (400, 300))) for n in range(7))
    return _report(
        office_note=("Call the tenant's daughter first. " * 30 + URDU_NOTE + " ") * 2,
        answers=answers,
        concerns=concerns,
        photos=photos,
    )


def test_long_answers_and_many_concerns_flow_onto_further_pages_inside_the_margins(tmp_path):
    path = tools.pdf_file(tmp_path, draw(_long_report()), "report")
    _render(path, "visit-report-long")
    pages = _words(path)
    width, height = PAGE
    footer_top = height - 22 * 72 / 25.4 + 0.5  # pdftotext measures from the top; the content stops 22 mm up

    assert len(pages) >= 4
    said = _text(path)
    assert "The end." in said  # the long answer, to its last word
    for n in range(1, 31):
        assert f"End of concern {n}." in said
    for number, words in enumerate(pages, 1):
        assert words
        for word, x_min, y_min, x_max, y_max in words:
            assert x_min >= MARGIN - 1 and x_max <= width - MARGIN + 1, (number, word, x_min, x_max)
            assert y_min >= MARGIN - 1 and y_max <= height - FOOTER_FLOOR + 1, (number, word, y_min, y_max)
        footer = [w for w in words if w[2] > footer_top]
        assert " ".join(w[0] for w in footer).endswith(f"Page {number} of {len(pages)}")
        assert " ".join(w[0] for w in footer).startswith("Visit last changed")


def test_the_same_report_gives_the_same_bytes():
    assert draw(_report()) == draw(_report())


def test_the_footer_hash_follows_the_content(tmp_path):
    changed = dataclasses.replace(_report(), concerns=_report().concerns[:1])
    retaken = dataclasses.replace(_report(), photos=(Picture("p1", T, _photo("red")),))

    hashes = {content_hash(_report()), content_hash(changed), content_hash(retaken)}

    assert len(hashes) == 3
    assert f"Content {content_hash(changed)}" in _text(tools.pdf_file(tmp_path, draw(changed), "report"))
