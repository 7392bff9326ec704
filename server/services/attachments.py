"""Photos and signatures: decoded to prove they are images, location stripped, stored by their sha256."""

import io
import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from PIL import Image

import sync
from server import file_store, images
from server.errors import DomainError, Forbidden, NotFound
from server.extensions import db
from server.models import Attachment, AttachmentKind, Concern, User, Visit
from server.services.access import get_visible, visit_filter
from server.services.pages import Page, paginate

_GPS_IFD = 0x8825


def _stored_bytes(image: Image.Image, data: bytes, keep_location: bool) -> tuple[bytes, str]:
    """The bytes to keep: HEIC becomes JPEG; the GPS location goes unless the contract keeps it."""
    exif = image.getexif()
    if image.format in images.FORMATS and (keep_location or _GPS_IFD not in exif):
        return data, images.FORMATS[image.format]
    if not keep_location:
        exif.pop(_GPS_IFD, None)
    out = io.BytesIO()
    if image.format == "PNG":
        image.save(out, format="PNG", exif=exif.tobytes())
        return out.getvalue(), "image/png"
    if image.format == "JPEG":  # "keep" reuses the original quantisation: no second round of loss
        image.save(out, format="JPEG", quality="keep", exif=exif.tobytes())
    else:
        image.convert("RGB").save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue(), "image/jpeg"


def upload(
    visit_id: uuid.UUID,
    kind: AttachmentKind,
    data: bytes,
    concern_id,
    actor: User,
    now: datetime,
    attachment_id: uuid.UUID | None = None,
) -> tuple[Attachment, bool]:
    """Keep a photo or signature for a visit (its operative, or a manager on the contract); True if it is new.

    With the tablet's own id, a retry of an upload whose answer was lost finds the first and keeps nothing twice.
    """
    visit = get_visible(actor, Visit, visit_id)
    if actor.id != visit.operative_id and not actor.is_manager:
        raise Forbidden("Photos and signatures are added by the visit's operative or a manager.")
    if concern_id is not None:
        concern = db.session.get(Concern, concern_id)
        if concern is None or concern.visit_id != visit.id:
            raise DomainError("validation_failed", errors={"concern_id": ["No concern of this visit has this id."]})
    image = images.decode(data)
    stored, content_type = _stored_bytes(image, data, visit.contract.standards["keep_photo_location"])
    sha256 = file_store.put(stored)
    if attachment_id is not None and (earlier := db.session.get(Attachment, attachment_id)) is not None:
        if (earlier.visit_id, earlier.kind, earlier.sha256, earlier.concern_id) != (visit.id, kind, sha256, concern_id):
            raise DomainError("already_exists", f"Another photo or signature already has the id {attachment_id}.")
        return earlier, False
    attachment = Attachment(
        id=attachment_id or uuid.uuid4(),
        visit_id=visit.id,
        concern_id=concern_id,
        kind=kind,
        sha256=sha256,
        content_type=content_type,
        size=len(stored),
        width=image.width,
        height=image.height,
        uploaded_by=actor.id,
        uploaded_at=now,
    )
    db.session.add(attachment)
    db.session.flush()
    sync.visit_record_changed("attachment", attachment.id, 1, visit)
    return attachment, True


def _visible(actor: User) -> sa.Select:
    return sa.select(Attachment).join(Visit, Visit.id == Attachment.visit_id).where(visit_filter(actor))


def get_attachment(attachment_id: uuid.UUID, actor: User) -> Attachment:
    attachment = db.session.scalar(_visible(actor).where(Attachment.id == attachment_id))
    if attachment is None:
        raise NotFound(f"No attachment with id {attachment_id}.")
    return attachment


def content_path(attachment_id: uuid.UUID, actor: User) -> tuple[Attachment, Path]:
    attachment = get_attachment(attachment_id, actor)
    return attachment, file_store.path(attachment.sha256)


def list_for_visit(visit_id: uuid.UUID, actor: User, page: int, per_page: int) -> Page:
    visit = get_visible(actor, Visit, visit_id)
    query = sa.select(Attachment).where(Attachment.visit_id == visit.id).order_by(Attachment.uploaded_at, Attachment.id)
    return paginate(query, page, per_page)
