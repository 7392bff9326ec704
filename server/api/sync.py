"""Offline sync over HTTP (DESIGN §4): the engine is in sync/, the protocol in docs/sync-protocol.md."""

import gzip

from flask import Response, request

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.sync import ChangesArgsSchema, ChangesPageSchema
from server.schemas.sync_push import PushResultSchema, PushSchema
from sync import feed, push

bp = Blueprint("sync", __name__, description="Offline sync for tablets: pull what changed, push what was recorded.")


@bp.after_request
def compress(response):
    """Gzip JSON for a client that accepts it: a first sync is mostly repeated keys, and signal is poor."""
    response.vary.add("Accept-Encoding")
    accepted = request.accept_encodings["gzip"] > 0
    if accepted and response.status_code == 200 and response.is_json and not response.direct_passthrough:
        response.set_data(gzip.compress(response.get_data(), compresslevel=5))
        response.headers["Content-Encoding"] = "gzip"
    return response


@bp.get("/sync/changes")
@authenticated
@bp.arguments(ChangesArgsSchema, location="query")
@bp.response(200, ChangesPageSchema)
def list_changes(args):
    """The next page of what your tablet holds: without a cursor a snapshot, then what changed since."""
    page = feed.pull(actor(), args["cursor"], args["limit"], utcnow())
    # The body ChangesPageSchema describes, written from the changes the feed encoded to count its bytes:
    # dumping and encoding a first sync's pages a second time cost as much as building them.
    return Response(page.to_json(), mimetype="application/json")


@bp.post("/sync/push")
@authenticated
@bp.arguments(PushSchema)
@bp.response(200, PushResultSchema)
def push_mutations(body):
    """Apply a batch recorded offline, each mutation once: a result per mutation, in the batch's order."""
    return {"results": push.push(body["device_id"], body["mutations"], actor(), now=utcnow())}
