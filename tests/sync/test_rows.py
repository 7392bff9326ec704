"""The feed's hand-built data (sync/rows.py) is exactly what the office schemas dump, for every entity it builds,
and a page's body is exactly what ChangesPageSchema and jsonify would write."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from server import encryption
from server.extensions import db
from server.models import Property, Visit, VisitKind, VisitStatus
from server.models.base import utcnow
from server.schemas.properties import HouseholdFeedSchema, PropertySchema
from server.schemas.sync import ChangesPageSchema
from server.schemas.visits import VisitSchema
from sync import feed
from tests import factories

# Each entity the feed builds from rows, and the office schema whose dump it must equal.
OFFICE_SCHEMAS = {"property": PropertySchema, "household": HouseholdFeedSchema, "visit": VisitSchema}
FROM_ROWS = [entity for entity in feed.ENTITIES if entity.rows is not None]


def test_every_entity_built_from_rows_is_compared_with_its_office_schema():
    assert {entity.name for entity in FROM_ROWS} == set(OFFICE_SCHEMAS)


@pytest.fixture
def varied(world):
    """Records with every optional field both set and empty: no household, no operative, every status."""
    side = world.a
    bare = Property(landlord_id=side.landlord.id, house="Flat 2", street="Mill Road", town="Ely", postcode="CB7 4AA")
    db.session.add(bare)
    db.session.flush()
    full = factories.home(
        side.landlord,
        household={
            "phone": "07700 900123",
            "email": "tenant@example.org",
            "preferred_language": "cy",
            "needs": ["large_print", "interpreter"],
            "lone_worker": True,
            "doorstep_password_encrypted": encryption.encrypt("bluebell"),
        },
        locality="Southgate",
    )
    now = utcnow()
    factories.visit(side.contract, bare, None, notes="Key with neighbour at 4")
    factories.visit(
        side.contract,
        full,
        side.operative,
        kind=VisitKind.PLANNED_WORKS,
        planned_works_notice_on=date(2026, 3, 2),
        status=VisitStatus.CANCELLED,
        cancel_reason="Tenant in hospital",
    )
    factories.visit(
        side.contract,
        full,
        side.operative,
        status=VisitStatus.COMPLETED,
        arrived_at=now - timedelta(hours=2),
        device_arrived_at=now - timedelta(hours=2, seconds=40),
        id_shown_at=now - timedelta(hours=2) + timedelta(minutes=1),
        device_id_shown_at=now - timedelta(hours=2),
        departed_at=now,
    )
    db.session.flush()
    return world


@pytest.mark.parametrize("entity", FROM_ROWS, ids=lambda e: e.name)
def test_the_data_built_from_rows_equals_the_office_schemas_dump(varied, entity):
    records = db.session.scalars(sa.select(entity.model).order_by(entity.model.id)).unique().all()
    rows = entity.fetch(entity.rows(sa.true()).order_by(entity.model.id))

    data = _data(entity, rows, varied.a.contractor_admin)
    built = [{"id": r.id, "data": d} for r, d in zip(rows, data, strict=True)]
    dumped = [{"id": r.id, "data": OFFICE_SCHEMAS[entity.name]().dump(r)} for r in records]

    assert len(records) >= 3
    assert built == dumped


def _data(entity, rows, actor):
    data = entity.dump(rows, actor, utcnow())
    if entity.name == "household":  # the feed adds the doorstep password, released on the visit day only
        return [{k: v for k, v in d.items() if k != "doorstep_password"} for d in data]
    return data


def test_the_fast_households_carry_the_feeds_doorstep_password_and_nothing_else(varied):
    entity = next(e for e in FROM_ROWS if e.name == "household")
    rows = entity.fetch(entity.rows(sa.true()))
    operative = varied.a.operative

    data = entity.dump(rows, operative, utcnow())

    assert all(set(d) == set(HouseholdFeedSchema().fields) | {"doorstep_password"} for d in data)
    assert all(d["doorstep_password"] is None for d in data)  # no visit today: nothing released


def test_a_pages_body_is_what_its_schema_and_jsonify_would_write(varied, now):
    for actor in (varied.a.operative, varied.a.contractor_admin, varied.a.landlord_manager):
        page = feed.pull(actor, None, 500, now)

        assert page.changes
        assert page.to_json() == current_app.json.response(ChangesPageSchema().dump(page)).get_data(as_text=True)


def test_a_visits_household_is_none_without_one_and_its_operative_none_unassigned(varied):
    entity = next(e for e in FROM_ROWS if e.name == "visit")
    rows = entity.fetch(entity.rows(Visit.operative_id.is_(None)))

    data = entity.dump(rows, None, None)

    assert data and all(d["operative"] is None and d["property"]["household"] is None for d in data)
