"""Who sees what (DESIGN §3), as query filters. Another organisation's record is a 404."""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from server.errors import Forbidden, NotFound
from server.extensions import db
from server.models import Contract, Household, Organisation, OrganisationKind, Property, Role, User, Visit, VisitStatus
from server.models.base import utcnow


def is_platform_admin(user: User) -> bool:
    return user.role == Role.PLATFORM_ADMIN


def require_role(user: User, *roles: Role) -> None:
    """A role outside `roles` in the caller's own organisation gets 403."""
    if user.role not in roles:
        raise Forbidden(f"This needs the role {' or '.join(r.value for r in roles)}.")


def _contract_ids_for(user: User):
    if user.organisation_kind == OrganisationKind.LANDLORD:
        return sa.select(Contract.id).where(Contract.landlord_id == user.organisation_id)
    return sa.select(Contract.id).where(Contract.contractor_id == user.organisation_id)


def _assigned_horizon():
    return utcnow() - timedelta(days=current_app.config["SYNC_VISIT_DAYS_BACK"])


def visit_filter(user: User):
    if is_platform_admin(user):
        return sa.false()
    if user.role == Role.OPERATIVE:
        return Visit.operative_id == user.id
    return Visit.contract_id.in_(_contract_ids_for(user))


def contract_filter(user: User):
    if is_platform_admin(user):
        return sa.true()
    if user.organisation_kind == OrganisationKind.LANDLORD:
        return Contract.landlord_id == user.organisation_id
    return Contract.contractor_id == user.organisation_id


def property_filter(user: User):
    """Landlord staff see their stock; contractors the homes they visit; operatives while assigned."""
    if is_platform_admin(user):
        return sa.false()
    if user.organisation_kind == OrganisationKind.LANDLORD:
        return Property.landlord_id == user.organisation_id
    visits = sa.select(Visit.property_id).where(visit_filter(user))
    if user.role == Role.OPERATIVE:
        visits = visits.where(Visit.status != VisitStatus.CANCELLED, Visit.window_end >= _assigned_horizon())
    return Property.id.in_(visits)


def user_filter(user: User):
    if is_platform_admin(user):
        return sa.true()
    if user.role == Role.OPERATIVE:
        return User.id == user.id
    return User.organisation_id == user.organisation_id


def organisation_filter(user: User):
    """Your own organisation and those you hold contracts with."""
    if is_platform_admin(user):
        return sa.true()
    partners = sa.select(
        sa.case((Contract.landlord_id == user.organisation_id, Contract.contractor_id), else_=Contract.landlord_id)
    ).where(contract_filter(user))
    return sa.or_(Organisation.id == user.organisation_id, Organisation.id.in_(partners))


_FILTERS = {
    Visit: visit_filter,
    Contract: contract_filter,
    Property: property_filter,
    User: user_filter,
    Organisation: organisation_filter,
}


def visible(user: User, model) -> sa.Select:
    """A select of the records of `model` that `user` may see."""
    return sa.select(model).where(_FILTERS[model](user))


def get_visible(user: User, model, record_id: uuid.UUID):
    """Load one record the user may see, or raise NotFound (never confirming it exists)."""
    found = db.session.scalar(visible(user, model).where(model.id == record_id))
    if found is None:
        raise NotFound(f"No {model.__name__.lower()} with id {record_id}.")
    return found


def get_visible_household(user: User, household_id: uuid.UUID) -> Household:
    household = db.session.scalar(
        sa.select(Household).where(
            Household.id == household_id, Household.property_id.in_(sa.select(Property.id).where(property_filter(user)))
        )
    )
    if household is None:
        raise NotFound(f"No household with id {household_id}.")
    return household
