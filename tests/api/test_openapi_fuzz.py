"""Property-based: whatever schemathesis sends, generated from our own OpenAPI, no answer is a 5xx."""

import contextvars

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from server.extensions import db

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same cases every run: a failure reproduces
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _fuzz(operation, sign_in) -> None:
    @given(case=operation.as_strategy())
    @SETTINGS
    def run(case):
        headers = sign_in()  # a fresh device session each time: a fuzzed logout must not end the run
        # Each request in a fresh context, as in production: its own app context, `g` and session.
        response = contextvars.Context().run(case.call, headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    run()


@pytest.mark.parametrize("role", ["contractor_manager", "landlord_admin", "operative"])
def test_no_request_gets_a_server_error(app, world, auth_headers, role):
    user = getattr(world.a, role)

    def sign_in():
        headers = auth_headers(user)
        db.session.commit()  # the scene survives a request that rolls its own work back
        return headers

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, sign_in)
        except Exception as exc:  # collect every operation's failure, then report them all
            failures[operation.label] = exc
    assert not failures, "\n\n".join(f"{label}: {exc}" for label, exc in failures.items())


def test_the_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.startswith(("/api/v1/docs", "/api/v1/openapi"))
    }
    documented = {path.replace("{", "<").replace("}", ">") for path in document["paths"]}

    assert document["openapi"].startswith("3.")
    assert {r.replace("<uuid:", "<") for r in routes} == documented


def test_the_api_docs_are_browsable_without_a_cdn(client):
    with client.get("/api/v1/docs") as page, client.get("/api/v1/docs/assets/swagger-ui-bundle.js") as script:
        html, status = page.get_data(as_text=True), script.status_code
        script.get_data()  # read to the end and closed at once: an open file left to the collector warns

    assert page.status_code == 200
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    assert status == 200
