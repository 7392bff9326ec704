"""Contracts between a landlord and a contractor, and their service standards."""

import uuid

import sqlalchemy as sa
from marshmallow import ValidationError

import sync
from server.errors import DomainError
from server.extensions import db
from server.models import Contract, Organisation, OrganisationKind, Role, User
from server.schemas.standards import validated_standards
from server.services import checklists
from server.services.access import get_visible, is_platform_admin, require_role, visible
from server.services.pages import Page, paginate


def _standards(data: dict | None, base: dict | None = None) -> dict:
    try:
        return validated_standards({**(base or {}), **(data or {})})
    except ValidationError as exc:
        raise DomainError(
            "validation_failed", "Some service standards are not valid.", errors={"standards": exc.messages}
        ) from exc


def _organisation(organisation_id: uuid.UUID, kind: OrganisationKind, field: str) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind != kind:
        raise DomainError("validation_failed", errors={field: [f"No {kind.value} with this id."]})
    return organisation


def list_contracts(actor: User, page: int, per_page: int) -> Page:
    return paginate(visible(actor, Contract).order_by(Contract.reference, Contract.id), page, per_page)


def create_contract(fields: dict, actor: User) -> Contract:
    require_role(actor, Role.PLATFORM_ADMIN)
    landlord = _organisation(fields["landlord_id"], OrganisationKind.LANDLORD, "landlord_id")
    _organisation(fields["contractor_id"], OrganisationKind.CONTRACTOR, "contractor_id")
    taken = sa.select(Contract.id).where(Contract.landlord_id == landlord.id, Contract.reference == fields["reference"])
    if db.session.scalar(taken):
        raise DomainError(
            "already_exists", errors={"reference": ["This landlord already has a contract with this reference."]}
        )
    contract = Contract(**{**fields, "standards": _standards(fields.get("standards"))})
    db.session.add(contract)
    db.session.flush()
    sync.contract_changed(contract)
    checklists.add_default_template(contract)
    return contract


def update_contract(contract_id: uuid.UUID, fields: dict, actor: User) -> Contract:
    """Platform admins and the landlord's admins set the name, standards and whether it is active."""
    contract = get_visible(actor, Contract, contract_id)
    if not is_platform_admin(actor):
        require_role(actor, Role.ADMIN)
        if actor.organisation_id != contract.landlord_id:
            raise DomainError("forbidden", "Only the landlord's admins set a contract's standards.")
    contract.expect_version(fields.pop("version", None))
    if "standards" in fields:
        fields["standards"] = _standards(fields["standards"], base=contract.standards)
    contract.apply(fields)
    db.session.flush()
    sync.contract_changed(contract)
    return contract


def contract_operatives(contract_id: uuid.UUID, actor: User, page: int, per_page: int) -> Page:
    """The contractor's active operatives, whom a visit on this contract can be assigned to."""
    contract = get_visible(actor, Contract, contract_id)
    if actor.role == Role.OPERATIVE:
        raise DomainError("forbidden", "Operatives do not assign visits.")
    query = sa.select(User).where(
        User.organisation_id == contract.contractor_id, User.role == Role.OPERATIVE, User.active.is_(True)
    )
    return paginate(query.order_by(User.name, User.id), page, per_page)
