"""Scans the contractor's managers must hear about: a refused badge at a door, or a burst of checks."""

from datetime import timedelta

import pytest

from server.extensions import db
from server.models.base import utcnow
from server.services import badges
from tests import factories

JSON = {"Accept": "application/json"}


def _alerts(client, headers, **query) -> list[tuple]:
    items = client.get("/api/v1/badge-alerts", query_string=query, headers=headers).json["items"]
    return [(a["kind"], a["badge_id"]) for a in items]


@pytest.mark.parametrize("status", ["revoked", "suspended"])
def test_a_refused_badge_checked_at_a_door_alerts_its_contractors_managers(client, world, auth_headers, status):
    badge = factories.badge(world.a.operative, status=status)

    client.get(f"/v/{badge.token}", headers=JSON)

    assert _alerts(client, auth_headers(world.a.contractor_manager)) == [(f"{status}_scan", str(badge.id))]
    assert _alerts(client, auth_headers(world.b.contractor_manager)) == []


def test_a_tenant_checking_twice_raises_one_alert(client, world, auth_headers):
    badge = factories.badge(world.a.operative, status="revoked")

    client.get(f"/v/{badge.token}", headers=JSON)
    client.get(f"/v/{badge.token}")  # the page, after the JSON

    assert len(_alerts(client, auth_headers(world.a.contractor_manager))) == 1


def test_an_acknowledged_alert_is_raised_again_by_the_next_scan(client, world, auth_headers):
    headers = auth_headers(world.a.contractor_manager)
    badge = factories.badge(world.a.operative, status="revoked")
    client.get(f"/v/{badge.token}", headers=JSON)
    first = client.get("/api/v1/badge-alerts", headers=headers).json["items"][0]

    acknowledged = client.post(f"/api/v1/badge-alerts/{first['id']}/acknowledge", headers=headers).json
    client.get(f"/v/{badge.token}", headers=JSON)

    assert acknowledged["acknowledged_by"] == str(world.a.contractor_manager.id)
    assert len(_alerts(client, headers)) == 2
    assert len(_alerts(client, headers, unacknowledged="true")) == 1


def test_an_open_alert_older_than_an_hour_does_not_hide_a_new_scan(world, now):
    badge = factories.badge(world.a.operative, status="revoked")
    factories.badge_alert(badge, raised_at=now - timedelta(hours=2))

    badges.verify_token(badge.token, now)

    kinds = [a.kind for a in db.session.scalars(db.select(badges.BadgeAlert))]
    assert kinds == ["revoked_scan", "revoked_scan"]


def test_a_burst_of_checks_of_a_genuine_badge_alerts_once(world):
    badge = factories.badge(world.a.operative)
    start = utcnow()

    verdicts = {badges.verify_token(badge.token, start + timedelta(seconds=n)).verdict for n in range(30)}

    kinds = [a.kind for a in db.session.scalars(db.select(badges.BadgeAlert))]
    assert verdicts == {badges.Verdict.GENUINE}
    assert kinds == ["burst"]


def test_a_code_read_out_to_the_office_is_logged_and_a_revoked_one_alerts(client, world, auth_headers):
    badge = factories.badge(world.a.operative, status="revoked")
    code = badges.display_short_code(badge.short_code)

    found = client.get(
        "/api/v1/badges", query_string={"short_code": code}, headers=auth_headers(world.a.landlord_manager)
    )

    scans = [(s.via, s.verdict.value) for s in db.session.scalars(db.select(badges.BadgeScan))]
    assert [b["verdict"] for b in found.json["items"]] == ["revoked"]
    assert scans == [("phone", "revoked")]
    assert _alerts(client, auth_headers(world.a.contractor_manager)) == [("revoked_scan", str(badge.id))]
