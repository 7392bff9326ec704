"""Who sees what (DESIGN §3): every route under /api/v1, by every role, on its own and a foreign organisation.

The callers all belong to side A of the `world` fixture, or run the platform. Each route has a table:
a row per target record, a column per caller (in the order of CALLERS), and in each cell the status
the request must answer. Targets on side A are named for how they relate to the caller ("own",
"self", "colleague", "partner", ...); "foreign" targets are side B's, whose records side A must not
learn exist: 404, never 403. A list answers SEEN or HIDDEN: 200, with the target in its items or not.

A route added under /api/v1 fails `test_the_matrix_covers_every_api_route` until it has a table here.
"""

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from PIL import Image

from server import encryption
from server.extensions import db
from server.models import (
    Audience,
    Channel,
    DeviceSession,
    Message,
    Organisation,
    OrganisationKind,
    Property,
    Role,
    User,
    VisitKind,
    VisitStatus,
)
from server.services import messages
from tests import factories

API = "/api/v1"
CALLERS = (
    "operative",
    "other_operative",  # the same contractor's, not assigned to side A's visit
    "contractor_manager",
    "contractor_admin",
    "landlord_manager",
    "landlord_admin",
    "platform_admin",
)
SEEN, HIDDEN = "seen", "hidden"
# The problem code each refusal must carry.
CODES = {
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    409: "invalid_transition",
    422: "validation_failed",
}


@dataclass
class Scene:
    """Who calls, aiming at which record of which side."""

    world: factories.World
    caller: User
    target: str
    now: datetime

    @property
    def side(self) -> factories.Side:
        return self.world.b if self.target.startswith("foreign") else self.world.a


@dataclass(frozen=True)
class Call:
    path: str  # under /api/v1
    json: dict | None = None
    refresh_token: bool = False
    form: dict | None = None  # a multipart body (uploads) instead of JSON
    listed: tuple = ()  # a list's target records: SEEN means all are in the items, HIDDEN none


@dataclass(frozen=True)
class Route:
    build: Callable[[Scene], Call]
    expect: dict[str, tuple]  # target -> a status (or SEEN/HIDDEN) per caller


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# Targets ------------------------------------------------------------------------------------------


def _organisation(scene: Scene) -> Organisation:
    """The side's landlord or contractor, as the target names."""
    return scene.side.landlord if scene.target.endswith("landlord") else scene.side.contractor


def _users_organisation(scene: Scene) -> Organisation:
    """Colleague: the caller's own kind of organisation (a contractor, for the platform admin); partner: the other."""
    side = scene.side
    if scene.caller.organisation_kind == OrganisationKind.LANDLORD:
        own, partner = side.landlord, side.contractor
    else:
        own, partner = side.contractor, side.landlord
    return partner if scene.target == "partner" else own


def _user(scene: Scene, **fields) -> User:
    """The caller (self), or a new manager of a colleague, partner or foreign organisation."""
    if scene.target == "self":
        return scene.caller
    return factories.user(_users_organisation(scene), Role.MANAGER, **fields)


def _home(scene: Scene) -> Property:
    """The side's booked home, or one whose only visit by the operative is cancelled or long past."""
    side = scene.side
    if scene.target == "cancelled visit":
        home = factories.home(side.landlord)
        factories.visit(side.contract, home, side.operative, status=VisitStatus.CANCELLED)
        return home
    if scene.target == "old visit":  # ended more than SYNC_VISIT_DAYS_BACK (14) days ago
        home = factories.home(side.landlord)
        start = scene.now - timedelta(days=15)
        factories.visit(
            side.contract,
            home,
            side.operative,
            window_start=start,
            window_end=start + timedelta(hours=2),
            status=VisitStatus.COMPLETED,
        )
        return home
    return side.home


def _window(scene: Scene, days: int) -> dict:
    start = (scene.now + timedelta(days=days)).replace(microsecond=0)
    return {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat()}


# Requests, one per route, named for its handler ----------------------------------------------------


def logout(scene):
    return Call("/auth/logout")


def refresh(scene):
    return Call("/auth/refresh", refresh_token=True)


def get_me(scene):
    return Call("/me")


def list_organisations(scene):
    return Call("/organisations?per_page=100", listed=(scene.side.landlord.id, scene.side.contractor.id))


def create_organisation(scene):
    return Call("/organisations", {"name": _unique("Contractor"), "kind": "contractor"})


def get_organisation(scene):
    return Call(f"/organisations/{_organisation(scene).id}")


def update_organisation(scene):
    return Call(f"/organisations/{_organisation(scene).id}", {"phone_office": "0300 123 4567"})


def set_organisation_logo(scene):
    return Call(f"/organisations/{_organisation(scene).id}/logo", form={"file": (io.BytesIO(_png()), "logo.png")})


def remove_organisation_logo(scene):
    return Call(f"/organisations/{_organisation(scene).id}/logo")


def list_contracts(scene):
    return Call("/contracts?per_page=100", listed=(scene.side.contract.id,))


