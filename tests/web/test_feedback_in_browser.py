"""The feedback page in a real browser on a phone, JavaScript off: from the card to a complaint and its thank-you."""

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Feedback, FeedbackKind
from server.web.pages import WORDING
from tests import factories
from tests.web.test_console_in_browser import LAPTOP, _sign_in

LANGUAGES = {"en": "ltr", "cy": "ltr", "pl": "ltr", "ur": "rtl", "bn": "ltr", "zh-Hant": "ltr"}


@pytest.fixture
def attempt(world):
    return factories.no_access(world.a.visit)


def _heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def _stored() -> list[Feedback]:
    return db.session.scalars(sa.select(Feedback)).all()


def _complain(page, code: str, email: str) -> None:
    page.get_by_label(WORDING.text(code, "feedback_rating_2")).check()
    page.get_by_label(WORDING.text(code, "feedback_complaint")).check()
    page.locator("#text").fill("The operative left mud on the stairs")
    page.locator("#email").fill(email)
    page.get_by_role("button", name=WORDING.text(code, "feedback_send")).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("code", ["en", "ur"])
def test_a_complaint_from_the_calling_card(phone, world, attempt, screenshot, code):
    phone.goto(f"/c/{attempt.card_serial}?lang={code}")
    phone.get_by_role("link", name=WORDING.text(code, "feedback_link")).click()
    phone.wait_for_load_state()
    assert _heading(phone) == WORDING.text(code, "feedback_title")
    assert phone.get_attribute("html", "dir") == LANGUAGES[code]
    screenshot(phone, f"feedback-form-{code}")

    _complain(phone, code, "ann@example.org")

    [stored] = _stored()
    assert (stored.kind, stored.rating, stored.callback_email, stored.language) == (
        FeedbackKind.COMPLAINT,
        2,
        "ann@example.org",
        code,
    )
    assert world.a.landlord.name in _heading(phone)
    content = phone.content()
    assert world.a.home.household.tenant_name not in content and world.a.home.street not in content
    screenshot(phone, f"feedback-complaint-thanks-{code}")


def test_a_mistyped_email_shows_the_form_again_with_what_was_typed(phone, attempt, screenshot):
    phone.goto(f"/f/{attempt.card_serial}")

    _complain(phone, "en", "ann at example")

    assert phone.get_by_text(WORDING.text("en", "feedback_bad_email")).is_visible()
    assert phone.locator("#text").input_value() == "The operative left mud on the stairs"
    assert phone.get_by_label(WORDING.text("en", "feedback_complaint")).is_checked()
    assert phone.get_by_label(WORDING.text("en", "feedback_rating_2")).is_checked()
    assert _stored() == []
    screenshot(phone, "feedback-problem-en")


@pytest.mark.parametrize("code", LANGUAGES)
def test_nothing_scrolls_sideways_at_320_pixels(desktop, attempt, code):
    page = desktop(viewport={"width": 320, "height": 640})

    page.goto(f"/f/{attempt.card_serial}?lang={code}")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("code", ["en", "ur"])
def test_no_serious_accessibility_violations(desktop, axe, attempt, code):
    page = desktop()
    serious = {}

    page.goto(f"/f/{attempt.card_serial}?lang={code}")
    serious["form"] = axe(page)
    page.goto(f"/f/ZZZZ2222ZZ?lang={code}")
    serious["unknown"] = axe(page)
    page.goto(f"/f/{attempt.card_serial}?lang={code}")
    _complain(page, code, "nope")
    serious["problem"] = axe(page)
    page.locator("#email").fill("")
    page.get_by_role("button", name=WORDING.text(code, "feedback_send")).click()
    page.wait_for_load_state()
    serious["thanks"] = axe(page)

    assert serious == {"form": [], "unknown": [], "problem": [], "thanks": []}


def test_the_complaint_reaches_the_console_queue_and_is_answered(desktop, axe, screenshot, world, attempt):
    made = factories.complaint(world.a.visit, text="The operative left mud on the stairs", email="ann@example.org")
    page = desktop(viewport=LAPTOP)
    _sign_in(page, world.a.landlord_manager)
    page.goto("/console/queue")
    assert page.get_by_role("heading", name=f"Complaint {made.id.hex[:8].upper()}").is_visible()
    assert axe(page) == []
    screenshot(page, "console-queue-complaint")

    page.get_by_label("Our response").fill("Sorry: the stairs were cleaned on Friday.")
    page.get_by_role("button", name="Record the response").click()
    page.wait_for_load_state()

    db.session.refresh(made)
    assert made.response_note == "Sorry: the stairs were cleaned on Friday."
    assert page.get_by_text("No open complaints.").is_visible()
