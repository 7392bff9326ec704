"""Encryption at rest for secrets tenants give us (doorstep passwords), with the instance's data key."""

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet() -> Fernet:
    return Fernet(current_app.config["DATA_ENCRYPTION_KEY"])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:  # a changed key is an operations fault, not the caller's
        raise RuntimeError("DATA_ENCRYPTION_KEY cannot decrypt stored data") from exc
