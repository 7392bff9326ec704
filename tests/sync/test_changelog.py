"""Every write a device may need to see leaves change rows in its own transaction, scoped to who may see it."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server import create_app
from server.extensions import db
from server.models import ChecklistTemplate, Contract, Organisation, Role, User, Visit, VisitStatus
from server.models.base import utcnow
from server.models.changes import Change, Op, Scope
from server.services import badges, contracts, properties, users, visits
from tests import factories


def _mark() -> int:
    """The newest change row so far: what a test's action writes comes after it."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Change.id), 0)))


def _changes(after: int = 0) -> list[tuple]:
    """(entity, id, op, version, scope) of each change row after `after`, in the order written."""
    rows = db.session.scalars(sa.select(Change).where(Change.id > after).order_by(Change.id))
    return [
        (c.entity, c.entity_id, c.op, c.version, Scope(c.landlord_id, c.contractor_id, c.operative_id)) for c in rows
    ]


def _book(side, operative, **fields):
    start = utcnow() + timedelta(hours=3)
    booking = dict(
        contract_id=side.contract.id,
        property_id=side.home.id,
        operative_id=operative.id if operative else None,
        repair_reference="R-77",
        window_start=start,
        window_end=start + timedelta(hours=2),
    )
    return visits.create_visit({**booking, **fields}, actor=side.contractor_manager, now=utcnow())


def _field_scope(side, operative) -> Scope:
    return Scope(side.landlord.id, side.contractor.id, operative.id if operative else None)


def _home(side, scope: Scope, op: Op = Op.UPSERT) -> list[tuple]:
    household = side.home.household
    return [
        ("property", side.home.id, op, side.home.version, scope),
        ("household", household.id, op, household.version, scope),
    ]


# Booking, moving and cancelling visits (server/services/visits.py → sync.visit_changed)


def test_booking_a_visit_records_it_and_the_home_for_the_contract_and_operative(world):
    side = world.a

    visit = _book(side, side.other_operative)

    scope = _field_scope(side, side.other_operative)
    assert _changes() == [("visit", visit.id, Op.UPSERT, 1, scope), *_home(side, scope)]


def test_booking_an_unassigned_visit_shares_it_with_the_contract_staff_only(world):
    side = world.a

    visit = _book(side, None)

    scope = Scope(side.landlord.id, side.contractor.id)
    assert _changes() == [("visit", visit.id, Op.UPSERT, 1, scope), *_home(side, scope)]


def test_reassigning_takes_the_visit_and_home_from_the_first_operative(world):
    side = world.a
    first, second = side.other_operative, side.operative
    visit = _book(side, first)
    mark = _mark()

    visits.reassign_visit(visit.id, second.id, actor=side.contractor_manager)

    lost = Scope(operative_id=first.id)
    assert _changes(mark) == [
        ("visit", visit.id, Op.UPSERT, 2, _field_scope(side, second)),
        ("visit", visit.id, Op.DELETE, 2, lost),
        *_home(side, lost, Op.DELETE),
        *_home(side, _field_scope(side, second)),
    ]


def test_the_home_stays_with_an_operative_who_has_another_visit_there(world):
    side = world.a  # side.visit is side.operative's, at the same home
    visit = _book(side, side.operative)
    mark = _mark()

    visits.reassign_visit(visit.id, side.other_operative.id, actor=side.contractor_manager)

    lost = Scope(operative_id=side.operative.id)
    assert [c[:3] for c in _changes(mark) if c[4] == lost] == [("visit", visit.id, Op.DELETE)]


def test_assigning_an_unassigned_visit_gives_the_operative_the_home(world):
    side = world.a
    visit = _book(side, None)
    mark = _mark()

    visits.reassign_visit(visit.id, side.other_operative.id, actor=side.contractor_manager)

    scope = _field_scope(side, side.other_operative)
    assert _changes(mark) == [("visit", visit.id, Op.UPSERT, 2, scope), *_home(side, scope)]


def test_unassigning_a_visit_takes_it_and_the_home_from_the_operative(world):
    side = world.a
    visit = _book(side, side.other_operative)
    mark = _mark()

    visits.reassign_visit(visit.id, None, actor=side.contractor_manager)

    lost = Scope(operative_id=side.other_operative.id)
    staff = Scope(side.landlord.id, side.contractor.id)
    assert _changes(mark) == [
        ("visit", visit.id, Op.UPSERT, 2, staff),
        ("visit", visit.id, Op.DELETE, 2, lost),
        *_home(side, lost, Op.DELETE),
        *_home(side, staff),
    ]


def test_rescheduling_records_the_visit_alone(world):
    side = world.a
    visit = side.visit
    start = visit.window_start + timedelta(days=1)

    visits.reschedule_visit(visit.id, start, start + timedelta(hours=2), actor=side.contractor_manager, now=utcnow())

    assert _changes() == [("visit", visit.id, Op.UPSERT, 2, _field_scope(side, side.operative))]


