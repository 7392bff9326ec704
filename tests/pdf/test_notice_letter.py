"""The planned-works letter as the tenant opens it: what, when, who, how to check them, who to call, how to complain;
in their language (right-to-left and Indic scripts too), in large print when they need it, fonts embedded."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date

from pdf_templates.notice_letter import NoticeLetter, draw
from server.extensions import db
from server.models import VisitKind
from server.services import notices
from tests import factories, tools
from tests.messages.test_wording import PLAIN_GRADE, _grade
from tests.pdf.test_calling_card import _font_sizes, _words_off_the_page

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "pdf"
LANGUAGES = ("en", "cy", "pl", "ur", "bn", "hi", "zh-Hant")
LOCALES = {"en": "en_GB", "cy": "cy", "pl": "pl", "ur": "ur", "bn": "bn", "hi": "hi", "zh-Hant": "zh_Hant"}
FIRST_DAY = date(2027, 1, 11)
SAID = {
    "en": ("Work at your home", "Dear Amina Begum,", "between 08:00 and 12:00", "show you their ID card"),
    "bn": ("আপনার বাড়িতে কাজ", "প্রিয় Amina Begum,", "08:00 থেকে 12:00", "পরিচয়পত্র"),
}
URDU_TITLE = "آپ کے گھر میں کام"


def _letter(lang: str, **changes) -> NoticeLetter:
    locale = LOCALES[lang]
    fields = dict(
        lang=lang,
        landlord="Havebury Housing",
        contractor="Anglia Property Care",
        dated=format_date(date(2026, 12, 21), "long", locale=locale),
        tenant="Amina Begum",
        address=("14 Mill Road", "Eastgate", "Bury St Edmunds", "IP33 3AA"),
        first_day=format_date(FIRST_DAY, "full", locale=locale),
        start="08:00",
        end="12:00",
        reference="HAV-40007",
        check_address="verify.example.org/v",
        complaint_url="https://verify.example.org/f/K7M2QX9PAB",
        contractor_phone="0300 123 4567",
        landlord_phone="0300 123 4000",
        out_of_hours_phone="0800 123 4999",
    )
    return NoticeLetter(**{**fields, **changes})


def _extracted(path: Path) -> str:
    """The text without spaces: lines may break anywhere, and poppler adds bidi controls of its own."""
    return "".join(c for c in tools.run("pdftotext", str(path), "-") if not c.isspace() and c.isprintable())


def _has(extracted: str, *said: str) -> bool:
    return all("".join(words.split()) in extracted for words in said)


@pytest.fixture(autouse=True)
def _poppler():
    tools.require("pdftotext", "pdffonts", "pdftoppm")


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_letter_says_who_when_and_whom_to_call_as_text(tmp_path, lang, large_print):
    name = f"notice-letter-{lang}{'-large' if large_print else ''}"
    path = tools.pdf_file(tmp_path, draw(_letter(lang, large_print=large_print)), name)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    tools.run("pdftoppm", "-r", "80", "-png", str(path), str(OUTPUT / name))

    extracted = _extracted(path)

    assert _has(extracted, "Havebury Housing", "Anglia Property Care", "Amina Begum", "14 Mill Road", "IP33 3AA")
    assert _has(extracted, "HAV-40007", "0300 123 4567", "0300 123 4000", "0800 123 4999")
    assert _has(extracted, "verify.example.org/v", "https://verify.example.org/f/K7M2QX9PAB")
    if lang == "ur":  # poppler gives right-to-left text in its own order; the words' letters are all there
        assert set(URDU_TITLE.replace(" ", "")) <= set(extracted)
    else:
        assert _has(extracted, format_date(FIRST_DAY, "full", locale=LOCALES[lang]))
    assert _has(extracted, *SAID.get(lang, ()))


def test_an_english_letter_says_how_to_check_the_card_and_how_to_complain(tmp_path):
    extracted = _extracted(tools.pdf_file(tmp_path, draw(_letter("en")), "letter"))

    assert _has(extracted, "Monday, 11 January 2027, between 08:00 and 12:00.")
    assert _has(extracted, "You do not have to let anyone in without one.")
    assert _has(extracted, "scan the code on it with your phone camera. Or go to verify.example.org/v")
    assert _has(extracted, "You can make a complaint. Call Havebury Housing on 0300 123 4000")
    assert not _has(extracted, "sorry")


def test_the_english_letter_is_plain_enough_for_a_reading_age_of_about_9(tmp_path):
    path = tools.pdf_file(tmp_path, draw(_letter("en", short_notice=True)), "letter")

    assert _grade(tools.run("pdftotext", str(path), "-")) <= PLAIN_GRADE


def test_works_over_several_days_say_when_they_end(tmp_path):
    last = format_date(date(2027, 1, 13), "full", locale="en_GB")
    extracted = _extracted(tools.pdf_file(tmp_path, draw(_letter("en", last_day=last, end="16:00")), "days"))

    assert _has(extracted, "From Monday, 11 January 2027 at 08:00, until Wednesday, 13 January 2027 at 16:00.")


def test_a_short_notice_says_sorry(tmp_path):
    extracted = _extracted(tools.pdf_file(tmp_path, draw(_letter("en", short_notice=True)), "short"))

    assert _has(extracted, "We are sorry we could not tell you sooner.")


def test_an_urdu_letter_reads_right_to_left_with_names_and_numbers_kept_whole(tmp_path):
    path = tools.pdf_file(tmp_path, draw(_letter("ur")), "ur")

    words = tools.run("pdftotext", "-bbox", str(path), "-")

    assert "0300" in words and "4567" in words
    extracted = _extracted(path)
    assert set("شکایتکرسکتےہیں") <= set(extracted)  # how to complain
    assert set("شناختیکارڈ") <= set(extracted)  # the ID card


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_font_is_embedded_and_ours(tmp_path, lang):
    rows = tools.run("pdffonts", str(tools.pdf_file(tmp_path, draw(_letter(lang)), "letter"))).splitlines()[2:]

    assert rows
    assert all(row.split()[-5] == "yes" for row in rows), rows
    assert not any("Helvetica" in row for row in rows)


@pytest.mark.parametrize("lang", ["en", "ur", "bn"])
def test_large_print_is_never_under_18_point(lang):
    sizes = _font_sizes(draw(_letter(lang, large_print=True)))

    assert sizes and min(sizes) >= 18


def test_an_english_letter_in_normal_print_is_one_page(tmp_path):
    path = tools.pdf_file(tmp_path, draw(_letter("en")), "letter")

    assert "Pages:           1" in tools.run("pdfinfo", str(path))
    assert "Page 1" not in tools.run("pdftotext", str(path), "-")


LONGEST = dict(
    landlord="The Very Long Name Community Housing Association of Llanfairpwllgwyngyll Limited",
    contractor="Building Maintenance and Responsive Repairs Services (North and East) Limited",
    tenant="Maximiliana Wolfeschlegelsteinhausen-Bergerdorff",
    reference="HAV-REPAIR-2026-0000040007-REOPENED",
)


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_nothing_runs_off_the_page_in_any_language(tmp_path, lang, large_print):
    path = tools.pdf_file(tmp_path, draw(_letter(lang, large_print=large_print, **LONGEST)), "long")

    assert _words_off_the_page(path) == []


def test_the_same_letter_gives_the_same_bytes():
    assert draw(_letter("bn")) == draw(_letter("bn"))


# The letter from the records, through the API ------------------------------------------------------


def _noticed(side, **household):
    """Side's home's household as given, and a planned-works visit there with its notice given (by letter)."""
    for name, value in household.items():
        setattr(side.home.household, name, value)
    start = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    visit = factories.visit(
        side.contract,
        side.home,
        side.operative,
        kind=VisitKind.PLANNED_WORKS,
        window_start=start,
        window_end=start + timedelta(hours=4),
    )
    notices.give_notice(visit.id, side.contractor_manager, datetime(2026, 12, 21, 10, 0, tzinfo=UTC))
    db.session.flush()
    return visit


def _get(client, visit, user, auth_headers):
    return client.get(f"/api/v1/visits/{visit.id}/notice-letter.pdf", headers=auth_headers(user))


def test_the_letter_is_in_the_households_language_and_print_and_names_them(tmp_path, client, world, auth_headers):
    visit = _noticed(world.a, preferred_language="bn", needs=["large_print"], tenant_name="Rahima Khatun")

    response = _get(client, visit, world.a.landlord_manager, auth_headers)

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    extracted = _extracted(tools.pdf_file(tmp_path, response.data, "from-records"))
    home = world.a.home
    assert _has(extracted, "আপনার বাড়িতে কাজ", "Rahima Khatun", f"{home.house} {home.street}", home.postcode)
    assert _has(extracted, format_date(date(2027, 1, 11), "full", locale="bn"))
    assert _has(extracted, world.a.contractor.phone_office, world.a.landlord.phone_office)
    assert min(_font_sizes(response.data)) >= 18


def test_the_complaint_link_opens_the_visits_feedback_page(tmp_path, client, world, auth_headers):
    visit = _noticed(world.a)

    letter = _get(client, visit, world.a.contractor_manager, auth_headers).data
    extracted = _extracted(tools.pdf_file(tmp_path, letter, "l"))

    page = client.get(extracted[extracted.index("/f/") : extracted.index("/f/") + 13])
    assert page.status_code == 200


def test_no_letter_before_the_notice_is_given(client, world, auth_headers):
    visit = factories.visit(world.a.contract, world.a.home, world.a.operative, kind=VisitKind.PLANNED_WORKS)

    response = _get(client, visit, world.a.landlord_manager, auth_headers)

    assert response.status_code == 404 and "no notice" in response.json["detail"]


def test_a_letter_over_two_pages_numbers_them(tmp_path):
    extracted = _extracted(tools.pdf_file(tmp_path, draw(_letter("en", large_print=True)), "large"))

    assert _has(extracted, "Page 1 of 2", "Page 2 of 2")
