"""The managers' console in a real browser: signing in through the form, the pages a manager uses, and axe."""

from datetime import timedelta

import pytest

from server.extensions import db
from server.models import ConcernCategory, Severity
from tests import factories
from tests.api.test_reports import _days_ago, done, no_access
from tests.web.test_console_messages import _to_manager, _to_tenant

TABLET = {"width": 820, "height": 1180}
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def month(world, now):
    """Four weeks of one contract's visits: on time, late, nobody in; a damp and mould concern from one."""
    side = world.a
    for days in (1, 3, 8, 10, 16, 22):
        done(side, _days_ago(now, days))
    late = done(side, _days_ago(now, 4), late=timedelta(hours=3))
    no_access(side, _days_ago(now, 9))
    no_access(side, _days_ago(now, 17))
    factories.attachment(late, side.operative)
    concern = factories.concern(
        late,
        side.operative,
        category=ConcernCategory.DAMP_MOULD,
        severity=Severity.SIGNIFICANT,
        description="Black mould on the bedroom ceiling above the window",
        due_at=now + timedelta(days=1),
    )
    factories.concern(late, side.operative, description="Loose handrail on the stairs", due_at=now - timedelta(hours=2))
    return {"late": late, "concern": concern}


def _sign_in(page, user) -> None:
    page.goto("/console/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_manager_reviews_the_standards_a_visit_and_acknowledges_a_concern(desktop, axe, screenshot, world, month):
    page = desktop(viewport=LAPTOP)
    serious = {}
    page.goto("/console/login")
    serious["login"] = axe(page)
    screenshot(page, "console-login")

    _sign_in(page, world.a.landlord_manager)
    assert page.locator("h1").inner_text() == "Service standards"
    assert page.locator("#standard-punctuality").get_by_text("8 of 9").is_visible()
    assert page.locator("svg[role=img]").count() >= 5
    serious["dashboard"] = axe(page)
    screenshot(page, "console-dashboard")

    page.get_by_role("link", name="Visits").click()
    page.get_by_label("Status").select_option("no_access")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert page.get_by_text("2 visits").is_visible()
    serious["visits"] = axe(page)
    screenshot(page, "console-visits-no-access")

    page.goto("/console/visits")
    page.get_by_role("link", name=month["late"].repair_reference).click()
    page.wait_for_load_state()
    assert page.get_by_text("Black mould on the bedroom ceiling").is_visible()
    assert page.get_by_role("link", name="Report as PDF").is_visible()
    assert page.locator("img[alt^='Photo 1']").evaluate("img => img.naturalWidth") > 0  # served to this session
    serious["visit"] = axe(page)
    screenshot(page, "console-visit")

    page.get_by_role("link", name="Concerns and alerts").click()
    page.wait_for_load_state()
    serious["queue"] = axe(page)
    screenshot(page, "console-queue")
    card = page.locator("article", has_text="Black mould on the bedroom ceiling")
    card.get_by_label("Note").fill("Surveyor booked for tomorrow morning")
    card.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()

    assert page.get_by_role("status").filter(has_text="Concern acknowledged.").is_visible()
    db.session.refresh(month["concern"])
    assert month["concern"].acknowledge_note == "Surveyor booked for tomorrow morning"

    _to_tenant(world.a)
    _to_manager(world.a)
    page.get_by_role("link", name="Messages").click()
    page.wait_for_load_state()
    assert page.get_by_text("••••••••0123").is_visible()
    serious["messages"] = axe(page)
    screenshot(page, "console-messages")
    assert serious == {"login": [], "dashboard": [], "visits": [], "visit": [], "queue": [], "messages": []}


def test_a_contractor_admin_revokes_a_badge_on_a_tablet(desktop, axe, screenshot, world):
    badge = factories.badge(world.a.operative)
    factories.badge_alert(factories.badge(world.a.other_operative, status="revoked"))
    page = desktop(viewport=TABLET)

    _sign_in(page, world.a.contractor_admin)
    page.get_by_role("link", name="Badges").click()
    page.wait_for_load_state()
    assert not axe(page)
    screenshot(page, "console-badges-tablet")
    row = page.locator("tr", has_text=world.a.operative.name).filter(has_text="Genuine")
    row.get_by_label("Reason to revoke").fill("Left the company")
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state()

    assert page.get_by_text(f"{world.a.operative.name}'s badge is revoked for good.").is_visible()
    db.session.refresh(badge)
    assert badge.status_reason == "Left the company"
    page.get_by_role("link", name="Concerns and alerts").click()
    page.wait_for_load_state()
    assert page.get_by_text("A revoked badge was checked at a door.").is_visible()
    assert not axe(page)
    screenshot(page, "console-queue-tablet")


def test_an_operative_is_told_the_console_is_not_for_them(desktop, world, screenshot):
    page = desktop(viewport=LAPTOP, java_script_enabled=False)

    _sign_in(page, world.a.operative)

    assert page.get_by_role("alert").get_by_text("The console is for managers and admins").is_visible()
    screenshot(page, "console-login-operative-refused")
