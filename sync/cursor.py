"""The pull cursor: where a device is in the feed, signed so a tampered one is refused, never trusted.

Text form: `1.<base64url JSON>.<base64url HMAC-SHA-256, 16 bytes>`. The leading 1 is the format's
version; a client stores the cursor as it came and sends it back unchanged.
"""

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, replace

from flask import current_app

from server.errors import DomainError

VERSION = "1"


@dataclass(frozen=True)
class Position:
    """How far one caller has read: inside the snapshot, or in the log after (txid, id)."""

    user: str  # the caller it was issued to: another account's cursor says nothing about yours
    issued: int  # epoch seconds of the pull that issued it, checked against the tombstone horizon
    day: str  # the London date of that pull: the first pull of a new day resends that day's households
    txid: int | None  # log position (PostgreSQL); the snapshot's watermark while `entity` is set
    id: int  # log position: the last change row served (or the snapshot's watermark row on SQLite)
    entity: int | None = None  # snapshot only: index into the entities being paged
    key: str | None = None  # snapshot only: the last record id served in that entity

    @property
    def in_snapshot(self) -> bool:
        return self.entity is not None

    def moved(self, **fields) -> "Position":
        return replace(self, **fields)


def _key() -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"doorstep sync cursor", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(position: Position) -> str:
    """The opaque text a client keeps."""
    body = _b64(json.dumps(asdict(position), separators=(",", ":")).encode())
    mac = hmac.new(_key(), f"{VERSION}.{body}".encode(), hashlib.sha256).digest()[:16]
    return f"{VERSION}.{body}.{_b64(mac)}"


def _invalid(why: str) -> DomainError:
    return DomainError("invalid_cursor", f"The cursor is not one this server issued ({why}); start again without one.")


def decode(text: str) -> Position:
    """The position a cursor names, or 400 invalid_cursor for anything we did not issue unchanged."""
    if len(text) > 2000:
        raise _invalid("too long")
    version, _, rest = text.partition(".")
    body, _, mac = rest.partition(".")
    if version != VERSION or not body or not mac:
        raise _invalid("unknown format")
    try:
        expected = hmac.new(_key(), f"{VERSION}.{body}".encode(), hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(_unb64(mac), expected):
            raise _invalid("signature does not match")
        fields = json.loads(_unb64(body))
        return Position(**fields)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise _invalid("unreadable") from exc