def create_contract(scene):
    side = scene.side
    return Call(
        "/contracts",
        {
            "landlord_id": str(side.landlord.id),
            "contractor_id": str(side.contractor.id),
            "reference": _unique("C"),
            "name": "Gas servicing",
        },
    )


def get_contract(scene):
    return Call(f"/contracts/{scene.side.contract.id}")


def update_contract(scene):
    return Call(f"/contracts/{scene.side.contract.id}", {"name": "Responsive repairs and voids"})


def list_contract_operatives(scene):
    return Call(f"/contracts/{scene.side.contract.id}/operatives")


def list_users(scene):
    return Call("/users?per_page=100", listed=(_user(scene).id,))


def create_user(scene):
    body = {
        "email": f"{_unique('new')}@example.org",
        "name": "New Person",
        "role": "operative",
        "password": "long enough pw",
        "organisation_id": str(_users_organisation(scene).id),
    }
    return Call("/users", body)


def get_user(scene):
    return Call(f"/users/{_user(scene).id}")


def update_user(scene):
    return Call(
        f"/users/{_user(scene).id}", {"name": "Renamed", "phone": "07700 900123", "password": "a new passphrase"}
    )


def deactivate_user(scene):
    return Call(f"/users/{_user(scene).id}/deactivate")


def reactivate_user(scene):
    return Call(f"/users/{_user(scene, active=False).id}/reactivate")


def list_user_sessions(scene):
    return Call(f"/users/{_user(scene).id}/sessions")


def revoke_user_session(scene):
    user = _user(scene)
    session = DeviceSession(id=uuid.uuid4(), user_id=user.id, device_id="lost tablet", refresh_jti="-")
    db.session.add(session)
    db.session.flush()
    return Call(f"/users/{user.id}/sessions/{session.id}/revoke")


def list_properties(scene):
    return Call("/properties?per_page=100", listed=(_home(scene).id,))


def create_property(scene):
    return Call("/properties", {"house": "7", "street": "Mill Road", "town": "Bury St Edmunds", "postcode": "ip33 3aa"})


def get_property(scene):
    return Call(f"/properties/{_home(scene).id}")


def update_property(scene):
    return Call(f"/properties/{_home(scene).id}", {"street": "Mill Lane"})


def create_household(scene):
    empty = Property(landlord_id=scene.side.landlord.id, house="9", street="Mill Road", town="Bury", postcode="IP1 1AA")
    db.session.add(empty)
    db.session.flush()
    return Call("/households", {"property_id": str(empty.id), "tenant_name": "A. Tenant"})


def get_household(scene):
    return Call(f"/households/{_home(scene).household.id}")


def update_household(scene):
    return Call(f"/households/{_home(scene).household.id}", {"lone_worker": True})


def list_visits(scene):
    return Call("/visits?per_page=100", listed=(scene.side.visit.id,))


def create_visit(scene):
    side = scene.side
    body = {
        "contract_id": str(side.contract.id),
        "property_id": str(side.home.id),
        "operative_id": str(side.operative.id),
        "repair_reference": _unique("R"),
        **_window(scene, days=2),
    }
    return Call("/visits", body)


def get_visit(scene):
    return Call(f"/visits/{scene.side.visit.id}")


def reschedule_visit(scene):
    return Call(f"/visits/{scene.side.visit.id}/reschedule", _window(scene, days=3))


def reassign_visit(scene):
    return Call(f"/visits/{scene.side.visit.id}/reassign", {"operative_id": str(scene.side.other_operative.id)})


def cancel_visit(scene):
    return Call(f"/visits/{scene.side.visit.id}/cancel", {"reason": "Tenant rang to say the leak is fixed"})


def _planned_works(scene: Scene, noticed: bool = False):
    """The side's visit as planned works five weeks ahead (time for notice, whatever the bank holidays)."""
    visit = scene.side.visit
    visit.kind = VisitKind.PLANNED_WORKS
    visit.window_start = (scene.now + timedelta(weeks=5)).replace(microsecond=0)
    visit.window_end = visit.window_start + timedelta(hours=4)
    visit.planned_works_notice_on = scene.now.date() if noticed else None
    db.session.flush()
    return visit


def give_planned_works_notice(scene):
    return Call(f"/visits/{_planned_works(scene).id}/planned-works-notice", {})


def get_doorstep_password(scene):
    """Today's visit (London day), or one in three days; the household has a doorstep password."""
    visit = scene.side.visit
    start = scene.now + timedelta(days=3 if scene.target == "another day" else 0)
    visit.window_start, visit.window_end = start, start + timedelta(hours=2)
    visit.property.household.doorstep_password_encrypted = encryption.encrypt("bluebell")
    db.session.flush()
    return Call(f"/visits/{visit.id}/doorstep-password")


def get_checklist(scene):
    return Call(f"/contracts/{scene.side.contract.id}/checklist")


def publish_checklist(scene):
    items = [{"key": "cleaned_up", "label": "Cleaned up and left the home as found", "type": "yes_no"}]
    return Call(f"/contracts/{scene.side.contract.id}/checklist", {"items": items})


