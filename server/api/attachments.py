import uuid

from flask import send_file

from server.api import Blueprint, upload_sized
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.attachments import AttachmentFormSchema, AttachmentSchema
from server.schemas.common import ImageFileSchema, PageArgsSchema, page_of
from server.services import attachments

bp = Blueprint("attachments", __name__, description="Photos and signatures from visits.")


@bp.post("/visits/<uuid:visit_id>/attachments")
@authenticated
@upload_sized
@bp.arguments(AttachmentFormSchema, location="form")
@bp.arguments(ImageFileSchema, location="files")
@bp.response(201, AttachmentSchema)
@bp.alt_response(200, schema=AttachmentSchema, description="Already kept: a retry with the same id.")
def upload_attachment(form, files, visit_id: uuid.UUID):
    """Add a photo or a signature to a visit (multipart/form-data: file, kind, concern_id, and the tablet's id)."""
    data = files["file"].read()
    attachment, new = attachments.upload(
        visit_id, form["kind"], data, form.get("concern_id"), actor(), utcnow(), attachment_id=form.get("id")
    )
    return attachment, 201 if new else 200, {"Location": f"/api/v1/attachments/{attachment.id}"}


@bp.get("/visits/<uuid:visit_id>/attachments")
@authenticated
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_of(AttachmentSchema))
def list_visit_attachments(args, visit_id: uuid.UUID):
    page = attachments.list_for_visit(visit_id, actor(), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.get("/attachments/<uuid:attachment_id>")
@authenticated
@bp.response(200, AttachmentSchema)
def get_attachment(attachment_id: uuid.UUID):
    return attachments.get_attachment(attachment_id, actor())


@bp.get("/attachments/<uuid:attachment_id>/content")
@authenticated
@bp.response(200, description="The image bytes.")
def get_attachment_content(attachment_id: uuid.UUID):
    """The photo or signature itself, for those who may see the visit."""
    attachment, path = attachments.content_path(attachment_id, actor())
    response = send_file(path, mimetype=attachment.content_type, max_age=0, conditional=True, etag=attachment.sha256)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
