"""Text in every language on a PDF: shipped fonts, all embedded, shaped, in bidi order, wrapped, extractable."""

import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A6
from reportlab.pdfgen import canvas

from pdf_templates import text
from tests import tools

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "pdf"
SAMPLES = {
    "en": "Sorry we missed you. Dan Cooper called on 25 November 2026 at 10:40 about repair HAV-40007.",
    "cy": "Mae'n ddrwg gennym eich colli chi. Galwodd Dan Cooper ar 25 Tachwedd 2026 am 10:40.",
    "pl": "Przepraszamy, że Cię nie zastaliśmy. Dan Cooper był u Ciebie 25 listopada 2026 o 10:40.",
    "ur": "معذرت، آپ گھر پر نہیں تھے۔ Dan Cooper نے 25 نومبر 2026 کو 10:40 بجے دورہ کیا۔",
    "bn": "দুঃখিত, আমরা আপনাকে পাইনি। Dan Cooper ২৫ নভেম্বর ২০২৬, ১০:৪০-এ এসেছিলেন।",
    "hi": "क्षमा करें, आप घर पर नहीं थे। Dan Cooper 25 नवंबर 2026 को 10:40 बजे आए।",
    "zh-Hant": "抱歉，我們沒能見到您。Dan Cooper 於 2026年11月25日 10:40 來訪。",
}
WIDTH = A6[0] - 24


def _page(path: Path, lines: dict[str, str], size: float = 9) -> Path:
    page = canvas.Canvas(str(path), pagesize=A6, initialFontName=text.font_name(text.LATIN), invariant=1)
    y = A6[1] - 24
    for lang, words in lines.items():
        y = text.draw_paragraph(page, words, text.Style(lang, size), 12, y, WIDTH, size * 1.5) - size
    page.showPage()
    page.save()
    return path


@pytest.fixture
def sample_pdf(tmp_path):
    tools.require("pdftotext", "pdffonts", "pdftoppm")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = _page(tmp_path / "languages.pdf", SAMPLES)
    tools.run("pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(OUTPUT / "text-languages"))
    return path


def test_every_font_in_the_pdf_is_ours_and_embedded(sample_pdf):
    rows = tools.run("pdffonts", str(sample_pdf)).splitlines()[2:]

    fonts = {row.split()[0].split("+")[-1]: row.split()[-5] for row in rows}
    assert fonts == {
        "NotoSans-Regular": "yes",
        "NotoNastaliqUrdu-Regular": "yes",
        "NotoSansBengali-Regular": "yes",
        "NotoSansDevanagari-Regular": "yes",
        "DoorstepKaiTC-Regular": "yes",
    }  # and no unembedded Helvetica from the canvas's initial font


@pytest.mark.parametrize("lang", [lang for lang in SAMPLES if lang != "ur"])
def test_each_language_extracts_as_written(sample_pdf, lang):
    extracted = "".join(tools.run("pdftotext", str(sample_pdf), "-").split())

    assert "".join(SAMPLES[lang].split()) in extracted  # line breaks come out as spaces, Chinese has none


def test_urdu_extracts_its_own_characters(sample_pdf):
    extracted = tools.run("pdftotext", str(sample_pdf), "-")

    urdu = {c for c in SAMPLES["ur"] if "\u0600" <= c <= "\u06ff"}
    assert urdu <= set(extracted)  # poppler lists right-to-left text in its own order; the characters are all there


@pytest.mark.parametrize("lang", SAMPLES)
def test_lines_never_overflow_even_for_very_long_words(lang):
    style = text.Style(lang, 18)
    long = SAMPLES[lang] + " " + "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" * 2

    lines = text.wrap(long, style, WIDTH)

    assert all(text.width(line, style) <= WIDTH for line in lines)
    assert "".join("".join(lines).split()) == "".join(long.split())  # nothing lost, nothing repeated


def test_a_character_no_font_has_is_reported_so_the_caller_can_fall_back():
    assert text.covered(SAMPLES["zh-Hant"], text.Style("zh-Hant", 9))
    assert not text.covered("ሰላም", text.Style("en", 9))  # Ethiopic: no shipped font draws it


def test_right_to_left_lines_start_at_the_right(tmp_path):
    tools.require("pdftotext")
    path = _page(tmp_path / "rtl.pdf", {"ur": "آپ"})

    box = tools.run("pdftotext", "-bbox", str(path), "-")

    x_min = float(box.split('xMin="')[1].split('"')[0])
    assert x_min > A6[0] / 2  # a short Urdu line sits against the right margin


def test_an_isolated_name_keeps_its_own_order_in_right_to_left_text():
    shown = text._display_segments(f"{text.isolate('Havebury Housing (demo)')} کی طرف سے", rtl=True)

    assert shown[-1] == ("Havebury Housing (demo)", False)  # read first, so rightmost; brackets the right way round


@pytest.mark.parametrize("lang", ["en", "pl", "ur"])
def test_the_marks_that_isolate_a_name_draw_nothing(tmp_path, lang):
    tools.require("pdftoppm")
    drawn = {}
    for name, words in (("plain", "Dan Cooper"), ("isolated", text.isolate("Dan Cooper"))):
        path = _page(tmp_path / f"{name}.pdf", {lang: words}, size=20)
        drawn[name] = subprocess.run(
            ["pdftoppm", "-r", "72", "-gray", str(path)], capture_output=True, check=True
        ).stdout

    assert drawn["isolated"] == drawn["plain"]


def test_a_line_is_filled_before_it_wraps():
    style = text.Style("en", 8, bold=True)
    sentence = "You do not have to let anyone in. Keep the door shut while you check."

    lines = text.wrap(sentence, style, text.width(sentence, style) + 1)

    assert lines == [sentence]  # the spaces between words are counted once each


@pytest.mark.parametrize("lang", ["en", "ur", "hi"])
def test_a_phone_number_is_never_split_across_lines(lang):
    style = text.Style(lang, 18)
    line = f"Emergencies, out of hours: {text.unbroken('0300 123 4568')}"

    lines = text.wrap(line, style, text.width(line, style) - 5)  # a line just too short for it all

    assert len(lines) == 2
    assert any(text.unbroken("0300 123 4568") in piece for piece in lines)
