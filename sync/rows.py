"""The feed's bulky entities (property, household, visit) as plain rows, and their data built by hand.

A first sync is tens of thousands of these: loading each as ORM objects and dumping it through
marshmallow cost several times the rest of the pull. The dicts here are exactly what the office
schemas (PropertySchema, HouseholdFeedSchema, VisitSchema) dump; tests/sync/test_rows.py compares the
two for every one of these entities, so a field added to a schema and not here fails a test.
"""

import functools
import json

import sqlalchemy as sa

from server.models import Household, Property, User, Visit

_properties, _households, _visits, _users = Property.__table__, Household.__table__, Visit.__table__, User.__table__

_ADDRESS = ("id", "uprn", "house", "street", "locality", "town", "postcode")
_HOUSEHOLD_AT_THE_DOOR = ("id", "tenant_name", "phone", "preferred_language", "needs", "lone_worker")


def _iso(value):
    return None if value is None else value.isoformat()


def _uuid(value):
    """As fields.UUID dumps it. String columns need nothing: they come back as str or None, as String dumps them."""
    return None if value is None else str(value)


def _needs(text: str | None) -> list[str] | None:
    needs = None if text is None else _parsed_needs(text)
    return None if needs is None else list(needs)


@functools.lru_cache(maxsize=1024)
def _parsed_needs(text: str) -> tuple[str, ...] | None:
    """The needs column's JSON text, parsed once: most households share a handful of values."""
    needs = json.loads(text)
    return None if needs is None else tuple(str(need) for need in needs)


def _needs_text(table: sa.Table):
    return sa.cast(table.c.needs, sa.Text)


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
        "uprn": row.uprn,
        "house": row.house,
        "street": row.street,
        "locality": row.locality,
        "town": row.town,
        "postcode": row.postcode,
        "landlord_id": _uuid(row.landlord_id),
        "version": row.version,
        "household_id": _uuid(row.household_id),
    }


# Household: who lives there (the doorstep password is the feed's to add: it is released, and logged).


def household_rows(where) -> sa.Select:
    columns = [column for column in _households.c if column.key != "needs"]
    return sa.select(*columns, _needs_text(_households).label("needs")).where(where)


def household_data(row) -> dict:
    return {
        "id": str(row.id),
        "property_id": _uuid(row.property_id),
        "tenant_name": row.tenant_name,
        "phone": row.phone,
        "email": row.email,
        "preferred_language": row.preferred_language,
        "needs": _needs(row.needs),
        "lone_worker": row.lone_worker,
        "has_doorstep_password": row.doorstep_password_encrypted is not None,
        "version": row.version,
    }


# Visit: with its home (address and what the operative needs at the door) and its operative's name.

_VISIT_HOME = [
    *(_properties.c[name].label(f"p_{name}") for name in _ADDRESS),
    *(_households.c[name].label(f"h_{name}") for name in _HOUSEHOLD_AT_THE_DOOR if name != "needs"),
    _needs_text(_households).label("h_needs"),
    _households.c.doorstep_password_encrypted.label("h_doorstep_password_encrypted"),
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
            "tenant_name": row.h_tenant_name,
            "phone": row.h_phone,
            "preferred_language": row.h_preferred_language,
            "needs": _needs(row.h_needs),
            "lone_worker": row.h_lone_worker,
            "has_doorstep_password": row.h_doorstep_password_encrypted is not None,
        }
    return {
        "id": str(row.p_id),
        "uprn": row.p_uprn,
        "house": row.p_house,
        "street": row.p_street,
        "locality": row.p_locality,
        "town": row.p_town,
        "postcode": row.p_postcode,
        "household": household,
    }


def visit_data(row) -> dict:
    operative = None
    if row.operative_id is not None:
        operative = {"id": str(row.operative_id), "name": row.operative_name}
    return {
        "id": str(row.id),
        "contract_id": _uuid(row.contract_id),
        "property": _visit_home(row),
        "operative": operative,
        "repair_reference": row.repair_reference,
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
        "expected_arrival_at": _iso(row.expected_arrival_at),
        "cancel_reason": row.cancel_reason,
        "cancelled_by_tenant": row.cancelled_by_tenant,
        "notes": row.notes,
        "version": row.version,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }
