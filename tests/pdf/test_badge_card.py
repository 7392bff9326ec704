"""The badge card as an operative wears it: every field readable, a QR that scans, a sharp photo, all on the card."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from pdf_templates.badge_card import BadgeCard, Landlord, draw
from tests import tools

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "pdf"
VERIFY_URL = "https://verify.example.org/v/AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QEFCQ0RFRkdISUpLTE1OT1BRUlM"
MM = 72 / 25.4  # points
# Poppler's box around a word is the font's ascent plus descent: 1.069 + 0.293 em for Noto Sans.
NOTO_SANS_BOX = 1.362
LONG = dict(
    operative="Anna-Katharina Maximiliana Wolfeschlegelsteinhausen-Bergerdorff",  # 63 characters
    contractor="Building Maintenance and Responsive Repairs Services (North and East) Limited",
    landlords=(
        Landlord("The Very Long Name Community Housing Association of Llanfairpwllgwyngyll Limited", "0300 123 4567"),
        Landlord("Berwickshire and Scottish Borders Housing Association Limited", "01361 000 111"),
        Landlord("Havebury Housing Partnership and Suffolk Homes Group Limited", "0300 123 4000"),
    ),
    valid_until="30 September 2027",
)


def _face() -> bytes:
    """A portrait as the badge service stores it: 360 x 450 JPEG."""
    image = Image.new("RGB", (360, 450), "#9bb7d4")
    drawing = ImageDraw.Draw(image)
    drawing.ellipse((110, 90, 250, 260), fill="#e0ac69")
    drawing.rectangle((80, 300, 280, 450), fill="#334455")
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def _card(**changes) -> BadgeCard:
    fields = dict(
        operative="Dan Cooper",
        contractor="Anglia Property Care",
        contractor_phone="01284 000 333",
        landlords=(Landlord("Havebury Housing", "0300 123 4567"),),
        valid_until="1 December 2027",
        short_code="K7M2-QX9P-4R",
        verify_url=VERIFY_URL,
        check_address="verify.example.org/v",
        photo=_face(),
    )
    return BadgeCard(**{**fields, **changes})


def _pdf(tmp_path: Path, card: BadgeCard, name: str = "badge-card") -> Path:
    """The card as a PDF file, and its sides as PNGs kept in tests/output/pdf to look at."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(draw(card))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    tools.run("pdftoppm", "-r", "300", "-png", str(path), str(OUTPUT / name))
    return path


def _flat(said: str) -> str:
    return "".join(said.split())  # lines wrap anywhere on a small card


@pytest.fixture(autouse=True)
def _poppler():
    tools.require("pdftotext", "pdfinfo", "pdffonts", "pdfimages", "pdftoppm")


def test_every_field_is_on_the_card_as_text(tmp_path):
    said = _flat(tools.run("pdftotext", str(_pdf(tmp_path, _card())), "-"))

    for field in ("Dan Cooper", "Anglia Property Care", "Havebury Housing", "Valid until 1 December 2027"):
        assert _flat(field) in said, field
    for field in ("K7M2-QX9P-4R", "Check me at verify.example.org/v", "0300 123 4567", "01284 000 333"):
        assert _flat(field) in said, field


def test_the_card_is_cr80_front_and_back(tmp_path):
    info = tools.run("pdfinfo", str(_pdf(tmp_path, _card())))

    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width / 72 * 25.4, 1), round(height / 72 * 25.4, 1)) == (85.6, 54.0)
    assert re.search(r"Pages:\s+2\b", info)


def test_every_font_is_embedded_and_ours(tmp_path):
    rows = tools.run("pdffonts", str(_pdf(tmp_path, _card()))).splitlines()[2:]

    assert rows
    assert all(row.split()[-5] == "yes" for row in rows), rows
    assert all("NotoSans" in row for row in rows), rows


def test_the_qr_leads_to_the_badges_own_page(tmp_path):
    tools.require("zbarimg")
    path = _pdf(tmp_path, _card())
    tools.run("pdftoppm", "-r", "600", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp_path / "front"))

    decoded = tools.run("zbarimg", "--quiet", "--raw", str(tmp_path / "front.png")).strip()

    assert decoded == VERIFY_URL


def test_the_qr_is_big_enough_to_scan_at_the_door(tmp_path):
    """At least 20 mm wide: the first dark row below the band, on the right, is the top of the QR."""
    path = _pdf(tmp_path, _card())
    tools.run("pdftoppm", "-r", "300", "-gray", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp_path / "front"))
    with Image.open(tmp_path / "front.pgm") as front:
        right = front.crop((front.width // 2, round(10 / 25.4 * 300), front.width, front.height))
        dark = right.point(lambda v: 255 if v < 100 else 0)
        top = dark.getbbox()[1]
        left, _, right_edge, _ = dark.crop((0, top, dark.width, top + 1)).getbbox()

    assert (right_edge - left) / 300 * 25.4 >= 20


def test_the_photo_is_embedded_at_300_dpi_for_its_printed_size(tmp_path):
    rows = tools.run("pdfimages", "-list", str(_pdf(tmp_path, _card()))).splitlines()[2:]

    assert len(rows) == 1
    width, height, x_ppi, y_ppi = (int(rows[0].split()[i]) for i in (3, 4, 12, 13))
    assert (x_ppi, y_ppi) == (300, 300)
    assert (width, height) == (240, 300)  # exactly the pixels 0.8 x 1 inch needs, whatever was uploaded


def test_a_photo_of_any_size_and_shape_is_resampled_to_the_same_pixels(tmp_path):
    big = io.BytesIO()
    Image.new("RGB", (1600, 1200), "#808080").save(big, format="PNG")

    rows = tools.run("pdfimages", "-list", str(_pdf(tmp_path, _card(photo=big.getvalue()), "wide"))).splitlines()[2:]

    assert [row.split()[3:5] for row in rows] == [["240", "300"]]


def test_without_a_photo_the_card_says_to_check_by_phone(tmp_path):
    path = _pdf(tmp_path, _card(photo=None), "badge-card-no-photo")

    assert "No photo" in tools.run("pdftotext", str(path), "-")
    assert "Check this badge by phone" in " ".join(tools.run("pdftotext", str(path), "-").split())
    assert tools.run("pdfimages", "-list", str(path)).splitlines()[2:] == []


def test_nothing_is_smaller_than_6_point_even_for_the_longest_names(tmp_path):
    path = _pdf(tmp_path, _card(**LONG), "badge-card-long")

    html = tools.run("pdftotext", "-bbox", str(path), "-")
    heights = [float(y2) - float(y1) for y1, y2 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', html)]

    assert heights and min(heights) / NOTO_SANS_BOX >= 6 - 0.01


def test_the_longest_names_stay_on_the_card(tmp_path):
    path = _pdf(tmp_path, _card(**LONG), "badge-card-long")
    html = tools.run("pdftotext", "-bbox", str(path), "-")
    width, height = 85.6 * MM, 54 * MM

    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html)

    assert words
    for x1, y1, x2, y2, word in words:
        assert MM < float(x1) < float(x2) < width - MM and MM < float(y1) < float(y2) < height - MM, word
    said = _flat(tools.run("pdftotext", str(path), "-"))
    for field in (LONG["operative"], LONG["contractor"], *(landlord.name for landlord in LONG["landlords"])):
        assert _flat(field) in said, field  # the front may say "and 2 more: see the back"; the back lists them all
    for landlord in LONG["landlords"]:
        assert _flat(landlord.phone) in said


def test_the_same_card_gives_the_same_bytes():
    assert draw(_card()) == draw(_card())
