"""Tenants' messages in every language: all there, the same placeholders, plain English, short enough to text.

Every tenant's template in server/delivery/wording/en.toml (below its "To tenants" line, and the complaint
acknowledgement) is rendered as a tenant gets it, through `messages.render`, with the way to stop them.
"""

import re
import string
import tomllib
from datetime import datetime

import pytest
import readability
from babel import Locale
from bidi import get_base_level, get_display

from server.london_time import LONDON
from server.models import Audience, Channel
from server.services import messages
from server.services.tenant_messages import when

WORDING = messages.WORDING
ENGLISH = messages.words().languages["en"].text
LANGUAGES = [code for code in messages.words().languages if code != "en"]
RIGHT_TO_LEFT = [code for code, language in messages.words().languages.items() if language.dir == "rtl"]


def _tenant_keys() -> list[str]:
    """The English keys a tenant may read: below the "To tenants" line, and the complaint acknowledgement."""
    lines = (WORDING / "en.toml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# ---- To tenants"))
    below = {match[1] for line in lines[start:] if (match := re.match(r"(\w+) = ", line))}
    return [key for key in ENGLISH if key in below or key.startswith("complaint_acknowledged_")]


TENANT_KEYS = _tenant_keys()
TEMPLATES = [key.removesuffix("_sms") for key in TENANT_KEYS if key.endswith("_sms") and key != "stop_line_sms"]

VISIT = datetime(2026, 12, 8, 9, 0, tzinfo=LONDON)
WINDOW_AND_ETA = ((9, 0), (13, 0), (11, 40))  # booked 09:00 to 13:00; the operative now thinks 11:40
BASE = "https://dstep.uk"  # a short public address; each link then is 27 to 29 characters


def _values(lang: str, **names) -> dict:
    """What `tenant_messages.tell` fills in, with the day and times as the household reads them."""
    start, end, expected = (when(VISIT.replace(hour=hour, minute=minute), lang) for hour, minute in WINDOW_AND_ETA)
    return {
        "landlord": "Havebury Housing",
        "contractor": "Mears",
        "operative": "Dan",
        "phone": "01284 722000",
        "landlord_phone": "01284 722000",
        "date": start["date"],
        "start": start["time"],
        "end": end["time"],
        "repair": "R-10234",
        "time": expected["time"],
        "code": "7KQ2M9XD",
        "link": f"{BASE}/c/7KQ2M9XD",
        "visit_date": when(VISIT.replace(day=1), lang)["date"],
        "reference": "3F9A2C1B",
        "stop_link": f"{BASE}/o/7KQ2M9XDAB",
    } | names


def _long_values(lang: str) -> dict:
    """Long but real: a landlord's and a contractor's full names, the longest day's name in the language."""
    wednesday = when(datetime(2026, 9, 30, 9, 0, tzinfo=LONDON), lang)["date"]  # "Wednesday 30 September"
    return _values(
        lang,
        landlord="Havebury Housing Partnership Ltd",
        contractor="Mears Property Services Ltd",
        operative="Christopher",
        phone="0300 123 4567",
        repair="HAV-1002345",
        date=wednesday,
        visit_date=wednesday,
    )


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_tenant_template_is_translated_so_a_message_is_never_half_english(lang):
    text = messages.words().languages[lang].text

    assert [key for key in TENANT_KEYS if not text.get(key, "").strip()] == []
    assert sorted(set(text) - set(ENGLISH)) == []  # a key English does not have is never used


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_translation_fills_in_exactly_what_english_does(lang):
    text = messages.words().languages[lang].text

    differing = {
        key: (sorted(_placeholders(ENGLISH[key])), sorted(_placeholders(text[key])))
        for key in text
        if _placeholders(text[key]) != _placeholders(ENGLISH[key])
    }
    assert differing == {}


def test_each_language_file_says_who_checked_it():
    for lang in LANGUAGES:
        with (WORDING / f"{lang}.toml").open("rb") as f:
            meta = tomllib.load(f)["language"]
        assert meta["review"] and meta["dir"] in ("ltr", "rtl") and meta["name"] != lang
        assert Locale.parse(meta["locale"]).language == lang.split("-")[0]


# Plain English: Flesch-Kincaid grade (readability's English syllable counter). A UK reading age is about the
# US grade + 5, so a reading age of 9 is grade 4. The formula is made for passages of 100 words or more and
# jumps about on two sentences; we allow one grade over (reading age 10 at worst for any one message; the
# messages together are lower). Links and numbers are tapped or read as digits, not as words, so they are
# left out; a subject is read with its email, as one text (on its own, five words make the formula useless).
PLAIN_GRADE = 5.0


