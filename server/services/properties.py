"""Homes and households, managed by the landlord's admins; the doorstep password kept encrypted.

A household's consent to messages about visits (`contact_channel`) is recorded with when, by whom and how
the tenant agreed; the tenant's own "stop" (the link in each message, `stop_messages`) holds until consent
is recorded again.
"""

import uuid
from datetime import datetime

import sqlalchemy as sa

import sync
from server import encryption
from server.errors import DomainError, Forbidden, NotFound
from server.extensions import db
from server.london_time import london_date
from server.models import (
    OPEN_STATUSES,
    Audience,
    Channel,
    Household,
    Message,
    MessageState,
    Organisation,
    OrganisationKind,
    Property,
    Role,
    User,
    Visit,
)
from server.services import audit, tenant_messages
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


def _check_reachable(household: Household, fields: dict) -> None:
    """The channel the household is to be messaged on has an address on it, once these fields are applied."""
    channel = fields.get("contact_channel", household.contact_channel)
    if channel == Channel.SMS and not fields.get("phone", household.phone):
        raise DomainError(
            "validation_failed", errors={"contact_channel": ["Texts need the tenant's phone number: add it too."]}
        )
    if channel == Channel.EMAIL and not fields.get("email", household.email):
        raise DomainError(
            "validation_failed", errors={"contact_channel": ["Emails need the tenant's email address: add it too."]}
        )


def _cancel_waiting(household: Household, reason: str) -> None:
    """The household's tenant messages not yet taken by the worker are not sent; the office sees why."""
    waiting = sa.update(Message).where(
        Message.household_id == household.id,
        Message.audience == Audience.TENANT,
        Message.state == MessageState.QUEUED,
    )
    db.session.execute(waiting.values(state=MessageState.CANCELLED, last_error=reason))


def _record_consent(household: Household, fields: dict, actor: User, now: datetime) -> None:
    """Keep the tenant's choice with when, by whom and how; a channel agreed to again lifts their stop."""
    if "contact_channel" not in fields:
        return
    withdrawn = household.contact_channel is not None and fields["contact_channel"] is None
    household.contact_channel = fields.pop("contact_channel")
    household.contact_consent_note = (fields.pop("contact_consent_note", None) or "").strip() or None
    household.contact_consent_at, household.contact_consent_by = now, actor.id
    if household.contact_channel is not None:
        household.messages_stopped_at = None
    if withdrawn:
        _cancel_waiting(household, "Not sent: the tenant no longer agrees to messages.")


def _apply_household(household: Household, fields: dict, actor: User, now: datetime) -> None:
    _check_reachable(household, fields)
    _record_consent(household, fields, actor, now)
    if "doorstep_password" in fields:
        password = fields.pop("doorstep_password")
        household.doorstep_password_encrypted = encryption.encrypt(password) if password else None
    for key, value in fields.items():
        setattr(household, key, value)


def create_household(fields: dict, actor: User, now: datetime) -> Household:
    _require_landlord_admin(actor)
    prop = db.session.scalar(visible(actor, Property).where(Property.id == fields.pop("property_id")))
    if prop is None:  # a body naming a record the actor cannot see: as if it did not exist
        raise DomainError("validation_failed", errors={"property_id": ["No property of yours with this id."]})
    if prop.household is not None:
        raise DomainError(
            "already_exists", errors={"property_id": ["This property already has a household; update it."]}
        )
    household = Household(property=prop)
    _apply_household(household, fields, actor, now)
    db.session.add(household)
    db.session.flush()
    sync.household_changed(household)
    return household


def update_household(household_id: uuid.UUID, fields: dict, actor: User, now: datetime) -> Household:
    household = get_visible_household(actor, household_id)
    _require_landlord_admin(actor)
    household.expect_version(fields.pop("version", None))
    _apply_household(household, fields, actor, now)
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


def household_to_stop(code: str) -> tuple[Household, Organisation]:
    """The household a "stop these messages" link is for, and its landlord; 404 for a code that is not one."""
    household = db.session.scalar(sa.select(Household).where(Household.stop_code == code))
    if household is None:
        raise NotFound("No household has this code.")
    return household, db.session.get(Organisation, household.property.landlord_id)


def stop_messages(code: str, now: datetime) -> tuple[Household, Organisation]:
    """The tenant's own "stop": no more messages about visits, and none of those still waiting goes."""
    household, landlord = household_to_stop(code)
    if household.messages_stopped_at is None:
        household.messages_stopped_at = now
    _cancel_waiting(household, tenant_messages.STOPPED)
    db.session.flush()
    return household, landlord