def _visit_in(scene, status: VisitStatus):
    visit = scene.side.visit
    visit.status = status
    if status == VisitStatus.IN_PROGRESS:
        visit.arrived_at = scene.now
    db.session.flush()
    return visit


def arrive(scene):
    return Call(f"/visits/{scene.side.visit.id}/arrive", {})


def mark_running_late(scene):
    expected = scene.side.visit.window_start + timedelta(minutes=30)
    return Call(f"/visits/{scene.side.visit.id}/running-late", {"expected_at": expected.isoformat()})


def show_id(scene):
    return Call(f"/visits/{_visit_in(scene, VisitStatus.IN_PROGRESS).id}/id-shown", {})


def report_visit(scene):
    visit = _visit_in(scene, VisitStatus.IN_PROGRESS)
    return Call(f"/visits/{visit.id}/report", {"answers": factories.answers_for(visit.property.household)})


def record_no_access(scene):
    return Call(f"/visits/{scene.side.visit.id}/no-access", {"waited_minutes": 10, "card_left": True})


def mark_missed(scene):
    return Call(f"/visits/{scene.side.visit.id}/missed", {})


def raise_concern(scene):
    body = {"category": "damp_mould", "severity": "significant", "description": "Black mould behind the bed"}
    return Call(f"/visits/{scene.side.visit.id}/concerns", body)


def _concern(scene):
    return factories.concern(scene.side.visit, scene.side.operative)


def list_concerns(scene):
    return Call("/concerns?per_page=100", listed=(_concern(scene).id,))


def get_concern(scene):
    return Call(f"/concerns/{_concern(scene).id}")


def acknowledge_concern(scene):
    return Call(f"/concerns/{_concern(scene).id}/acknowledge", {"note": "Surveyor booked"})


def resolve_concern(scene):
    return Call(f"/concerns/{_concern(scene).id}/resolve", {"note": "Rail refixed"})


def list_compensation_due(scene):
    return Call("/compensation")


def record_compensation_claim(scene):
    side = scene.side
    for _ in range(3):  # more than the two misses the contract allows
        factories.visit(side.contract, side.home, side.operative, repair_reference="R-MISSED", status="missed")
    body = {
        "contract_id": str(side.contract.id),
        "repair_reference": "R-MISSED",
        "days_lost": 2,
        "earnings_lost_per_day_pence": 9500,
    }
    return Call("/compensation/claims", body)


def list_messages(scene):
    side = scene.side
    recipient = messages.Recipient(side.contractor_manager.email, Audience.MANAGER, organisation_id=side.contractor.id)
    values = {"verdict": "revoked", "holder": side.operative.name, "time": "now", "link": "/console/queue"}
    kind = "badge_refused_scan"
    messages.enqueue(kind, recipient, Channel.EMAIL, kind, values, "en", scene.now, contract_id=side.contract.id)
    message = db.session.scalars(db.select(Message).where(Message.contract_id == side.contract.id)).one()
    return Call("/messages?per_page=100", listed=(message.id,))


def get_standards_report(scene):
    return Call(f"/reports/standards?contract={scene.side.contract.id}")


def export_visits(scene):
    return Call(f"/exports/visits.csv?contract={scene.side.contract.id}")


def export_concerns(scene):
    _concern(scene)
    return Call(f"/exports/concerns.csv?contract={scene.side.contract.id}")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def upload_attachment(scene):
    form = {"kind": "photo", "file": (io.BytesIO(_png()), "photo.png")}
    return Call(f"/visits/{scene.side.visit.id}/attachments", form=form)


def _attachment(scene):
    return factories.attachment(scene.side.visit, scene.side.operative)


def list_visit_attachments(scene):
    return Call(f"/visits/{scene.side.visit.id}/attachments", listed=(_attachment(scene).id,))


def get_attachment(scene):
    return Call(f"/attachments/{_attachment(scene).id}")


def get_attachment_content(scene):
    return Call(f"/attachments/{_attachment(scene).id}/content")


def _badge(scene):
    return factories.badge(scene.side.operative)


def issue_badge(scene):
    return Call(f"/users/{scene.side.operative.id}/badges", {})


def list_badges(scene):
    return Call("/badges?per_page=100", listed=(_badge(scene).id,))


def get_badge(scene):
    return Call(f"/badges/{_badge(scene).id}")


def suspend_badge(scene):
    return Call(f"/badges/{_badge(scene).id}/suspend", {"reason": "Under investigation"})


def reinstate_badge(scene):
    badge = _badge(scene)
    badge.status = "suspended"
    db.session.flush()
    return Call(f"/badges/{badge.id}/reinstate")


def revoke_badge(scene):
    return Call(f"/badges/{_badge(scene).id}/revoke", {"reason": "Left the company"})


def set_badge_photo(scene):
    return Call(f"/badges/{_badge(scene).id}/photo", form={"file": (io.BytesIO(_png()), "me.png")})


def remove_badge_photo(scene):
    badge = _badge(scene)
    badge.photo_sha256 = "0" * 64
    db.session.flush()
    return Call(f"/badges/{badge.id}/photo")


