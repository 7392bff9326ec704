"""The managers' console: sign-in, CSRF, who sees what, and that its figures and actions are the API's."""

import re
from datetime import timedelta

import pytest

from server import create_app
from server.extensions import db
from server.models import Badge, BadgeStatus, ConcernCategory, DeviceSession, Role
from server.models.base import utcnow
from tests import factories
from tests.api.test_reports import _days_ago, done, no_access

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client, path: str = "/console/login") -> str:
    """The token a form on this page carries."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, user, password: str = factories.PASSWORD):
    return client.post("/console/login", data={"email": user.email, "password": password, "csrf_token": csrf(client)})


@pytest.fixture
def manager(client, world):
    """A landlord manager of side A, signed in to the console."""
    assert sign_in(client, world.a.landlord_manager).status_code == 303
    return world.a.landlord_manager


def post(client, path: str, **fields):
    return client.post(path, data={"csrf_token": csrf(client, "/console/queue"), **fields})


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


# Signing in ----------------------------------------------------------------------------------------


def test_a_manager_signs_in_with_the_apps_password_and_sees_the_standards(client, world):
    response = sign_in(client, world.a.contractor_manager)

    assert response.status_code == 303 and response.headers["Location"] == "/console/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/console/")
    assert page.status_code == 200
    assert "Service standards" in text(page) and world.a.contractor_manager.name in text(page)


def test_a_wrong_password_is_refused_and_signs_nobody_in(client, world):
    response = sign_in(client, world.a.landlord_manager, password="not the password")

    assert response.status_code == 401
    assert "The email or password is wrong" in text(response)
    assert client.get("/console/").status_code == 302


def test_sign_in_attempts_on_one_account_are_limited(client, world):
    token = csrf(client)
    user = world.a.landlord_manager
    codes = [
        client.post("/console/login", data={"email": user.email, "password": "guess", "csrf_token": token}).status_code
        for _ in range(11)
    ]

    assert codes == [401] * 10 + [429]
    right = client.post(
        "/console/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert right.status_code == 429 and "Too many attempts" in text(right)


@pytest.mark.parametrize("who", ["operative", "platform_admin"])
def test_operatives_and_the_platform_admin_cannot_sign_in(client, world, who):
    user = world.a.operative if who == "operative" else world.platform_admin

    response = sign_in(client, user)

    assert response.status_code == 403
    assert "The console is for" in text(response)
    assert db.session.query(DeviceSession).filter_by(user_id=user.id).count() == 0
    assert client.get("/console/").status_code == 302


def test_sign_in_without_the_forms_token_is_refused(client, world):
    user = world.a.landlord_manager
    client.get("/console/login")

    response = client.post("/console/login", data={"email": user.email, "password": factories.PASSWORD})

    assert response.status_code == 400
    assert client.get("/console/").status_code == 302


@pytest.mark.parametrize(
    "path", ["/console/", "/console/visits", "/console/queue", "/console/badges", "/console/visits/{visit}"]
)
def test_every_page_needs_a_sign_in(client, world, path):
    response = client.get(path.format(visit=world.a.visit.id))

    assert response.status_code == 302 and response.headers["Location"] == "/console/login"


def test_signing_out_ends_the_session(client, manager):
    response = client.post("/console/logout", data={"csrf_token": csrf(client, "/console/")})

    assert response.status_code == 303
    assert client.get("/console/").status_code == 302
    assert db.session.query(DeviceSession).filter_by(user_id=manager.id).one().revoked_at is not None


@pytest.mark.parametrize("how", ["deactivated", "revoked"])
def test_a_deactivated_user_or_revoked_session_is_signed_out_at_the_next_request(client, manager, how):
    if how == "deactivated":
        manager.active = False
    else:
        db.session.query(DeviceSession).filter_by(user_id=manager.id).one().revoked_at = utcnow()
    db.session.flush()

    response = client.get("/console/visits")

    assert response.status_code == 302
    assert "Your session has ended" in text(client.get("/console/login"))


def test_the_console_sends_its_own_security_headers(client, manager):
    response = client.get("/console/")

    csp = response.headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


# CSRF ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_a_post_without_the_sessions_token_changes_nothing(client, world, manager, token):
    concern = factories.concern(world.a.visit, world.a.operative)
    data = {"note": "On it"} | ({"csrf_token": token} if token is not None else {})

    response = client.post(f"/console/concerns/{concern.id}/acknowledge", data=data)

    assert response.status_code == 400
    db.session.refresh(concern)
    assert concern.acknowledged_at is None


def test_another_sessions_token_is_not_this_ones(app, client, world):
    other = app.test_client()
    token = CSRF.search(other.get("/console/login").get_data(as_text=True)).group(1)
    badge = factories.badge(world.a.operative)
    sign_in(client, world.a.contractor_admin)

    response = client.post(f"/console/badges/{badge.id}/revoke", data={"csrf_token": token, "reason": "x"})

    assert response.status_code == 400
    db.session.refresh(badge)
    assert badge.status == BadgeStatus.ACTIVE


# Who sees what -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/console/visits/{visit}", "/console/visits/{visit}/report.pdf", "/console/attachments/{photo}"]
)
def test_another_organisations_visit_is_not_found(client, world, manager, path):
    photo = factories.attachment(world.b.visit, world.b.operative)

    response = client.get(path.format(visit=world.b.visit.id, photo=photo.id))

    assert response.status_code == 404
    assert world.b.visit.repair_reference not in response.get_data(as_text=True)


def test_a_contractor_manager_sees_its_work_for_every_landlord_and_a_landlord_only_its_own(client, world):
    elsewhere = factories.contract(world.b.landlord, world.a.contractor)
    theirs = factories.visit(elsewhere, factories.home(world.b.landlord), world.a.operative)

    sign_in(client, world.a.contractor_manager)
    assert theirs.repair_reference in text(client.get("/console/visits"))
    assert client.get(f"/console/visits/{theirs.id}").status_code == 200

    client.post("/console/logout", data={"csrf_token": csrf(client, "/console/")})
    sign_in(client, world.a.landlord_manager)
    listed = text(client.get("/console/visits"))
    assert world.a.visit.repair_reference in listed and theirs.repair_reference not in listed
    assert client.get(f"/console/visits/{theirs.id}").status_code == 404


def test_the_visit_list_filters_by_status_and_operative(client, world, manager, now):
    finished = done(world.a, _days_ago(now, 2))

    by_status = text(client.get("/console/visits?status=completed&from=&to=&contract=&operative="))
    by_other = text(client.get(f"/console/visits?operative={world.a.other_operative.id}"))

    assert finished.repair_reference in by_status and world.a.visit.repair_reference not in by_status
    assert "0 visits" in by_other


def test_a_filter_that_is_not_valid_is_a_clear_422(client, manager):
    response = client.get("/console/visits?from=yesterday")

    assert response.status_code == 422 and "Some fields are not valid" in text(response)


# The figures ---------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_apis_figures(client, world, manager, auth_headers, now):
    side = world.a
    for days in (2, 3):
        done(side, _days_ago(now, days))
    done(side, _days_ago(now, 4), late=timedelta(hours=3))
    no_access(side, _days_ago(now, 9))
    factories.concern(side.visit, side.operative, category=ConcernCategory.DAMP_MOULD, due_at=now - timedelta(hours=1))
    query = f"from={(now - timedelta(days=20)).date()}&to={now.date()}"

    api = client.get(f"/api/v1/reports/standards?{query}", headers=auth_headers(manager)).json
    page = client.get(f"/console/?{query}").get_data(as_text=True)

    for item in api["items"]:
        row = re.search(rf'<tr id="standard-{item["key"]}">(.*?)</tr>', page, re.S).group(1)
        assert f"{item['met']} of {item['total']}" in row, item["key"]
        achieved = "—" if item["achieved"] is None else f"{item['achieved']:.0%}"
        assert achieved in row, item["key"]
    punctuality = next(item for item in api["items"] if item["key"] == "punctuality")
    assert (punctuality["met"], punctuality["total"]) == (3, 4)  # the no-access call was on time
    assert page.count("<svg") >= len(api["items"]) + 2  # a trend per standard, no access, categories


def test_the_visit_page_shows_the_report_photos_concerns_and_standards(client, world, manager, now):
    visit = done(world.a, _days_ago(now, 2))
    photo = factories.attachment(visit, world.a.operative)
    factories.concern(visit, world.a.operative, description="Black mould behind the wardrobe")

    page = client.get(f"/console/visits/{visit.id}")
    body = text(page)

    assert page.status_code == 200
    assert "Cleaned up and left the home as found" in body and "Black mould behind the wardrobe" in body
    assert "Arrived within the booked window" in body and "✓ Met" in body
    assert f"/console/attachments/{photo.id}" in page.get_data(as_text=True)
    image = client.get(f"/console/attachments/{photo.id}")
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()
    pdf = client.get(f"/console/visits/{visit.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


# Acting on concerns and badges ---------------------------------------------------------------------


def test_acknowledging_a_concern_in_the_console_updates_it(client, world, manager):
    concern = factories.concern(world.a.visit, world.a.operative, category=ConcernCategory.DAMP_MOULD)
    assert "Damp and mould" in text(client.get("/console/queue"))

    response = post(client, f"/console/concerns/{concern.id}/acknowledge", note="Surveyor booked for Monday")

    assert response.status_code == 303
    db.session.refresh(concern)
    assert concern.acknowledged_by == manager.id and concern.acknowledge_note == "Surveyor booked for Monday"
    assert "Concern acknowledged." in text(client.get(response.headers["Location"]))


def test_resolving_needs_a_note_and_without_one_changes_nothing(client, world, manager):
    concern = factories.concern(world.a.visit, world.a.operative)

    refused = post(client, f"/console/concerns/{concern.id}/resolve", note="  ")
    db.session.refresh(concern)
    assert refused.status_code == 422 and concern.resolved_at is None

    resolved = post(client, f"/console/concerns/{concern.id}/resolve", note="Stair rail fixed")
    db.session.refresh(concern)
    assert resolved.status_code == 303 and concern.resolution_note == "Stair rail fixed"


def test_the_queue_puts_safeguarding_first(client, world, manager, now):
    factories.concern(world.a.visit, world.a.operative, due_at=now + timedelta(hours=1))
    factories.concern(
        world.a.visit, world.a.operative, category=ConcernCategory.SAFEGUARDING, due_at=now + timedelta(days=3)
    )

    body = text(client.get("/console/queue"))

    assert body.index("Safeguarding") < body.index("Property defect")


def test_another_organisations_concern_cannot_be_acknowledged(client, world, manager):
    concern = factories.concern(world.b.visit, world.b.operative)

    response = post(client, f"/console/concerns/{concern.id}/acknowledge")

    assert response.status_code == 404
    db.session.refresh(concern)
    assert concern.acknowledged_at is None


def test_a_badge_alert_is_listed_and_acknowledged(client, world):
    alert = factories.badge_alert(factories.badge(world.a.operative, status="revoked"))
    sign_in(client, world.a.contractor_manager)
    assert "A revoked badge was checked at a door." in text(client.get("/console/queue"))

    response = post(client, f"/console/badge-alerts/{alert.id}/acknowledge")

    assert response.status_code == 303
    db.session.refresh(alert)
    assert alert.acknowledged_by == world.a.contractor_manager.id


def test_a_contractor_admin_issues_suspends_and_revokes_badges(client, world):
    sign_in(client, world.a.contractor_admin)
    assert world.a.operative.name in text(client.get("/console/badges"))

    issued = post(client, "/console/badges", operative=str(world.a.operative.id), expires_on="")
    assert issued.status_code == 303
    [badge] = db.session.query(Badge).filter_by(user_id=world.a.operative.id).all()

    card = client.get(f"/console/badges/{badge.id}/card.pdf")
    assert card.status_code == 200 and card.data.startswith(b"%PDF")

    assert post(client, f"/console/badges/{badge.id}/suspend", reason="").status_code == 303
    db.session.refresh(badge)
    assert badge.status == BadgeStatus.SUSPENDED

    assert post(client, f"/console/badges/{badge.id}/revoke", reason="").status_code == 422
    assert post(client, f"/console/badges/{badge.id}/revoke", reason="Left the company").status_code == 303
    db.session.refresh(badge)
    assert (badge.status, badge.status_reason) == (BadgeStatus.REVOKED, "Left the company")
    assert "Print card" not in text(client.get("/console/badges"))  # a revoked badge has no card to print


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_only_the_contractors_own_admins_manage_its_badges(client, world, role):
    badge = factories.badge(world.a.operative)
    sign_in(client, world.a.contractor_manager if role == Role.MANAGER else world.a.landlord_admin)

    response = post(client, f"/console/badges/{badge.id}/revoke", reason="Not mine to revoke")

    assert response.status_code == 403
    db.session.refresh(badge)
    assert badge.status == BadgeStatus.ACTIVE


def test_acknowledging_from_the_visit_page_goes_back_to_it_and_never_off_the_console(client, world, manager):
    visit = world.a.visit
    first = factories.concern(visit, world.a.operative)
    second = factories.concern(visit, world.a.operative)

    here = post(client, f"/console/concerns/{first.id}/acknowledge", back=f"/console/visits/{visit.id}")
    away = post(client, f"/console/concerns/{second.id}/acknowledge", back="//evil.example/console/")

    assert here.headers["Location"] == f"/console/visits/{visit.id}"
    assert away.headers["Location"] == "/console/queue"


def test_the_session_cookie_is_secure_when_the_public_address_is_https(app):
    secure = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_BASE_URL": "https://verify.example.org"}
    )

    cookie = secure.test_client().get("/console/login").headers["Set-Cookie"]

    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in app.test_client().get("/console/login").headers["Set-Cookie"]  # http in the tests


@pytest.mark.parametrize(
    ("query", "status"),
    [("from=2026-12-01&to=2026-11-01", 422), ("from=0001-01-01&to=9999-12-31", 422), ("contract={b}", 404)],
)
def test_a_dashboard_range_or_contract_that_is_not_yours_is_a_clear_4xx(client, world, manager, query, status):
    response = client.get(f"/console/?{query.format(b=world.b.contract.id)}")

    assert response.status_code == status
    assert "Nothing was changed" in text(response)


def test_a_deadline_at_midnight_reads_as_the_end_of_the_day_before():
    from datetime import UTC, datetime

    from server.web.console.views import london

    assert london(datetime(2026, 12, 11, 0, 0, tzinfo=UTC), "deadline") == "by the end of Thu 10 Dec 2026"
    assert london(datetime(2026, 7, 10, 23, 0, tzinfo=UTC), "deadline") == "by the end of Fri 10 Jul 2026"  # BST
    assert london(datetime(2026, 12, 11, 9, 30, tzinfo=UTC), "deadline") == "Fri 11 Dec 2026, 09:30"
