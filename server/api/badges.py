import uuid

from flask import Response

from server.api import Blueprint, upload_sized
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.badges import (
    AlertQueryArgsSchema,
    BadgeAlertSchema,
    BadgeCreateSchema,
    BadgeQueryArgsSchema,
    BadgeSchema,
    LiveSecretSchema,
    RevokeSchema,
    SuspendSchema,
)
from server.schemas.common import ImageFileSchema, page_of
from server.services import badges, qr_codes
from sync import live_badge

bp = Blueprint("badges", __name__, description="Operatives' identity badges, and alerts from their scans.")


@bp.post("/users/<uuid:user_id>/badges")
@authenticated
@bp.arguments(BadgeCreateSchema)
@bp.response(201, BadgeSchema)
def issue_badge(body, user_id: uuid.UUID):
    """Issue a badge to one of your operatives (contractor admins); valid 12 months unless shorter."""
    badge = badges.issue(user_id, body.get("expires_at"), actor(), utcnow())
    return badge, 201, {"Location": f"/api/v1/badges/{badge.id}"}


@bp.get("/badges")
@authenticated
@bp.arguments(BadgeQueryArgsSchema, location="query")
@bp.response(200, page_of(BadgeSchema))
def list_badges(args):
    """Badges you may see; `short_code` finds the one a tenant reads out over the phone."""
    page = badges.list_badges(actor(), args.get("short_code"), args.get("user"), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.get("/badges/<uuid:badge_id>")
@authenticated
@bp.response(200, BadgeSchema)
def get_badge(badge_id: uuid.UUID):
    return badges.get_badge(badge_id, actor())


@bp.post("/badges/<uuid:badge_id>/suspend")
@authenticated
@bp.arguments(SuspendSchema)
@bp.response(200, BadgeSchema)
def suspend_badge(body, badge_id: uuid.UUID):
    return badges.suspend(badge_id, body.get("reason"), actor(), utcnow())


@bp.post("/badges/<uuid:badge_id>/reinstate")
@authenticated
@bp.response(200, BadgeSchema)
def reinstate_badge(badge_id: uuid.UUID):
    return badges.reinstate(badge_id, actor(), utcnow())


@bp.post("/badges/<uuid:badge_id>/revoke")
@authenticated
@bp.arguments(RevokeSchema)
@bp.response(200, BadgeSchema)
def revoke_badge(body, badge_id: uuid.UUID):
    """Revoke for good, with the reason; scans of it then alert your managers."""
    return badges.revoke(badge_id, body["reason"], actor(), utcnow())


@bp.put("/badges/<uuid:badge_id>/photo")
@authenticated
@upload_sized
@bp.arguments(ImageFileSchema, location="files")
@bp.response(200, BadgeSchema)
def set_badge_photo(files, badge_id: uuid.UUID):
    """The holder's photo (multipart/form-data: file), shown to tenants on the verification page only."""
    return badges.set_photo(badge_id, files["file"].read(), actor(), utcnow())


@bp.delete("/badges/<uuid:badge_id>/photo")
@authenticated
@bp.response(200, BadgeSchema)
def remove_badge_photo(badge_id: uuid.UUID):
    return badges.remove_photo(badge_id, actor(), utcnow())


@bp.get("/badges/<uuid:badge_id>/live-secret")
@authenticated
@bp.response(200, LiveSecretSchema)
def get_live_secret(badge_id: uuid.UUID):
    """The holder's tablet: the secret its rotating live code is made from, and the server's time."""
    now = utcnow()
    secret = badges.live_secret(badge_id, actor())
    return {"badge_id": badge_id, "secret": secret, "step_seconds": live_badge.STEP_SECONDS, "server_time": now}


def _qr(badge_id: uuid.UUID, render) -> Response:
    badge = badges.get_badge(badge_id, actor())
    body, mimetype = render(badges.verify_url(badge))
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/badges/<uuid:badge_id>/qr.png")
@authenticated
@bp.response(200, description="The badge's QR code as PNG.")
def get_badge_qr_png(badge_id: uuid.UUID):
    return _qr(badge_id, qr_codes.png)


@bp.get("/badges/<uuid:badge_id>/qr.svg")
@authenticated
@bp.response(200, description="The badge's QR code as SVG, for print.")
def get_badge_qr_svg(badge_id: uuid.UUID):
    return _qr(badge_id, qr_codes.svg)


@bp.get("/badge-alerts")
@authenticated
@bp.arguments(AlertQueryArgsSchema, location="query")
@bp.response(200, page_of(BadgeAlertSchema))
def list_badge_alerts(args):
    """Scans of revoked or suspended badges, and bursts of scans (the contractor's managers)."""
    page = badges.list_alerts(actor(), args.get("unacknowledged"), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/badge-alerts/<uuid:alert_id>/acknowledge")
@authenticated
@bp.response(200, BadgeAlertSchema)
def acknowledge_badge_alert(alert_id: uuid.UUID):
    return badges.acknowledge_alert(alert_id, actor(), utcnow())
