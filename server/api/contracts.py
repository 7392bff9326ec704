import uuid

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models import Contract
from server.schemas.checklists import ChecklistItemsSchema, ChecklistTemplateSchema
from server.schemas.common import PageArgsSchema, page_of
from server.schemas.contracts import ContractCreateSchema, ContractSchema, ContractUpdateSchema
from server.schemas.visits import VisitOperativeSchema
from server.services import checklists, contracts
from server.services.access import get_visible

bp = Blueprint("contracts", __name__, description="Contracts and their service standards.")


@bp.get("/contracts")
@authenticated
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_of(ContractSchema))
def list_contracts(args):
    """The contracts your organisation holds (all, for the platform admin)."""
    page = contracts.list_contracts(actor(), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/contracts")
@authenticated
@bp.arguments(ContractCreateSchema)
@bp.response(201, ContractSchema)
def create_contract(body):
    """Set up a contract between a landlord and a contractor (platform admin)."""
    contract = contracts.create_contract(body, actor=actor())
    return contract, 201, {"Location": f"/api/v1/contracts/{contract.id}"}


@bp.get("/contracts/<uuid:contract_id>")
@authenticated
@bp.response(200, ContractSchema)
def get_contract(contract_id: uuid.UUID):
    return get_visible(actor(), Contract, contract_id)


@bp.patch("/contracts/<uuid:contract_id>")
@authenticated
@bp.arguments(ContractUpdateSchema)
@bp.response(200, ContractSchema)
def update_contract(body, contract_id: uuid.UUID):
    """Change the name, active flag or service standards (landlord admins, platform admin)."""
    return contracts.update_contract(contract_id, body, actor=actor())


@bp.get("/contracts/<uuid:contract_id>/operatives")
@authenticated
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_of(VisitOperativeSchema))
def list_contract_operatives(args, contract_id: uuid.UUID):
    """The contractor's active operatives a visit on this contract can be assigned to."""
    page = contracts.contract_operatives(contract_id, actor(), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.get("/contracts/<uuid:contract_id>/checklist")
@authenticated
@bp.response(200, ChecklistTemplateSchema)
def get_checklist(contract_id: uuid.UUID):
    """The checklist operatives fill in on this contract now."""
    return checklists.contract_template(contract_id, actor())


@bp.post("/contracts/<uuid:contract_id>/checklist")
@authenticated
@bp.arguments(ChecklistItemsSchema)
@bp.response(201, ChecklistTemplateSchema)
def publish_checklist(body, contract_id: uuid.UUID):
    """Publish a new version of the checklist (landlord admins); reports keep the version they used."""
    return checklists.publish_template(contract_id, body["items"], actor())
