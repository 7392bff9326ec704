import uuid

from server.api import Blueprint, upload_sized
from server.auth import actor, authenticated
from server.models import Organisation
from server.schemas.common import ImageFileSchema, PageArgsSchema, page_of
from server.schemas.organisations import OrganisationCreateSchema, OrganisationSchema, OrganisationUpdateSchema
from server.services import organisations
from server.services.access import get_visible

bp = Blueprint("organisations", __name__, description="Landlords and contractors.")


@bp.get("/organisations")
@authenticated
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_of(OrganisationSchema))
def list_organisations(args):
    """Your organisation and those you hold contracts with (all, for the platform admin)."""
    page = organisations.list_organisations(actor(), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/organisations")
@authenticated
@bp.arguments(OrganisationCreateSchema)
@bp.response(201, OrganisationSchema)
def create_organisation(body):
    """Add a landlord or contractor (platform admin)."""
    organisation = organisations.create_organisation(body, actor=actor())
    return organisation, 201, {"Location": f"/api/v1/organisations/{organisation.id}"}


@bp.get("/organisations/<uuid:organisation_id>")
@authenticated
@bp.response(200, OrganisationSchema)
def get_organisation(organisation_id: uuid.UUID):
    return get_visible(actor(), Organisation, organisation_id)


@bp.patch("/organisations/<uuid:organisation_id>")
@authenticated
@bp.arguments(OrganisationUpdateSchema)
@bp.response(200, OrganisationSchema)
def update_organisation(body, organisation_id: uuid.UUID):
    """Change contact details and branding (own admins), or anything (platform admin)."""
    return organisations.update_organisation(organisation_id, body, actor=actor())


@bp.put("/organisations/<uuid:organisation_id>/logo")
@authenticated
@upload_sized
@bp.arguments(ImageFileSchema, location="files")
@bp.response(200, OrganisationSchema)
def set_organisation_logo(files, organisation_id: uuid.UUID):
    """The logo on the organisation's documents (multipart/form-data: file; own admins)."""
    return organisations.set_logo(organisation_id, files["file"].read(), actor=actor())


@bp.delete("/organisations/<uuid:organisation_id>/logo")
@authenticated
@bp.response(200, OrganisationSchema)
def remove_organisation_logo(organisation_id: uuid.UUID):
    return organisations.set_logo(organisation_id, None, actor=actor())
