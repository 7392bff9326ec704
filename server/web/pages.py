"""What every tenant page shares: the wording, the reader's language, HTML or JSON, headers and errors.

Pages come in the tenant's language: `?lang=` (kept through the forms), else the browser's.
"""

from functools import partial
from pathlib import Path

from flask import Blueprint, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from server import errors, wording

WORDING = wording.load(Path(__file__).parent / "wording")

# Only our own styles, photos and forms; never inside another site's frame (a fake page wrapped round a
# genuine verdict); the code in the address goes nowhere else.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def answers() -> dict:
    """A form's fields, or a JSON object's: anything else (malformed JSON, a list) is a 4xx, never a 500."""
    if request.form:
        return request.form.to_dict()
    if not request.get_data():
        return {}
    body = request.get_json(silent=True)
    if body is None:
        raise errors.DomainError("malformed_json", "The body is not valid JSON.")
    if not isinstance(body, dict):
        raise errors.DomainError("validation_failed", "Send the answers as a form or a JSON object.")
    return body


def language(preferred: str | None = None) -> wording.Language:
    """`?lang=`, else the language the page knows its reader prefers (a household's), else the browser's."""
    return WORDING.languages[WORDING.choose(request.values.get("lang") or preferred, request.accept_languages)]


def page(template: str, back: str, status: int = 200, preferred: str | None = None, **context):
    """Render a page in the tenant's language, with links to the same page in the others.

    A page answering a form post switches language by going `back` (to the badge, or the code form).
    """
    reader = language(preferred)

    def switch(code: str) -> str:
        if request.method != "GET" or request.endpoint is None:
            return f"{back}?lang={code}"
        return url_for(request.endpoint, **(request.view_args or {}), **(request.args.to_dict() | {"lang": code}))

    text = partial(WORDING.text, reader.code)
    body = render_template(
        template, language=reader, languages=WORDING.languages.values(), switch=switch, t=text, back=back, **context
    )
    return body, status, {"Content-Language": reader.code}


def protect(response):
    """Security headers on every answer; a verdict is never cached, so a withdrawn one never shows from history."""
    response.headers.update(HEADERS)
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def serve_tenants(bp: Blueprint, error_template: str, back: str) -> None:
    """Give a blueprint of tenant pages the headers, and errors a browser can read (problem+json otherwise)."""

    def error(exc):
        response = errors.from_exception(exc)
        if wants_json():
            return response
        status = response.status_code
        return page(error_template, back=back, status=status, error_status=status, rate_limited=status == 429)

    bp.after_request(protect)
    bp.register_error_handler(HTTPException, error)
    bp.register_error_handler(errors.DomainError, error)
