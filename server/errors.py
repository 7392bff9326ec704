"""Every error Doorstep answers with, as RFC 9457 problem+json, built in one place."""

import logging

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# A URN names each problem type without pretending to be a page one could open.
PROBLEM_BASE = "urn:doorstep:problem:"

# The stable error codes, a line each: code -> (HTTP status, title).
CODES = {
    "bad_request": (400, "The request could not be understood"),
    "invalid_cursor": (400, "The sync cursor is not one this server issued"),
    "malformed_json": (400, "The body is not valid JSON"),
    "authentication_required": (401, "Sign in to use this"),
    "invalid_credentials": (401, "The email or password is wrong"),
    "invalid_token": (401, "The token is not valid"),
    "token_expired": (401, "The token has expired"),
    "token_revoked": (401, "The token has been revoked or the account deactivated"),
    "refresh_token_reused": (401, "An old refresh token was used again; this device has been signed out"),
    "forbidden": (403, "Your role does not allow this"),
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    "not_acceptable": (406, "No acceptable representation"),
    "conflict": (409, "The record has changed since you read it"),
    "already_exists": (409, "A record with these details already exists"),
    "invalid_transition": (409, "The record is not in a state that allows this"),
    "already_reported": (409, "This visit's report is already in, with other answers; the first one is kept"),
    "resync_required": (410, "The sync cursor is past the retention horizon; sync again from the start"),
    "payload_too_large": (413, "The request body is too large"),
    "unsupported_media_type": (415, "Send the body as application/json"),
    "not_an_image": (415, "The file is not a JPEG, PNG or HEIC image"),
    "validation_failed": (422, "Some fields are not valid"),
    "notice_too_late": (422, "Too late for the notice of planned works the contract asks for"),
    "rate_limited": (429, "Too many requests; try again shortly"),
    "internal_error": (500, "Something went wrong on our side"),
    "service_unavailable": (503, "The service is not ready"),
}

# The tenant's badge and calling card checks: every JSON answer under /v and /c, errors too, carries a verdict
# a phone can act on, and an error is never a reason to let someone in (or to call a number on a card).
_FIELDS_BY_PATH = {"/v": {"verdict": "not_recognised"}, "/c": {"verdict": "not_recognised"}}

_CODE_BY_STATUS = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    503: "service_unavailable",
}


class DomainError(Exception):
    """A rule refused the request; carries a stable code from CODES."""

    def __init__(self, code: str, detail: str | None = None, errors: dict | None = None, **extra):
        assert code in CODES, code
        super().__init__(detail or CODES[code][1])
        self.code, self.detail, self.errors, self.extra = code, detail, errors, extra


class NotFound(DomainError):
    def __init__(self, detail: str | None = None):
        super().__init__("not_found", detail)


class Forbidden(DomainError):
    def __init__(self, detail: str | None = None):
        super().__init__("forbidden", detail)


def problem(code: str, detail: str | None = None, errors: dict | None = None, headers=None, **extra) -> Response:
    """Build the problem+json response for a code."""
    status, title = CODES[code]
    body = {"type": PROBLEM_BASE + code, "title": title, "status": status, "code": code}
    body["detail"] = detail or title
    if errors:
        body["errors"] = errors
    body.update(extra)
    body["instance"] = request.path
    for prefix, fields in _FIELDS_BY_PATH.items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            body = fields | body
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_exception(exc: HTTPException) -> Response:
    """Turn werkzeug's and flask-smorest's HTTP errors into problem+json."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    code = _CODE_BY_STATUS.get(exc.code or 500, "bad_request" if (exc.code or 500) < 500 else "internal_error")
    if messages and messages.get("json") == ["Invalid JSON body."]:
        return problem("malformed_json", "The body is not valid JSON.")
    if code == "validation_failed" and messages:
        # webargs nests errors by location; a single location is flattened for the client.
        errors = messages if len(messages) > 1 else next(iter(messages.values()))
        return problem(code, "Some fields are missing or not valid; see errors.", errors=errors)
    headers = {}
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    if exc.code == 429:
        return problem(code, f"Too many requests ({exc.description}); try again shortly.")
    description = exc.description if exc.description != type(exc).description else None
    return problem(code, description, headers=headers)


def from_exception(exc: DomainError | HTTPException) -> Response:
    if isinstance(exc, DomainError):
        return problem(exc.code, exc.detail, exc.errors, **exc.extra)
    return from_http_exception(exc)


def register(app) -> None:
    """Install the handlers that make every error problem+json."""

    app.register_error_handler(DomainError, from_exception)
    app.register_error_handler(HTTPException, from_exception)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("unhandled error")
        return problem("internal_error")
