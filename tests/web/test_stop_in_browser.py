"""The "stop messages" page in a real browser on a phone, JavaScript off: the question, the button, the answer."""

import pytest

from server.extensions import db
from server.models import MessageState
from server.web.pages import WORDING
from tests.web.test_stop import UNKNOWN, _private, _states, tell_both

LANGUAGES = {"en": "ltr", "cy": "ltr", "pl": "ltr", "ur": "rtl", "bn": "ltr", "zh-Hant": "ltr"}


@pytest.fixture
def told(world, now):
    return tell_both(world, now)


def _heading(page) -> str:
    return page.locator("h1").inner_text().strip()


@pytest.mark.parametrize("code", ["pl", "ur"])
def test_a_tenant_stops_messages_from_the_link_in_a_text(phone, world, told, screenshot, code):
    told.preferred_language = code
    db.session.flush()
    landlord = world.a.landlord.name

    phone.goto(f"/o/{told.stop_code}")
    assert _heading(phone) == WORDING.text(code, "stop_question", landlord=landlord)
    assert phone.get_attribute("html", "dir") == LANGUAGES[code]
    screenshot(phone, f"stop-question-{code}")

    phone.get_by_role("button", name=WORDING.text(code, "stop_button")).click()
    phone.wait_for_load_state()

    assert _heading(phone) == WORDING.text(code, "stop_done")
    assert phone.get_by_text(WORDING.text(code, "stop_start_again", landlord=landlord)).is_visible()
    content = phone.content()
    assert not [private for private in _private(world) if private in content]
    db.session.refresh(told)
    assert told.messages_stopped_at is not None and _states(told) == [MessageState.CANCELLED]
    screenshot(phone, f"stop-done-{code}")


def test_the_reader_switches_language_before_deciding(phone, told):
    phone.goto(f"/o/{told.stop_code}")

    phone.get_by_role("link", name="English").click()
    phone.wait_for_load_state()

    assert phone.get_by_role("button", name=WORDING.text("en", "stop_button")).is_visible()


@pytest.mark.parametrize("code", LANGUAGES)
def test_nothing_scrolls_sideways_at_320_pixels(desktop, told, code):
    page = desktop(viewport={"width": 320, "height": 640})

    page.goto(f"/o/{told.stop_code}?lang={code}")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("code", ["en", "ur"])
def test_no_serious_accessibility_violations(desktop, axe, screenshot, told, code):
    page = desktop()
    serious = {}

    page.goto(f"/o/{told.stop_code}?lang={code}")
    serious["question"] = axe(page)
    page.get_by_role("button", name=WORDING.text(code, "stop_button")).click()
    page.wait_for_load_state()
    serious["done"] = axe(page)
    page.goto(f"/o/{UNKNOWN}?lang={code}")
    serious["unknown"] = axe(page)
    screenshot(page, f"stop-unknown-{code}")

    assert serious == {"question": [], "done": [], "unknown": []}
