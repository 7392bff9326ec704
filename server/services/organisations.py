"""Organisations: landlords and contractors, run by the platform admin and their own admins."""

import uuid

import sqlalchemy as sa

import sync
from server import file_store, images
from server.errors import DomainError
from server.extensions import db
from server.models import Contract, Organisation, Role, User
from server.services.access import get_visible, is_platform_admin, require_role, visible
from server.services.pages import Page, paginate


def _check_name_free(name: str, exclude: uuid.UUID | None = None) -> None:
    query = sa.select(Organisation.id).where(sa.func.lower(Organisation.name) == name.lower())
    if exclude:
        query = query.where(Organisation.id != exclude)
    if db.session.scalar(query):
        raise DomainError(
            "already_exists", f"An organisation named {name!r} already exists.", errors={"name": ["Already taken."]}
        )


def list_organisations(actor: User, page: int, per_page: int) -> Page:
    return paginate(visible(actor, Organisation).order_by(Organisation.name, Organisation.id), page, per_page)


def create_organisation(fields: dict, actor: User) -> Organisation:
    require_role(actor, Role.PLATFORM_ADMIN)
    _check_name_free(fields["name"])
    organisation = Organisation(**fields)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def _administered(organisation_id: uuid.UUID, actor: User) -> Organisation:
    """The organisation, if the actor is one of its own admins or the platform admin."""
    organisation = get_visible(actor, Organisation, organisation_id)
    if not is_platform_admin(actor):
        if organisation.id != actor.organisation_id:
            raise DomainError("forbidden", "Only the organisation's own admins can change it.")
        require_role(actor, Role.ADMIN)
    return organisation


def _changed(organisation: Organisation, fields: dict) -> Organisation:
    organisation.apply(fields)
    db.session.flush()
    for contract in organisation_contracts(organisation):
        sync.contract_changed(contract)  # the phones and branding ride on the contract for devices
    return organisation


def update_organisation(organisation_id: uuid.UUID, fields: dict, actor: User) -> Organisation:
    """Platform admins change anything; an organisation's own admins its contact details and branding."""
    organisation = _administered(organisation_id, actor)
    if not is_platform_admin(actor):
        for platform_only in ("kind", "name", "region"):
            if platform_only in fields:
                raise DomainError("forbidden", f"Ask the platform admin to change {platform_only!r}.")
    if "name" in fields:
        _check_name_free(fields["name"], exclude=organisation.id)
    if "branding" in fields:
        fields["branding"] = {**organisation.branding, **fields["branding"]}
    return _changed(organisation, fields)


def set_logo(organisation_id: uuid.UUID, data: bytes | None, actor: User) -> Organisation:
    """Put the organisation's logo on its documents (a PNG no larger than printing needs), or take it off."""
    organisation = _administered(organisation_id, actor)
    branding = {key: value for key, value in organisation.branding.items() if key != "logo"}
    if data is not None:
        branding["logo"] = file_store.put(images.logo(images.decode(data)))
    return _changed(organisation, {"branding": branding})


def organisation_contracts(organisation: Organisation):
    return db.session.scalars(
        sa.select(Contract).where(
            sa.or_(Contract.landlord_id == organisation.id, Contract.contractor_id == organisation.id)
        )
    ).all()
