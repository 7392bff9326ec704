"""No text a person enters holds a NUL character, and PostgreSQL cannot store one: refuse it at the door.

Checked once for every request (query, form fields, JSON), before any view reads it, so the answer
is the same clear 400 on SQLite and on PostgreSQL, and nothing is written.
"""

from flask import request

from server.errors import problem


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def init_app(app) -> None:
    @app.before_request
    def refuse_nul():
        fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
        json_body = request.get_json(silent=True) if request.is_json else None
        if _has_nul([text for pair in fields for text in pair]) or _has_nul(json_body):
            return problem("bad_request", "Text may not contain NUL (\\u0000) characters.")
        return None
