"""The contract managers' web console under /console/: server-rendered pages that work without JavaScript.

Signed in with a session cookie (HttpOnly, SameSite=Lax, Secure behind https) that names a device
session, so the API's rules for deactivated users and revoked sessions hold here too. Every POST
carries the session's CSRF token.
"""

from datetime import timedelta


def init_app(app) -> None:
    """Set the session cookie's rules and register the console's pages."""
    from server.web.console import views

    hours = int(app.config.get("CONSOLE_SESSION_HOURS", 8))
    app.config.update(
        CONSOLE_SESSION_HOURS=hours,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=hours),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["PUBLIC_BASE_URL"].startswith("https://"),
    )
    app.register_blueprint(views.bp)
