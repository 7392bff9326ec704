import hashlib

from flask import current_app, request
from flask_jwt_extended import get_jwt

from server.api import Blueprint
from server.auth import actor, authenticated, device_session, refresh_token_required
from server.extensions import limiter
from server.models.base import utcnow
from server.schemas.auth import LoginSchema, TokensSchema
from server.schemas.users import UserSchema
from server.services import auth

bp = Blueprint("auth", __name__, description="Sign in, token refresh, sign out, and who I am.")


def _login_account() -> str:
    """The rate-limit key for the account a login names; hashed, so the limiter's store holds no emails."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return "account:" + hashlib.sha256(str(email).strip().lower().encode()).hexdigest()[:32] if email else "account:-"


@bp.post("/auth/login")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_login_account)
@bp.arguments(LoginSchema)
@bp.response(200, TokensSchema)
@bp.doc(security=[])
def login(body):
    """Sign in with email and password; name the device to be able to sign it out later."""
    return auth.login(body["email"], body["password"], body.get("device_id"), now=utcnow())


@bp.post("/auth/refresh")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"])
@refresh_token_required
@bp.response(200, TokensSchema)
@bp.doc(description="Send the refresh token as the bearer token. Each refresh token works once.")
def refresh():
    """Swap a refresh token for a new pair; reusing an old one signs the device out."""
    return auth.refresh(actor(), device_session(), get_jwt()["jti"], now=utcnow())


@bp.post("/auth/logout")
@authenticated
@bp.response(204)
def logout():
    """Sign this device out."""
    auth.revoke_session(device_session(), utcnow(), reason="logout")


@bp.get("/me")
@authenticated
@bp.response(200, UserSchema)
def get_me():
    """Who I am, and my organisation."""
    return actor()
