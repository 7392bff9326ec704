"""Valid objects with unique defaults; a test overrides only what it is about.

Factories write rows directly (flushed into the test's transaction), without the services' change
log: they set the scene. Tests of behaviour call the services or the API.
"""

import hashlib
import io
import itertools
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from PIL import Image

from server import encryption
from server.demo import example_answers
from server.extensions import db, passwords
from server.models import (
    Attachment,
    AttachmentKind,
    Badge,
    BadgeAlert,
    ChecklistTemplate,
    Concern,
    ConcernCategory,
    Contract,
    FeedbackKind,
    Household,
    NoAccessAttempt,
    Organisation,
    OrganisationKind,
    Property,
    RebookingRequest,
    Region,
    Role,
    Severity,
    User,
    Visit,
    VisitStatus,
)
from server.models.base import utcnow
from server.schemas.standards import validated_standards
from server.services import badge_keys, badges, feedback, visits
from server.services.checklists import DEFAULT_ITEMS, validated_items

PASSWORD = "correct horse battery"
_serial = itertools.count(1)
_password_hash = None


def _next() -> int:
    return next(_serial)


def _add(record):
    db.session.add(record)
    db.session.flush()
    return record


def password_hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = passwords.hash(PASSWORD)
    return _password_hash


def organisation(kind: OrganisationKind = OrganisationKind.CONTRACTOR, **fields) -> Organisation:
    n = _next()
    defaults = dict(
        kind=kind,
        name=f"{kind.value.title()} {n}",
        region=Region.ENGLAND_WALES,
        phone_office=f"0300 000 {n:04d}",
        phone_out_of_hours=f"0800 000 {n:04d}",
    )
    return _add(Organisation(**{**defaults, **fields}))


def landlord(**fields) -> Organisation:
    return organisation(OrganisationKind.LANDLORD, **fields)


def contractor(**fields) -> Organisation:
    return organisation(OrganisationKind.CONTRACTOR, **fields)


def contract(landlord_org: Organisation, contractor_org: Organisation, **fields) -> Contract:
    """A contract with the default checklist as its version 1."""
    defaults = dict(reference=f"C-{_next()}", name="Responsive repairs", standards=validated_standards({}))
    agreement = _add(Contract(landlord_id=landlord_org.id, contractor_id=contractor_org.id, **{**defaults, **fields}))
    _add(ChecklistTemplate(contract_id=agreement.id, version=1, items=validated_items(DEFAULT_ITEMS)))
    return agreement


def user(org: Organisation | None, role: Role = Role.OPERATIVE, **fields) -> User:
    n = _next()
    defaults = dict(
        email=f"{role.value}{n}@example.org", name=f"{role.value.title()} {n}", password_hash=password_hash()
    )
    return _add(User(organisation_id=org.id if org else None, role=role, **{**defaults, **fields}))


def platform_admin(**fields) -> User:
    return user(None, Role.PLATFORM_ADMIN, **fields)


def home(landlord_org: Organisation, household: dict | None = None, **fields) -> Property:
    """A property with its household."""
    n = _next()
    defaults = dict(uprn=f"{100000 + n}", house=str(n), street="Mill Road", town="Bury St Edmunds", postcode="IP33 3AA")
    prop = _add(Property(landlord_id=landlord_org.id, **{**defaults, **fields}))
    _add(Household(property_id=prop.id, tenant_name=f"Tenant {n}", **(household or {})))
    db.session.refresh(prop)
    return prop


def consenting(household: Household, channel: str = "sms", **fields) -> Household:
    """The household agreed to messages on `channel`, with a phone and an email on file; `fields` change it."""
    defaults = dict(
        phone="07700 900123",
        email="tenant@example.net",
        contact_channel=channel,
        contact_consent_at=utcnow() - timedelta(days=30),
        contact_consent_note="Agreed on the phone",
    )
    for name, value in {**defaults, **fields}.items():
        setattr(household, name, value)
    db.session.flush()
    return household


def visit(contract_: Contract, prop: Property, operative: User | None, **fields) -> Visit:
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    defaults = dict(
        repair_reference=f"R-{_next()}",
        window_start=start,
        window_end=start + timedelta(hours=2),
        status=VisitStatus.SCHEDULED,
    )
    return _add(
        Visit(
            contract_id=contract_.id,
            property_id=prop.id,
            operative_id=operative.id if operative else None,
            **{**defaults, **fields},
        )
    )