def get_live_secret(scene):
    return Call(f"/badges/{_badge(scene).id}/live-secret")


def get_badge_qr_png(scene):
    return Call(f"/badges/{_badge(scene).id}/qr.png")


def get_badge_qr_svg(scene):
    return Call(f"/badges/{_badge(scene).id}/qr.svg")


def get_calling_card(scene):
    factories.no_access(scene.side.visit)
    return Call(f"/visits/{scene.side.visit.id}/calling-card.pdf?format=receipt")


def get_badge_card(scene):
    return Call(f"/badges/{_badge(scene).id}/card.pdf")


def get_visit_report(scene):
    return Call(f"/visits/{scene.side.visit.id}/report.pdf")


def get_notice_letter(scene):
    return Call(f"/visits/{_planned_works(scene, noticed=True).id}/notice-letter.pdf")


def list_badge_alerts(scene):
    factories.badge_alert(_badge(scene))
    return Call("/badge-alerts")


def acknowledge_badge_alert(scene):
    return Call(f"/badge-alerts/{factories.badge_alert(_badge(scene)).id}/acknowledge")


def list_rebooking_requests(scene):
    return Call("/rebooking-requests?per_page=100", listed=(factories.rebooking_request(scene.side.visit).id,))


def handle_rebooking_request(scene):
    request = factories.rebooking_request(scene.side.visit)
    return Call(f"/rebooking-requests/{request.id}/handle", {"note": "Booked for Friday morning"})


def list_complaints(scene):
    return Call("/complaints?per_page=100", listed=(factories.complaint(scene.side.visit).id,))


def respond_to_complaint(scene):
    made = factories.complaint(scene.side.visit)
    return Call(f"/complaints/{made.id}/respond", {"note": "We are sorry; the carpet will be cleaned on Friday."})


def list_feedback(scene):
    return Call("/feedback?per_page=100", listed=(factories.complaint(scene.side.visit).id,))


def list_changes(scene):
    return Call("/sync/changes?limit=50")


def push_mutations(scene):
    arrive = {
        "mutation_id": str(uuid.uuid4()),
        "entity": "visit",
        "op": "arrive",
        "id": str(scene.side.visit.id),
        "base_version": None,
        "data": {},
        "device_time": scene.now.isoformat(),
    }
    return Call("/sync/push", {"device_id": "tablet-1", "mutations": [arrive]})


# The matrix ---------------------------------------------------------------------------------------
# Columns:                    operative  other op.  c. manager  c. admin  l. manager  l. admin  platform admin

ALL_404 = (404, 404, 404, 404, 404, 404, 404)
ONLY_PLATFORM = (404, 404, 404, 404, 404, 404, 200)  # foreign to everyone but the platform admin