def test_a_cancelled_visit_stays_on_the_tablet_but_the_household_goes(world):
    side = world.a
    visit = _book(side, side.other_operative)
    mark = _mark()

    visits.cancel_visit(visit.id, "Tenant rebooked", actor=side.landlord_manager, now=utcnow())

    lost = Scope(operative_id=side.other_operative.id)
    assert db.session.get(Visit, visit.id).status == VisitStatus.CANCELLED
    assert _changes(mark) == [
        ("visit", visit.id, Op.UPSERT, 2, _field_scope(side, side.other_operative)),
        *_home(side, lost, Op.DELETE),
    ]


def test_cancelling_keeps_the_home_for_an_operative_with_another_visit_there(world):
    side = world.a
    visit = _book(side, side.operative)  # side.visit is theirs too, at the same home
    mark = _mark()

    visits.cancel_visit(visit.id, "Booked twice", actor=side.contractor_manager, now=utcnow())

    assert _changes(mark) == [("visit", visit.id, Op.UPSERT, 2, _field_scope(side, side.operative))]


# Homes, households, users and contracts


def test_a_new_property_is_shared_with_its_landlord(world):
    side = world.a

    prop = properties.create_property(
        dict(house="7", street="Mill Road", town="Bury St Edmunds", postcode="IP33 3AA"), actor=side.landlord_admin
    )

    assert _changes() == [("property", prop.id, Op.UPSERT, 1, Scope(landlord_id=side.landlord.id))]


def test_a_household_change_reaches_everyone_who_can_see_it(world):
    side = world.a
    household = side.home.household
    second = factories.contractor()  # a second contractor visits the same home
    other = factories.contract(side.landlord, second)
    their_operative = factories.user(second, Role.OPERATIVE)
    factories.visit(other, side.home, their_operative)
    gone = factories.visit(side.contract, side.home, side.other_operative, status=VisitStatus.CANCELLED)
    long_ago = utcnow() - timedelta(days=30)  # beyond the sync horizon: that tablet no longer holds the home
    past = factories.visit(
        side.contract,
        side.home,
        factories.user(side.contractor),
        window_start=long_ago,
        window_end=long_ago + timedelta(hours=2),
    )

    properties.update_household(household.id, {"needs": ["large_print"]}, actor=side.landlord_admin, now=utcnow())

    assert {c[4].operative_id for c in _changes()}.isdisjoint({gone.operative_id, past.operative_id})
    assert sorted(_changes(), key=str) == sorted(
        [
            ("household", household.id, Op.UPSERT, 2, Scope(landlord_id=side.landlord.id)),
            ("household", household.id, Op.UPSERT, 2, _field_scope(side, side.operative)),
            ("household", household.id, Op.UPSERT, 2, Scope(side.landlord.id, second.id, their_operative.id)),
        ],
        key=str,
    )


def test_a_contract_change_reaches_both_organisations(world):
    side = world.a

    contracts.update_contract(side.contract.id, {"name": "Voids"}, actor=side.landlord_admin)

    assert _changes() == [("contract", side.contract.id, Op.UPSERT, 2, Scope(side.landlord.id, side.contractor.id))]


def test_an_operatives_change_reaches_their_own_tablet(world, now):
    side = world.a

    users.update_user(side.operative.id, {"phone": "07700 900555"}, actor=side.operative, now=now)

    scope = Scope(side.contractor.id, side.contractor.id, side.operative.id)
    assert _changes() == [("user", side.operative.id, Op.UPSERT, 2, scope)]


def test_a_managers_change_reaches_their_organisation(world, now):
    side = world.a

    users.update_user(side.landlord_manager.id, {"name": "Mark O."}, actor=side.landlord_admin, now=now)

    scope = Scope(side.landlord.id, side.landlord.id)
    assert _changes() == [("user", side.landlord_manager.id, Op.UPSERT, 2, scope)]


def test_a_badge_and_each_change_to_it_reach_its_holders_tablet(world, now):
    side = world.a
    holder = Scope(contractor_id=side.contractor.id, operative_id=side.operative.id)

    badge = badges.issue(side.operative.id, None, actor=side.contractor_admin, now=now)
    badges.suspend(badge.id, "Lost", actor=side.contractor_admin, now=now)
    badges.revoke(badge.id, "Lost for good", actor=side.contractor_admin, now=now)

    assert _changes() == [("badge", badge.id, Op.UPSERT, version, holder) for version in (1, 2, 3)]


# The transaction id that orders the feed (DESIGN §4)


def test_each_change_carries_its_transactions_id_on_postgresql_and_none_on_sqlite(world):
    _book(world.a, world.a.operative)

    txids = set(db.session.scalars(sa.select(Change.txid)))

    if db.session.get_bind().dialect.name == "postgresql":
        assert txids == {db.session.scalar(sa.text("SELECT pg_current_xact_id()::text::bigint"))}
    else:
        assert txids == {None}  # SQLite's single writer: the row id is commit order


# Through HTTP: the unit of work commits a request's change rows with it, or none of them


def test_a_write_refused_for_a_stale_version_leaves_no_change(client, world, auth_headers):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/reschedule",
        json={"window_start": "2026-12-01T09:00:00Z", "window_end": "2026-12-01T11:00:00Z", "version": 99},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 409
    assert _changes() == []


