"""Every write a device may need to see leaves change rows in its own transaction, scoped to who may see it."""

from datetime import timedelta

import sqlalchemy as sa

from server.extensions import db
from server.models.base import utcnow
from server.models.changes import Change, Op, Scope
from server.services import contracts, properties, users, visits
from tests import factories


def _changes(entity: str | None = None) -> list[tuple]:
    query = sa.select(Change).order_by(Change.id)
    if entity:
        query = query.where(Change.entity == entity)
    return [
        (c.entity, c.entity_id, c.op, Scope(c.landlord_id, c.contractor_id, c.operative_id))
        for c in db.session.scalars(query)
    ]


def _book(side, operative):
    start = utcnow() + timedelta(hours=3)
    return visits.create_visit(
        dict(
            contract_id=side.contract.id,
            property_id=side.home.id,
            operative_id=operative.id,
            repair_reference="R-77",
            window_start=start,
            window_end=start + timedelta(hours=2),
        ),
        actor=side.contractor_manager,
    )


def test_booking_a_visit_records_it_and_the_home_for_the_contract_and_operative(world):
    side = world.a
    visit = _book(side, side.other_operative)

    scope = Scope(side.landlord.id, side.contractor.id, side.other_operative.id)
    assert _changes() == [
        ("visit", visit.id, Op.UPSERT, scope),
        ("property", side.home.id, Op.UPSERT, scope),
        ("household", side.home.household.id, Op.UPSERT, scope),
    ]


def test_reassigning_takes_the_visit_and_home_from_the_first_operative(world):
    side = world.a
    visit = _book(side, side.other_operative)
    side.visit.status = "cancelled"  # so no other visit of the first operative needs this home
    db.session.flush()
    first = side.other_operative
    db.session.execute(sa.delete(Change))

    visits.reassign_visit(visit.id, side.operative.id, actor=side.contractor_manager)

    new_scope = Scope(side.landlord.id, side.contractor.id, side.operative.id)
    lost = Scope(operative_id=first.id)
    assert _changes() == [
        ("visit", visit.id, Op.UPSERT, new_scope),
        ("visit", visit.id, Op.DELETE, lost),
        ("property", side.home.id, Op.DELETE, lost),
        ("household", side.home.household.id, Op.DELETE, lost),
        ("property", side.home.id, Op.UPSERT, new_scope),
        ("household", side.home.household.id, Op.UPSERT, new_scope),
    ]


def test_the_home_stays_with_an_operative_who_has_another_visit_there(world):
    side = world.a  # side.visit is the operative's, at the same home
    visit = _book(side, side.operative)
    db.session.execute(sa.delete(Change))

    visits.reassign_visit(visit.id, side.other_operative.id, actor=side.contractor_manager)

    lost = Scope(operative_id=side.operative.id)
    assert ("visit", visit.id, Op.DELETE, lost) in _changes()
    assert [c for c in _changes() if c[3] == lost and c[0] != "visit"] == []


def test_a_cancelled_visit_stays_on_the_tablet_but_the_household_goes(world):
    side = world.a
    visit = _book(side, side.other_operative)
    db.session.execute(sa.delete(Change))

    visits.cancel_visit(visit.id, "Tenant rebooked", actor=side.landlord_manager)

    scope = Scope(side.landlord.id, side.contractor.id, side.other_operative.id)
    lost = Scope(operative_id=side.other_operative.id)
    assert _changes() == [
        ("visit", visit.id, Op.UPSERT, scope),
        ("property", side.home.id, Op.DELETE, lost),
        ("household", side.home.household.id, Op.DELETE, lost),
    ]


def test_a_household_change_reaches_everyone_who_can_see_it(world):
    side = world.a
    household = side.home.household

    properties.update_household(household.id, {"needs": ["large_print"]}, actor=side.landlord_admin)

    assert _changes() == [
        ("household", household.id, Op.UPSERT, Scope(landlord_id=side.landlord.id)),
        ("household", household.id, Op.UPSERT, Scope(side.landlord.id, side.contractor.id, side.operative.id)),
    ]


def test_a_contract_change_reaches_both_organisations(world):
    side = world.a

    contracts.update_contract(side.contract.id, {"name": "Voids"}, actor=side.landlord_admin)

    assert _changes() == [("contract", side.contract.id, Op.UPSERT, Scope(side.landlord.id, side.contractor.id))]


def test_a_users_change_reaches_their_own_tablet(world, now):
    side = world.a

    users.update_user(side.operative.id, {"phone": "07700 900555"}, actor=side.operative, now=now)

    assert _changes() == [
        ("user", side.operative.id, Op.UPSERT, Scope(side.contractor.id, side.contractor.id, side.operative.id))
    ]


def test_each_change_carries_its_transactions_id_on_postgresql(world):
    _book(world.a, world.a.operative)
    db.session.flush()

    txids = set(db.session.scalars(sa.select(Change.txid)))

    if db.session.get_bind().dialect.name == "postgresql":
        assert txids == {db.session.scalar(sa.text("SELECT pg_current_xact_id()::text::bigint"))}
    else:
        assert txids == {None}  # SQLite's single writer: the row id is commit order


def test_a_refused_write_leaves_no_change(client, world, auth_headers):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/reschedule",
        json={"window_start": "2026-12-01T09:00:00Z", "window_end": "2026-12-01T11:00:00Z", "version": 99},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 409
    assert _changes() == []


def test_a_successful_request_commits_its_changes(client, world, auth_headers):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/cancel",
        json={"reason": "Duplicate"},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 200
    assert [c[0] for c in _changes()] == ["visit", "property", "household"]


def test_a_rolled_back_transaction_leaves_no_change_row(app, database_url):
    """On a connection of its own, so the rollback is the database's, not a savepoint's."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    engines, scene_session = db.engines, db.session
    shared, engines[None] = engines[None], engine
    db.session = db._make_scoped_session({})
    try:
        land, con = factories.landlord(), factories.contractor()
        contract = factories.contract(land, con)
        contracts.update_contract(contract.id, {"name": "Renamed"}, actor=factories.platform_admin())
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Change)) == 1
        db.session.rollback()
    finally:
        db.session.remove()
        db.session, engines[None] = scene_session, shared
    with engine.connect() as other:
        assert other.scalar(sa.select(sa.func.count()).select_from(Change)) == 0
    engine.dispose()
