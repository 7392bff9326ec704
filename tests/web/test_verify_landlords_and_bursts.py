"""What the one-query badge check reads with the badge: the landlords it names, and the bursts it alerts."""

from datetime import timedelta

from server.extensions import db
from server.services import badges
from tests import factories

JSON = {"Accept": "application/json"}


def _landlords(client, badge) -> list[dict]:
    return client.get(f"/v/{badge.token}", headers=JSON).json["operative"]["landlords"]


def test_a_landlord_with_two_contracts_is_named_once_and_an_ended_contract_not_at_all(client, world):
    factories.contract(world.a.landlord, world.a.contractor)
    factories.contract(factories.landlord(), world.a.contractor, active=False)
    badge = factories.badge(world.a.operative)

    landlords = _landlords(client, badge)

    assert landlords == [{"name": world.a.landlord.name, "phone": world.a.landlord.phone_office}]


def test_landlords_are_named_in_alphabetical_order(client, world):
    later, earlier = factories.landlord(name="Zenith Homes"), factories.landlord(name="Abbey Housing")
    for landlord in (later, earlier):
        factories.contract(landlord, world.a.contractor)
    badge = factories.badge(world.a.operative)

    names = [landlord["name"] for landlord in _landlords(client, badge)]

    assert names == sorted(names) and {"Zenith Homes", "Abbey Housing"} <= set(names)


def test_a_contractor_without_contracts_still_has_its_badges_checked(client, world):
    operative = factories.user(factories.contractor())
    badge = factories.badge(operative)

    body = client.get(f"/v/{badge.token}", headers=JSON).json

    assert body["verdict"] == "genuine"
    assert body["operative"]["landlords"] == []


def test_a_burst_alert_acknowledged_mid_burst_is_raised_again(world, now):
    badge = factories.badge(world.a.operative)
    for n in range(badges.BURST_SCANS):
        badges.verify_token(badge.token, now + timedelta(seconds=n))
    (alert,) = db.session.scalars(db.select(badges.BadgeAlert)).all()

    alert.acknowledged_at = now + timedelta(seconds=30)
    db.session.flush()
    badges.verify_token(badge.token, now + timedelta(seconds=31))
    badges.verify_token(badge.token, now + timedelta(seconds=32))

    assert [a.kind for a in db.session.scalars(db.select(badges.BadgeAlert))] == ["burst", "burst"]


def test_scans_older_than_the_burst_window_do_not_make_a_burst(world, now):
    badge = factories.badge(world.a.operative)
    for n in range(badges.BURST_SCANS - 1):
        badges.verify_token(badge.token, now - badges.BURST_WINDOW - timedelta(seconds=n + 1))

    badges.verify_token(badge.token, now)

    assert db.session.scalars(db.select(badges.BadgeAlert)).all() == []