def _words_in_sentences(text: str) -> list[str]:
    """One sentence a line, its words space-separated, as `readability` takes them."""
    text = re.sub(r"https?://\S+", "", text)
    sentences = (s for line in text.splitlines() for s in re.split(r"(?<=[.?!])\s+", line))
    words = (re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", sentence) for sentence in sentences)
    return [" ".join(found) for found in words if found]


def _grade(text: str) -> float:
    return readability.getmeasures(_words_in_sentences(text), lang="en")["readability grades"]["Kincaid"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_english_message_is_plain_enough_for_a_reading_age_of_about_9(template):
    values = _values("en")
    subject, email = messages.render(template, Channel.EMAIL, "en", values, Audience.TENANT)
    _, sms = messages.render(template, Channel.SMS, "en", values, Audience.TENANT)

    assert round(_grade(f"{subject}\n{email}"), 1) <= PLAIN_GRADE
    assert round(_grade(sms), 1) <= PLAIN_GRADE


def test_the_readability_score_tells_plain_from_official_english():
    plain = "We have booked a visit to your home. To change the time, call us."
    official = "Your appointment has been scheduled; should you require rescheduling, contact the administrator."

    assert _grade(plain) <= PLAIN_GRADE < _grade(official)


# A text is billed per part. In the GSM 7-bit alphabet one text holds 160 characters, or 153 a part when it is
# split (^{}[]~|€\ take two); with any other character the whole message goes as UCS-2: 70, or 67 a part
# (a character beyond the first 65,536 takes two). Polish, Bengali, Urdu, Chinese, Hindi and Welsh with ŵ or ŷ
# go as UCS-2. English must fit in 3 parts; so must a translation, but 3 parts of 67 cannot hold some longer
# messages with their long names and the link to stop them, so those scripts may use a 4th (never more).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")
MAX_PARTS, MAX_PARTS_UCS2 = 3, 4


def sms_parts(body: str) -> tuple[str, int]:
    """("GSM-7" or "UCS-2", the number of texts `body` is sent and billed as)."""
    if set(body) <= GSM_BASIC | GSM_EXTENDED:
        units, single, part = sum(2 if c in GSM_EXTENDED else 1 for c in body), 160, 153
        encoding = "GSM-7"
    else:
        units, single, part = len(body.encode("utf-16-le")) // 2, 70, 67
        encoding = "UCS-2"
    return encoding, 1 if units <= single else -(-units // part)


def test_texts_are_counted_as_the_network_bills_them():
    assert sms_parts("a" * 160) == ("GSM-7", 1) and sms_parts("a" * 161) == ("GSM-7", 2)
    assert sms_parts("{" * 80) == ("GSM-7", 1) and sms_parts("a" * 459) == ("GSM-7", 3)
    assert sms_parts("ł" * 70) == ("UCS-2", 1) and sms_parts("ł" * 71) == ("UCS-2", 2)
    assert sms_parts("ŵ" + "a" * 200) == ("UCS-2", 3)


@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
def test_every_text_fits_in_three_parts_or_four_in_a_script_that_needs_ucs2(lang):
    values = _long_values(lang)

    too_long = {}
    for template in TEMPLATES:
        _, body = messages.render(template, Channel.SMS, lang, values, Audience.TENANT)
        encoding, parts = sms_parts(body)
        if parts > (MAX_PARTS if encoding == "GSM-7" else MAX_PARTS_UCS2):
            too_long[template] = (encoding, parts, len(body))
    assert too_long == {}


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_english_and_welsh_texts_keep_to_the_plain_alphabet_and_three_parts(lang):
    """Welsh texts avoid â, ô, ŵ, ŷ where another word does: one such letter would make a text UCS-2."""
    values = _long_values(lang)

    sent_as = {
        template: sms_parts(messages.render(template, Channel.SMS, lang, values, Audience.TENANT)[1])
        for template in TEMPLATES
    }
    assert {template: parts for template, parts in sent_as.items() if parts[0] != "GSM-7" or parts[1] > MAX_PARTS} == {}


def test_a_polish_household_is_told_in_polish():
    _, body = messages.render("running_late", Channel.SMS, "pl", _values("pl", time="10:40"), Audience.TENANT)

    assert "spóźni" in body and "10:40" in body
    assert "running late" not in body
    assert body.endswith(f"Nie chcesz SMS-ów? {BASE}/o/7KQ2M9XDAB")


_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RIGHT_TO_LEFT_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_SHOWN_IN_ORDER = ("phone", "code", "repair", "landlord", "contractor", "operative", "link", "stop_link")


@pytest.mark.parametrize("lang", RIGHT_TO_LEFT)
def test_in_right_to_left_text_a_phone_number_code_and_names_keep_their_order(lang):
    """As a phone shows each line: its direction guessed from its first letter, then the bidi algorithm."""
    values = _values(lang)
    for template in TEMPLATES:
        for channel in (Channel.SMS, Channel.EMAIL):
            for text in filter(None, messages.render(template, channel, lang, values, Audience.TENANT)):
                for line in text.splitlines():
                    if _RIGHT_TO_LEFT_LETTER.search(line):
                        assert get_base_level(line) == 1, (template, channel, line)
                    shown = get_display(line)
                    for name in _SHOWN_IN_ORDER:
                        assert values[name] not in line or values[name] in shown, (template, channel, name)
                # every embedding is closed, and no mark is glued to a link (a tap would take it in)
                assert text.count("\u202a") == text.count("\u202c"), (template, channel)
                assert not re.search(r"https?://\S*" + _BIDI_CONTROLS.pattern, text), (template, channel)


def test_without_the_marks_a_phone_number_is_shown_backwards_and_a_line_left_to_right():
    """What the marks in ur.toml are for."""
    assert "01284 722000" not in get_display("فون 01284 722000 پر کریں", base_dir="R")
    assert "01284 722000" in get_display("فون \u202a01284 722000\u202c پر کریں", base_dir="R")
    assert get_base_level("\u202aMears\u202c کے \u202aDan\u202c") == 0
    assert get_base_level("\u200f\u202aMears\u202c کے \u202aDan\u202c") == 1


@pytest.mark.parametrize("lang", [code for code in ["en", *LANGUAGES] if code not in RIGHT_TO_LEFT])
def test_left_to_right_messages_carry_no_direction_marks(lang):
    text = messages.words().languages[lang].text

    assert [key for key in TENANT_KEYS if key in text and _BIDI_CONTROLS.search(text[key])] == []