@dataclass
class Side:
    """One organisation pair on a contract, with a person in every role and a booked visit."""

    landlord: Organisation
    contractor: Organisation
    contract: Contract
    landlord_admin: User
    landlord_manager: User
    contractor_admin: User
    contractor_manager: User
    operative: User
    other_operative: User
    home: Property
    visit: Visit

    @classmethod
    def build(cls) -> "Side":
        land, con = landlord(), contractor()
        agreement = contract(land, con)
        operative = user(con, Role.OPERATIVE)
        prop = home(land)
        return cls(
            landlord=land,
            contractor=con,
            contract=agreement,
            landlord_admin=user(land, Role.ADMIN),
            landlord_manager=user(land, Role.MANAGER),
            contractor_admin=user(con, Role.ADMIN),
            contractor_manager=user(con, Role.MANAGER),
            operative=operative,
            other_operative=user(con, Role.OPERATIVE),
            home=prop,
            visit=visit(agreement, prop, operative),
        )


@dataclass
class World:
    a: Side
    b: Side
    platform_admin: User

    @classmethod
    def build(cls) -> "World":
        return cls(a=Side.build(), b=Side.build(), platform_admin=platform_admin())


def concern(visit_: Visit, raised_by: User, **fields) -> Concern:
    defaults = dict(
        category=ConcernCategory.PROPERTY_DEFECT,
        severity=Severity.ROUTINE,
        description="Loose stair rail on the first-floor landing",
        due_at=utcnow() + timedelta(days=14),
    )
    return _add(Concern(visit_id=visit_.id, raised_by=raised_by.id, **{**defaults, **fields}))


def attachment(visit_: Visit, uploaded_by: User, **fields) -> Attachment:
    """An attachment row whose bytes (a 1x1 PNG) are in the storage directory."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(out, format="PNG")
    data = out.getvalue()
    sha256 = hashlib.sha256(data).hexdigest()
    path = Path(current_app.config["STORAGE_DIR"]) / "attachments" / sha256[:2] / sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    defaults = dict(
        kind=AttachmentKind.PHOTO, sha256=sha256, content_type="image/png", size=len(data), width=1, height=1
    )
    return _add(Attachment(visit_id=visit_.id, uploaded_by=uploaded_by.id, **{**defaults, **fields}))


answers_for = example_answers  # the demo's complete answers serve the tests too


def badge(operative: User, **fields) -> Badge:
    """A signed badge for an operative, valid for a year."""
    now = utcnow()
    key = badge_keys.signing_key(now)
    record = Badge(
        id=uuid.uuid4(),
        user_id=operative.id,
        kid=key.kid,
        issued_at=now,
        expires_at=(now + timedelta(days=365)).replace(microsecond=0),
        short_code=badges.new_short_code(),
        live_secret_encrypted=encryption.encrypt(secrets.token_urlsafe(32)),
    )
    for name, value in fields.items():
        setattr(record, name, value)
    record.token = badge_keys.sign(key, record.id, record.expires_at)
    return _add(record)


def no_access(visit: Visit, **fields) -> NoAccessAttempt:
    """Nobody answered the door at this visit: its operative recorded it and left a calling card."""
    operative = db.session.get(User, visit.operative_id)
    recorded = {"waited_minutes": 10, "card_left": True, **fields}
    attempt, _ = visits.record_no_access(visit.id, recorded, actor=operative, now=utcnow())
    return attempt


def verify_path_for(operative: User, verdict: str) -> str:
    """The address of a badge a tenant would be told `verdict` about (not_recognised: one we never issued)."""
    if verdict == "not_recognised":
        return "/v/AWhUuG-not-a-badge-we-issued"
    if verdict == "expired":
        made = badge(operative, expires_at=(utcnow() - timedelta(days=1)).replace(microsecond=0))
    else:
        made = badge(operative, **({"status": verdict} if verdict in ("revoked", "suspended") else {}))
    return f"/v/{made.token}"


def badge_alert(badge_: Badge, **fields) -> BadgeAlert:
    defaults = dict(kind="revoked_scan", detail="A revoked badge was checked at a door.")
    return _add(BadgeAlert(badge_id=badge_.id, contractor_id=badge_.user.organisation_id, **{**defaults, **fields}))


def rebooking_request(visit_: Visit, **fields) -> RebookingRequest:
    """A tenant's ask for a new appointment from the visit's calling card (left first if there is none)."""
    attempt = visit_.no_access or no_access(visit_)
    defaults = dict(preferred_times="mornings", details="Not Tuesdays", callback_phone="07700 900123", language="en")
    return _add(RebookingRequest(attempt_id=attempt.id, visit_id=visit_.id, **{**defaults, **fields}))


def complaint(visit_: Visit, now=None, **fields):
    """A tenant's complaint about the visit, made on its feedback page (so acknowledged at once)."""
    said = {"kind": FeedbackKind.COMPLAINT, "text": "Mud left all over the hall carpet", **fields}
    made, _about = feedback.give_feedback(feedback.code_for(visit_, now or utcnow()), said, "en", now or utcnow())
    return made
