"""The tenant's page in their language: English, Welsh, Polish, Urdu (right to left), Bengali and Chinese."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape

from server import wording
from server.extensions import db
from server.web.verify import WORDING
from tests import factories

LANGUAGES = {"en": "ltr", "cy": "ltr", "pl": "ltr", "ur": "rtl", "bn": "ltr", "zh-Hant": "ltr"}
VERDICTS = ("genuine", "revoked", "suspended", "expired", "not_recognised")


def _html(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _shown(code: str, key: str) -> str:
    """A string as it appears in the page's HTML."""
    return str(escape(WORDING.text(code, key)))


def _root(page: str) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', page)
    return found.group(1), found.group(2)


def test_we_have_the_six_languages_and_english_has_every_string():
    assert {code: lang.dir for code, lang in WORDING.languages.items()} == LANGUAGES
    assert all(WORDING.languages["en"].text.values())


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_every_language_says_every_string_and_how_far_it_is_reviewed(code):
    language = WORDING.languages[code]

    assert set(language.text) == set(WORDING.languages["en"].text)
    assert all(value.strip() for value in language.text.values())
    assert language.review
    for key, english in WORDING.languages["en"].text.items():  # placeholders survive translation
        assert set(re.findall(r"{\w+}", language.text[key])) == set(re.findall(r"{\w+}", english)), key


@pytest.mark.parametrize("verdict", VERDICTS)
@pytest.mark.parametrize("code", LANGUAGES)
def test_each_verdict_in_each_language(client, world, code, verdict):
    page = _html(client.get(factories.verify_path_for(world.a.operative, verdict), query_string={"lang": code}))

    assert _root(page) == (code, LANGUAGES[code])
    assert f"<h1>{_shown(code, verdict)}</h1>" in page
    assert _shown(code, "no_need_to_let_in") in page
    assert len(page.encode()) < 50_000


@pytest.mark.parametrize(
    ("header", "code"),
    [("cy-GB,cy;q=0.9,en;q=0.5", "cy"), ("pl-PL", "pl"), ("ur-PK", "ur"), ("bn", "bn"), ("zh-TW", "zh-Hant"),
     ("zh-HK,en;q=0.3", "zh-Hant"), ("fr-FR,pl;q=0.5", "pl"), ("fr-FR", "en")],
)  # fmt: skip
def test_the_browsers_language_is_used_when_none_is_chosen(client, world, header, code):
    badge = factories.badge(world.a.operative)

    response = client.get(f"/v/{badge.token}", headers={"Accept-Language": header})

    assert _root(_html(response))[0] == code
    assert response.headers["Content-Language"] == code


def test_a_chosen_language_beats_the_browsers_and_an_unknown_one_is_quietly_english(client, world):
    badge = factories.badge(world.a.operative)

    chosen = _html(client.get(f"/v/{badge.token}?lang=ur", headers={"Accept-Language": "pl"}))
    unknown = _html(client.get(f"/v/{badge.token}?lang=xx"))

    assert _root(chosen) == ("ur", "rtl")
    assert _root(unknown) == ("en", "ltr")


def test_the_language_switch_names_each_language_in_its_own_script_and_keeps_the_live_code(client, world):
    badge = factories.badge(world.a.operative)

    page = _html(client.get(f"/v/{badge.token}?live=123.abc&lang=cy"))

    assert '<nav aria-label="Iaith">' in page
    assert f'href="/v/{badge.token}?live=123.abc&amp;lang=ur" lang="ur" hreflang="ur" dir="rtl">اردو</a>' in page
    assert 'lang="cy" hreflang="cy" dir="ltr" aria-current="true">Cymraeg</a>' in page
    assert ">繁體中文</a>" in page and ">বাংলা</a>" in page and ">Polski</a>" in page and ">English</a>" in page


def test_the_valid_until_date_is_in_the_language(client, world):
    badge = factories.badge(world.a.operative)
    badge.expires_at = badge.expires_at.replace(month=11, day=25, hour=12)
    db.session.flush()

    welsh = _html(client.get(f"/v/{badge.token}?lang=cy"))
    chinese = _html(client.get(f"/v/{badge.token}?lang=zh-Hant"))

    assert f"<dd>25 Tachwedd {badge.expires_at.year}</dd>" in welsh
    assert f"<dd>{badge.expires_at.year}年11月25日</dd>" in chinese


def test_the_forms_keep_the_language(client, world, now):
    badge = factories.badge(world.a.operative)
    world.a.visit.window_start, world.a.visit.window_end = now, now + timedelta(hours=2)
    db.session.flush()

    page = _html(client.get(f"/v/{badge.token}?lang=pl"))
    answer = _html(
        client.post(
            f"/v/{badge.token}/booked",
            data={"lang": "pl", "postcode": world.a.home.postcode, "house": world.a.home.house},
        )
    )
    by_code = _html(client.post("/v", data={"lang": "bn", "code": badge.short_code}))

    assert '<input type="hidden" name="lang" value="pl">' in page
    assert _root(answer)[0] == "pl"
    assert "Tak, mają dziś umówioną wizytę w Twoim domu" in answer
    assert f'href="/v/{badge.token}?lang=pl">Wróć do identyfikatora</a>' in answer
    assert f"<h1>{_shown('bn', 'genuine')}</h1>" in by_code


def test_the_json_message_follows_the_language_and_the_verdict_does_not(client, world):
    badge = factories.badge(world.a.operative, status="revoked")

    body = client.get(f"/v/{badge.token}?lang=cy", headers={"Accept": "application/json"}).json

    assert body["verdict"] == "revoked"
    assert body["message"] == WORDING.text("cy", "revoked")


def test_a_string_missing_from_a_language_falls_back_to_english_for_that_string_only(tmp_path: Path):
    (tmp_path / "en.toml").write_text(
        '[language]\nname = "English"\ndir = "ltr"\nlocale = "en_GB"\nreview = "reviewed"\n'
        '[text]\nhello = "Hello {name}"\nbye = "Goodbye"\n'
    )
    (tmp_path / "cy.toml").write_text(
        '[language]\nname = "Cymraeg"\ndir = "ltr"\nlocale = "cy"\nreview = "draft"\n[text]\nbye = "Hwyl"\nhello = ""\n'
    )
    words = wording.load(tmp_path)

    assert words.text("cy", "bye") == "Hwyl"
    assert words.text("cy", "hello", name="Ann") == "Hello Ann"
    assert words.text("xx", "bye") == "Goodbye"
