"""Homes and households, managed by the landlord's admins; the doorstep password kept encrypted."""

import uuid
from datetime import datetime

import sqlalchemy as sa

import sync
from server import encryption
from server.errors import DomainError, Forbidden
from server.extensions import db
from server.london_time import london_date
from server.models import OPEN_STATUSES, Household, OrganisationKind, Property, Role, User, Visit
from server.services import audit
from server.services.access import get_visible, get_visible_household, require_role, visible
from server.services.pages import Page, paginate


def _require_landlord_admin(actor: User) -> None:
    require_role(actor, Role.ADMIN)
    if actor.organisation_kind != OrganisationKind.LANDLORD:
        raise Forbidden("Homes and households are managed by the landlord's admins.")


def _check_uprn_free(uprn: str | None, exclude: uuid.UUID | None = None) -> None:
    if not uprn:
        return
    query = sa.select(Property.id).where(Property.uprn == uprn)
    if exclude:
        query = query.where(Property.id != exclude)
    if db.session.scalar(query):
        raise DomainError("already_exists", errors={"uprn": ["Another property has this UPRN."]})


def list_properties(actor: User, postcode: str | None, page: int, per_page: int) -> Page:
    query = visible(actor, Property)
    if postcode:
        query = query.where(Property.postcode == postcode)
    return paginate(query.order_by(Property.postcode, Property.house, Property.id), page, per_page)


def create_property(fields: dict, actor: User) -> Property:
    _require_landlord_admin(actor)
    _check_uprn_free(fields.get("uprn"))
    prop = Property(landlord_id=actor.organisation_id, **fields)
    db.session.add(prop)
    db.session.flush()
    sync.property_changed(prop)
    return prop


def update_property(property_id: uuid.UUID, fields: dict, actor: User) -> Property:
    prop = get_visible(actor, Property, property_id)
    _require_landlord_admin(actor)
    prop.expect_version(fields.pop("version", None))
    _check_uprn_free(fields.get("uprn"), exclude=prop.id)
    prop.apply(fields)
    db.session.flush()
    sync.property_changed(prop)
    return prop


def _apply_household(household: Household, fields: dict) -> None:
    if "doorstep_password" in fields:
        password = fields.pop("doorstep_password")
        household.doorstep_password_encrypted = encryption.encrypt(password) if password else None
    for key, value in fields.items():
        setattr(household, key, value)


def create_household(fields: dict, actor: User) -> Household:
    _require_landlord_admin(actor)
    prop = db.session.scalar(visible(actor, Property).where(Property.id == fields.pop("property_id")))
    if prop is None:  # a body naming a record the actor cannot see: as if it did not exist
        raise DomainError("validation_failed", errors={"property_id": ["No property of yours with this id."]})
    if prop.household is not None:
        raise DomainError(
            "already_exists", errors={"property_id": ["This property already has a household; update it."]}
        )
    household = Household(property=prop)
    _apply_household(household, fields)
    db.session.add(household)
    db.session.flush()
    sync.household_changed(household)
    return household


def update_household(household_id: uuid.UUID, fields: dict, actor: User) -> Household:
    household = get_visible_household(actor, household_id)
    _require_landlord_admin(actor)
    household.expect_version(fields.pop("version", None))
    _apply_household(household, fields)
    household.bump()
    db.session.flush()
    sync.household_changed(household)
    return household


def release_doorstep_password(visit_id: uuid.UUID, actor: User, now: datetime) -> str | None:
    """Give the assigned operative the household's doorstep password on the visit day, and log it."""
    visit = get_visible(actor, Visit, visit_id)
    if visit.operative_id != actor.id:
        raise Forbidden("Only the operative assigned to this visit can see the doorstep password.")
    if visit.status not in OPEN_STATUSES or london_date(visit.window_start) != london_date(now):
        raise Forbidden("The doorstep password is released only on the day of an open visit.")
    household = visit.property.household
    if household is None or household.doorstep_password_encrypted is None:
        return None
    audit.log_read(actor, "household", household.id, "doorstep_password", f"visit {visit.id}", now)
    return encryption.decrypt(household.doorstep_password_encrypted)
