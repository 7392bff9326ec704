"""The JSON API under /api/v1, documented at /api/v1/openapi.json from the schemas that validate it."""

import flask
import flask_smorest
import swagger_ui_bundle
from flask_smorest import Api
from webargs.flaskparser import FlaskParser

from server import errors
from server.schemas.common import ProblemSchema


class StrictParser(FlaskParser):
    """Query parameters follow the schema's `unknown` (RAISE), as bodies do: a typo is an error."""

    DEFAULT_UNKNOWN_BY_LOCATION = {}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()


def upload_sized(fn):
    """Let this view's request body be as large as a photo may be (other requests stay at MAX_CONTENT_LENGTH)."""
    fn.accepts_upload = True  # functools.wraps carries it out through the other decorators
    return fn


class Request(flask.Request):
    """The body limit follows the view, whoever reads the body first (the NUL check reads forms before any view)."""

    @property
    def max_content_length(self) -> int | None:
        view = flask.current_app.view_functions.get(self.endpoint) if self.endpoint else None
        if getattr(view, "accepts_upload", False):
            return flask.current_app.config["ATTACHMENT_MAX_BYTES"] + 64 * 1024
        return super().max_content_length


class DoorstepApi(Api):
    ERROR_SCHEMA = ProblemSchema  # documents every error response as the problem+json body

    def handle_http_exception(self, error):
        """Answer in problem+json, as every other error (not flask-smorest's own body)."""
        return errors.from_http_exception(error)


def init_app(app) -> None:
    app.request_class = Request
    app.config.update(
        API_TITLE="Doorstep API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Served from the installed swagger-ui-bundle, so the docs work with no route to a CDN.
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/assets/",
    )
    app.register_blueprint(
        flask.Blueprint(
            "docs_assets",
            __name__,
            static_folder=swagger_ui_bundle.swagger_ui_path,
            static_url_path="/api/v1/docs/assets",
        )
    )
    api = DoorstepApi(
        app,
        spec_kwargs={
            "info": {"description": "Doorstep: visits, badges and calling cards for contractors in tenants' homes."},
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
            },
            "security": [{"bearerAuth": []}],
        },
    )
    from server.api import (
        attachments,
        auth,
        badges,
        compensation,
        concerns,
        contracts,
        documents,
        exports,
        feedback,
        messages,
        organisations,
        properties,
        rebooking,
        reports,
        sync,
        users,
        visits,
    )

    modules = (
        auth,
        organisations,
        contracts,
        users,
        properties,
        visits,
        concerns,
        attachments,
        compensation,
        badges,
        documents,
        rebooking,
        messages,
        feedback,
        reports,
        exports,
        sync,
    )
    for module in modules:
        api.register_blueprint(module.bp, url_prefix="/api/v1")
