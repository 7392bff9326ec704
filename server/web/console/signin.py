"""Who is signed in to the console, the CSRF token, and the page every error becomes."""

import hashlib
import hmac
import json
import secrets

from flask import current_app, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from server import errors
from server.models import User
from server.models.base import utcnow
from server.services import console

# Our own stylesheet, photos and forms; inline SVG needs no source. Never framed (clickjacking on a
# resolve or revoke button), no referrer (visit ids in addresses).
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
PUBLIC_ENDPOINTS = {"console.login_form", "console.login", "console.static"}


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """A POST without this session's token (a form from another site, or an old page) changes nothing: 400."""
    sent, kept = request.form.get("csrf_token", ""), session.get("csrf", "")
    if not kept or not hmac.compare_digest(sent.encode(), kept.encode()):
        raise errors.DomainError(
            "bad_request", "This form has expired or did not come from the console. Go back, reload and try again."
        )


def login_account() -> str:
    """The rate-limit key for the account a sign-in names; hashed, so the limiter's store holds no emails."""
    email = request.form.get("email", "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32] if email else "account:-"


def start(device_session) -> None:
    """Remember the new sign-in; a fresh session and token, so nothing from before sign-in carries over."""
    session.clear()
    session.permanent = True
    session["uid"], session["sid"] = str(device_session.user.id), str(device_session.id)
    csrf_token()


def end() -> None:
    if "sid" in session:
        console.sign_out(session["sid"], utcnow())
    session.clear()


def load_user() -> None:
    """Before each console request: check the form's token, and who is signed in (if the session still holds)."""
    if request.method == "POST":
        check_csrf()
    g.console_user = None
    if "sid" in session:
        lifetime = current_app.permanent_session_lifetime
        g.console_user = console.signed_in_user(session.get("uid"), session["sid"], lifetime, utcnow())
        if g.console_user is None:
            session.clear()
            session["ended"] = True
    if g.console_user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return redirect(url_for("console.login_form"))
    return None


def user() -> User:
    """The signed-in manager or admin of this request."""
    return g.console_user


def protect(response):
    """Security headers on every console answer; pages with people's details are never cached."""
    response.headers.update(HEADERS)
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def error_page(exc):
    """Errors as a page a manager can read, with the way back; the status stays the API's."""
    response = errors.from_exception(exc)
    status = response.status_code
    detail = exc.detail if isinstance(exc, errors.DomainError) else None
    if status == 429:
        detail = "Too many attempts in a short time. Wait a minute, then try again."
    if detail is None:
        detail = json.loads(response.get_data())["detail"]
    if status >= 500:
        detail = "Something went wrong on our side."
    if request.endpoint == "console.login" and status in (401, 403, 429):
        return render_template("console/login.html", problem=detail, email=request.form.get("email", "")), status
    errors_by_field = exc.errors if isinstance(exc, errors.DomainError) else None
    return render_template("console/error.html", status=status, detail=detail, field_errors=errors_by_field), status


def serve(bp) -> None:
    """Give the console blueprint its sign-in check, headers and readable errors."""
    bp.before_request(load_user)
    bp.after_request(protect)
    bp.register_error_handler(HTTPException, error_page)
    bp.register_error_handler(errors.DomainError, error_page)
    bp.context_processor(lambda: {"csrf_token": csrf_token, "me": g.get("console_user")})
