"""The calling card as a tenant holds it: every field readable, every language, three sizes, a QR that works."""

import base64
import re
import zlib
from pathlib import Path

import pytest

from pdf_templates.calling_card import CallingCard, draw
from tests import tools

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "pdf"
LANGUAGES = ("en", "cy", "pl", "ur", "bn", "hi", "zh-Hant")
TITLES = {
    "en": "Sorry we missed you",
    "cy": "Mae'n ddrwg gennym eich colli chi",
    "pl": "Przepraszamy, że Cię nie zastaliśmy",
    "bn": "দুঃখিত, আমরা আপনাকে পাইনি",
    "hi": "क्षमा करें, आप घर पर नहीं मिले",
    "zh-Hant": "抱歉，我們沒能見到您",
}
SIZES = [("a6", False), ("receipt", False), ("a6", True), ("receipt", True)]


def _card(lang: str, **changes) -> CallingCard:
    fields = dict(
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
    return CallingCard(**{**fields, **changes})


def _font_sizes(data: bytes) -> set[float]:
    """Every font size the PDF's page streams set (`Tf`), read from the PDF itself."""
    sizes = set()
    for stream in re.findall(rb"(?<!end)stream\r?\n(.*?)endstream", data, re.S):
        try:  # reportlab writes page streams as ASCII85 over Flate, fonts as Flate alone
            packed = base64.a85decode(stream.strip().removesuffix(b"~>")) if stream[:1] != b"x" else stream
            content = zlib.decompressobj().decompress(packed)
        except (ValueError, zlib.error):
            continue
        sizes |= {float(size) for size in re.findall(rb"/\S+ ([\d.]+) Tf", content)}
    return sizes


@pytest.fixture(autouse=True)
def _poppler():
    tools.require("pdftotext", "pdffonts", "pdftoppm")


@pytest.mark.parametrize(("format", "large_print"), SIZES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_field_is_on_the_card_as_text(tmp_path, lang, format, large_print):
    name = f"calling-card-{lang}-{format}{'-large' if large_print else ''}"
    path = tools.pdf_file(tmp_path, draw(_card(lang), format, large_print), name)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    tools.run("pdftoppm", "-r", "100", "-png", str(path), str(OUTPUT / name))

    # Lines may break inside a long word; poppler marks right-to-left runs with bidi controls of its own.
    extracted = "".join(c for c in tools.run("pdftotext", str(path), "-") if not c.isspace() and c.isprintable())

    for field in ("Havebury Housing", "Anglia Property Care", "Dan Cooper", "HAV-40007", "0300 123 4567"):
        assert "".join(field.split()) in extracted, field
    for field in ("0300 123 4000", "repairs@havebury.example", "K7M2QX9P", "verify.example.org/c"):
        assert "".join(field.split()) in extracted, field
    if lang in TITLES:
        assert "".join(TITLES[lang].split()) in extracted
    else:  # poppler gives right-to-left text in its own order; the words' letters are all there
        assert set("معذرتآپگھرپرنہیںتھے") <= set(extracted)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_font_is_embedded_and_ours(tmp_path, lang):
    rows = tools.run("pdffonts", str(tools.pdf_file(tmp_path, draw(_card(lang)), "card"))).splitlines()[2:]

    assert rows
    assert all(row.split()[-5] == "yes" for row in rows), rows
    assert not any("Helvetica" in row for row in rows)


def test_the_qr_leads_to_the_cards_own_page(tmp_path):
    tools.require("zbarimg")
    path = tools.pdf_file(tmp_path, draw(_card("en")), "card")
    tools.run("pdftoppm", "-r", "300", "-png", "-singlefile", str(path), str(tmp_path / "card"))

    decoded = tools.run("zbarimg", "--quiet", "--raw", str(tmp_path / "card.png")).strip()

    assert decoded == "https://verify.example.org/c/K7M2QX9P"


@pytest.mark.parametrize("format", ["a6", "receipt"])
def test_large_print_is_never_under_18_point(format):
    sizes = _font_sizes(draw(_card("en"), format, large_print=True))

    assert sizes and min(sizes) >= 18


@pytest.mark.parametrize("large_print", [False, True])
def test_a_receipt_is_one_strip_as_long_as_its_content(tmp_path, large_print):
    path = tools.pdf_file(tmp_path, draw(_card("bn"), "receipt", large_print), "receipt")

    info = tools.run("pdfinfo", str(path))

    assert "Pages:           1" in info
    width = float(re.search(r"Page size:\s+([\d.]+) x", info).group(1))
    assert round(width / 72 * 25.4) == 80  # the roll's width in mm


def test_the_same_card_gives_the_same_bytes():
    assert draw(_card("ur"), "receipt") == draw(_card("ur"), "receipt")


def _words_off_the_page(path: Path, margin: float = 2.0) -> list[str]:
    """Words whose box (pdftotext -bbox) comes within `margin` points of a page's edge, or past it."""
    out = []
    pages = re.findall(
        r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', tools.run("pdftotext", "-bbox", str(path), "-"), re.S
    )
    for width, height, words in pages:
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', words
        ):
            if (
                float(x0) < margin
                or float(y0) < margin
                or float(x1) > float(width) - margin
                or float(y1) > float(height) - margin
            ):
                out.append(word)
    return out


LONGEST = dict(
    landlord="The Very Long Name Community Housing Association of Llanfairpwllgwyngyll Limited",
    contractor="Building Maintenance and Responsive Repairs Services (North and East) Limited",
    operative="Maximiliana Wolfeschlegelsteinhausen-Bergerdorff",
    reference="HAV-REPAIR-2026-0000040007-REOPENED",
    email="customer.services.responsive.repairs@the-very-long-name-housing.example",
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_longest_names_still_fit_on_an_a6_card(tmp_path, lang):
    path = tools.pdf_file(tmp_path, draw(_card(lang, **LONGEST)), "long")

    assert tools.run("pdfinfo", str(path)).count("Pages:           1") == 1
    assert "Wolfeschlegelsteinhausen" in tools.run("pdftotext", str(path), "-")


@pytest.mark.parametrize(("format", "large_print"), SIZES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_nothing_runs_off_any_card_in_any_language(tmp_path, lang, format, large_print):
    path = tools.pdf_file(tmp_path, draw(_card(lang, **LONGEST), format, large_print), f"long-{format}")

    assert _words_off_the_page(path) == []
