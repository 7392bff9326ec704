"""The feed's bulky entities (property, household, visit) as plain rows, and their data built by hand.

A first sync is tens of thousands of these: loading each as ORM objects and dumping it through
marshmallow cost several times the rest of the pull. The dicts here are exactly what the office
schemas (PropertySchema, HouseholdSchema, VisitSchema) dump; tests/sync/test_rows.py compares the
two for every one of these entities, so a field added to a schema and not here fails a test.
"""

import sqlalchemy as sa

from server.models import Household, Property, User, Visit

_properties, _households, _visits, _users = Property.__table__, Household.__table__, Visit.__table__, User.__table__

_ADDRESS = ("id", "uprn", "house", "street", "locality", "town", "postcode")
_HOUSEHOLD_AT_THE_DOOR = ("id", "tenant_name", "phone", "preferred_language", "needs", "lone_worker")


def _iso(value):
    return None if value is None else value.isoformat()


def _text(value):
    return None if value is None else str(value)


def _needs(value):
    return None if value is None else [str(need) for need in value]


# Property: the address, its landlord, and which household lives there.


def property_rows(where) -> sa.Select:
    return (
        sa.select(_properties, _households.c.id.label("household_id"))
        .select_from(_properties.outerjoin(_households, _households.c.property_id == _properties.c.id))
        .where(where)
    )


def property_data(row) -> dict:
    return {
        "id": str(row.id),
        "uprn": _text(row.uprn),
        "house": _text(row.house),
        "street": _text(row.street),
        "locality": _text(row.locality),
        "town": _text(row.town),
        "postcode": _text(row.postcode),
        "landlord_id": _text(row.landlord_id),
        "version": row.version,
        "household_id": _text(row.household_id),
    }


# Household: who lives there (the doorstep password is the feed's to add: it is released, and logged).


def household_rows(where) -> sa.Select:
    return sa.select(_households).where(where)


def household_data(row) -> dict:
    return {
        "id": str(row.id),
        "property_id": _text(row.property_id),
        "tenant_name": _text(row.tenant_name),
        "phone": _text(row.phone),
        "email": _text(row.email),
        "preferred_language": _text(row.preferred_language),
        "needs": _needs(row.needs),
        "lone_worker": row.lone_worker,
        "has_doorstep_password": row.doorstep_password_encrypted is not None,
        "version": row.version,
    }


# Visit: with its home (address and what the operative needs at the door) and its operative's name.

_VISIT_HOME = [_properties.c[name].label(f"p_{name}") for name in _ADDRESS] + [
    _households.c[name].label(f"h_{name}") for name in (*_HOUSEHOLD_AT_THE_DOOR, "doorstep_password_encrypted")
]


def visit_rows(where) -> sa.Select:
    return (
        sa.select(_visits, *_VISIT_HOME, _users.c.name.label("operative_name"))
        .select_from(
            _visits.join(_properties, _properties.c.id == _visits.c.property_id)
            .outerjoin(_households, _households.c.property_id == _properties.c.id)
            .outerjoin(_users, _users.c.id == _visits.c.operative_id)
        )
        .where(where)
    )


def _visit_home(row) -> dict:
    household = None
    if row.h_id is not None:
        household = {
            "id": str(row.h_id),
            "tenant_name": _text(row.h_tenant_name),
            "phone": _text(row.h_phone),
            "preferred_language": _text(row.h_preferred_language),
            "needs": _needs(row.h_needs),
            "lone_worker": row.h_lone_worker,
            "has_doorstep_password": row.h_doorstep_password_encrypted is not None,
        }
    return {
        "id": str(row.p_id),
        "uprn": _text(row.p_uprn),
        "house": _text(row.p_house),
        "street": _text(row.p_street),
        "locality": _text(row.p_locality),
        "town": _text(row.p_town),
        "postcode": _text(row.p_postcode),
        "household": household,
    }


def visit_data(row) -> dict:
    operative = None
    if row.operative_id is not None:
        operative = {"id": str(row.operative_id), "name": _text(row.operative_name)}
    return {
        "id": str(row.id),
        "contract_id": _text(row.contract_id),
        "property": _visit_home(row),
        "operative": operative,
        "repair_reference": _text(row.repair_reference),
        "kind": row.kind.value,
        "window_start": _iso(row.window_start),
        "window_end": _iso(row.window_end),
        "planned_works_notice_on": _iso(row.planned_works_notice_on),
        "status": row.status.value,
        "arrived_at": _iso(row.arrived_at),
        "device_arrived_at": _iso(row.device_arrived_at),
        "id_shown_at": _iso(row.id_shown_at),
        "device_id_shown_at": _iso(row.device_id_shown_at),
        "departed_at": _iso(row.departed_at),
        "missed_at": _iso(row.missed_at),
        "cancel_reason": _text(row.cancel_reason),
        "notes": _text(row.notes),
        "version": row.version,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }
