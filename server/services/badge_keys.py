"""The Ed25519 keys that sign badges, and the compact token they sign.

A token is 89 bytes, 119 characters of URL-safe base64: version (1), key id (4), badge id (16),
expiry in Unix seconds (4), and an Ed25519 signature (64) over the rest. Ed25519 is the only
algorithm: there is no header to choose another, so "none" or HMAC tricks have nothing to hold on to.
"""

import base64
import binascii
import hashlib
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from server import encryption
from server.errors import DomainError
from server.extensions import db
from server.models import BadgeKey

VERSION = 1
_DOMAIN = b"doorstep-badge-v1"  # signatures made for badges mean nothing anywhere else
_BODY = struct.Struct(">B4s16sI")
TOKEN_BYTES = _BODY.size + 64


@dataclass(frozen=True)
class Claims:
    kid: str
    badge_id: uuid.UUID
    expires_at: datetime


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _kid(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:8]


def _store(private: Ed25519PrivateKey, now: datetime) -> BadgeKey:
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = _raw_public(private)
    key = BadgeKey(
        kid=_kid(public),
        public_key=_b64(public),
        private_key_encrypted=encryption.encrypt(_b64(raw)),
        created_at=now,
    )
    db.session.add(key)
    db.session.flush()
    return key


def signing_key(now: datetime) -> BadgeKey:
    """The key new badges are signed with: the newest not retired; the configured one to begin with."""
    key = db.session.scalar(
        sa.select(BadgeKey).where(BadgeKey.retired_at.is_(None)).order_by(BadgeKey.created_at.desc()).limit(1)
    )
    if key is not None:
        return key
    configured = Ed25519PrivateKey.from_private_bytes(_unb64(current_app.config["BADGE_SIGNING_KEY"]))
    existing = db.session.get(BadgeKey, _kid(_raw_public(configured)))
    return existing if existing is not None and existing.retired_at is None else _store(configured, now)


def rotate(now: datetime) -> BadgeKey:
    """Start signing with a new key; badges signed with the old one verify until they expire."""
    for key in db.session.scalars(sa.select(BadgeKey).where(BadgeKey.retired_at.is_(None))):
        key.retired_at = now
    return _store(Ed25519PrivateKey.generate(), now)


def withdraw(kid: str, now: datetime) -> BadgeKey:
    """Stop a retired key verifying at all (say, if it leaked); its private half is destroyed."""
    key = db.session.get(BadgeKey, kid)
    if key is None:
        raise DomainError("not_found", f"No badge key {kid}.")
    if key.retired_at is None:
        raise DomainError("invalid_transition", "Rotate to a new key before withdrawing the one in use.")
    key.withdrawn_at, key.private_key_encrypted = now, None
    return key


def sign(key: BadgeKey, badge_id: uuid.UUID, expires_at: datetime) -> str:
    private = Ed25519PrivateKey.from_private_bytes(_unb64(encryption.decrypt(key.private_key_encrypted)))
    body = _BODY.pack(VERSION, bytes.fromhex(key.kid), badge_id.bytes, int(expires_at.timestamp()))
    return _b64(body + private.sign(_DOMAIN + body))


# Public keys by kid. A kid is a hash of its public key, so what is cached can never go stale;
# whether a key was withdrawn is read fresh with the badge (badges._key_in_service).
_PUBLIC_KEYS: dict[str, Ed25519PublicKey] = {}


def _public_key(kid: str) -> Ed25519PublicKey | None:
    if kid not in _PUBLIC_KEYS:
        raw = db.session.scalar(sa.select(BadgeKey.public_key).where(BadgeKey.kid == kid))
        if raw is None:
            return None
        _PUBLIC_KEYS[kid] = Ed25519PublicKey.from_public_bytes(_unb64(raw))
    return _PUBLIC_KEYS[kid]


def verify(token: str) -> Claims | None:
    """The token's claims if it is well formed and signed by one of our keys; else None.

    The caller checks the key is still in service (not withdrawn) when it reads the badge.
    """
    try:
        raw = _unb64(token)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != TOKEN_BYTES or len(token) != len(_b64(raw)):
        return None
    body, signature = raw[: _BODY.size], raw[_BODY.size :]
    version, kid, badge_id, expires = _BODY.unpack(body)
    key = _public_key(kid.hex()) if version == VERSION else None
    if key is None:
        return None
    try:
        key.verify(signature, _DOMAIN + body)
    except InvalidSignature:
        return None
    return Claims(kid.hex(), uuid.UUID(bytes=badge_id), datetime.fromtimestamp(expires, UTC))


def jwks() -> dict:
    """The public keys that still verify badges, as a JSON Web Key Set (OKP, Ed25519)."""
    keys = db.session.scalars(sa.select(BadgeKey).where(BadgeKey.withdrawn_at.is_(None)).order_by(BadgeKey.created_at))
    return {
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": k.kid, "x": k.public_key}
            for k in keys
        ]
    }
