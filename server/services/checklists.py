"""Home-visit checklists: each contract's versioned template, and checking a report's answers against it."""

import uuid

import sqlalchemy as sa
from marshmallow import ValidationError

import sync
from server.errors import DomainError, Forbidden
from server.extensions import db
from server.models import Attachment, AttachmentKind, ChecklistTemplate, Contract, Household, Role, User
from server.schemas.checklists import ChecklistItemsSchema
from server.services.access import get_visible, is_platform_admin, require_role

_NO_SIGNATURE_REASONS = ["tenant_not_present", "tenant_declined", "tenant_unable", "other"]
_SATISFACTION = ["very_satisfied", "satisfied", "neither", "dissatisfied", "very_dissatisfied"]

# Havebury's section 8 and the other policies' home-visit rules. "ID shown before entering" is not
# asked: it is measured from the visit's own id-shown record.
DEFAULT_ITEMS = [
    {"key": "uniform_with_company_name", "label": "Wore a uniform showing the company name", "type": "yes_no"},
    {
        "key": "overshoes_and_dust_sheets",
        "label": "Wore overshoes and used dust sheets or protective sheeting",
        "type": "yes_no",
    },
    {
        "key": "consent_before_facilities",
        "label": "Asked before using the tenant's facilities (toilet, kettle, electricity) or playing a radio",
        "type": "yes_no",
    },
    {"key": "ppe_and_safety_advice", "label": "Used PPE and gave health and safety advice", "type": "yes_no"},
    {"key": "damage_caused", "label": "Caused any damage to the home or belongings", "type": "yes_no"},
    {
        "key": "damage_made_good",
        "label": "Made the damage good on site",
        "type": "yes_no",
        "when": [{"item": "damage_caused", "equals": True}],
    },
    {
        "key": "damage_description",
        "label": "Describe the damage reported to the landlord",
        "type": "text",
        "when": [{"item": "damage_made_good", "equals": False}],
    },
    {"key": "cleaned_up", "label": "Cleaned up and left the home as found", "type": "yes_no"},
    {
        "key": "lone_worker_notice_followed",
        "label": "Followed the lone-worker notice for this household",
        "type": "yes_no",
        "when": [{"household": "lone_worker"}],
    },
    {"key": "work_photo", "label": "Photo of the finished work", "type": "photo", "required": False},
    {"key": "tenant_signed", "label": "The tenant signed for the visit", "type": "yes_no"},
    {
        "key": "tenant_name",
        "label": "Tenant's name",
        "type": "text",
        "when": [{"item": "tenant_signed", "equals": True}],
    },
    {
        "key": "tenant_signature",
        "label": "Tenant's signature",
        "type": "signature",
        "when": [{"item": "tenant_signed", "equals": True}],
    },
    {
        "key": "no_signature_reason",
        "label": "Why there is no signature",
        "type": "choice",
        "options": _NO_SIGNATURE_REASONS,
        "when": [{"item": "tenant_signed", "equals": False}],
    },
    {
        "key": "satisfaction",
        "label": "How satisfied the tenant was",
        "type": "choice",
        "options": _SATISFACTION,
        "required": False,
    },
]


def validated_items(items: list) -> list:
    """Check a checklist's items and fill in their defaults (raises a 422 naming the problems)."""
    try:
        return ChecklistItemsSchema().load({"items": items})["items"]
    except ValidationError as exc:
        raise DomainError("validation_failed", "The checklist is not valid.", errors=exc.messages) from exc


def _add_template(contract: Contract, items: list, version: int) -> ChecklistTemplate:
    template = ChecklistTemplate(contract_id=contract.id, version=version, items=validated_items(items))
    db.session.add(template)
    db.session.flush()
    sync.checklist_template_changed(template, contract)
    return template


def add_default_template(contract: Contract) -> ChecklistTemplate:
    """Give a new contract the default checklist as its version 1."""
    return _add_template(contract, DEFAULT_ITEMS, version=1)


def current_template(contract_id: uuid.UUID) -> ChecklistTemplate:
    query = (
        sa.select(ChecklistTemplate)
        .where(ChecklistTemplate.contract_id == contract_id)
        .order_by(ChecklistTemplate.version.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def contract_template(contract_id: uuid.UUID, actor: User) -> ChecklistTemplate:
    """The checklist operatives fill in on this contract now."""
    return current_template(get_visible(actor, Contract, contract_id).id)


def publish_template(contract_id: uuid.UUID, items: list, actor: User) -> ChecklistTemplate:
    """A new version of the contract's checklist (landlord admins, platform admin); reports keep theirs."""
    contract = get_visible(actor, Contract, contract_id)
    if not is_platform_admin(actor):
        require_role(actor, Role.ADMIN)
        if actor.organisation_id != contract.landlord_id:
            raise Forbidden("The landlord's admins set the checklist.")
    latest = current_template(contract.id)
    return _add_template(contract, items, version=(latest.version + 1) if latest else 1)


def _asked(item: dict, answers: dict, household: Household | None) -> bool:
    for condition in item.get("when", []):
        if "household" in condition:
            if not (household and getattr(household, condition["household"])):
                return False
        elif answers.get(condition["item"]) != condition["equals"]:
            return False
    return True


def _type_error(item: dict, value, visit_id: uuid.UUID) -> str | None:
    kind = item["type"]
    if kind == "yes_no" and not isinstance(value, bool):
        return "Answer true or false."
    if kind == "choice" and value not in item["options"]:
        return f"Choose one of: {', '.join(item['options'])}."
    if kind == "text" and not (isinstance(value, str) and 0 < len(value.strip()) <= 2000):
        return "Write up to 2000 characters."
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "Answer a number."
    if kind in ("photo", "signature"):
        return _attachment_error(value, AttachmentKind(kind), visit_id)
    return None


def _attachment_error(value, kind: AttachmentKind, visit_id: uuid.UUID) -> str | None:
    try:
        attachment_id = uuid.UUID(str(value))
    except ValueError:
        return f"Give the id of a {kind.value} uploaded to this visit."
    found = db.session.scalar(
        sa.select(Attachment.id).where(
            Attachment.id == attachment_id, Attachment.visit_id == visit_id, Attachment.kind == kind
        )
    )
    return None if found else f"No {kind.value} with this id was uploaded to this visit."


def answer_errors(template: ChecklistTemplate, answers: dict, household: Household | None, visit_id) -> dict:
    """Every problem with a report's answers, by item key: unknown, missing, not asked, or the wrong type."""
    known = {item["key"]: item for item in template.items}
    errors = {key: ["Not an item of this checklist."] for key in answers if key not in known}
    for key, item in known.items():
        value = answers.get(key)
        if not _asked(item, answers, household):
            if value is not None:
                errors[key] = ["Not asked, given the other answers."]
        elif value is None:
            if item.get("required", True):
                errors[key] = ["Required."]
        elif problem := _type_error(item, value, visit_id):
            errors[key] = [problem]
    return errors
