"""The tenant's page in a real browser on a phone, JavaScript off: every verdict, every language, both forms."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from server.extensions import db
from server.web.verify import WORDING
from tests import factories

LANGUAGES = {"en": "ltr", "cy": "ltr", "pl": "ltr", "ur": "rtl", "bn": "ltr", "zh-Hant": "ltr"}
VERDICTS = ("genuine", "revoked", "suspended", "expired", "not_recognised")


def _heading(phone) -> str:
    return phone.locator("h1").inner_text().strip()


def _portrait() -> bytes:
    """A picture the size of a phone's portrait photo, as an admin would upload."""
    out = io.BytesIO()
    Image.linear_gradient("L").resize((600, 800)).convert("RGB").save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("verdict", VERDICTS)
def test_each_verdict_reads_plainly_in_each_language(phone, world, screenshot, verdict, code):
    phone.goto(f"{factories.verify_path_for(world.a.operative, verdict)}?lang={code}")

    assert phone.get_attribute("html", "lang") == code
    assert phone.get_attribute("html", "dir") == LANGUAGES[code]
    assert _heading(phone) == WORDING.text(code, verdict)
    assert phone.locator("h1").evaluate("element => getComputedStyle(element).direction") == LANGUAGES[code]
    assert phone.get_by_text(WORDING.text(code, "no_need_to_let_in")).is_visible()
    if verdict != "not_recognised":
        assert phone.get_by_text(world.a.operative.name).is_visible()
    screenshot(phone, f"verify-{verdict}-{code}")


def test_the_language_switch_is_a_plain_link(phone, world):
    badge = factories.badge(world.a.operative)
    phone.goto(f"/v/{badge.token}")

    phone.get_by_role("link", name="Cymraeg").click()
    phone.wait_for_load_state()

    assert phone.get_attribute("html", "lang") == "cy"
    assert _heading(phone) == WORDING.text("cy", "genuine")
    assert phone.get_by_role("link", name="Cymraeg").get_attribute("aria-current") == "true"


def test_the_short_code_typed_as_read_off_the_badge(phone, world, screenshot):
    badge = factories.badge(world.a.operative)
    phone.goto("/v?lang=pl")

    phone.get_by_label(WORDING.text("pl", "code_label")).fill(f"{badge.short_code[:4].lower()} {badge.short_code[4:]}")
    phone.get_by_role("button", name=WORDING.text("pl", "check")).click()
    phone.wait_for_load_state()

    assert _heading(phone) == WORDING.text("pl", "genuine")
    screenshot(phone, "short-code-genuine-pl")


def test_are_they_booked_at_my_home_in_urdu(phone, world, now, screenshot):
    badge = factories.badge(world.a.operative)
    world.a.visit.window_start, world.a.visit.window_end = now, now + timedelta(hours=2)
    db.session.flush()
    phone.goto(f"/v/{badge.token}?lang=ur")

    phone.get_by_label(WORDING.text("ur", "postcode")).fill(world.a.home.postcode.lower())
    phone.get_by_label(WORDING.text("ur", "house")).fill(world.a.home.house)
    phone.get_by_role("button", name=WORDING.text("ur", "check")).click()
    phone.wait_for_load_state()

    assert phone.get_attribute("html", "dir") == "rtl"
    assert _heading(phone).startswith("جی ہاں")
    assert world.a.home.street not in phone.content()  # never the address
    screenshot(phone, "booked-yes-ur")


def test_the_photo_shows_beside_a_genuine_verdict(phone, world, client, auth_headers, screenshot):
    badge = factories.badge(world.a.operative)
    form = {"file": (io.BytesIO(_portrait()), "face.jpg")}
    client.put(
        f"/api/v1/badges/{badge.id}/photo",
        data=form,
        headers=auth_headers(world.a.contractor_admin),
        content_type="multipart/form-data",
    )

    phone.goto(f"/v/{badge.token}")

    photo = phone.get_by_role("img", name=f"Photo of {world.a.operative.name}")
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 360
    screenshot(phone, "verify-genuine-photo-en")


@pytest.mark.parametrize("code", LANGUAGES)
def test_nothing_scrolls_sideways_at_320_pixels(desktop, world, code):
    badge = factories.badge(world.a.operative)
    page = desktop(viewport={"width": 320, "height": 640})

    page.goto(f"/v/{badge.token}?lang={code}")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("verdict", VERDICTS)
@pytest.mark.parametrize("code", ["en", "ur"])
def test_no_serious_accessibility_violations(desktop, axe, world, code, verdict):
    page = desktop()
    page.goto(f"{factories.verify_path_for(world.a.operative, verdict)}?lang={code}")

    assert axe(page) == []


@pytest.mark.parametrize("code", ["en", "ur"])
def test_no_serious_accessibility_violations_on_the_forms_and_their_answers(desktop, axe, world, now, code):
    badge = factories.badge(world.a.operative)
    world.a.visit.window_start, world.a.visit.window_end = now, now + timedelta(hours=2)
    db.session.flush()
    page = desktop()
    serious = {}

    page.goto(f"/v?lang={code}")
    serious["short code form"] = axe(page)
    for answer, postcode in (("booked", world.a.home.postcode), ("not booked", "SW1A 1AA")):
        page.goto(f"/v/{badge.token}?lang={code}")
        page.locator("#postcode").fill(postcode)
        page.locator("#house").fill(world.a.home.house)
        page.locator("form button").click()
        page.wait_for_load_state()
        serious[answer] = axe(page)

    assert serious == {"short code form": [], "booked": [], "not booked": []}
