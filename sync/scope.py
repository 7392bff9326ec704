"""Which scopes a record belongs to, and the changes that follow when a visit moves between them."""

import uuid
from datetime import timedelta

from flask import current_app

from server.extensions import db
from server.models.badges import Badge
from server.models.base import utcnow
from server.models.changes import Op, Scope
from server.models.contracts import Contract
from server.models.properties import Household, Property
from server.models.users import Role, User
from server.models.visits import Visit, VisitStatus
from sync.changelog import record


def _horizon():
    return utcnow() - timedelta(days=current_app.config["SYNC_VISIT_DAYS_BACK"])


def _visit_scope(visit: Visit) -> Scope:
    contract = visit.contract or db.session.get(Contract, visit.contract_id)
    return Scope(contract.landlord_id, contract.contractor_id, visit.operative_id)


def _visits_needing(property_id: uuid.UUID, exclude: uuid.UUID | None = None):
    """The visits in device scope that need this property's details on a tablet."""
    query = db.select(Visit).where(
        Visit.property_id == property_id,
        Visit.status != VisitStatus.CANCELLED,
        Visit.window_end >= _horizon(),
    )
    if exclude is not None:
        query = query.where(Visit.id != exclude)
    return db.session.scalars(query).all()


def property_scopes(prop: Property) -> list[Scope]:
    return [Scope(landlord_id=prop.landlord_id)] + [_visit_scope(v) for v in _visits_needing(prop.id)]


def _record_home(prop: Property, scopes, op: Op = Op.UPSERT) -> None:
    record("property", prop.id, prop.version, scopes, op)
    if prop.household is not None:
        record("household", prop.household.id, prop.household.version, scopes, op)


def property_changed(prop: Property) -> None:
    record("property", prop.id, prop.version, property_scopes(prop))


def household_changed(household: Household, op: Op = Op.UPSERT) -> None:
    prop = household.property or db.session.get(Property, household.property_id)
    record("household", household.id, household.version, property_scopes(prop), op)


def contract_changed(contract: Contract) -> None:
    record("contract", contract.id, contract.version, [Scope(contract.landlord_id, contract.contractor_id)])


def user_changed(user: User) -> None:
    """An operative's own record reaches their tablet; staff see their organisation's users."""
    if user.organisation_id is None:
        return
    operative = user.id if user.role == Role.OPERATIVE else None
    record("user", user.id, user.version, [Scope(user.organisation_id, user.organisation_id, operative)])


def badge_changed(badge: Badge) -> None:
    """A badge reaches its holder's tablet (with the live secret it carries) and the contractor's staff."""
    holder = badge.user or db.session.get(User, badge.user_id)
    record("badge", badge.id, badge.version, [Scope(contractor_id=holder.organisation_id, operative_id=holder.id)])


def visit_changed(visit: Visit, previous_operative_id: uuid.UUID | None = None, *, reassigned: bool = False) -> None:
    """Record a visit's change, and what its old and new operative gain or lose with it.

    A reassignment says so (`reassigned=True`) and names the operative the visit had, None if it had none:
    the new operative needs the home even though the visit is not new.
    """
    db.session.flush()
    scope = _visit_scope(visit)
    record("visit", visit.id, visit.version, [scope])
    prop = visit.property or db.session.get(Property, visit.property_id)

    lost = reassigned and previous_operative_id is not None
    if lost:
        record("visit", visit.id, visit.version, [Scope(operative_id=previous_operative_id)], Op.DELETE)
    losers = {previous_operative_id} if lost else set()
    if visit.status == VisitStatus.CANCELLED and visit.operative_id is not None:
        losers.add(visit.operative_id)
    if losers:  # most changes (an arrival, a report) lose nobody the home: no need to look for its other visits
        others = _visits_needing(prop.id, exclude=visit.id)
        for operative_id in losers - {v.operative_id for v in others}:
            _record_home(prop, [Scope(operative_id=operative_id)], Op.DELETE)

    if visit.status != VisitStatus.CANCELLED and (reassigned or visit.version == 1):
        _record_home(prop, [scope])
    db.session.flush()  # the change rows are written with the visit, as when the lookup above always ran


def checklist_template_changed(template, contract: Contract) -> None:
    record("checklist_template", template.id, template.version, [Scope(contract.landlord_id, contract.contractor_id)])


def visit_record_changed(entity: str, record_id: uuid.UUID, version: int, visit: Visit) -> None:
    """A record that belongs to a visit (report, concern, no-access attempt) goes where the visit goes."""
    record(entity, record_id, version, [_visit_scope(visit)])
