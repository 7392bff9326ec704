"""The calling card's page in a real browser on a phone, JavaScript off: genuine, unknown, and asking to rebook."""

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import RebookingRequest
from server.web.pages import WORDING
from tests import factories

LANGUAGES = {"en": "ltr", "cy": "ltr", "pl": "ltr", "ur": "rtl", "bn": "ltr", "zh-Hant": "ltr"}
UNKNOWN = "ZZZZ2222"


@pytest.fixture
def attempt(world):
    return factories.no_access(world.a.visit)


def _heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def _requests() -> list[RebookingRequest]:
    return db.session.scalars(sa.select(RebookingRequest)).all()


@pytest.mark.parametrize("code", ["en", "ur", "zh-Hant"])
def test_a_genuine_card_reads_plainly(phone, world, attempt, screenshot, code):
    phone.goto(f"/c/{attempt.card_serial}?lang={code}")

    assert phone.get_attribute("html", "lang") == code
    assert phone.get_attribute("html", "dir") == LANGUAGES[code]
    assert _heading(phone) == WORDING.text(code, "card_genuine")
    assert phone.get_by_text(world.a.operative.name).is_visible()
    assert phone.get_by_role("link", name=world.a.landlord.phone_office).is_visible()
    content = phone.content()
    assert world.a.home.household.tenant_name not in content and world.a.home.street not in content
    screenshot(phone, f"card-genuine-{code}")


def test_an_unknown_card_says_not_to_call_its_numbers(phone, screenshot):
    phone.goto(f"/c/{UNKNOWN}")

    assert _heading(phone) == WORDING.text("en", "card_not_recognised")
    assert phone.get_by_text(WORDING.text("en", "card_do_not_call")).is_visible()
    assert phone.locator("form").count() == 0
    screenshot(phone, "card-not-recognised-en")


def test_the_code_typed_as_read_off_the_card(phone, attempt, screenshot):
    phone.goto("/c?lang=cy")
    screenshot(phone, "card-code-form-cy")

    phone.get_by_label(WORDING.text("cy", "card_code_label")).fill(attempt.card_serial.lower())
    phone.get_by_role("button", name=WORDING.text("cy", "check")).click()
    phone.wait_for_load_state()

    assert _heading(phone) == WORDING.text("cy", "card_genuine")


def _fill_and_send(page, code: str, phone_number: str) -> None:
    page.get_by_label(WORDING.text(code, "rebook_afternoons")).check()
    page.locator("#details").fill("Any weekday after 2 pm")
    page.locator("#phone").fill(phone_number)
    page.get_by_role("button", name=WORDING.text(code, "rebook_send")).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("code", ["en", "ur"])
def test_asking_for_a_new_appointment(phone, world, attempt, screenshot, code):
    phone.goto(f"/c/{attempt.card_serial}?lang={code}")

    _fill_and_send(phone, code, "07700 900123")

    assert _heading(phone) == WORDING.text(code, "rebook_thanks", landlord=world.a.landlord.name)
    assert phone.get_attribute("html", "dir") == LANGUAGES[code]
    [request] = _requests()
    assert (request.preferred_times, request.details, request.callback_phone, request.language) == (
        "afternoons",
        "Any weekday after 2 pm",
        "07700 900123",
        code,
    )
    screenshot(phone, f"card-rebook-thanks-{code}")


def test_a_mistyped_phone_number_shows_the_form_again_with_what_was_typed(phone, attempt, screenshot):
    phone.goto(f"/c/{attempt.card_serial}")

    _fill_and_send(phone, "en", "12345")

    assert phone.get_by_text(WORDING.text("en", "rebook_bad_phone")).is_visible()
    assert phone.locator("#phone").input_value() == "12345"
    assert phone.locator("#details").input_value() == "Any weekday after 2 pm"
    assert phone.get_by_label(WORDING.text("en", "rebook_afternoons")).is_checked()
    assert _requests() == []
    screenshot(phone, "card-rebook-problem-en")


@pytest.mark.parametrize("code", LANGUAGES)
def test_nothing_scrolls_sideways_at_320_pixels(desktop, attempt, code):
    page = desktop(viewport={"width": 320, "height": 640})

    page.goto(f"/c/{attempt.card_serial}?lang={code}")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("code", ["en", "ur"])
def test_no_serious_accessibility_violations(desktop, axe, attempt, code):
    page = desktop()
    serious = {}

    for name, path in (("genuine", f"/c/{attempt.card_serial}"), ("unknown", f"/c/{UNKNOWN}"), ("form", "/c")):
        page.goto(f"{path}?lang={code}")
        serious[name] = axe(page)
    page.goto(f"/c/{attempt.card_serial}?lang={code}")
    _fill_and_send(page, code, "12345")
    serious["problem"] = axe(page)
    page.locator("#phone").fill("")
    page.get_by_role("button", name=WORDING.text(code, "rebook_send")).click()
    page.wait_for_load_state()
    serious["thanks"] = axe(page)

    assert serious == {"genuine": [], "unknown": [], "form": [], "problem": [], "thanks": []}