def test_a_write_refused_as_invalid_leaves_no_change(client, world, auth_headers):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/reassign",
        json={"operative_id": str(world.b.operative.id)},  # another contractor's operative
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 422
    assert _changes() == []
    assert db.session.get(Visit, world.a.visit.id).operative_id == world.a.operative.id


@pytest.fixture
def rival_commits_first():
    """Arm a race: at the request's commit, another writer has just stored a visit with the same id."""
    armed = []

    def arm(visit_id: uuid.UUID, side) -> None:
        def insert_the_same_visit(session):
            start = utcnow() + timedelta(days=1)
            session.execute(
                sa.insert(Visit).values(
                    id=visit_id,
                    contract_id=side.contract.id,
                    property_id=side.home.id,
                    repair_reference="R-rival",
                    window_start=start,
                    window_end=start + timedelta(hours=2),
                )
            )

        sa.event.listen(db.session, "before_commit", insert_the_same_visit, once=True)
        armed.append(insert_the_same_visit)

    yield arm
    for hook in armed:
        if sa.event.contains(db.session, "before_commit", hook):
            sa.event.remove(db.session, "before_commit", hook)


def test_a_write_that_fails_at_commit_after_the_service_wrote_leaves_no_change(
    client, world, auth_headers, rival_commits_first
):
    visit_id = uuid.uuid4()
    headers = auth_headers(world.a.contractor_manager)
    rival_commits_first(visit_id, world.a)

    response = client.post(
        "/api/v1/visits",
        json={
            "id": str(visit_id),
            "contract_id": str(world.a.contract.id),
            "property_id": str(world.a.home.id),
            "operative_id": str(world.a.operative.id),
            "repair_reference": "R-1",
            "window_start": "2026-12-01T09:00:00Z",
            "window_end": "2026-12-01T11:00:00Z",
        },
        headers=headers,
    )

    assert response.status_code == 409
    assert "at the same time" in response.json["detail"]  # the unit of work's commit lost, not the service's check
    assert _changes() == []
    assert db.session.get(Visit, visit_id) is None


def test_a_successful_request_commits_its_changes(client, world, auth_headers):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/cancel",
        json={"reason": "Duplicate"},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 200
    assert [(c[0], c[2]) for c in _changes()] == [
        ("visit", Op.UPSERT),
        ("property", Op.DELETE),
        ("household", Op.DELETE),
    ]


# For real: transactions of their own on the test database, not the shared rolled-back one


@pytest.fixture(scope="module")
def own_app(app, database_url):
    """A second app on the same database, whose sessions commit and roll back for real."""
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "LOG_JSON": False})
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def committed_contract(own_app):
    """A contract, its organisations and a platform admin, committed; removed afterwards with their change rows."""
    with own_app.app_context():
        agreement = factories.contract(factories.landlord(), factories.contractor())
        admin = factories.platform_admin()
        ids = (agreement.id, agreement.landlord_id, agreement.contractor_id, admin.id)
        db.session.commit()
    yield ids[0], ids[3]
    contract_id, landlord_id, contractor_id, admin_id = ids
    with own_app.app_context():
        db.session.execute(sa.delete(Change).where(Change.entity_id == contract_id))
        db.session.execute(sa.delete(ChecklistTemplate).where(ChecklistTemplate.contract_id == contract_id))
        db.session.execute(sa.delete(Contract).where(Contract.id == contract_id))
        db.session.execute(sa.delete(User).where(User.id == admin_id))
        db.session.execute(sa.delete(Organisation).where(Organisation.id.in_([landlord_id, contractor_id])))
        db.session.commit()


def _committed_changes(own_app, entity_id: uuid.UUID) -> list[tuple]:
    """What another connection sees of an entity's change rows: (op, version, txid)."""
    with own_app.app_context(), db.engine.connect() as other:
        query = sa.select(Change.op, Change.version, Change.txid).where(Change.entity_id == entity_id)
        return [tuple(row) for row in other.execute(query.order_by(Change.id))]


def test_a_rolled_back_write_leaves_no_change_row(own_app, committed_contract):
    contract_id, admin_id = committed_contract
    with own_app.app_context():
        contracts.update_contract(contract_id, {"name": "Renamed"}, actor=db.session.get(User, admin_id))
        db.session.flush()
        assert db.session.scalar(sa.select(sa.func.count()).where(Change.entity_id == contract_id)) == 1
        db.session.rollback()

    assert _committed_changes(own_app, contract_id) == []


def test_a_committed_write_leaves_its_change_row_stamped_with_its_transaction(own_app, committed_contract):
    contract_id, admin_id = committed_contract
    with own_app.app_context():
        contracts.update_contract(contract_id, {"name": "Renamed"}, actor=db.session.get(User, admin_id))
        postgres = db.session.get_bind().dialect.name == "postgresql"
        txid = db.session.scalar(sa.text("SELECT pg_current_xact_id()::text::bigint")) if postgres else None
        db.session.commit()

    assert _committed_changes(own_app, contract_id) == [(Op.UPSERT, 2, txid)]
