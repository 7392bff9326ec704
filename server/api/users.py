import uuid

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models import User
from server.models.base import utcnow
from server.schemas.common import PageArgsSchema, page_of
from server.schemas.users import DeviceSessionSchema, UserCreateSchema, UserSchema, UserUpdateSchema
from server.services import users
from server.services.access import get_visible

bp = Blueprint("users", __name__, description="People and their signed-in devices.")


@bp.get("/users")
@authenticated
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_of(UserSchema))
def list_users(args):
    """Your organisation's users (managers and admins); yourself (operatives)."""
    page = users.list_users(actor(), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/users")
@authenticated
@bp.arguments(UserCreateSchema)
@bp.response(201, UserSchema)
def create_user(body):
    """Add a user to your organisation (admins)."""
    user = users.create_user(body, actor=actor())
    return user, 201, {"Location": f"/api/v1/users/{user.id}"}


@bp.get("/users/<uuid:user_id>")
@authenticated
@bp.response(200, UserSchema)
def get_user(user_id: uuid.UUID):
    return get_visible(actor(), User, user_id)


@bp.patch("/users/<uuid:user_id>")
@authenticated
@bp.arguments(UserUpdateSchema)
@bp.response(200, UserSchema)
def update_user(body, user_id: uuid.UUID):
    """Change a user (admins), or your own name, phone and password."""
    return users.update_user(user_id, body, actor=actor(), now=utcnow())


@bp.post("/users/<uuid:user_id>/deactivate")
@authenticated
@bp.response(200, UserSchema)
def deactivate_user(user_id: uuid.UUID):
    """Stop a user signing in; their devices lose access at their next request."""
    return users.set_active(user_id, False, actor=actor(), now=utcnow())


@bp.post("/users/<uuid:user_id>/reactivate")
@authenticated
@bp.response(200, UserSchema)
def reactivate_user(user_id: uuid.UUID):
    return users.set_active(user_id, True, actor=actor(), now=utcnow())


@bp.get("/users/<uuid:user_id>/sessions")
@authenticated
@bp.response(200, page_of(DeviceSessionSchema))
def list_user_sessions(user_id: uuid.UUID):
    """The devices a user has signed in on."""
    items = users.user_sessions(user_id, actor=actor())
    return {"items": items, "meta": {"page": 1, "per_page": max(len(items), 1), "total": len(items), "pages": 1}}


@bp.post("/users/<uuid:user_id>/sessions/<uuid:session_id>/revoke")
@authenticated
@bp.response(200, DeviceSessionSchema)
def revoke_user_session(user_id: uuid.UUID, session_id: uuid.UUID):
    """Sign one device out at once (a lost or stolen tablet)."""
    return users.revoke_user_session(user_id, session_id, actor=actor(), now=utcnow())
