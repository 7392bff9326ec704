import uuid

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models import Property
from server.models.base import utcnow
from server.schemas.common import page_of
from server.schemas.properties import (
    HouseholdCreateSchema,
    HouseholdSchema,
    HouseholdUpdateSchema,
    PropertyCreateSchema,
    PropertyQueryArgsSchema,
    PropertySchema,
    PropertyUpdateSchema,
)
from server.services import properties
from server.services.access import get_visible, get_visible_household

bp = Blueprint("properties", __name__, description="Homes and the households who live in them.")


@bp.get("/properties")
@authenticated
@bp.arguments(PropertyQueryArgsSchema, location="query")
@bp.response(200, page_of(PropertySchema))
def list_properties(args):
    """The landlord's homes (landlord staff), or the homes your visits are at (contractors)."""
    page = properties.list_properties(actor(), args.get("postcode"), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/properties")
@authenticated
@bp.arguments(PropertyCreateSchema)
@bp.response(201, PropertySchema)
def create_property(body):
    """Add a home to the landlord's stock (landlord admins)."""
    prop = properties.create_property(body, actor=actor())
    return prop, 201, {"Location": f"/api/v1/properties/{prop.id}"}


@bp.get("/properties/<uuid:property_id>")
@authenticated
@bp.response(200, PropertySchema)
def get_property(property_id: uuid.UUID):
    return get_visible(actor(), Property, property_id)


@bp.patch("/properties/<uuid:property_id>")
@authenticated
@bp.arguments(PropertyUpdateSchema)
@bp.response(200, PropertySchema)
def update_property(body, property_id: uuid.UUID):
    """Correct a home's address or UPRN (landlord admins)."""
    return properties.update_property(property_id, body, actor=actor())


@bp.post("/households")
@authenticated
@bp.arguments(HouseholdCreateSchema)
@bp.response(201, HouseholdSchema)
def create_household(body):
    """Record who lives at a home, what they need from a visit, and how they agreed to messages (landlord admins)."""
    household = properties.create_household(body, actor=actor(), now=utcnow())
    return household, 201, {"Location": f"/api/v1/households/{household.id}"}


@bp.get("/households/<uuid:household_id>")
@authenticated
@bp.response(200, HouseholdSchema)
def get_household(household_id: uuid.UUID):
    return get_visible_household(actor(), household_id)


@bp.patch("/households/<uuid:household_id>")
@authenticated
@bp.arguments(HouseholdUpdateSchema)
@bp.response(200, HouseholdSchema)
def update_household(body, household_id: uuid.UUID):
    """Change a household's details, needs, doorstep password or consent to messages (landlord admins).

    `contact_channel` ("sms", "email", or null for no messages) goes with `contact_consent_note`, how the tenant
    agreed; it is kept with when and by whom, and lifts the tenant's own stop. Texts need a phone, emails an email.
    """
    return properties.update_household(household_id, body, actor=actor(), now=utcnow())