# fmt: off
ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/auth/logout"): Route(logout, {
        "-":                 (204, 204, 204, 204, 204, 204, 204),
    }),
    ("POST", "/auth/refresh"): Route(refresh, {
        "-":                 (200, 200, 200, 200, 200, 200, 200),
    }),
    ("GET", "/me"): Route(get_me, {
        "-":                 (200, 200, 200, 200, 200, 200, 200),
    }),

    # Your organisation and those you hold contracts with; their own admins change contact details.
    ("GET", "/organisations"): Route(list_organisations, {
        "own":               (SEEN, SEEN, SEEN, SEEN, SEEN, SEEN, SEEN),
        "foreign":           (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, SEEN),
    }),
    ("POST", "/organisations"): Route(create_organisation, {
        "-":                 (403, 403, 403, 403, 403, 403, 201),
    }),
    ("GET", "/organisations/<uuid:organisation_id>"): Route(get_organisation, {
        "contractor":        (200, 200, 200, 200, 200, 200, 200),
        "landlord":          (200, 200, 200, 200, 200, 200, 200),
        "foreign contractor": ONLY_PLATFORM,
        "foreign landlord":  ONLY_PLATFORM,
    }),
    ("PATCH", "/organisations/<uuid:organisation_id>"): Route(update_organisation, {
        "contractor":        (403, 403, 403, 200, 403, 403, 200),
        "landlord":          (403, 403, 403, 403, 403, 200, 200),
        "foreign contractor": ONLY_PLATFORM,
        "foreign landlord":  ONLY_PLATFORM,
    }),
    ("PUT", "/organisations/<uuid:organisation_id>/logo"): Route(set_organisation_logo, {
        "contractor":        (403, 403, 403, 200, 403, 403, 200),
        "landlord":          (403, 403, 403, 403, 403, 200, 200),
        "foreign contractor": ONLY_PLATFORM,
        "foreign landlord":  ONLY_PLATFORM,
    }),
    ("DELETE", "/organisations/<uuid:organisation_id>/logo"): Route(remove_organisation_logo, {
        "contractor":        (403, 403, 403, 200, 403, 403, 200),
        "landlord":          (403, 403, 403, 403, 403, 200, 200),
        "foreign contractor": ONLY_PLATFORM,
        "foreign landlord":  ONLY_PLATFORM,
    }),

    # Both organisations on a contract see it; the platform admin sets it up, the landlord's admins tune it.
    ("GET", "/contracts"): Route(list_contracts, {
        "own":               (SEEN, SEEN, SEEN, SEEN, SEEN, SEEN, SEEN),
        "foreign":           (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, SEEN),
    }),
    ("POST", "/contracts"): Route(create_contract, {
        "own":               (403, 403, 403, 403, 403, 403, 201),
        "foreign":           (403, 403, 403, 403, 403, 403, 201),
    }),
    ("GET", "/contracts/<uuid:contract_id>"): Route(get_contract, {
        "own":               (200, 200, 200, 200, 200, 200, 200),
        "foreign":           ONLY_PLATFORM,
    }),
    ("PATCH", "/contracts/<uuid:contract_id>"): Route(update_contract, {
        "own":               (403, 403, 403, 403, 403, 200, 200),
        "foreign":           ONLY_PLATFORM,
    }),
    ("GET", "/contracts/<uuid:contract_id>/operatives"): Route(list_contract_operatives, {
        "own":               (403, 403, 200, 200, 200, 200, 200),
        "foreign":           ONLY_PLATFORM,
    }),

    # Operatives see themselves; managers and admins their organisation; admins manage it.
    ("GET", "/users"): Route(list_users, {
        "self":              (SEEN, SEEN, SEEN, SEEN, SEEN, SEEN, SEEN),
        "colleague":         (HIDDEN, HIDDEN, SEEN, SEEN, SEEN, SEEN, SEEN),
        "partner":           (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, SEEN),
        "foreign":           (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, SEEN),
    }),
    # An organisation the caller cannot see is answered like a made-up id (422), never confirmed by a 403.
    ("POST", "/users"): Route(create_user, {
        "colleague":         (403, 403, 403, 201, 403, 201, 201),
        "partner":           (403, 403, 403, 403, 403, 403, 201),
        "foreign":           (403, 403, 403, 422, 403, 422, 201),
    }),
    ("GET", "/users/<uuid:user_id>"): Route(get_user, {
        "self":              (200, 200, 200, 200, 200, 200, 200),
        "colleague":         (404, 404, 200, 200, 200, 200, 200),
        "partner":           ONLY_PLATFORM,
        "foreign":           ONLY_PLATFORM,
    }),
    ("PATCH", "/users/<uuid:user_id>"): Route(update_user, {
        "self":              (200, 200, 200, 200, 200, 200, 200),
        "colleague":         (404, 404, 403, 200, 403, 200, 200),
        "partner":           ONLY_PLATFORM,
        "foreign":           ONLY_PLATFORM,
    }),
    ("POST", "/users/<uuid:user_id>/deactivate"): Route(deactivate_user, {
        "self":              (403, 403, 403, 409, 403, 409, 409),
        "colleague":         (404, 404, 403, 200, 403, 200, 200),
        "partner":           ONLY_PLATFORM,
        "foreign":           ONLY_PLATFORM,
    }),
    ("POST", "/users/<uuid:user_id>/reactivate"): Route(reactivate_user, {
        "self":              (403, 403, 403, 200, 403, 200, 200),
        "colleague":         (404, 404, 403, 200, 403, 200, 200),
        "partner":           ONLY_PLATFORM,
        "foreign":           ONLY_PLATFORM,
    }),
    ("GET", "/users/<uuid:user_id>/sessions"): Route(list_user_sessions, {
        "self":              (200, 200, 200, 200, 200, 200, 200),
        "colleague":         (404, 404, 403, 200, 403, 200, 200),
        "partner":           ONLY_PLATFORM,
        "foreign":           ONLY_PLATFORM,
    }),
    ("POST", "/users/<uuid:user_id>/sessions/<uuid:session_id>/revoke"): Route(revoke_user_session, {
        "self":              (200, 200, 200, 200, 200, 200, 200),
        "colleague":         (404, 404, 403, 200, 403, 200, 200),
        "partner":           ONLY_PLATFORM,
        "foreign":           ONLY_PLATFORM,
    }),

    # Landlord staff see their stock, contractor staff the homes they visit, an operative the homes of
    # their open visits; the platform admin no household data. Only landlord admins change them.
    ("GET", "/properties"): Route(list_properties, {
        "own":               (SEEN, HIDDEN, SEEN, SEEN, SEEN, SEEN, HIDDEN),
        "cancelled visit":   (HIDDEN, HIDDEN, SEEN, SEEN, SEEN, SEEN, HIDDEN),
        "old visit":         (HIDDEN, HIDDEN, SEEN, SEEN, SEEN, SEEN, HIDDEN),
        "foreign":           (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    }),
    ("POST", "/properties"): Route(create_property, {
        "-":                 (403, 403, 403, 403, 403, 201, 403),
    }),
    ("GET", "/properties/<uuid:property_id>"): Route(get_property, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "cancelled visit":   (404, 404, 200, 200, 200, 200, 404),
        "old visit":         (404, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("PATCH", "/properties/<uuid:property_id>"): Route(update_property, {
        "own":               (403, 404, 403, 403, 403, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/households"): Route(create_household, {
        "own":               (403, 403, 403, 403, 403, 201, 403),
        "foreign":           (403, 403, 403, 403, 403, 422, 403),
    }),
    ("GET", "/households/<uuid:household_id>"): Route(get_household, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "cancelled visit":   (404, 404, 200, 200, 200, 200, 404),
        "old visit":         (404, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("PATCH", "/households/<uuid:household_id>"): Route(update_household, {
        "own":               (403, 404, 403, 403, 403, 200, 404),
        "foreign":           ALL_404,
    }),

    # An operative sees their own visits; managers and admins of both organisations on the contract
    # see and book them; the platform admin none. A foreign contract in a booking is "not yours" (422).
    ("GET", "/visits"): Route(list_visits, {
        "own":               (SEEN, HIDDEN, SEEN, SEEN, SEEN, SEEN, HIDDEN),
        "foreign":           (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    }),
    ("POST", "/visits"): Route(create_visit, {
        "own":               (403, 403, 201, 201, 201, 201, 403),
        "foreign":           (403, 403, 422, 422, 422, 422, 403),
    }),
    ("GET", "/visits/<uuid:visit_id>"): Route(get_visit, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/reschedule"): Route(reschedule_visit, {
        "own":               (403, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/reassign"): Route(reassign_visit, {
        "own":               (403, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/cancel"): Route(cancel_visit, {
        "own":               (403, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/planned-works-notice"): Route(give_planned_works_notice, {
        "own":               (403, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/visits/<uuid:visit_id>/doorstep-password"): Route(get_doorstep_password, {
        "own":               (200, 404, 403, 403, 403, 403, 404),
        "another day":       (403, 404, 403, 403, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/contracts/<uuid:contract_id>/checklist"): Route(get_checklist, {
        "own":               (200, 200, 200, 200, 200, 200, 200),
        "foreign":           ONLY_PLATFORM,
    }),
    ("POST", "/contracts/<uuid:contract_id>/checklist"): Route(publish_checklist, {
        "own":               (403, 403, 403, 403, 403, 201, 201),
        "foreign":           (404, 404, 404, 404, 404, 404, 201),
    }),
    # In the field: only the assigned operative records a visit; managers see it but may not.
    ("POST", "/visits/<uuid:visit_id>/arrive"): Route(arrive, {
        "own":               (200, 404, 403, 403, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/running-late"): Route(mark_running_late, {
        "own":               (200, 404, 403, 403, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/id-shown"): Route(show_id, {
        "own":               (200, 404, 403, 403, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/report"): Route(report_visit, {
        "own":               (201, 404, 403, 403, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/no-access"): Route(record_no_access, {
        "own":               (201, 404, 403, 403, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/missed"): Route(mark_missed, {
        "own":               (403, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/visits/<uuid:visit_id>/concerns"): Route(raise_concern, {
        "own":               (201, 404, 201, 201, 201, 201, 404),
        "foreign":           ALL_404,
    }),

    # Concerns follow their visit; managers of both organisations act on them.
    ("GET", "/concerns"): Route(list_concerns, {
        "own":               (SEEN, HIDDEN, SEEN, SEEN, SEEN, SEEN, HIDDEN),
        "foreign":           (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    }),
    ("GET", "/concerns/<uuid:concern_id>"): Route(get_concern, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/concerns/<uuid:concern_id>/acknowledge"): Route(acknowledge_concern, {
        "own":               (403, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/concerns/<uuid:concern_id>/resolve"): Route(resolve_concern, {
        "own":               (403, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),

    # Compensation is the managers' business, on their own contracts.
    ("GET", "/compensation"): Route(list_compensation_due, {
        "own":               (403, 403, 200, 200, 200, 200, 403),
    }),
    ("POST", "/compensation/claims"): Route(record_compensation_claim, {
        "own":               (403, 403, 201, 201, 201, 201, 403),
        "foreign":           (403, 403, 422, 422, 422, 422, 403),
    }),
    # The outbox: managers and admins of either organisation on the contract see its messages.
    ("GET", "/messages"): Route(list_messages, {
        "own":               (403, 403, SEEN, SEEN, SEEN, SEEN, 403),
        "foreign":           (403, 403, HIDDEN, HIDDEN, HIDDEN, HIDDEN, 403),
    }),
    # The standards report and the CSV exports: managers and admins of either organisation on the contract
    # (tests/api/test_reports.py and test_exports.py prove what each counts); no household data for the platform.
    ("GET", "/reports/standards"): Route(get_standards_report, {
        "own":               (403, 403, 200, 200, 200, 200, 403),
        "foreign":           (403, 403, 404, 404, 404, 404, 403),
    }),
    ("GET", "/exports/visits.csv"): Route(export_visits, {
        "own":               (403, 403, 200, 200, 200, 200, 403),
        "foreign":           (403, 403, 404, 404, 404, 404, 403),
    }),
    ("GET", "/exports/concerns.csv"): Route(export_concerns, {
        "own":               (403, 403, 200, 200, 200, 200, 403),
        "foreign":           (403, 403, 404, 404, 404, 404, 403),
    }),
    # Photos and signatures follow their visit.
    ("POST", "/visits/<uuid:visit_id>/attachments"): Route(upload_attachment, {
        "own":               (201, 404, 201, 201, 201, 201, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/visits/<uuid:visit_id>/attachments"): Route(list_visit_attachments, {
        "own":               (SEEN, 404, SEEN, SEEN, SEEN, SEEN, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/attachments/<uuid:attachment_id>"): Route(get_attachment, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/attachments/<uuid:attachment_id>/content"): Route(get_attachment_content, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    # Badges: the contractor's admins manage them; office staff of either organisation look them up.
    ("POST", "/users/<uuid:user_id>/badges"): Route(issue_badge, {
        "own":               (403, 404, 403, 201, 404, 404, 403),
        "foreign":           (404, 404, 404, 404, 404, 404, 403),
    }),
    ("GET", "/badges"): Route(list_badges, {
        "own":               (SEEN, HIDDEN, SEEN, SEEN, SEEN, SEEN, HIDDEN),
        "foreign":           (HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    }),
    ("GET", "/badges/<uuid:badge_id>"): Route(get_badge, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/badges/<uuid:badge_id>/suspend"): Route(suspend_badge, {
        "own":               (403, 404, 403, 200, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/badges/<uuid:badge_id>/reinstate"): Route(reinstate_badge, {
        "own":               (403, 404, 403, 200, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("POST", "/badges/<uuid:badge_id>/revoke"): Route(revoke_badge, {
        "own":               (403, 404, 403, 200, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("PUT", "/badges/<uuid:badge_id>/photo"): Route(set_badge_photo, {
        "own":               (403, 404, 403, 200, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("DELETE", "/badges/<uuid:badge_id>/photo"): Route(remove_badge_photo, {
        "own":               (403, 404, 403, 200, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/badges/<uuid:badge_id>/live-secret"): Route(get_live_secret, {
        "own":               (200, 404, 403, 403, 403, 403, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/badges/<uuid:badge_id>/qr.png"): Route(get_badge_qr_png, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/badges/<uuid:badge_id>/qr.svg"): Route(get_badge_qr_svg, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    # Documents have the permissions of the records they draw.
    ("GET", "/visits/<uuid:visit_id>/calling-card.pdf"): Route(get_calling_card, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/badges/<uuid:badge_id>/card.pdf"): Route(get_badge_card, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/visits/<uuid:visit_id>/report.pdf"): Route(get_visit_report, {
        "own":               (200, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    # The notice letter names the tenant and their address: for the office, which posts it.
    ("GET", "/visits/<uuid:visit_id>/notice-letter.pdf"): Route(get_notice_letter, {
        "own":               (403, 404, 200, 200, 200, 200, 404),
        "foreign":           ALL_404,
    }),
    ("GET", "/badge-alerts"): Route(list_badge_alerts, {
        "own":               (403, 403, 200, 200, 200, 200, 403),
    }),
    ("POST", "/badge-alerts/<uuid:alert_id>/acknowledge"): Route(acknowledge_badge_alert, {
        "own":               (403, 403, 200, 200, 404, 404, 404),
        "foreign":           ALL_404,
    }),
    # A tenant's ask for a new appointment (with a phone number to call back): the managers and admins
    # of both organisations on the visit's contract; never operatives, nor the platform admin.
    ("GET", "/rebooking-requests"): Route(list_rebooking_requests, {
        "own":               (403, 403, SEEN, SEEN, SEEN, SEEN, 403),
        "foreign":           (403, 403, HIDDEN, HIDDEN, HIDDEN, HIDDEN, 403),
    }),
    ("POST", "/rebooking-requests/<uuid:request_id>/handle"): Route(handle_rebooking_request, {
        "own":               (403, 403, 200, 200, 200, 200, 403),
        "foreign":           (403, 403, 404, 404, 404, 404, 403),
    }),
    # A tenant's feedback and complaints (with their name and contact details if they gave them): as rebooking.
    ("GET", "/complaints"): Route(list_complaints, {
        "own":               (403, 403, SEEN, SEEN, SEEN, SEEN, 403),
        "foreign":           (403, 403, HIDDEN, HIDDEN, HIDDEN, HIDDEN, 403),
    }),
    ("POST", "/complaints/<uuid:complaint_id>/respond"): Route(respond_to_complaint, {
        "own":               (403, 403, 200, 200, 200, 200, 403),
        "foreign":           (403, 403, 404, 404, 404, 404, 403),
    }),
    ("GET", "/feedback"): Route(list_feedback, {
        "own":               (403, 403, SEEN, SEEN, SEEN, SEEN, 403),
        "foreign":           (403, 403, HIDDEN, HIDDEN, HIDDEN, HIDDEN, 403),
    }),
    # Everyone syncs their own scope (tests/api/test_sync.py proves what each receives); nobody chooses another's.
    ("GET", "/sync/changes"): Route(list_changes, {
        "-":                 (200, 200, 200, 200, 200, 200, 200),
    }),
    # A push answers 200 with a result per mutation; each mutation is refused as its HTTP route would refuse it
    # (tests/sync/test_push.py: test_each_mutation_has_its_routes_permissions).
    ("POST", "/sync/push"): Route(push_mutations, {
        "own":               (200, 200, 200, 200, 200, 200, 200),
        "foreign":           (200, 200, 200, 200, 200, 200, 200),
    }),
}
# fmt: on

# Routes anyone may call, and a request each that must succeed without a token.
PUBLIC: dict[tuple[str, str], Callable[[factories.World], Call]] = {
    ("POST", "/auth/login"): lambda world: Call(
        "/auth/login", {"email": world.a.operative.email, "password": factories.PASSWORD}
    ),
    ("GET", "/openapi.json"): lambda world: Call("/openapi.json"),
    ("GET", "/docs"): lambda world: Call("/docs"),
    ("GET", "/docs/assets/<path:filename>"): lambda world: Call("/docs/assets/swagger-ui.css"),
}


def _caller(world: factories.World, name: str) -> User:
    return world.platform_admin if name == "platform_admin" else getattr(world.a, name)


def _send(app, client, method: str, route: str, call: Call, headers: dict | None = None):
    """Send the call, first checking it really is a request to `route`."""
    rule, _ = app.url_map.bind("localhost").match(API + call.path.partition("?")[0], method=method, return_rule=True)
    assert rule.rule == API + route, f"the request for {route} reached {rule.rule}"
    body = {"json": call.json} if call.form is None else {"data": call.form, "content_type": "multipart/form-data"}
    response = client.open(API + call.path, method=method, headers=headers or {}, **body)
    response.get_data()  # buffered, so a streamed file can be closed at once
    response.close()
    return response


def _assert_answer(response, expected, call: Call) -> None:
    if expected in (SEEN, HIDDEN):
        assert response.status_code == 200, response.json
        ids = {item["id"] for item in response.json["items"]}
        targets = {str(record_id) for record_id in call.listed}
        assert targets <= ids if expected == SEEN else not targets & ids
        return
    assert response.status_code == expected, response.json
    if expected >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.json["code"] == CODES[expected]


MATRIX_CASES = [
    pytest.param(method, route, target, caller, expected, id=f"{method} {route} | {target} | {caller}")
    for (method, route), spec in ROUTES.items()
    for target, row in spec.expect.items()
    for caller, expected in zip(CALLERS, row, strict=True)
]


@pytest.mark.parametrize(("method", "route", "target", "caller", "expected"), MATRIX_CASES)
def test_access(app, client, world, auth_headers, now, method, route, target, caller, expected):
    user = _caller(world, caller)
    call = ROUTES[method, route].build(Scene(world, user, target, now))

    response = _send(app, client, method, route, call, auth_headers(user, refresh=call.refresh_token))

    _assert_answer(response, expected, call)


ANONYMOUS_CASES = [
    pytest.param(method, route, target, id=f"{method} {route} | {target}")
    for (method, route), spec in ROUTES.items()
    for target in spec.expect
]


@pytest.mark.parametrize(("method", "route", "target"), ANONYMOUS_CASES)
def test_anonymous_callers_must_sign_in(app, client, world, now, method, route, target):
    # The request a side A admin would make, real ids and all, sent with no token.
    call = ROUTES[method, route].build(Scene(world, world.a.contractor_admin, target, now))

    response = _send(app, client, method, route, call)

    _assert_answer(response, 401, call)


@pytest.mark.parametrize(("method", "route"), list(PUBLIC))
def test_public_routes_answer_without_a_token(app, client, world, method, route):
    response = _send(app, client, method, route, PUBLIC[method, route](world))
    response.close()  # a static file's handle

    assert response.status_code == 200


def test_the_matrix_covers_every_api_route(app):
    routes = {
        (method, rule.rule.removeprefix(API))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    missing = routes - ROUTES.keys() - PUBLIC.keys()
    stale = (ROUTES.keys() | PUBLIC.keys()) - routes
    untried_abroad = [key for key, spec in ROUTES.items() if "<uuid:" in key[1] and "foreign" not in str(spec.expect)]
    assert not missing, f"Give these routes a table in ROUTES (who may call them, own and foreign): {sorted(missing)}"
    assert not stale, f"These rows name routes that no longer exist: {sorted(stale)}"
    assert not untried_abroad, f"Try these routes on side B's records too: {untried_abroad}"


@pytest.mark.parametrize(("field", "value"), [("name", "Renamed Ltd"), ("kind", "landlord"), ("region", "scotland")])
def test_an_organisation_admin_changes_contact_details_but_not_what_the_platform_set(
    client, world, auth_headers, field, value
):
    response = client.patch(
        f"{API}/organisations/{world.a.contractor.id}",
        json={field: value},
        headers=auth_headers(world.a.contractor_admin),
    )

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"
